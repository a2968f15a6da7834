/**
 * Terraform checks on the synthesized stacks, with no AWS access at all:
 * - `terraform validate` with the real hashicorp/aws provider (local mirror here, registry elsewhere);
 * - `terraform test` planning and applying every stack against a mocked provider, cross-stack inputs
 *   overridden (the only way a dependent stack plans before its source stack has state);
 * - a real `terraform plan` of every self-contained stack synthesized in offline mode, which proves the
 *   offline provider configuration makes no AWS call;
 * - for stacks that keep evidence (`lifecycle.prevent_destroy`, the audit stack by default), `terraform
 *   test` cannot tear down what it applied: the default synthesis proves Terraform refuses that destroy
 *   at plan time and deletes nothing, and the mocked plan+apply+destroy runs on a synthesis with
 *   `audit.allowDestroy: true`.
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
import { synthApp, testConfig, type TfJson } from "../helpers";

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

/** Terraform addresses of a stack's resources, and those that refuse destroy. */
const addresses = (stack: TfJson, which: (resource: Record<string, unknown>) => boolean = () => true) =>
  Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).filter(([, r]) => which(r)).map(([name]) => `${type}.${name}`),
  );
const preventsDestroy = (r: Record<string, unknown>) => (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
/** Stacks holding evidence by default: `terraform test`'s teardown must be refused on them. */
const retaining = stackIds.filter((id) => addresses(online.stacks[id], preventsDestroy).length > 0);
/** The same stacks synthesized to allow destroy, so their mocked apply is also torn down. */
const destroyable = synthApp({ offline: false, config: testConfig({ audit: { allowDestroy: true } }) }, true);

interface StackResults {
  init?: CommandResult;
  validate?: CommandResult;
  test?: CommandResult;
  destroyableInit?: CommandResult;
  destroyableTest?: CommandResult;
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
    const destroyableDirs = stackDirs(destroyable.outdir);

    // Keep any real state of the developer's out of reach: plans use a throwaway local backend.
    for (const id of selfContained) {
      writeFileSync(
        path.join(offlineDirs[id], "override.tf.json"),
        JSON.stringify({ terraform: { backend: { local: { path: path.join(workRoot, `${id}.tfstate`) } } } }),
      );
    }

    // Runs alone, first: without a mirror it also fills the plugin cache the parallel inits then read.
    const withArn = await arnTypes(workRoot, env);

    type Job = { id: string; kind: "mocked" | "destroyable" | "offline" };
    const jobs: Job[] = [
      ...stackIds.map((id) => ({ id, kind: "mocked" as const })),
      ...retaining.map((id) => ({ id, kind: "destroyable" as const })),
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
      } else if (kind === "destroyable") {
        const dir = destroyableDirs[id];
        r.destroyableInit = await terraform(["init", "-backend=false", "-no-color"], dir, env);
        if (!r.destroyableInit.ok) return;
        writeFileSync(path.join(dir, "offline.tftest.hcl"), mockTestFile(destroyable.stacks[id], withArn));
        r.destroyableTest = await terraform(["test", "-no-color"], dir, env);
      } else {
        const dir = offlineDirs[id];
        r.offlineInit = await terraform(["init", "-no-color", "-reconfigure"], dir, env);
        if (!r.offlineInit.ok) return;
        r.offlinePlan = await terraform(["plan", "-no-color", "-lock=false", "-input=false"], dir, env);
      }
    });
  }, 600_000);

  afterAll(() => {
    for (const dir of [workRoot, online.outdir, offline.outdir, destroyable.outdir]) rmSync(dir, { recursive: true, force: true });
  });

  test.each(stackIds)("%s passes terraform validate with the real provider", (id) => {
    const { init, validate } = results[id];
    expect({ init: init?.ok, output: init?.ok ? "" : show(init) }).toEqual({ init: true, output: "" });
    expect({ valid: validate?.ok, output: validate?.ok ? "" : show(validate) }).toEqual({ valid: true, output: "" });
    expect(validate?.output).toContain("The configuration is valid");
  });

  test.each(stackIds)("%s plans and applies against a mocked AWS provider", (id) => {
    // Evidence-keeping stacks: the synthesis that allows destroy, so the teardown is checked too.
    const result = retaining.includes(id) ? results[id].destroyableTest : results[id].test;
    expect({ passed: result?.ok, output: result?.ok ? "" : show(result) }).toEqual({ passed: true, output: "" });
    expect(result?.output).toMatch(/Success! 2 passed, 0 failed\./);
  });

  test("the audit stack keeps evidence by default, so its destroy is proven refused", () => {
    expect(retaining).toEqual(["audit"]);
  });

  test.each(retaining)("%s as configured by default: Terraform refuses the destroy at plan time and deletes nothing", (id) => {
    const output = results[id].test?.output ?? "(did not run)";
    // Plan and apply pass; only the teardown fails.
    expect({ applied: /Failure! 2 passed, 0 failed\./.test(output), output: show(results[id].test) }).toMatchObject({ applied: true });
    // Terraform stops the destroy walk at the first refusals (here the bucket's policy, encryption...),
    // so not every prevent_destroy resource is named; each one named must carry prevent_destroy.
    const refused = [...output.matchAll(/Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)].map((m) => m[1]);
    expect(refused.length).toBeGreaterThan(0);
    expect(addresses(online.stacks[id], preventsDestroy)).toEqual(expect.arrayContaining(refused));
    // Every resource is still in state: the refused plan deleted nothing, not even the trail or the log group.
    const left = output.slice(output.indexOf("Terraform left the following resources in state"));
    const leftInState = [...left.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]).sort();
    expect(leftInState).toEqual(addresses(online.stacks[id]).sort());
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
