/**
 * The documentation is part of the product: the start page (README.md) stays a short read whose stacks
 * table matches the code, the reference parts of docs/ are generated from the code (scripts/docs.ts) and
 * must not be stale, and every file a page points a reader to must exist in the repository. Relative
 * links and their anchors are checked in docs-links.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../lib/config";
import { SCP_DENIED_ACTIONS } from "../lib/policies/scp";
import { READS_FROM, STACK_IDS } from "../lib/stack/dependencies";
import {
  configTable,
  fileOf,
  GENERATED_FILES,
  GENERATED_TABLES,
  regenerate,
  ROOT,
  SCP_DOORS,
  scpDoorTable,
  staleReport,
  stateSharingTable,
  type TableName,
} from "../scripts/docs";
import { synthCached } from "./helpers";
import { documentationPages } from "./helpers/documents";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const README = read("README.md");
const TABLES = Object.keys(GENERATED_TABLES) as TableName[];
/** The start page and every page under docs/, relative to the project folder. */
const DOCUMENTS = documentationPages();

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

describe("the documentation's generated parts", () => {
  test.each(TABLES)("the %s table matches the code", (name) => {
    const file = fileOf(name);
    const { stale } = regenerate(read(file), GENERATED_FILES[file], file);
    if (stale.includes(name)) throw new Error(staleReport([name], GENERATED_FILES[file], file));
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

  test("every generated part is looked for in exactly one page", () => {
    const names = Object.values(GENERATED_FILES).flatMap((parts) => Object.keys(parts));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(TABLES));
  });

  test("a stack reordered by hand in the pipeline loop marks the pipeline stale, naming it", () => {
    const file = "docs/organisation.md";
    const page = read(file);
    const edited = page.replace(
      "for stack in session-preferences private-access",
      "for stack in private-access session-preferences",
    );
    expect(edited).not.toBe(page);
    const { text, stale } = regenerate(edited, GENERATED_FILES[file], file);
    expect(stale).toEqual(["pipeline"]);
    expect(staleReport(stale, GENERATED_FILES[file], file)).toBe(
      "docs/organisation.md: the pipeline block differs from the code. Run `npm run docs` and commit docs/organisation.md.",
    );
    expect(text).toBe(page);
  });

  test("a hand edit inside a table marks that table stale, names it and says how to fix it", () => {
    const file = "docs/configuration.md";
    const page = read(file);
    const edited = page.replace("| `eice.ports` | `[22]` |", "| `eice.ports` | `[2222]` |");
    expect(edited).not.toBe(page);
    const { text, stale } = regenerate(edited, GENERATED_FILES[file], file);
    expect(stale).toEqual(["config"]);
    expect(staleReport(stale, GENERATED_FILES[file], file)).toBe(
      "docs/configuration.md: the configuration table differs from the code. Run `npm run docs` and commit docs/configuration.md.",
    );
    expect(text).toBe(page);
  });

  test("a page without a table's markers is refused, naming the page and the markers", () => {
    const file = "docs/stacks/audit.md";
    const withoutAlarms = read(file).replace("<!-- generated:alarms:start -->", "");
    expect(() => regenerate(withoutAlarms, GENERATED_FILES[file], file)).toThrow(
      "docs/stacks/audit.md has no <!-- generated:alarms:start --> ... <!-- generated:alarms:end --> pair",
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

/** Top-level folders whose paths the documentation names in backticks, from the project folder. */
const REPO_PATH = /^(?:lib|stacks|scripts|docs|config|__tests__|scenarios|proofs)\/[^\s`]*$/;

/**
 * Repository paths a page names in backticks, without `#anchors`. (Relative link targets are checked,
 * anchors included, by __tests__/docs-links.test.ts.)
 */
function mentionedPaths(markdown: string): string[] {
  const code = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((t) => REPO_PATH.test(t));
  return [...new Set(code.map((t) => t.replace(/#.*$/, "")))];
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

describe("paths the documentation names", () => {
  const paths = DOCUMENTS.flatMap((file) =>
    mentionedPaths(read(file))
      .filter((p) => !/[<>…]/.test(p))
      .map((p) => [file, p] as const),
  );

  test("the pages name files to check", () => {
    expect(paths.map(([, p]) => p)).toEqual(expect.arrayContaining(["config/default.json", "lib/config/schema.ts"]));
  });

  test.each(paths)("%s: %s exists in the repository", (_file, relative) => {
    expect(exists(relative)).toBe(true);
  });

  test("the path check sees a missing file", () => {
    expect(mentionedPaths("see `docs/nothing-here.md#part` and `lib/nowhere.ts`")).toEqual([
      "docs/nothing-here.md",
      "lib/nowhere.ts",
    ]);
    expect(exists("docs/nothing-here.md")).toBe(false);
    expect(exists("scenarios/no-such-*.json")).toBe(false);
    expect(exists("scenarios/*.json")).toBe(true);
  });

  test.each(DOCUMENTS)("%s refers to no document outside the repository by name (no SPEC)", (file) => {
    expect(read(file)).not.toMatch(/\bSPEC\b/);
  });
});

/** The body rows of the first Markdown table under `header`, as cells (`\|` is a pipe inside a cell). */
function tableAfter(markdown: string, header: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`No table with the header ${header}`);
  const body = lines.slice(start + 2);
  return body
    .slice(
      0,
      body.findIndex((line) => !line.startsWith("|")),
    )
    .map((line) =>
      line
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.trim()),
    );
}

describe("the start page", () => {
  const STACKS_HEADER = "| stack id | account | what it deploys | reads the state of |";

  test("is a five-minute read: at most 150 lines", () => {
    expect(README.split("\n").length).toBeLessThanOrEqual(150);
  });

  test("its stacks table lists every stack once, each with its page and the stacks whose state it reads", () => {
    const rows = tableAfter(README, STACKS_HEADER);
    const ids = rows.map(([id]) => /^\[`([a-z0-9-]+)`\]\(docs\/stacks\/[a-z0-9-]+\.md\)$/.exec(id)?.[1] ?? id);
    expect([...ids].sort()).toEqual([...STACK_IDS].sort());
    for (const [id, , , reads] of rows.map((row, i) => [ids[i], ...row.slice(1)])) {
      const listed = reads === "—" ? [] : [...reads.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      expect({ id, reads: listed }).toEqual({ id, reads: [...READS_FROM[id as keyof typeof READS_FROM]] });
    }
  });

  test("names what it means wherever it mentions the articles: only the link to the section that describes them", () => {
    const mentions = [...README.matchAll(/[^\n]*\barticles?\b[^\n]*/gi)].map((m) => m[0]);
    expect(mentions.length).toBeGreaterThan(0);
    for (const line of mentions) {
      expect(line.replace(/\[Reproducing the articles\]\([^)]*#reproducing-the-articles\)/g, "")).not.toMatch(
        /\barticles?\b/i,
      );
    }
  });

  test("states the Node.js version package.json's engines field requires", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(">=20");
    expect(README).toMatch(/Node\.js\]\([^)]*\) 20 or later/);
  });
});
