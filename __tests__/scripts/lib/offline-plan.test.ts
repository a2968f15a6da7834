/**
 * The offline plan's preparation and report (scripts/lib/offline-plan.ts), on small stacks shaped as
 * cdktf writes them. That the prepared folders plan with the real Terraform is proven by the Terraform
 * layer (__tests__/terraform/offline.test.ts plans them; state-paths.test.ts runs their state plumbing).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TfJson } from "../../../lib/tfjson";
import { writeFakeTerraform } from "../../helpers/fake-terraform";
import {
  diagnosticsOf,
  OVERRIDE_FILE,
  planInTests,
  prepareOfflinePlan,
  readPlan,
  summaryTable,
  type PreparedStack,
} from "../../../scripts/lib/offline-plan";

const ACCOUNT = "111111111111";
/** Two producers and a reader of both, as cdktf writes cross-stack references (the reader's backend is S3). */
const stacks = {
  "session-preferences": {
    provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [ACCOUNT] }] },
    resource: { aws_kms_key: { SessionKey: {} } },
    output: { "cross-stack-output-key": { value: "${aws_kms_key.SessionKey.arn}", sensitive: true } },
  },
  "private-access": {
    provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [ACCOUNT] }] },
    resource: { aws_instance: { Target: {} } },
    output: { "cross-stack-output-instance": { value: "${aws_instance.Target.id}", sensitive: true } },
  },
  "ssm-instance-arn": {
    terraform: { backend: { s3: { bucket: "team-state", key: "ssm-instance-arn.tfstate", region: "eu-west-1" } } },
    data: {
      terraform_remote_state: {
        "cross-stack-reference-input-session-preferences": {
          backend: "s3",
          config: { bucket: "team-state", key: "session-preferences.tfstate", region: "eu-west-1" },
          workspace: "${terraform.workspace}",
        },
        "cross-stack-reference-input-private-access": {
          backend: "s3",
          config: { bucket: "team-state", key: "private-access.tfstate", region: "eu-west-1" },
          workspace: "${terraform.workspace}",
        },
      },
    },
    resource: {
      aws_iam_policy: {
        P: {
          policy:
            "${data.terraform_remote_state.cross-stack-reference-input-session-preferences.outputs.cross-stack-output-key}," +
            "${data.terraform_remote_state.cross-stack-reference-input-private-access.outputs.cross-stack-output-instance}",
        },
      },
    },
  },
} as unknown as Record<string, TfJson>;

