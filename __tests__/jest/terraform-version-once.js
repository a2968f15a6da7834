/**
 * Jest setup file: `terraform version` runs once per test worker, not once per check.
 *
 * cdktf checks, at every synthesis, that the Terraform CLI is recent enough for each construct that
 * needs it: every `cloud` backend (one per stack), every import block and every `terraform_data`
 * resource runs `terraform version` through `child_process.execSync` (cdktf's
 * lib/validations/validate-binary-version.js). One synthesis of the HCP Terraform state example started
 * it eight times, and the unit layer 34 times, each a Terraform process of about a fifth of a CPU second.
 *
 * A `<binary> version` command's answer does not change during a run: the first answer (the output, or
 * the error thrown) is kept and handed back to the next call with the same command, folder and PATH;
 * any other command runs for real. A test cannot change the worker's own environment (jest gives each
 * test file a copy of `process.env`), so a child started without `env` always sees the same PATH; a
 * stand-in binary is reached by passing `env`, which is part of the key. Node's built-in modules are one
 * per worker process, shared by its test files, so the patch is made once per worker.
 */
"use strict";
const { Buffer } = require("node:buffer");
const childProcess = require("node:child_process");

const PATCHED = Symbol.for("guardrails.versionOnce");

if (!childProcess.execSync[PATCHED]) {
  const real = childProcess.execSync;
  /** Answers by key; `calls` and `starts` (real runs) per command, for the tests of this file. */
  const answers = new Map();
  const calls = new Map();
  const starts = new Map();
  const execSync = function execSync(command, options) {
    // Only the Buffer-returning form cdktf uses; anything else goes through untouched.
    const buffer = options?.encoding === undefined || options.encoding === "buffer";
    if (typeof command !== "string" || !/^\S+ version$/.test(command) || !buffer) {
      return real.apply(this, arguments);
    }
    const key = JSON.stringify([command, options?.cwd ?? process.cwd(), options?.env?.PATH ?? null]);
    calls.set(command, (calls.get(command) ?? 0) + 1);
    let answer = answers.get(key);
    if (!answer) {
      starts.set(command, (starts.get(command) ?? 0) + 1);
      try {
        answer = { output: real.call(this, command, options) };
      } catch (error) {
        answer = { error };
      }
      answers.set(key, answer);
    }
    if ("error" in answer) throw answer.error;
    return Buffer.from(answer.output);
  };
  execSync[PATCHED] = { calls, starts };
  childProcess.execSync = execSync;
}
