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
import { prepareOfflinePlan } from "../../scripts/lib/offline-plan";
import { backendKind, findTerraform, inParallel, terraform, terraformEnv } from "../../scripts/lib/terraform";
import { readConfigFile } from "../../lib/config";
import { configWithStateOf, STATE_EXAMPLES, synthApp, synthCached, type TfJson } from "../helpers";
import { EXAMPLES } from "../helpers/network-modes";

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
   * The offline plan's preparation (scripts/lib/offline-plan.ts) with s3 or cloud state: each stack folder
   * gets a throwaway local backend, and each read of another stack's state is pointed at a placeholder
   * state. Checked on every reader's own synthesized `terraform` block (backend or cloud) and
   * `terraform_remote_state` data sources, exactly as synthesized and prepared, without the provider (no
   * schema to load): a real init and apply, whose outputs echo every value the stack reads. Terraform
   * runs here with no AWS credentials and no HCP Terraform token, so a backend or a read left pointing at
   * S3 or HCP Terraform fails. S3 state is config/examples/organisation.json's, whose every stack
   * __tests__/terraform/offline.test.ts plans for real from the same preparation; HCP Terraform's is the
   * default configuration with config/examples/state-cloud.json's state, whose stacks are, apart from
   * their backend and these reads, the default configuration's (__tests__/lib/stack/state-backends.test.ts),
   * which offline.test.ts plans for real: together, every stack plans offline with shared state.
   */
  const shared = (
    [
      // The organisation's ready configuration (its state is config/examples/state-s3.json's).
      ["s3", readConfigFile(EXAMPLES.organisation)],
      ["cloud", configWithStateOf(STATE_EXAMPLES.cloud)],
    ] as const
  ).map(([kind, config]) => {
    const { stacks, outdir } = synthApp({ config });
    rmSync(outdir, { recursive: true, force: true });
    return [kind, stacks] as const;
  });
  /** A stack's state plumbing: its backend, its reads, and one output echoing each value it reads. */
  const plumbing = (stack: TfJson): TfJson => {
    const { backend, cloud } = stack.terraform as Record<string, unknown>;
    const reads = stack.data?.terraform_remote_state ?? {};
    const used = [...JSON.stringify(stack).matchAll(/data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g)];
    const output = Object.fromEntries(
      [...new Set(used.map((m) => m[0]))].map((ref, i) => [`Read${i}`, { value: `\${${ref}}` }]),
    );
    return { terraform: { backend, cloud }, data: { terraform_remote_state: reads }, output };
  };

  test.each(shared)(
    "with %s state, every stack that reads another's state plans against a throwaway local state, each read answered by its placeholder",
    async (kind, stacks) => {
      const readers = Object.keys(stacks).filter((id) => stacks[id].data?.terraform_remote_state);
      expect(readers).toEqual(expect.arrayContaining(["private-access", "ssm-instance-arn"]));
      for (const id of readers) expect(backendKind(stacks[id])).toBe(kind);
      const env = terraformEnv(workRoot);
      const outdir = path.join(workRoot, `prepared-${kind}`);
      const stripped = Object.fromEntries(readers.map((id) => [id, plumbing(stacks[id])]));
      for (const id of readers) {
        mkdirSync(path.join(outdir, "stacks", id), { recursive: true });
        writeFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), JSON.stringify(stripped[id]));
      }
      const prepared = prepareOfflinePlan({ outdir, stacks: stripped }, stacks, path.join(workRoot, `work-${kind}`));
      await inParallel(readers, 2, async (id) => {
        for (const args of [
          ["init", "-no-color"],
          ["apply", "-auto-approve", "-no-color"],
        ]) {
          const r = await terraform(args, prepared[id].dir, env);
          expect({ id, args, ok: r.ok, output: r.ok ? "" : r.output }).toEqual({ id, args, ok: true, output: "" });
        }
      });
      for (const id of readers) {
        // The state is the throwaway one, and every value read is the placeholder's value.
        const { outputs } = JSON.parse(readFileSync(prepared[id].statePath, "utf8"));
        const expected = Object.assign({}, ...prepared[id].placeholders.map((p) => p.outputs));
        const read = Object.values(outputs as Record<string, { value: string }>).map((o) => o.value);
        expect({ id, read: read.sort() }).toEqual({ id, read: Object.values(expected).sort() });
        expect(read.length).toBeGreaterThan(0);
      }
    },
  );

  test("without the throwaway backend, the s3 state cannot even be initialized here: the check above would fail loudly", async () => {
    const [, { [SOURCE]: stack }] = shared.find(([kind]) => kind === "s3")!;
    const dir = path.join(workRoot, "no-throwaway-s3");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend: stack.terraform?.backend } }));
    const r = await terraform(["init", "-no-color"], dir, terraformEnv(workRoot));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/No valid credential sources found/);
  });
});
