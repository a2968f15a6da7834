/**
 * Reads `cdktf deploy` / `cdktf destroy` commands out of Markdown and judges their stack selection the
 * way cdktf 0.21 does before it runs anything (node_modules/@cdktf/cli-core/src/lib/helpers/
 * stack-helpers.js: `getMultipleStacks`, `checkIfAllDependenciesAreIncluded`,
 * `checkIfAllDependantsAreIncluded`; called from cdktf-project.js `deploy` and `destroy`).
 * The cli-core module itself is not imported: loading it starts cdktf's logger, version checks and a
 * `terraform` call. The pattern matcher is the very `minimatch` cli-core resolves.
 */
import * as path from "node:path";

type Minimatch = (name: string, pattern: string) => boolean;
// A dynamic require: the module is resolved from cli-core's own folder (its pinned version), which a
// static import cannot express.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const minimatch: Minimatch = require(
  require.resolve("minimatch", { paths: [path.dirname(require.resolve("@cdktf/cli-core/package.json"))] }),
);

/** One stack of a synthesized `manifest.json`, as cdktf's checks read it. */
export interface ManifestStack {
  readonly name: string;
  readonly dependencies: readonly string[];
}

export interface CdktfCommand {
  /** 1-based line of the Markdown file where the command starts. */
  readonly line: number;
  /** The command as written, whitespace collapsed. */
  readonly text: string;
  readonly verb: "deploy" | "destroy";
  /** Positional arguments: stack names or glob patterns. */
  readonly patterns: readonly string[];
  readonly ignoreMissingStackDependencies: boolean;
}

/** Options of `cdktf deploy` / `destroy` 0.21 that take a value (from the CLI's yargs definitions). */
const OPTIONS_WITH_VALUE = new Set([
  "--app",
  "-a",
  "--output",
  "-o",
  "--outputs-file",
  "--parallelism",
  "--terraform-parallelism",
  "--var",
  "--var-file",
]);

/** Shell fragments of a fenced block: continuation lines joined, comments dropped, split at `&&`, `;`, `|`. */
function shellFragments(lines: Array<{ text: string; line: number }>): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i].line;
    let text = lines[i].text;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, " ") + lines[++i].text;
    // A `#` starts a comment at the start of a word (shell rules; quotes are not used around stack names).
    const code = text.replace(/(^|\s)#.*$/, "");
    for (const part of code.split(/&&|\|\||;|\|/)) out.push({ text: part, line: start });
  }
  return out;
}

/** Inline code spans of prose lines; a span may continue on the next line of its paragraph. */
function inlineSpans(lines: Array<{ text: string; line: number }>): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const joined = lines.map((l) => l.text).join("\n");
  const lineAt = (offset: number) => lines[joined.slice(0, offset).split("\n").length - 1]?.line ?? 0;
  for (const match of joined.matchAll(/`([^`]+)`/g)) out.push({ text: match[1], line: lineAt(match.index ?? 0) });
  return out;
}

/** Every `cdktf deploy|destroy` command in `markdown`: in fenced code blocks and in inline code. */
export function cdktfCommands(markdown: string): CdktfCommand[] {
  const fenced: Array<{ text: string; line: number }> = [];
  const prose: Array<{ text: string; line: number }> = [];
  let inFence = false;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) {
      inFence = !inFence;
      return;
    }
    (inFence ? fenced : prose).push({ text, line: index + 1 });
  });

  const commands: CdktfCommand[] = [];
  for (const { text, line } of [...shellFragments(fenced), ...inlineSpans(prose)]) {
    const words = text.trim().split(/\s+/);
    for (let i = 0; i < words.length - 1; i++) {
      if (words[i] !== "cdktf" || (words[i + 1] !== "deploy" && words[i + 1] !== "destroy")) continue;
      const verb = words[i + 1] as "deploy" | "destroy";
      // The shell removes quotes around a glob ('ssm-*') before cdktf sees it.
      const args = words.slice(i + 2).map((w) => w.replace(/^(['"])(.*)\1$/, "$2"));
      const patterns: string[] = [];
      let ignore = false;
      for (let j = 0; j < args.length; j++) {
        const arg = args[j];
        if (arg === "--ignore-missing-stack-dependencies") ignore = true;
        else if (OPTIONS_WITH_VALUE.has(arg)) j++;
        else if (!arg.startsWith("-")) patterns.push(arg);
      }
      commands.push({ line, text: words.slice(i).join(" "), verb, patterns, ignoreMissingStackDependencies: ignore });
    }
  }
  return commands.sort((a, b) => a.line - b.line);
}

/**
 * Why cdktf would refuse `command` with these synthesized stacks, in cdktf's own words; empty when it
 * would run. Deploy: every dependency of a selected stack is selected. Destroy: every stack that
 * depends on a selected stack is selected. Either check is skipped with the flag, as in cdktf.
 */
export function refusal(command: CdktfCommand, stacks: readonly ManifestStack[]): string[] {
  if (command.patterns.length === 0) {
    if (stacks.length === 1) return [];
    return [
      `Found more than one stack, please specify a target stack (one of ${stacks.map((s) => s.name).join(", ")})`,
    ];
  }
  const problems: string[] = [];
  const selected: ManifestStack[] = [];
  for (const pattern of command.patterns) {
    const matching = stacks.filter((s) => minimatch(s.name, pattern));
    if (matching.length === 0) problems.push(`Could not find stack for pattern '${pattern}'`);
    selected.push(...matching);
  }
  if (problems.length > 0 || command.ignoreMissingStackDependencies) return problems;

  const names = new Set(selected.map((s) => s.name));
  if (command.verb === "deploy") {
    const missing = [...new Set(selected.flatMap((s) => s.dependencies))].filter((d) => !names.has(d));
    if (missing.length > 0)
      problems.push(`The following dependencies are not included in the stacks to run: ${missing.join(", ")}`);
  } else {
    const dependants = stacks
      .filter((s) => selected.some((sel) => s.dependencies.includes(sel.name)))
      .map((s) => s.name);
    const missing = [...new Set(dependants)].filter((d) => !names.has(d));
    if (missing.length > 0)
      problems.push(`The following dependant stacks are not included in the stacks to run: ${missing.join(", ")}`);
  }
  return problems;
}
