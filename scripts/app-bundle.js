/**
 * Bundles a .ts file of the project with esbuild (transpile only, dependencies stay external) into
 * `.tmp/app/<name>.js`: how the cdktf app command (scripts/run-app.js) and the npm scripts' launcher
 * (scripts/cdktf.js) run TypeScript without a compiler's start-up or type checks (`npm test` runs `tsc`).
 */
"use strict";
const { mkdirSync, renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");

/**
 * Bundles `entry` (a path from the project root) and writes it to `.tmp/app/<name>.js`. Returns that
 * file and the project files it was built from (paths from the project root).
 */
function bundle(entry, name) {
  // Required here, not at the top: the launcher loads this module even when it bundles nothing.
  const { buildSync } = require("esbuild");
  const outfile = path.join(root, ".tmp", "app", `${name}.js`);
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
  return { outfile, inputs: Object.keys(result.metafile.inputs) };
}

/** Bundles `entry` and requires it. */
function load(entry, name) {
  return require(bundle(entry, name).outfile);
}

module.exports = { root, bundle, load };
