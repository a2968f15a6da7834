/**
 * The synthesized state paths, run by the real Terraform: the private-access backend and the
 * ssm-instance-arn backend and cross-stack read, exactly as synthesized, in a checkout laid out as
 * cdktf lays it out (`<root>/cdktf.out/stacks/<id>/`). State lands at the root, the read finds it, and
 * both still work after the whole checkout is moved. Only the built-in `terraform_remote_state` runs:
 * no provider, no AWS.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  backendKind,
  findTerraform,
  terraform,
  terraformEnv,
  writeThrowawayBackend,
} from "../../scripts/lib/terraform";
import { configWithStateOf, STATE_EXAMPLES, synthApp, synthCached } from "../helpers";

const SOURCE = "private-access";
const READER = "ssm-instance-arn";

(findTerraform() ? describe : describe.skip)("state paths under the real Terraform", () => {
  const workRoot = mkdtempSync(path.join(tmpdir(), "guardrails-state-"));
  afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

  test(`${READER} reads ${SOURCE}'s state through the synthesized relative paths, before and after the checkout moves`, async () => {
    const { stacks } = synthCached();
    // The reader's read of SOURCE (it also reads session-preferences, the same way).
    const readName = `cross-stack-reference-input-${SOURCE}`;
    const allReads = stacks[READER].data?.terraform_remote_state as Record<string, unknown>;
    expect(Object.keys(allReads)).toContain(readName);
    const reads = { [readName]: allReads[readName] };
    // The output the reader's policy reads: `${data.terraform_remote_state.<name>.outputs.<output>}`.
    const [, outputName] =
      new RegExp(`${readName}\\.outputs\\.([A-Za-z0-9_-]+)`).exec(JSON.stringify(stacks[READER])) ?? [];
    expect(outputName).toBeDefined();

    // An absolute path would make this test write the developer's real state: refuse before running.
    const paths = [stacks[SOURCE].terraform?.backend, stacks[READER].terraform?.backend, reads].map((v) =>
      JSON.stringify(v),
    );
    expect(paths.filter((p) => /"path":"(\/|\\|[A-Za-z]:)/.test(p))).toEqual([]);

    const env = terraformEnv(workRoot);
    const checkout = path.join(workRoot, "checkout");
    const stackDir = (root: string, id: string) => path.join(root, "cdktf.out", "stacks", id);
    const write = (id: string, json: object) => {
      mkdirSync(stackDir(checkout, id), { recursive: true });
      writeFileSync(path.join(stackDir(checkout, id), "cdk.tf.json"), JSON.stringify(json));
    };
    write(SOURCE, {
      terraform: { backend: stacks[SOURCE].terraform?.backend },
      output: { [outputName]: { value: "i-0123456789abcdef0" } },
    });
    write(READER, {
      terraform: { backend: stacks[READER].terraform?.backend },
      data: { terraform_remote_state: reads },
      output: { Read: { value: `\${data.terraform_remote_state.${readName}.outputs.${outputName}}` } },
    });

    for (const id of [SOURCE, READER]) {
      for (const args of [
        ["init", "-no-color"],
        ["apply", "-auto-approve", "-no-color"],
      ]) {
        const r = await terraform(args, stackDir(checkout, id), env);
        expect({ id, args, ok: r.ok, output: r.ok ? "" : r.output }).toEqual({ id, args, ok: true, output: "" });
      }
    }
    expect(existsSync(path.join(checkout, `terraform.${SOURCE}.tfstate`))).toBe(true);
    expect(existsSync(path.join(checkout, `terraform.${READER}.tfstate`))).toBe(true);

    const moved = path.join(workRoot, "elsewhere", "checkout");
    mkdirSync(path.dirname(moved));
    renameSync(checkout, moved);
    const output = await terraform(["output", "-raw", "Read"], stackDir(moved, READER), env);
    expect(output.output.trim()).toBe("i-0123456789abcdef0");
    // Exit code 0: the moved checkout found its state and the read, and nothing would change.
    const plan = await terraform(["plan", "-detailed-exitcode", "-no-color"], stackDir(moved, READER), env);
    expect(plan.ok ? "" : plan.output).toBe("");
  });

  /**
   * The offline plan's protection (scripts/offline-plan.ts): with s3 or cloud state, the stack folder
   * gets a throwaway local backend. Checked on the stack's own synthesized `terraform` block (backend or
   * cloud, without the provider: no schema to load), by a real init and apply. Terraform runs here with
   * no AWS credentials and no HCP Terraform token, so a backend left in effect fails the init.
   */
  const shared = Object.entries(STATE_EXAMPLES).map(([kind, example]) => {
    const { stacks, outdir } = synthApp({ config: configWithStateOf(example) });
    rmSync(outdir, { recursive: true, force: true });
    return [kind, stacks[SOURCE]] as const;
  });

  test.each(shared)(
    `with %s state, ${SOURCE}'s folder plans and applies against a throwaway local state, never the shared one`,
    async (kind, stack) => {
      expect(backendKind(stack)).toBe(kind);
      const env = terraformEnv(workRoot);
      const dir = path.join(workRoot, `throwaway-${kind}`);
      mkdirSync(dir, { recursive: true });
      const { backend, cloud } = stack.terraform as Record<string, unknown>;
      writeFileSync(
        path.join(dir, "cdk.tf.json"),
        JSON.stringify({ terraform: { backend, cloud }, output: { Planned: { value: kind } } }),
      );
      const statePath = path.join(workRoot, `throwaway-${kind}.tfstate`);
      writeThrowawayBackend(dir, statePath);
      for (const args of [
        ["init", "-no-color"],
        ["apply", "-auto-approve", "-no-color"],
      ]) {
        const r = await terraform(args, dir, env);
        expect({ kind, args, ok: r.ok, output: r.ok ? "" : r.output }).toEqual({ kind, args, ok: true, output: "" });
      }
      expect(JSON.parse(readFileSync(statePath, "utf8")).outputs.Planned.value).toBe(kind);
    },
  );

  test("without the throwaway backend, the s3 state cannot even be initialized here: the check above would fail loudly", async () => {
    const [, stack] = shared.find(([kind]) => kind === "s3")!;
    const dir = path.join(workRoot, "no-throwaway-s3");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend: stack.terraform?.backend } }));
    const r = await terraform(["init", "-no-color"], dir, terraformEnv(workRoot));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/No valid credential sources found/);
  });
});
