#!/usr/bin/env node
/**
 * The cdktf.json `app` command. Bundles main.ts and the project's own modules with esbuild
 * (scripts/app-bundle.js) and runs the bundle in this same process: synth never type-checks the AWS
 * provider's declarations (`npm test` runs `tsc` once), and costs a few tens of milliseconds over
 * running tsc's compiled output (see `npm run bench`).
 */
"use strict";
const { load } = require("./app-bundle");

// The configuration first, with only lib/config loaded: a bad one exits 1 naming every problem before
// cdktf and the provider's classes are loaded (most of a synth's time), and nothing is written. The npm
// scripts (scripts/cdktf.js) have refused it before cdktf started; this covers `npx cdktf synth`.
load("lib/config/load.ts", "config").loadSettingsOrExit();
load("main.ts", "main").main();
