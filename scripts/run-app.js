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
const outfile = path.join(root, ".tmp", "app", "main.js");
const [bundle] = buildSync({
  entryPoints: [path.join(root, "main.ts")],
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
require(outfile).main();
