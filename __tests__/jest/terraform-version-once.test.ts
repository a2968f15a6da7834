/**
 * The jest setup file that answers cdktf's `terraform version` check once per worker
 * (__tests__/jest/terraform-version-once.js): the answer Terraform gives, from one process.
 */
import * as childProcess from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, CloudBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "terraform-version-once-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in `terraform` in a folder of its own that logs each start and prints `version` (or fails). */
function standIn(name: string, version: string, exitCode = 0) {
  const bin = path.join(root, name);
  const log = path.join(root, `${name}.log`);
  mkdirSync(bin);
  writeFileSync(log, "");
  writeFileSync(
    path.join(bin, "terraform"),
    `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\necho "Terraform v${version}"\nexit ${exitCode}\n`,
  );
  chmodSync(path.join(bin, "terraform"), 0o755);
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
  return {
    run: (command = "terraform version") => childProcess.execSync(command, { stdio: "pipe", env }).toString(),
    starts: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

test("`terraform version` starts Terraform once per PATH, and every call gets its output", () => {
  const first = standIn("first", "1.11.4");
  const second = standIn("second", "1.9.0");
  expect([first.run(), first.run(), first.run()]).toEqual(Array(3).fill("Terraform v1.11.4\n"));
  expect(first.starts()).toEqual(["version"]);
  expect(second.run()).toBe("Terraform v1.9.0\n");
  expect(second.starts()).toEqual(["version"]);
});

test("a failing `terraform version` fails every call, with one start", () => {
  const failing = standIn("failing", "1.11.4", 3);
  for (let i = 0; i < 2; i++) expect(() => failing.run()).toThrow(/Command failed: terraform version/);
  expect(failing.starts()).toEqual(["version"]);
});

test("any other command runs each time", () => {
  const other = standIn("other", "1.11.4");
  other.run("terraform -version");
  other.run("terraform -version");
  expect(other.starts()).toEqual(["-version", "-version"]);
});

test("cdktf's check of the Terraform version for cloud blocks goes through it: one call per stack, at most one start", () => {
  const counts = (childProcess.execSync as unknown as Record<symbol, Record<"calls" | "starts", Map<string, number>>>)[
    Symbol.for("guardrails.versionOnce")
  ];
  const count = () => [counts.calls, counts.starts].map((m) => m.get("terraform version") ?? 0);
  const [callsBefore, startsBefore] = count();
  const app = new App({ outdir: mkdtempSync(path.join(root, "out-")) });
  for (const id of ["a", "b", "c"]) {
    const stack = new TerraformStack(app, id);
    new CloudBackend(stack, { organization: "acme", workspaces: new NamedCloudWorkspace(id) });
  }
  app.synth();
  const [calls, starts] = count();
  expect(calls - callsBefore).toBe(3);
  expect(starts - startsBefore).toBeLessThanOrEqual(1);
});
