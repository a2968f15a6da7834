/**
 * scripts/app-bundle.js reuses the last bundle of an entry while every project file it was built from
 * has the content it was built from, and bundles again as soon as one of them changes.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle, root } = require("../../scripts/app-bundle") as {
  bundle: (entry: string, name: string) => { outfile: string; inputs: string[] };
  root: string;
};

const dir = path.join(root, ".tmp", `app-bundle-test-${process.pid}`);
const entry = path.relative(root, path.join(dir, "entry.ts"));
const name = `app-bundle-test-${process.pid}`;

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "entry.ts"), 'import { word } from "./word";\nexport const said = word;\n');
  writeFileSync(path.join(dir, "word.ts"), 'export const word = "first";\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const suffix of [".js", ".js.inputs.json"])
    rmSync(path.join(root, ".tmp", "app", name + suffix), { force: true });
});

test("a second bundle of unchanged files reuses the first; a changed import is bundled again", () => {
  const first = bundle(entry, name);
  expect([...first.inputs].sort()).toEqual([entry, path.relative(root, path.join(dir, "word.ts"))].sort());
  const written = statSync(first.outfile).mtimeMs;

  const second = bundle(entry, name);
  expect(second).toEqual(first);
  expect(statSync(second.outfile).mtimeMs).toBe(written);

  writeFileSync(path.join(dir, "word.ts"), 'export const word = "second";\n');
  const third = bundle(entry, name);
  expect(readFileSync(third.outfile, "utf8")).toContain('"second"');
  expect(readFileSync(third.outfile, "utf8")).not.toContain('"first"');
});
