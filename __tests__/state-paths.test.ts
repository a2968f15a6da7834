/**
 * State paths move with the checkout: no synthesized stack or manifest holds a path of the machine
 * that synthesized, and every state path, read from its own stack folder, reaches the file the source
 * stack's backend writes, outside `cdktf.out`.
 */
import * as path from "node:path";
import { localStatePath } from "../lib/constructs/backend";
import { synthCached, type TfJson } from "./helpers";

const synth = synthCached();
const stackIds = Object.keys(synth.stacks).sort();
/** Where cdktf runs Terraform for a stack: the manifest's workingDirectory, under the output folder. */
const stackDir = (id: string) => path.resolve(synth.outdir, synth.manifest.stacks[id].workingDirectory);

/** Every string in a JSON value, with the key path that leads to it. */
function stringLeaves(value: unknown, at = ""): Array<[string, string]> {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, at ? `${at}.${k}` : k));
  return [];
}

const isAbsolute = (p: string) => p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(p);

function backendPath(stack: TfJson): string {
  const backend = stack.terraform?.backend as { local?: { path?: string } } | undefined;
  if (!backend?.local?.path)
    throw new Error(`Expected a local backend with a path, got ${JSON.stringify(stack.terraform?.backend)}`);
  return backend.local.path;
}

function remoteStates(stack: TfJson): Array<[string, { backend: string; config: { path?: string } }]> {
  return Object.entries(
    (stack.data?.terraform_remote_state ?? {}) as Record<string, { backend: string; config: { path?: string } }>,
  );
}

describe("state paths", () => {
  // cdktf's default LocalBackend joins process.cwd(); the output folder is the other machine path in reach.
  const machinePaths = [process.cwd(), synth.outdir];

  test.each([
    ...stackIds.map((id) => [`stack ${id}`, synth.stacks[id]] as const),
    ["manifest.json", synth.manifest] as const,
  ])("%s holds no path of the machine that synthesized", (_name, json) => {
    const leaks = stringLeaves(json).filter(([, v]) => machinePaths.some((p) => v.includes(p)));
    expect(leaks).toEqual([]);
  });

  test("the manifest's stack paths are relative", () => {
    const paths = Object.values(synth.manifest.stacks).flatMap((s) => [s.workingDirectory, s.synthesizedStackPath]);
    expect(paths.filter(isAbsolute)).toEqual([]);
  });

  test.each(stackIds)("%s keeps its state at a relative path outside cdktf.out, named after the stack", (id) => {
    const statePath = backendPath(synth.stacks[id]);
    expect(isAbsolute(statePath)).toBe(false);
    expect(statePath).toBe(localStatePath(id));
    const resolved = path.resolve(stackDir(id), statePath);
    // The folder that holds the output folder: the project root for the default `cdktf.out`.
    expect(resolved).toBe(path.join(path.dirname(synth.outdir), `terraform.${id}.tfstate`));
  });

  test("no two stacks share a state file", () => {
    const files = stackIds.map((id) => path.resolve(stackDir(id), backendPath(synth.stacks[id])));
    expect(new Set(files).size).toBe(stackIds.length);
  });

  const reads = stackIds.flatMap((reader) =>
    remoteStates(synth.stacks[reader]).map(([name, data]) => [reader, name, data] as const),
  );

  test("ssm-instance-arn reads private-access's state (the case this checks is present)", () => {
    expect(reads.map(([reader, name]) => [reader, name])).toContainEqual([
      "ssm-instance-arn",
      "cross-stack-reference-input-private-access",
    ]);
  });

  test.each(reads)("%s's read %s reaches the file its source stack's backend writes", (reader, name, data) => {
    const source = name.replace(/^cross-stack-reference-input-/, "");
    expect(synth.manifest.stacks[reader].dependencies).toContain(source);
    expect(data.backend).toBe("local");
    const readPath = data.config.path ?? "";
    expect(isAbsolute(readPath)).toBe(false);
    expect(path.resolve(stackDir(reader), readPath)).toBe(
      path.resolve(stackDir(source), backendPath(synth.stacks[source])),
    );
  });
});
