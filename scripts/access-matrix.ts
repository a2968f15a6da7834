/**
 * `npm run access-matrix`: simulates every row of scenarios/*.json against the synthesized stacks,
 * prints the table and writes it to docs/access-matrix.md. Exits 1 when any row's decision differs
 * from its expectation or the row could not be simulated. Uses the AGPL simulator: a dev script only.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  ACCESS_MATRIX_HEADER,
  accessMatrixMarkdown,
  loadScenarioFiles,
  outcomeFailures,
  runScenario,
  type ScenarioOutcome,
} from "../proofs";

const OUTPUT = path.join(__dirname, "..", "docs", "access-matrix.md");
function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]))
        .join(" | ")
        .trimEnd()}\n`,
    );
}

async function main(): Promise<void> {
  const results: Array<{ outcome: ScenarioOutcome; failures: string[] }> = [];
  for (const file of loadScenarioFiles()) {
    for (const row of file.scenarios) {
      const outcome = await runScenario(file, row);
      results.push({ outcome, failures: outcomeFailures(outcome, row) });
    }
  }
  printTable([
    [...ACCESS_MATRIX_HEADER],
    ...results.map(({ outcome, failures }) => [
      outcome.file === `${outcome.stack}.json` ? outcome.stack : `${outcome.stack} (${outcome.file})`,
      outcome.scenario + (outcome.unsafe ? " †" : ""),
      outcome.expected,
      failures.length > 0 ? `${outcome.decision} ✗` : outcome.decision,
      outcome.decidedBy || "-",
    ]),
  ]);
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, accessMatrixMarkdown(results));
  const failed = results.filter((r) => r.failures.length > 0);
  process.stdout.write(
    `\n${results.length} scenarios, ${failed.length} failing; wrote ${path.relative(process.cwd(), OUTPUT)}\n`,
  );
  for (const { outcome, failures } of failed) {
    process.stderr.write(`✗ ${outcome.file} > ${outcome.scenario}\n  ${failures.join("\n  ")}\n`);
  }
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
