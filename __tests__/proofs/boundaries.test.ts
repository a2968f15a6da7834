import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/*
 * The proof engine imports the AGPL simulator, a devDependency: nothing that ships (lib/, stacks/,
 * main.ts) may import it or proofs/. Test helpers stay in the test suite: nothing outside __tests__
 * imports from it.
 */
const ROOT = path.join(__dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return /\.(ts|js)$/.test(entry.name) ? [relative] : [];
  });
}

/** Every module specifier a file imports or requires, resolved against the project root when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map(
    (m) => m[1],
  );
  return specifiers.map((s) =>
    s.startsWith(".") ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)) : s,
  );
}

const offenders = (files: string[], forbidden: (target: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((target) => `${file} imports ${target}`),
  );

describe("module boundaries", () => {
  const shipped = ["main.ts", ...sources("lib"), ...sources("stacks")];
  const outsideTests = [...shipped, ...sources("scripts"), ...sources("proofs")];

  test("the walk sees the files it guards", () => {
    expect(shipped).toEqual(expect.arrayContaining(["main.ts", path.join("lib", "tfjson", "index.ts")]));
    expect(outsideTests).toEqual(
      expect.arrayContaining([path.join("proofs", "simulate.ts"), path.join("scripts", "access-matrix.ts")]),
    );
    // proofs/ really imports the simulator: the rule below is about something that exists.
    expect(importsOf(path.join("proofs", "simulate.ts"))).toContain("@cloud-copilot/iam-simulate");
  });

  test("nothing under lib/, stacks/ or main.ts imports proofs/ or @cloud-copilot", () => {
    expect(
      offenders(shipped, (t) => t === "proofs" || t.startsWith(`proofs${path.sep}`) || t.startsWith("@cloud-copilot/")),
    ).toEqual([]);
  });

  test("nothing outside __tests__ imports from __tests__", () => {
    expect(offenders(outsideTests, (t) => t === "__tests__" || t.startsWith(`__tests__${path.sep}`))).toEqual([]);
  });
});
