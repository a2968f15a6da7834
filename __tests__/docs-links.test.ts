/**
 * Every relative link of the start page and of docs/ leads somewhere: the file (or folder) exists, and
 * a `#anchor` into a Markdown page names one of its headings, as GitHub renders them. External links
 * (`https:`, `mailto:`) are not fetched: the suite runs without a network.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { documentationPages } from "./helpers/documents";

const ROOT = path.join(__dirname, "..");

/** The text of `markdown` without fenced code blocks and inline code, where brackets are not links. */
function prose(markdown: string): string {
  let inFence = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return "";
      }
      return inFence ? "" : line.replace(/`[^`\n]*`/g, "code");
    })
    .join("\n");
}

/** The targets of the inline links and images of `markdown`, outside code. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/**
 * The anchor GitHub gives a heading: its text as rendered (links reduced to their text, code and
 * emphasis marks dropped), lower-cased, every character that is not a letter, digit, mark, connector
 * (`_`), space or hyphen removed, spaces turned into hyphens.
 */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/[`*]/g, "");
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor of a Markdown page: its headings' slugs (a repeated one numbered `-1`, `-2` …) and explicit ids. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) found.add(m[1]);
  }
  return found;
}

/** Why each relative link of `file` (relative to the project folder) does not resolve: `<file>: <link>: <reason>`. */
function brokenLinks(file: string, read: (relative: string) => string | undefined): string[] {
  const text = read(file);
  if (text === undefined) return [`${file}: the file does not exist`];
  const problems: string[] = [];
  for (const link of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
    const [target, anchor] = link.split("#", 2) as [string, string | undefined];
    const resolved = target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
    if (resolved.startsWith("../")) {
      problems.push(`${file}: ${link}: leads out of the repository`);
      continue;
    }
    const content = resolved.endsWith(".md") ? read(resolved) : undefined;
    if (content === undefined && !existsSync(path.join(ROOT, resolved))) {
      problems.push(`${file}: ${link}: ${resolved} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === "") continue;
    if (content === undefined) {
      if (!statSync(path.join(ROOT, resolved)).isDirectory() && !resolved.endsWith(".md")) continue;
      problems.push(`${file}: ${link}: #${anchor} points into ${resolved}, which is not a Markdown page`);
      continue;
    }
    if (!anchors(content).has(decodeURIComponent(anchor))) {
      problems.push(`${file}: ${link}: ${resolved} has no heading whose anchor is #${anchor}`);
    }
  }
  return problems;
}

const readFromDisk = (relative: string): string | undefined => {
  const at = path.join(ROOT, relative);
  return existsSync(at) && statSync(at).isFile() ? readFileSync(at, "utf8") : undefined;
};

describe("relative links of README.md and docs/", () => {
  const files = documentationPages();

  test("the start page and the pages of docs/ are all read", () => {
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "docs/README.md", "docs/configuration.md", "docs/stacks/audit.md"]),
    );
  });

  test.each(files)("every relative link of %s resolves", (file) => {
    expect(brokenLinks(file, readFromDisk)).toEqual([]);
  });

  test("every page of docs/ is linked from the docs index or the start page", () => {
    const linked = new Set(
      ["README.md", "docs/README.md"].flatMap((from) =>
        linkTargets(readFromDisk(from) ?? "").map((t) =>
          path.posix.normalize(path.posix.join(path.posix.dirname(from), t.split("#")[0])),
        ),
      ),
    );
    expect(files.filter((f) => f !== "docs/README.md" && !linked.has(f))).toEqual([]);
  });
});

describe("the link checker", () => {
  const pages: Record<string, string> = {
    "docs/a.md": [
      "# Page A",
      "## Deploy `npm run deploy` (with: care)",
      "## Deploy `npm run deploy` (with: care)",
      "## Why **not**? [Links](b.md) count by their text",
      '<a name="explicit"></a>',
      "```md",
      "## not a heading [nor a link](nowhere.md)",
      "```",
      "See [b](b.md#section-b), [the same](#page-a), `[code](nowhere.md)`.",
    ].join("\n"),
    "docs/b.md": "# B\n\n## Section B\n",
  };
  const read = (relative: string) => pages[relative] ?? readFromDisk(relative);
  const check = (markdown: string) => brokenLinks("docs/x.md", (f) => (f === "docs/x.md" ? markdown : read(f)));

  test("names GitHub's anchors: punctuation dropped, repeats numbered, link text kept, explicit ids", () => {
    expect([...anchors(pages["docs/a.md"])]).toEqual([
      "page-a",
      "deploy-npm-run-deploy-with-care",
      "deploy-npm-run-deploy-with-care-1",
      "why-not-links-count-by-their-text",
      "explicit",
    ]);
  });

  test("accepts links to files, folders, headings and explicit anchors, and ignores code and external links", () => {
    expect(brokenLinks("docs/a.md", read)).toEqual([]);
    expect(
      check(
        "[a](a.md#deploy-npm-run-deploy-with-care-1) [e](a.md#explicit) [dir](stacks/) [src](../lib/config/schema.ts) [w](https://example.com/x.md#y)",
      ),
    ).toEqual([]);
  });

  test.each([
    ["a missing file", "[x](missing.md)", "docs/x.md: missing.md: docs/missing.md does not exist"],
    ["a path written from the project folder", "[x](docs/a.md)", "docs/x.md: docs/a.md: docs/docs/a.md does not exist"],
    [
      "a missing heading",
      "[x](a.md#deploy)",
      "docs/x.md: a.md#deploy: docs/a.md has no heading whose anchor is #deploy",
    ],
    [
      "a missing heading of the page itself",
      "[x](#nowhere)",
      "docs/x.md: #nowhere: docs/x.md has no heading whose anchor is #nowhere",
    ],
    [
      "a heading inside a code block",
      "[x](a.md#not-a-heading-nor-a-link)",
      "has no heading whose anchor is #not-a-heading-nor-a-link",
    ],
    [
      "a link out of the repository",
      "[x](../../../etc/passwd)",
      "docs/x.md: ../../../etc/passwd: leads out of the repository",
    ],
  ])("refuses %s, naming file, link and reason", (_name, markdown, message) => {
    expect(check(markdown).join("\n")).toContain(message);
  });
});
