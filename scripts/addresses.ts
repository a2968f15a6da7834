/**
 * `npm run addresses`: synthesizes the default configuration with the app's own wiring (`defineStacks`)
 * and writes every stack's resource addresses to docs/resource-addresses.json. Run it on purpose only:
 * the list is what __tests__/addresses.test.ts holds the code to, so that a renamed construct id (which
 * destroys and recreates a real resource) fails the tests unless the stack moves the address.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { loadSettings } from "../lib/config";
import { synthesize } from "../lib/tfjson";
import { defineStacks } from "../main";
import { addressList } from "./lib/addresses";

export const ADDRESSES_FILE = path.join(__dirname, "..", "docs", "resource-addresses.json");

function main(): void {
  // The default configuration, online: the list must not depend on the caller's environment.
  const settings = { ...loadSettings({}), offline: false };
  const list = addressList(synthesize((app) => defineStacks(app, settings)).stacks);
  writeFileSync(ADDRESSES_FILE, `${JSON.stringify(list, null, 2)}\n`);
  const count = Object.values(list).reduce((n, a) => n + a.length, 0);
  process.stdout.write(
    `Wrote ${count} addresses of ${Object.keys(list).length} stacks to ${path.relative(process.cwd(), ADDRESSES_FILE)}\n`,
  );
}

if (require.main === module) main();
