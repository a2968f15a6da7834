/**
 * Starts the Terraform checks first. They are the longest file by far and mostly wait on Terraform
 * processes, so on a 2-core machine the other worker runs every other file meanwhile; started last
 * (jest's own order on a fresh clone is by file size), they would run alone at the end.
 */
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

const TERRAFORM = `${require("node:path").sep}__tests__${require("node:path").sep}terraform${require("node:path").sep}`;

class TerraformFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const terraform = (t) => t.path.includes(TERRAFORM);
    return [...sorted.filter(terraform), ...sorted.filter((t) => !terraform(t))];
  }
}

module.exports = TerraformFirst;
