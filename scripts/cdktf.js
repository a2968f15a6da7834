#!/usr/bin/env node
/**
 * `npm run synth|deploy|plan|diff|destroy [-- <stack>... <cdktf options>]`: validates the configuration
 * (ACCESS_GUARDRAILS_CONFIG, else config/default.json, as the app reads it), then runs the cdktf CLI
 * with the same arguments in this same process.
 *
 * Why first: the app refuses a bad configuration too (scripts/run-app.js), but cdktf prints an app's
 * failure twice, as "[ERROR] default - …" and again under "Command output on stderr:", between its
 * spinner lines. Here a refusal is printed once, on stderr, before cdktf starts: exit 1, nothing written
 * (an earlier cdktf.out is named as stale, and kept).
 *
 * Why cheap: a configuration validated once is not validated again while neither its file, the
 * offline switch nor the code that validates it (the bundle's inputs, the installed packages) changed:
 * `.tmp/app/validated` holds the last accepted key. Were that record ever wrong, the app still validates
 * whatever it synthesizes: the refusal would come through cdktf's wrapper, and nothing invalid is
 * synthesized either way.
 */
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { root, bundle } = require("./app-bundle");

/** The cdktf commands the npm scripts run; every other one is `npx cdktf <command>`. */
const COMMANDS = ["synth", "deploy", "plan", "diff", "destroy"];
// The names lib/config/load.ts reads: kept in step by __tests__/scripts/cdktf-launcher.test.ts.
const CONFIG_ENV = "ACCESS_GUARDRAILS_CONFIG";
const OFFLINE_ENV = "ACCESS_GUARDRAILS_OFFLINE";
const CACHE_DIR = path.join(root, ".tmp", "app");
const STAMP_FILE = path.join(CACHE_DIR, "validated");
// Installing other packages (zod, @aws-sdk/core's Regions) can change what is valid.
const INSTALLED = ["package-lock.json", path.join("node_modules", ".package-lock.json")];

/** The configuration file, resolved as lib/config/load.ts resolves it. */
function configPath(env) {
  return env[CONFIG_ENV] ? path.resolve(env[CONFIG_ENV]) : path.join(root, "config", "default.json");
}

/** `cdktf synth --output <dir>` (or `-o`, `--output=`) overrides cdktf.json's output folder. */
function outputOption(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--output=")) return arg.slice("--output=".length);
    if ((arg === "--output" || arg === "-o") && i + 1 < args.length) return args[i + 1];
  }
  return undefined;
}

/**
 * What decides whether a configuration is valid: the file's bytes, the offline switch, and the size and
 * modification time of every file the validation code is built from. `undefined` when one cannot be
 * read (the validation then runs, and says what is wrong).
 */
function validationKey(env, inputs) {
  const hash = createHash("sha256");
  try {
    const file = configPath(env);
    hash.update(`${file}\0${env[OFFLINE_ENV] ?? ""}\0`).update(readFileSync(file));
    for (const input of inputs) {
      const { size, mtimeMs } = statSync(path.join(root, input));
      hash.update(`\0${input}:${size}:${mtimeMs}`);
    }
  } catch {
    return undefined;
  }
  for (const file of INSTALLED) {
    const stat = statSync(path.join(root, file), { throwIfNoEntry: false });
    hash.update(`\0${file}:${stat?.size}:${stat?.mtimeMs}`);
  }
  return hash.digest("hex");
}

function readText(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Write then rename: a launcher running beside this one never reads a half-written file. */
function writeAtomically(file, text) {
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/**
 * Validates the configuration in `env`, unless this same configuration passed before with the same
 * code. On a refusal, prints it once and exits 1 (lib/config/load.ts, loadSettingsOrExit).
 */
function validate(env, outputDir) {
  // Reused, not rebuilt, while the validation code is unchanged (scripts/app-bundle.js).
  const built = bundle("lib/config/load.ts", "launcher-config");
  const key = validationKey(env, built.inputs);
  if (key !== undefined && key === readText(STAMP_FILE)) return "cached";
  require(built.outfile).loadSettingsOrExit(env, outputDir);
  if (key !== undefined) writeAtomically(STAMP_FILE, key);
  return "validated";
}

/** Runs the project's cdktf CLI in this process, as `cdktf <args>` would. */
function runCdktf(args) {
  const bin = path.join(path.dirname(require.resolve("cdktf-cli/package.json")), "bundle", "bin", "cdktf");
  // HashiCorp Checkpoint (cdktf's version check and usage report) calls out on every command; the npm
  // scripts have always run with it off.
  if (process.env.CHECKPOINT_DISABLE === undefined) process.env.CHECKPOINT_DISABLE = "1";
  process.argv = [process.execPath, bin, ...args];
  require(bin);
}

/** The launcher: `argv` is what follows `node scripts/cdktf.js`. */
function main(argv = process.argv.slice(2), { env = process.env, handOver = runCdktf } = {}) {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command)) {
    process.stderr.write(
      `Usage: node scripts/cdktf.js <${COMMANDS.join("|")}> [cdktf arguments], as npm run ${COMMANDS[0]} -- <arguments>; received ${JSON.stringify(command ?? "")}. Other commands: npx cdktf <command>.\n`,
    );
    process.exit(2);
  }
  const output = outputOption(rest);
  // The folder cdktf would write to: cdktf.json's `output` unless --output names another. Read by the
  // bundle (synthOutputDir) when the option is absent.
  validate(env, output === undefined ? undefined : path.resolve(output));
  handOver([command, ...rest]);
}

module.exports = { COMMANDS, CONFIG_ENV, OFFLINE_ENV, STAMP_FILE, configPath, main, outputOption, validate };

if (require.main === module) main();
