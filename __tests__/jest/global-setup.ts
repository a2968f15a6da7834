/**
 * Jest global setup: synthesizes the default configuration (online and offline) once per run, before
 * any worker starts, so that the many test files reading it do not each synthesize it again (see
 * `synthCached` in __tests__/helpers/synth.ts). A failure here is not fatal: each file then synthesizes
 * in process and reports the error where it is asserted.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SHARED_SYNTH_ENV, synthShared } from "../helpers/synth";

export default function globalSetup(): void {
  const root = mkdtempSync(path.join(tmpdir(), "guardrails-shared-synth-"));
  // Workers inherit the environment of the process that starts them, so they find the folder.
  process.env[SHARED_SYNTH_ENV] = root;
  try {
    synthShared(root);
  } catch (err) {
    console.warn(`Shared synthesis failed, each test file synthesizes for itself: ${(err as Error).message}`);
  }
}
