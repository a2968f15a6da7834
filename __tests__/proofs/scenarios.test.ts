import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import {
  accessMatrixMarkdown,
  loadScenarioFile,
  outcomeFailures,
  runScenario,
  SCENARIO_DIR,
  type Scenario,
  type ScenarioFile,
  type ScenarioOutcome,
} from "../../proofs";
import { testStacks } from "./stacks";

/*
 * Every row of every scenarios/*.json is one test, simulated against the policies of the synthesized
 * stack the file names. A file that does not validate is one failing test naming the file and the row.
 */
const files = readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const loaded: Array<{ file: string; table?: ScenarioFile; error?: string }> = files.map((file) => {
  try {
    return { file, table: loadScenarioFile(path.join(SCENARIO_DIR, file)) };
  } catch (err) {
    return { file, error: (err as Error).message };
  }
});
const rows: Array<[string, ScenarioFile, Scenario]> = loaded.flatMap(({ table }) =>
  table
    ? table.scenarios.map((row): [string, ScenarioFile, Scenario] => [`${table.file} > ${row.name}`, table, row])
    : [],
);

describe("scenario files", () => {
  test("the private-access table exists, so the suite always proves at least one stack", () => {
    expect(files).toContain("private-access.json");
  });

  test.each(loaded.map((l) => [l.file, l.error] as const))("%s follows the scenario contract", (_file, error) => {
    if (error !== undefined) throw new Error(error);
  });
});

/** Outcomes by row, kept for the matrix check at the end. */
const outcomes = new Map<Scenario, ScenarioOutcome>();

describe("access scenarios", () => {
  test.each(rows)("%s", async (title, table, row) => {
    const outcome = await runScenario(table, row, testStacks);
    outcomes.set(row, outcome);
    const failures = outcomeFailures(outcome, row);
    if (failures.length > 0) {
      throw new Error(`Scenario "${title}" (stack ${table.stack}) does not hold:\n  ${failures.join("\n  ")}`);
    }
    expect(outcome.decision).toBe(row.expect);
  });
});

describe("access matrix", () => {
  test("docs/access-matrix.md is what the scenarios prove now (regenerate with npm run access-matrix)", async () => {
    // Rows filtered out of this run (jest -t) are simulated here, so the comparison is always whole.
    const results = [];
    for (const [, table, row] of rows) {
      const outcome = outcomes.get(row) ?? (await runScenario(table, row, testStacks));
      results.push({ outcome, failures: outcomeFailures(outcome, row) });
    }
    const committed = readFileSync(path.join(SCENARIO_DIR, "..", "docs", "access-matrix.md"), "utf8");
    expect(accessMatrixMarkdown(results)).toBe(committed);
  });
});
