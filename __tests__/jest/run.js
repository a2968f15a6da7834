#!/usr/bin/env node
/**
 * `npm test [-- <jest arguments>]`: the type check (`tsc --noEmit`) and the unit + proof layer (jest
 * without __tests__/terraform), side by side. tsc uses one core for a few seconds; run first, it left the
 * second core idle while jest's global setup synthesizes and while jest's last file runs alone, so the
 * two together finish about when jest alone does. tsc's output is held back and printed after jest's,
 * so the two never interleave.
 *
 * The Terraform layer (terraform validate, mocked apply and destroy, offline plans) costs more than
 * everything else together and needs the Terraform CLI: it is `npm run test:terraform`, and the last line
 * printed here says it was not run. CI (`.ci/run`) runs both.
 */
"use strict";
const { spawn } = require("node:child_process");

const TERRAFORM_LAYER = "/__tests__/terraform/";

/** Runs `node <script> ...args`; resolves with the exit code, the seconds it took and (if `capture`) its output. */
function run(script, args, capture) {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    });
    let output = "";
    if (capture) {
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
    }
    child.on("error", (error) => (output += `${error.message}\n`));
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 1 : 0), seconds: Number(process.hrtime.bigint() - started) / 1e9, output }),
    );
  });
}

async function main() {
  const typecheck = run(require.resolve("typescript/bin/tsc"), ["-p", "tsconfig.json", "--noEmit"], true);
  const jest = await run(
    require.resolve("jest/bin/jest"),
    // Last: jest reads every word after an array option as one more of its values, so a file named after
    // the option would become an ignore pattern.
    [...process.argv.slice(2), `--testPathIgnorePatterns=${TERRAFORM_LAYER}`],
    false,
  );
  const tsc = await typecheck;
  const took = `${tsc.seconds.toFixed(1)} s`;
  if (tsc.code === 0) {
    console.error(`Type check (tsc --noEmit): passed, ${took}.`);
  } else {
    console.error(`${tsc.output.trimEnd()}\nType check (tsc --noEmit): FAILED (exit ${tsc.code}), ${took}.`);
  }
  console.error(
    "NOT RUN by npm test: the Terraform layer (__tests__/terraform: terraform validate, mocked apply/destroy, " +
      "offline plans). Run it with `npm run test:terraform`; CI (.ci/run) runs both.",
  );
  process.exitCode = jest.code !== 0 ? jest.code : tsc.code;
}

main();
