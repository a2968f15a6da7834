/**
 * Jest transformer: TypeScript to CommonJS with esbuild, the transpiler the cdktf app command already
 * uses (scripts/run-app.js). Type checking is `tsc --noEmit`'s job in `npm test`; the tests only need
 * the code, and esbuild transpiles a file in a millisecond where ts-jest starts a TypeScript compiler
 * per worker, which was most of a fresh clone's unit-layer time.
 */
"use strict";
const { createHash } = require("node:crypto");
const { transformSync, version } = require("esbuild");

const OPTIONS = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline" };

module.exports = {
  process(source, file) {
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: file });
    return { code };
  },
  getCacheKey(source, file) {
    return createHash("sha256")
      .update(version)
      .update(JSON.stringify(OPTIONS))
      .update(file)
      .update(source)
      .digest("hex");
  },
};