describe("prepareOfflinePlan", () => {
  const root = mkdtempSync(path.join(tmpdir(), "guardrails-offline-plan-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const outdir = path.join(root, "cdktf.out");
  for (const id of Object.keys(stacks)) mkdirSync(path.join(outdir, "stacks", id), { recursive: true });
  const work = path.join(root, "work");
  const prepared = prepareOfflinePlan({ outdir, stacks }, stacks, work);
  const override = (id: string) => JSON.parse(readFileSync(path.join(prepared[id].dir, OVERRIDE_FILE), "utf8"));
  const state = (file: string) => JSON.parse(readFileSync(file, "utf8"));

  test("gives every stack a local backend in the work folder, whatever backend it names", () => {
    for (const id of Object.keys(stacks)) {
      expect(override(id).terraform).toEqual({
        backend: { local: { path: path.join(work, "state", `${id}.tfstate`) } },
      });
      expect(prepared[id].statePath).toBe(path.join(work, "state", `${id}.tfstate`));
    }
  });

  test("points each read of another stack's state at that stack's placeholder state, and nothing else", () => {
    expect(override("ssm-instance-arn").data).toEqual({
      terraform_remote_state: {
        "cross-stack-reference-input-session-preferences": {
          backend: "local",
          config: { path: path.join(work, "placeholder-state", "session-preferences.tfstate") },
        },
        "cross-stack-reference-input-private-access": {
          backend: "local",
          config: { path: path.join(work, "placeholder-state", "private-access.tfstate") },
        },
      },
    });
    expect(override("private-access").data).toBeUndefined();
    expect(prepared["ssm-instance-arn"].placeholders.map((p) => p.producer)).toEqual([
      "session-preferences",
      "private-access",
    ]);
    expect(prepared["private-access"].placeholders).toEqual([]);
  });

  test("writes each placeholder as a version 4 state with the producer's outputs, valued from its synthesized attributes", () => {
    const instance = state(path.join(work, "placeholder-state", "private-access.tfstate"));
    expect(instance).toMatchObject({ version: 4, resources: [] });
    expect(instance.outputs).toEqual({
      "cross-stack-output-instance": { value: "i-0123456789abcdef0", type: "string", sensitive: true },
    });
    const key = state(path.join(work, "placeholder-state", "session-preferences.tfstate"));
    expect(key.outputs["cross-stack-output-key"].value).toMatch(new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/`));
  });
});

describe("the offline plan's report", () => {
  test("reads the counts of a plan, a plan without changes, and a plan that stopped", () => {
    const plan = "…\n│ Warning: Argument is deprecated\n│ \nPlan: 38 to add, 0 to change, 0 to destroy.\n";
    expect(readPlan(plan)).toEqual({ toAdd: 38, toChange: 0, toDestroy: 0, warnings: ["Argument is deprecated"] });
    // `terraform test` prints diagnostics without the box.
    expect(readPlan("Warning: Deprecated\n\nNo changes. Your infrastructure matches the configuration.")).toEqual({
      toAdd: 0,
      toChange: 0,
      toDestroy: 0,
      warnings: ["Deprecated"],
    });
    expect(readPlan("Error: Unable to find remote state")).toEqual({ warnings: [] });
  });

  test("keeps the diagnostics of a shared stderr that name the stack's test file or folder", () => {
    const stderr = [
      "Error: Unable to find remote state\n\n  on ../cdktf.out/stacks/private-access/cdk.tf.json line 32\n",
      "Error: Invalid value\n\n  on ssm-abac.offline.tftest.hcl line 1\n",
    ].join("\n");
    expect(diagnosticsOf(stderr, "private-access")).toContain("Unable to find remote state");
    expect(diagnosticsOf(stderr, "private-access")).not.toContain("Invalid value");
    expect(diagnosticsOf(stderr, "ssm-abac")).toContain("Invalid value");
    expect(diagnosticsOf(stderr, "audit")).toBe("");
  });

  test("prints one row per stack: to add, warnings, placeholder reads and the result", () => {
    const table = summaryTable([
      { stack: "session-preferences", ok: true, toAdd: 4, warnings: 0, placeholders: [] },
      { stack: "ssm-instance-arn", ok: false, warnings: 2, placeholders: ["session-preferences", "private-access"] },
    ]);
    expect(table.split("\n")).toEqual([
      "stack                to add  warnings  reads answered by placeholders       result",
      "-------------------  ------  --------  -----------------------------------  -------",
      "session-preferences  4       0         -                                    planned",
      "ssm-instance-arn     -       2         session-preferences, private-access  FAILED",
    ]);
  });
});

/**
 * planInTests against a stand-in `terraform` (a shell script first on PATH) that answers `init` and
 * prints, for `test`, what Terraform prints per test file: the script's bookkeeping is what is checked
 * here, the real plans are the Terraform layer's.
 */
describe("planInTests", () => {
  const root = mkdtempSync(path.join(tmpdir(), "guardrails-plan-in-tests-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const log = path.join(root, "calls.log");
  const env = writeFakeTerraform(root, {
    log,
    failing: "broken",
    error: "Error: Unable to find remote state (stacks/$id/cdk.tf.json)",
    warnings: ["Warning: Deprecated"],
    toAdd: 3,
  });
  const stack = (id: string): PreparedStack => ({
    id,
    dir: path.join(root, "stacks", id),
    statePath: "",
    placeholders: [],
  });
  const ids = ["fine", "broken", "other"];

  test("plans every stack in two processes and reports each one's counts, warnings and errors", async () => {
    const results = await planInTests(
      Object.fromEntries(ids.map((id) => [id, stack(id)])),
      ids,
      path.join(root, "t"),
      env,
    );
    expect(Object.fromEntries(ids.map((id) => [id, [results[id].ok, results[id].report.toAdd]]))).toEqual({
      fine: [true, 3],
      broken: [false, undefined],
      other: [true, 3],
    });
    expect(results.fine.report.warnings).toEqual(["Deprecated"]);
    expect(results.broken.output).toContain("Unable to find remote state");
    expect(results.fine.output).not.toContain("Unable to find remote state");
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls.filter((c) => c.startsWith("init"))).toHaveLength(1);
    const tests = calls.filter((c) => c.startsWith("test"));
    expect(tests).toHaveLength(2);
    // Each stack in exactly one process.
    for (const id of ids) expect(tests.filter((c) => c.includes(`-filter=${id}.offline.tftest.hcl`))).toHaveLength(1);
    // Each test file plans the stack's folder, as the Terraform layer's do.
    expect(readFileSync(path.join(root, "t", "fine.offline.tftest.hcl"), "utf8")).toContain(
      `source = "${path.relative(path.join(root, "t"), stack("fine").dir)}"`,
    );
  });
});
