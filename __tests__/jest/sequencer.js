/**
 * The order test files start in. On a fresh clone jest has no timings and starts the largest files
 * first, so a small file that costs seconds starts last and runs alone on one core at the end:
 * - the Terraform checks first (`npm run test:terraform`, or `npx jest` with both layers): the longest
 *   file by far, mostly waiting on Terraform processes, so the other worker runs every other file
 *   meanwhile;
 * - then the files whose cost is out of all proportion to their size, because each synthesizes many
 *   configurations (each scenario file's own, the state backends' variants): measured with
 *   `jest --json`, scenarios.test.ts (2.7 kB) took ~6 s and state-backends.test.ts (8.6 kB) ~5 s, and
 *   started 38th and 22nd of 50;
 * - then jest's own order.
 */
"use strict";
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const TERRAFORM = `${path.sep}__tests__${path.sep}terraform${path.sep}`;
const COSTLY_FOR_THEIR_SIZE = [
  path.join("__tests__", "proofs", "scenarios.test.ts"),
  path.join("__tests__", "lib", "stack", "state-backends.test.ts"),
];

class CostliestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (t) => {
      if (t.path.includes(TERRAFORM)) return 0;
      const costly = COSTLY_FOR_THEIR_SIZE.findIndex((f) => t.path.endsWith(f));
      return costly >= 0 ? 1 + costly : COSTLY_FOR_THEIR_SIZE.length + 1;
    };
    // Array.prototype.sort is stable: within a rank, jest's own order is kept.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = CostliestFirst;
