#!/usr/bin/env node
/**
 * The cdktf.json `app` command. Bundles main.ts and the project's own modules with esbuild
 * (transpile only, dependencies stay external) and runs the bundle in this same process: synth never
 * type-checks the AWS provider's declarations (`npm test` runs `tsc` once), and costs a few tens of
 * milliseconds over running tsc's compiled output.
 */
"use strict";
const path = require("node:path");
const { buildSync } = require("esbuild");

const root = path.join(__dirname, "..");
const outfile = path.join(root, ".tmp", "app", "main.js");
buildSync({
  entryPoints: [path.join(root, "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
require(outfile).main();
