import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface FakeTerraformOptions {
  /** The shell word a stack id that fails to plan equals: a literal id, or `"$FAKE_FAIL"`. */
  readonly failing: string;
  /** What a failing plan prints to stderr (`$id` is the stack id). */
  readonly error: string;
  /** Resources each passing plan adds. */
  readonly toAdd: number;
  /** Lines a passing plan prints before its summary. @default - none */
  readonly warnings?: readonly string[];
  /** A file every call appends its arguments to. @default - none */
  readonly log?: string;
}

/**
 * A stand-in `terraform` in `<root>/bin`: `terraform test -filter=<id>.offline.tftest.hcl …` prints per
 * file what the real one prints (in progress, the plan summary, pass or fail); every other call exits 0.
 * Returns the environment that puts it first on PATH.
 */
export function writeFakeTerraform(root: string, options: FakeTerraformOptions): NodeJS.ProcessEnv {
  const bin = path.join(root, "bin");
  mkdirSync(bin, { recursive: true });
  const passing = [...(options.warnings ?? []), `Plan: ${options.toAdd} to add, 0 to change, 0 to destroy.`];
  writeFileSync(
    path.join(bin, "terraform"),
    [
      "#!/bin/sh",
      ...(options.log ? [`echo "$*" >> ${JSON.stringify(options.log)}`] : []),
      '[ "$1" = test ] || exit 0',
      "status=0",
      'for arg in "$@"; do',
      '  case "$arg" in -filter=*) file="${arg#-filter=}"; id="${file%.offline.tftest.hcl}"',
      '    echo "$file... in progress"',
      `    if [ "$id" = "${options.failing}" ]; then echo "$file... fail"; echo "${options.error}" >&2; status=1`,
      `    else ${passing.map((line) => `echo "${line}"; `).join("")}echo "$file... pass"; fi;;`,
      "  esac",
      "done",
      "exit $status",
      "",
    ].join("\n"),
  );
  chmodSync(path.join(bin, "terraform"), 0o755);
  return { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
}
