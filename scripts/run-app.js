#!/usr/bin/env node
/**
 * The cdktf.json `app` command. Bundles main.ts and the project's own modules with esbuild
 * (transpile only, dependencies stay external) and runs the bundle in this same process: synth never
 * type-checks the AWS provider's declarations (`npm test` runs `tsc` once), and costs a few tens of
 * milliseconds over running tsc's compiled output (see `npm run bench`).
 */
"use strict";
const { mkdirSync, renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { buildSync } = require("esbuild");

const root = path.join(__dirname, "..");

/** Bundles `entry` (a .ts file of the project) to `.tmp/app/<name>.js` and requires it. */
function load(entry, name) {
  const outfile = path.join(root, ".tmp", "app", `${name}.js`);
  const [bundle] = buildSync({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    write: false,
  }).outputFiles;
  // Write then rename: concurrent synths (tests run several) never read a half-written bundle.
  mkdirSync(path.dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}`;
  writeFileSync(partial, bundle.contents);
  renameSync(partial, outfile);
  return require(outfile);
}

// The configuration first, with only lib/config loaded: a bad one exits 1 naming every problem before
// cdktf and the provider's classes are loaded (most of a synth's time), and nothing is written.
load("lib/config/load.ts", "config").loadSettingsOrExit();
load("main.ts", "main").main();
