/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `tsc --noEmit` in `npm test`; the tests are transpiled by esbuild
  // (__tests__/jest/esbuild-transform.js), which keeps a compiler's start-up out of every worker.
  transform: { "^.+\\.ts$": "<rootDir>/__tests__/jest/esbuild-transform.js" },
  // The default configuration is synthesized once per run and read back by every worker.
  globalSetup: "<rootDir>/__tests__/jest/global-setup.ts",
  // cdktf's `terraform version` check answered once per worker (see the file).
  setupFiles: ["<rootDir>/__tests__/jest/terraform-version-once.js"],
  globalTeardown: "<rootDir>/__tests__/jest/global-teardown.ts",
  // Jest's default on 2 cores is one worker, i.e. every file in turn. Two workers let the unit files run
  // while the Terraform file (started first) waits on its Terraform processes.
  maxWorkers: 2,
  testSequencer: "<rootDir>/__tests__/jest/sequencer.js",
  testTimeout: 120000,
};
