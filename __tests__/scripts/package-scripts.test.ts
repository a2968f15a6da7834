/**
 * The npm scripts do what their names say: every `npm run <name>` a tracked Markdown file shows exists,
 * and no script reinstalls the packages whose exact versions the project depends on.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * The pins the project rests on: @cdktf/provider-aws 20.1.0 is the prebuilt binding of hashicorp/aws
 * 5.100.0 (the only version in the local provider mirror; 21.x binds aws 6.x), and cdktf 0.21.0 is the
 * last cdktf release. `npm i cdktf@latest` (what `upgrade` used to run) would move them.
 */
const PINS = { "@cdktf/provider-aws": "20.1.0", cdktf: "0.21.0", "cdktf-cli": "0.21.0" } as const;

describe("npm scripts", () => {
  test("every npm run <script> in a tracked Markdown file names a script of package.json", () => {
    const files = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files).toContain("README.md");
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/npm run ([A-Za-z0-9:_-]+)/g)) {
        if (!(m[1] in pkg.scripts)) missing.push(`${file}: npm run ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("no script installs or upgrades packages, which would move the exact pins", () => {
    const installing = Object.entries(pkg.scripts).filter(([, command]) =>
      /\bnpm (i|install|update|up)\b|@latest|@next/.test(command),
    );
    expect(installing).toEqual([]);
  });

  test.each(Object.entries(PINS))("%s stays pinned to exactly %s", (name, version) => {
    expect(pkg.dependencies[name] ?? pkg.devDependencies[name]).toBe(version);
  });
});
