/**
 * Terraform checks on the synthesized stacks, with no AWS access at all:
 * - `terraform validate` with the real hashicorp/aws provider (local mirror here, registry elsewhere);
 * - `terraform test` planning and applying every stack against a mocked provider, cross-stack inputs
 *   overridden (the only way a dependent stack plans before its source stack has state);
 * - a real `terraform plan` of every self-contained stack synthesized in offline mode, which proves the
 *   offline provider configuration makes no AWS call.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  arnTypes,
  findTerraform,
  inParallel,
  mockTestFile,
  stackDirs,
  terraform,
  terraformEnv,
  type CommandResult,
} from "../../scripts/lib/terraform";
import { synthApp } from "../helpers";

const terraformFound = findTerraform() !== undefined;
if (!terraformFound) {
  // One loud line: the rest of the suite runs, but nobody may read a green run as "Terraform checked".
  console.warn("!!! TERRAFORM NOT ON PATH: terraform validate / test / offline plan were NOT run !!!");
}

const online = synthApp({ offline: false }, true);
const offline = synthApp({ offline: true }, true);
const stackIds = Object.keys(online.stacks).sort();
/** Stacks that read another stack's state cannot be planned for real before that stack is applied. */
const selfContained = stackIds.filter((id) => !offline.stacks[id].data?.terraform_remote_state);

interface StackResults {
  init?: CommandResult;
  validate?: CommandResult;
  test?: CommandResult;
  offlineInit?: CommandResult;
  offlinePlan?: CommandResult;
}
const results: Record<string, StackResults> = Object.fromEntries(stackIds.map((id) => [id, {}]));

const show = (r: CommandResult | undefined) => (r ? r.output.slice(-4000) : "(did not run)");

(terraformFound ? describe : describe.skip)("terraform checks on every synthesized stack", () => {
  const workRoot = mkdtempSync(path.join(tmpdir(), "guardrails-tf-"));

  beforeAll(async () => {
    const env = terraformEnv(workRoot);
    const onlineDirs = stackDirs(online.outdir);
    const offlineDirs = stackDirs(offline.outdir);

    // Keep any real state of the developer's out of reach: plans use a throwaway local backend.
    for (const id of selfContained) {
      writeFileSync(
        path.join(offlineDirs[id], "override.tf.json"),
        JSON.stringify({ terraform: { backend: { local: { path: path.join(workRoot, `${id}.tfstate`) } } } }),
      );
    }

    // Runs alone, first: without a mirror it also fills the plugin cache the parallel inits then read.
    const withArn = await arnTypes(workRoot, env);

    type Job = { id: string; kind: "mocked" | "offline" };
    const jobs: Job[] = [
      ...stackIds.map((id) => ({ id, kind: "mocked" as const })),
      ...selfContained.map((id) => ({ id, kind: "offline" as const })),
    ];
    await inParallel(jobs, 2, async ({ id, kind }) => {
      const r = results[id];
      if (kind === "mocked") {
        const dir = onlineDirs[id];
        r.init = await terraform(["init", "-backend=false", "-no-color"], dir, env);
        if (!r.init.ok) return;
        r.validate = await terraform(["validate", "-no-color"], dir, env);
        writeFileSync(path.join(dir, "offline.tftest.hcl"), mockTestFile(online.stacks[id], withArn));
        r.test = await terraform(["test", "-no-color"], dir, env);
      } else {
        const dir = offlineDirs[id];
        r.offlineInit = await terraform(["init", "-no-color", "-reconfigure"], dir, env);
        if (!r.offlineInit.ok) return;
        r.offlinePlan = await terraform(["plan", "-no-color", "-lock=false", "-input=false"], dir, env);
      }
    });
  }, 600_000);

  afterAll(() => {
    for (const dir of [workRoot, online.outdir, offline.outdir]) rmSync(dir, { recursive: true, force: true });
  });

  test.each(stackIds)("%s passes terraform validate with the real provider", (id) => {
    const { init, validate } = results[id];
    expect({ init: init?.ok, output: init?.ok ? "" : show(init) }).toEqual({ init: true, output: "" });
    expect({ valid: validate?.ok, output: validate?.ok ? "" : show(validate) }).toEqual({ valid: true, output: "" });
    expect(validate?.output).toContain("The configuration is valid");
  });

  test.each(stackIds)("%s plans and applies against a mocked AWS provider", (id) => {
    const { test: result } = results[id];
    expect({ passed: result?.ok, output: result?.ok ? "" : show(result) }).toEqual({ passed: true, output: "" });
    expect(result?.output).toMatch(/Success! 2 passed, 0 failed\./);
  });

  test("every stack without cross-stack inputs is planned for real", () => {
    expect(selfContained).toContain("private-access");
  });

  test.each(selfContained)("%s plans in offline mode with dummy credentials and no AWS call", (id) => {
    const { offlineInit, offlinePlan } = results[id];
    expect({ init: offlineInit?.ok, output: offlineInit?.ok ? "" : show(offlineInit) }).toEqual({ init: true, output: "" });
    expect({ planned: offlinePlan?.ok, output: offlinePlan?.ok ? "" : show(offlinePlan) }).toEqual({ planned: true, output: "" });
    expect(offlinePlan?.output).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
