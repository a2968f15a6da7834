/**
 * `npm run addresses`: synthesizes the default configuration with the app's own wiring (`defineStacks`)
 * and writes every stack's resource addresses to docs/resource-addresses.json. Run it on purpose only:
 * the list is what __tests__/addresses.test.ts holds the code to, so that a renamed construct id (which
 * destroys and recreates a real resource) fails the tests unless the stack moves the address.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { synthApp } from "../__tests__/helpers/synth";
import { addressList } from "./lib/addresses";

export const ADDRESSES_FILE = path.join(__dirname, "..", "docs", "resource-addresses.json");

function main(): void {
  const list = addressList(synthApp({ offline: false }).stacks);
  writeFileSync(ADDRESSES_FILE, `${JSON.stringify(list, null, 2)}\n`);
  const count = Object.values(list).reduce((n, a) => n + a.length, 0);
  process.stdout.write(`Wrote ${count} addresses of ${Object.keys(list).length} stacks to ${path.relative(process.cwd(), ADDRESSES_FILE)}\n`);
}

if (require.main === module) main();
