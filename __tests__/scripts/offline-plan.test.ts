/**
 * `npm run plan:offline` as a command, against a stand-in `terraform` (a shell script first on PATH):
 * its order, its one line per stack whose reads get placeholders, its summary and its exit code. The
 * real plans of the folders it prepares are the Terraform layer's (__tests__/terraform/offline.test.ts).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deployOrder, READS_FROM, STACK_IDS } from "../../lib/stack/dependencies";
import { readSynthesis } from "../../lib/tfjson";
import { offlinePlan } from "../../scripts/offline-plan";
import { synthCached } from "../helpers";
import { writeFakeTerraform } from "../helpers/fake-terraform";

const root = mkdtempSync(path.join(tmpdir(), "guardrails-offline-plan-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** Prints what `terraform test` prints per file; the stack named in FAKE_FAIL fails to plan. */
const fakeTerraform = writeFakeTerraform(root, {
  failing: "$FAKE_FAIL",
  error: "Error: Invalid provider configuration (stacks/$id/cdk.tf.json)",
  toAdd: 7,
});

async function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const env = {
    ...process.env,
    ACCESS_GUARDRAILS_CONFIG: "",
    ...extraEnv,
    PATH: fakeTerraform.PATH,
  };
  const code = await offlinePlan(args, {
    root,
    env,
    stdout: (t) => (stdout += t.toString()),
    stderr: (t) => (stderr += t.toString()),
    // The run's shared syntheses of the default configuration, copied where the command writes: the
    // command's own synthesis is main.ts's defineStacks, which the rest of the suite checks.
    synth: (settings, outdir) => {
      const shared = synthCached({ offline: settings.offline, config: settings.config });
      if (outdir === undefined) return shared;
      cpSync(shared.outdir, outdir, { recursive: true });
      return readSynthesis(outdir);
    },
  });
  return { code, stdout, stderr };
}

describe("npm run plan:offline", () => {
  test("with no stack, plans every stack in dependency order, says which reads get placeholders, and names the one that failed", async () => {
    const { code, stdout, stderr } = await run([], { FAKE_FAIL: "ssm-abac" });
    expect(code).toBe(1);
    expect(stderr).toContain("The offline plan failed for ssm-abac.");
    expect(stderr).toContain("Error: Invalid provider configuration (stacks/ssm-abac/cdk.tf.json)");

    const rows = stdout
      .slice(stdout.indexOf("stack  "))
      .split("\n")
      .slice(2)
      .filter((line) => /^\S+\s+(\d+|-)\s+\d+\s/.test(line))
      .map((line) => line.split(/\s{2,}/));
    expect(rows.map(([stack]) => stack)).toEqual(deployOrder(STACK_IDS));
    for (const [stack, toAdd, , reads, result] of rows) {
      const failed = stack === "ssm-abac";
      expect({ stack, toAdd, result }).toEqual({
        stack,
        toAdd: failed ? "-" : "7",
        result: failed ? "FAILED" : "planned",
      });
      expect({ stack, reads: reads === "-" ? [] : reads.split(", ").sort() }).toEqual({
        stack,
        reads: [...READS_FROM[stack as keyof typeof READS_FROM]].sort(),
      });
    }
    // One line per stack whose reads were answered with placeholders.
    const readers = STACK_IDS.filter((id) => READS_FROM[id].length > 0);
    for (const id of readers) {
      expect(stdout.split("\n").filter((l) => l.startsWith(`${id}: its reads of the state of`))).toHaveLength(1);
    }
    // Each stack's plan is kept for reading.
    for (const id of STACK_IDS)
      expect(existsSync(path.join(root, ".tmp", "offline-plan", "plans", `${id}.txt`))).toBe(true);
    expect(readFileSync(path.join(root, ".tmp", "offline-plan", "plans", "audit.txt"), "utf8")).toContain(
      "Plan: 7 to add",
    );
  });

  test("refuses terraform plan flags without a stack to plan, saying how to name one", async () => {
    const { code, stderr } = await run(["-no-color"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "The flags -no-color are for terraform plan, which runs for named stacks: npm run plan:offline -- private-access -no-color\n",
    );
  });
});
