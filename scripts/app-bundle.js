/**
 * Bundles a .ts file of the project with esbuild (transpile only, dependencies stay external) into
 * `.tmp/app/<name>.js`: how the cdktf app command (scripts/run-app.js) and the npm scripts' launcher
 * (scripts/cdktf.js) run TypeScript without a compiler's start-up or type checks (`npm test` runs `tsc`).
 */
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");

/**
 * Bundles `entry` (a path from the project root) and writes it to `.tmp/app/<name>.js`. Returns that
 * file and the project files it was built from (paths from the project root).
 */
function bundle(entry, name) {
  const outfile = path.join(root, ".tmp", "app", `${name}.js`);
  const cached = reusable(entry, outfile);
  if (cached) return { outfile, inputs: cached };
  // Required here, not at the top: the launcher loads this module even when it bundles nothing.
  const { buildSync } = require("esbuild");
  const result = buildSync({
    entryPoints: [path.join(root, entry)],
    absWorkingDir: root,
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    metafile: true,
    write: false,
  });
  // Write then rename: concurrent synths (tests run several) never read a half-written bundle.
  mkdirSync(path.dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}`;
  writeFileSync(partial, result.outputFiles[0].contents);
  renameSync(partial, outfile);
  const inputs = Object.keys(result.metafile.inputs);
  const record = `${outfile}.inputs.json`;
  writeFileSync(partial, JSON.stringify({ entry, inputs: Object.fromEntries(inputs.map((f) => [f, digest(f)])) }));
  renameSync(partial, record);
  return { outfile, inputs };
}

/** The content digest of a project file (path from the project root), or undefined when it is gone. */
function digest(file) {
  const at = path.join(root, file);
  return existsSync(at) ? createHash("sha256").update(readFileSync(at)).digest("hex") : undefined;
}

/**
 * The inputs of the last bundle of `entry` when every one of them still has the content it was built
 * from, else undefined. Starting esbuild is a quarter of a whole synthesis's own time (~0.25 s of ~1.1 s,
 * measured with --cpu-prof), and a synth after the first one bundles the same files again; reading and
 * hashing the hundred-odd project files it bundles costs a few milliseconds. Content, not modification
 * times: a checkout or an editor may keep a file's time and change its text.
 */
function reusable(entry, outfile) {
  try {
    const record = JSON.parse(readFileSync(`${outfile}.inputs.json`, "utf8"));
    if (record.entry !== entry || !existsSync(outfile)) return undefined;
    const inputs = Object.keys(record.inputs);
    return inputs.every((f) => digest(f) === record.inputs[f]) ? inputs : undefined;
  } catch {
    return undefined;
  }
}

/** Bundles `entry` and requires it. */
function load(entry, name) {
  return require(bundle(entry, name).outfile);
}

module.exports = { root, bundle, load };
