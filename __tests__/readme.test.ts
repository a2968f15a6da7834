/**
 * The README is part of the product: its reference tables are generated from the code (scripts/docs.ts)
 * and must not be stale, and every file it points a reader to must exist in the repository.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../lib/config";
import { SCP_DENIED_ACTIONS } from "../lib/policies/scp";
import {
  configTable,
  GENERATED_FILES,
  GENERATED_TABLES,
  README_PATH,
  regenerate,
  SCP_DOORS,
  scpDoorTable,
  staleReport,
  stateSharingTable,
  type TableName,
} from "../scripts/docs";
import { synthCached } from "./helpers";

const ROOT = path.join(__dirname, "..");
const README = readFileSync(README_PATH, "utf8");
const TABLES = Object.keys(GENERATED_TABLES) as TableName[];

/** The cells of each body row of a generated markdown table (`\|` is a pipe inside a cell). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .slice(2)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.replace(/\\\|/g, "|")),
    );
}

describe("the HCP Terraform state sharing table", () => {
  test("lists for each stack's workspace exactly the workspaces of the stacks cdktf records as depending on it", () => {
    const { manifest } = synthCached();
    const workspace = (id: string) => `\`<workspacePrefix>${id}\``;
    const rows = Object.fromEntries(tableRows(stateSharingTable()).map(([w, readers]) => [w, readers]));
    expect(Object.keys(rows).sort()).toEqual(Object.keys(manifest.stacks).map(workspace).sort());
    for (const id of Object.keys(manifest.stacks)) {
      const readers = Object.values(manifest.stacks)
        .filter((s) => s.dependencies.includes(id))
        .map((s) => workspace(s.name));
      const listed = rows[workspace(id)] === "no workspace: leave sharing off" ? [] : rows[workspace(id)].split(", ");
      expect({ id, readers: listed.sort() }).toEqual({ id, readers: readers.sort() });
    }
  });
});

describe("the SCP door table (which variant closes which Instance Connect door)", () => {
  test("every action any variant denies belongs to exactly one door", () => {
    const doorActions = SCP_DOORS.flatMap((d) => d.actions);
    expect(new Set(doorActions).size).toBe(doorActions.length);
    expect([...doorActions].sort()).toEqual([...new Set(Object.values(SCP_DENIED_ACTIONS).flat())].sort());
  });

  test("reads closed exactly where the variant denies the door's actions", () => {
    const rows = tableRows(scpDoorTable()).map(([, ...cells]) => cells.join(" "));
    expect(rows).toEqual([
      "closed closed closed closed",
      "closed closed closed closed",
      "closed open closed closed",
      "open open closed closed",
      "open open open closed",
      "open open open closed",
    ]);
  });
});

describe("README generated tables", () => {
  test.each(TABLES)("the %s table matches the code", (name) => {
    const { stale } = regenerate(README);
    if (stale.includes(name)) throw new Error(staleReport([name]));
    expect(stale).not.toContain(name);
  });

  const parts = Object.entries(GENERATED_FILES).flatMap(([file, byName]) =>
    Object.keys(byName).map((name) => [file, name] as const),
  );
  test.each(parts)("%s: the generated %s part matches the code", (file, name) => {
    const { stale } = regenerate(readFileSync(path.join(ROOT, file), "utf8"), GENERATED_FILES[file], file);
    if (stale.includes(name)) throw new Error(staleReport([name], GENERATED_FILES[file], file));
    expect(stale).not.toContain(name);
  });

  test("a stack reordered by hand in the pipeline loop marks the pipeline stale, naming it", () => {
    const edited = README.replace(
      "for stack in session-preferences private-access",
      "for stack in private-access session-preferences",
    );
    expect(edited).not.toBe(README);
    const { text, stale } = regenerate(edited);
    expect(stale).toEqual(["pipeline"]);
    expect(staleReport(stale)).toBe(
      "README.md: the pipeline block differs from the code. Run `npm run docs` and commit README.md.",
    );
    expect(text).toBe(README);
  });

  test("a hand edit inside a table marks that table stale, names it and says how to fix it", () => {
    const edited = README.replace("| `eice.ports` | `[22]` |", "| `eice.ports` | `[2222]` |");
    expect(edited).not.toBe(README);
    const { text, stale } = regenerate(edited);
    expect(stale).toEqual(["config"]);
    expect(staleReport(stale)).toBe(
      "README.md: the configuration table differs from the code. Run `npm run docs` and commit README.md.",
    );
    expect(text).toBe(README);
  });

  test("a README without a table's markers is refused, naming the markers", () => {
    const withoutAlarms = README.replace("<!-- generated:alarms:start -->", "");
    expect(() => regenerate(withoutAlarms)).toThrow(
      "README.md has no <!-- generated:alarms:start --> ... <!-- generated:alarms:end --> pair",
    );
  });

  test.each(TABLES)(
    "every row of the %s table has as many cells as its header (pipes in patterns are escaped)",
    (name) => {
      const rendered = GENERATED_TABLES[name].render();
      const [header] = rendered.split("\n");
      const width = header.split(" | ").length;
      for (const row of tableRows(rendered)) expect(row).toHaveLength(width);
    },
  );

  test("each default in the configuration table is the value the parser fills in", () => {
    const minimal = {
      region: "eu-west-1",
      accounts: { workload: { id: "111111111111" }, management: { id: "222222222222" }, data: { id: "333333333333" } },
    };
    // A `state` variant's rows (`state.bucket` (`backend: s3`)) read a file of that backend: its required fields set.
    const VARIANTS: Record<string, object> = {
      s3: { backend: "s3", bucket: "team-state" },
      cloud: { backend: "cloud", organization: "acme", workspacePrefix: "guardrails-" },
    };
    // Rows of an optional section (absent by default) read a file that has it, with its required fields.
    const SECTIONS: Record<string, object> = {
      "ssm.identityCenter.": { ssm: { principals: "identity-center", identityCenter: { groupName: "Operators" } } },
    };
    const shown = tableRows(configTable()).filter(([, def]) => /^`.*`$/.test(def));
    expect(shown.length).toBeGreaterThan(20);
    for (const [row, def] of shown) {
      const [, field, variant] = /^`([^`]+)`(?: \(`backend: (\w+)`\))?$/.exec(row) ?? [];
      expect({ row, variant: variant === undefined || variant in VARIANTS }).toEqual({ row, variant: true });
      const section = Object.entries(SECTIONS).find(([prefix]) => field.startsWith(prefix))?.[1] ?? {};
      const parsed = parseConfig(
        variant ? { ...minimal, ...section, state: VARIANTS[variant] } : { ...minimal, ...section },
      ) as unknown as Record<string, unknown>;
      const keys = field.split(".");
      const value = keys.reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], parsed);
      expect({ field: row, default: def.slice(1, -1) }).toEqual({
        field: row,
        default: typeof value === "string" ? value : JSON.stringify(value),
      });
    }
  });
});

/** Top-level folders whose paths the README names in backticks. */
const REPO_PATH = /^(?:lib|stacks|scripts|docs|config|__tests__|scenarios|proofs)\/[^\s`]*$/;

/** Relative link targets and backticked repository paths, without `#anchors`. */
function mentionedPaths(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^(?:[a-z]+:|#)/.test(t));
  const code = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((t) => REPO_PATH.test(t));
  return [...new Set([...links, ...code].map((t) => t.replace(/#.*$/, "")))];
}

/** Whether the path exists; `*` matches within one path segment (`scenarios/org-guardrails.*.json`). */
function exists(relative: string): boolean {
  if (!relative.includes("*")) return existsSync(path.join(ROOT, relative));
  const dir = path.dirname(relative);
  const name = new RegExp(
    `^${path
      .basename(relative)
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")}$`,
  );
  return existsSync(path.join(ROOT, dir)) && readdirSync(path.join(ROOT, dir)).some((f) => name.test(f));
}

describe("README references", () => {
  const paths = mentionedPaths(README).filter((p) => !/[<>…]/.test(p));

  test("the README names files to check", () => {
    expect(paths).toEqual(expect.arrayContaining(["config/default.json", "lib/config/schema.ts"]));
  });

  test.each(paths)("%s exists in the repository", (relative) => {
    expect(exists(relative)).toBe(true);
  });

  test("the path check sees a missing file", () => {
    expect(mentionedPaths("see [x](docs/nothing-here.md) and `lib/nowhere.ts`")).toEqual([
      "docs/nothing-here.md",
      "lib/nowhere.ts",
    ]);
    expect(exists("docs/nothing-here.md")).toBe(false);
    expect(exists("scenarios/no-such-*.json")).toBe(false);
    expect(exists("scenarios/*.json")).toBe(true);
  });

  test("the README refers to no document outside the repository by name (no SPEC)", () => {
    expect(README).not.toMatch(/\bSPEC\b/);
  });
});
