/** Jest global teardown: removes the shared synthesis of __tests__/jest/global-setup.ts. */
import { rmSync } from "node:fs";
import { SHARED_SYNTH_ENV } from "../helpers/synth";

export default function globalTeardown(): void {
  const root = process.env[SHARED_SYNTH_ENV];
  if (root) rmSync(root, { recursive: true, force: true });
}
