/**
 * Reads the cdktf commands out of Markdown and judges them against the synthesized stacks:
 * - `cdktf deploy` / `cdktf destroy`: the stack selection, the way cdktf 0.21 judges it before it runs
 *   anything (node_modules/@cdktf/cli-core/src/lib/helpers/stack-helpers.js: `getMultipleStacks`,
 *   `checkIfAllDependenciesAreIncluded`, `checkIfAllDependantsAreIncluded`; called from
 *   cdktf-project.js `deploy` and `destroy`);
 * - `cdktf plan` / `cdktf diff` with a stack: that the stack exists (`getSingleStack`, exact names);
 * - a list of stacks in one command, or a `for <var> in <stacks>; do … cdktf <verb> "$<var>" … done`
 *   loop: the order (every stack after the stacks it reads for deploy and plan, before them for destroy);
 *   a loop is also checked for completeness, since a loop over stacks is how a pipeline covers them all
 *   (a loop meant for some stacks says `# subset` on its `for` line), and each of its iterations is
 *   judged as the one-stack command it runs.
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

export type Verb = "deploy" | "destroy" | "plan" | "diff";

export interface CdktfCommand {
  /** 1-based line of the Markdown file where the command starts. */
  readonly line: number;
  /** The command as written, whitespace collapsed. */
  readonly text: string;
  readonly verb: Verb;
  /** Positional arguments: stack names or glob patterns. */
  readonly patterns: readonly string[];
  readonly ignoreMissingStackDependencies: boolean;
}

/** A shell `for` loop that runs a cdktf command once per stack it lists. */
export interface StackLoop {
  readonly line: number;
  /** The loop's `for` line, whitespace collapsed. */
  readonly text: string;
  readonly verb: Verb;
  readonly stacks: readonly string[];
  /** The command each iteration runs, the loop variable replaced by the stack. */
  readonly iterations: readonly CdktfCommand[];
  /** Marked `# subset` on its `for` line: not meant to cover every stack. */
  readonly subset: boolean;
}

/** Options of `cdktf deploy` / `destroy` / `diff` 0.21 that take a value (from the CLI's yargs definitions). */
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
const VERBS: ReadonlySet<string> = new Set(["deploy", "destroy", "plan", "diff"]);

interface Line {
  readonly text: string;
  readonly line: number;
}

/** Fenced code blocks (their lines) and the prose lines between them. */
function split(markdown: string): { blocks: Line[][]; prose: Line[] } {
  const blocks: Line[][] = [];
  const prose: Line[] = [];
  let block: Line[] | undefined;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) {
      if (block) blocks.push(block);
      block = block ? undefined : [];
      return;
    }
    (block ?? prose).push({ text, line: index + 1 });
  });
  return { blocks, prose };
}

/** A block's lines with continuations (`\` at the end) joined, each starting at its first line. */
function joinContinuations(lines: readonly Line[]): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i].line;
    let text = lines[i].text;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, " ") + lines[++i].text;
    out.push({ text, line: start });
  }
  return out;
}

/** A `#` starts a comment at the start of a word (shell rules; quotes are not used around stack names). */
const withoutComment = (text: string) => text.replace(/(^|\s)#.*$/, "");

/** Shell fragments of a block: comments dropped, split at `&&`, `||`, `;`, `|`. */
function shellFragments(lines: readonly Line[]): Line[] {
  return joinContinuations(lines).flatMap(({ text, line }) =>
    withoutComment(text)
      .split(/&&|\|\||;|\|/)
      .map((part) => ({ text: part, line })),
  );
}

/** Inline code spans of prose lines; a span may continue on the next line of its paragraph. */
function inlineSpans(lines: readonly Line[]): Line[] {
  const out: Line[] = [];
  const joined = lines.map((l) => l.text).join("\n");
  const lineAt = (offset: number) => lines[joined.slice(0, offset).split("\n").length - 1]?.line ?? 0;
  for (const match of joined.matchAll(/`([^`]+)`/g)) out.push({ text: match[1], line: lineAt(match.index ?? 0) });
  return out;
}

/** The cdktf commands of one fragment of shell (or one inline span). `inline`: a bare verb is a mention. */
function commandsIn({ text, line }: Line, inline: boolean): CdktfCommand[] {
  const words = text.trim().split(/\s+/);
  const commands: CdktfCommand[] = [];
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] !== "cdktf" || !VERBS.has(words[i + 1])) continue;
    const verb = words[i + 1] as Verb;
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
    // `cdktf plan` named in prose is the command's name, not a command to run.
    if (inline && (verb === "plan" || verb === "diff") && patterns.length === 0) continue;
    commands.push({ line, text: words.slice(i).join(" "), verb, patterns, ignoreMissingStackDependencies: ignore });
  }
  return commands;
}

/** A loop's variable as the shell expands it: `$stack`, `"$stack"`, `${stack}`. */
const expansion = (variable: string) => new RegExp(`^"?\\$(?:${variable}|\\{${variable}\\})"?$`);

/** Every `for … in …; do … done` loop of a block whose body runs a cdktf command on the loop variable. */
function loopsIn(lines: readonly Line[]): Array<StackLoop & { bodyLines: ReadonlySet<number> }> {
  const joined = joinContinuations(lines);
  const loops: Array<StackLoop & { bodyLines: ReadonlySet<number> }> = [];
  for (let i = 0; i < joined.length; i++) {
    const head = /^\s*for\s+(\w+)\s+in\s+([^;#]*?)\s*(?:;\s*do\b(.*))?$/.exec(withoutComment(joined[i].text));
    if (!head) continue;
    const [, variable, list, sameLine] = head;
    const subset = /#.*\bsubset\b/.test(joined[i].text);
    const body: Line[] = sameLine ? [{ text: sameLine, line: joined[i].line }] : [];
    let end = i + 1;
    for (; end < joined.length && !/^\s*done\b/.test(joined[end].text); end++) body.push(joined[end]);
    const stacks = list.split(/\s+/).filter(Boolean);
    const runs = body.flatMap((fragment) => shellFragments([fragment])).flatMap((f) => commandsIn(f, false));
    const run = runs.find((c) => c.patterns.some((p) => expansion(variable).test(p)));
    if (!run) continue;
    const iterations = stacks.map((stack) => ({
      ...run,
      text: run.text.replace(/"?\$(?:\{\w+\}|\w+)"?/, stack),
      patterns: run.patterns.map((p) => (expansion(variable).test(p) ? stack : p)),
    }));
    loops.push({
      line: joined[i].line,
      text: joined[i].text.trim().replace(/\s+/g, " "),
      verb: run.verb,
      stacks,
      iterations,
      subset,
      bodyLines: new Set(body.map((l) => l.line)),
    });
  }
  return loops;
}

/** Every cdktf command in `markdown` outside loops over stacks: in fenced code blocks and in inline code. */
export function cdktfCommands(markdown: string): CdktfCommand[] {
  const { blocks, prose } = split(markdown);
  const commands: CdktfCommand[] = [];
  for (const block of blocks) {
    const inLoops = new Set(loopsIn(block).flatMap((loop) => [...loop.bodyLines]));
    for (const fragment of shellFragments(block)) {
      if (!inLoops.has(fragment.line)) commands.push(...commandsIn(fragment, false));
    }
  }
  for (const span of inlineSpans(prose)) commands.push(...commandsIn(span, true));
  return commands.sort((a, b) => a.line - b.line);
}

/** Every loop over stacks in the fenced code blocks of `markdown`. */
export function stackLoops(markdown: string): StackLoop[] {
  return split(markdown).blocks.flatMap((block) => loopsIn(block).map(({ bodyLines: _lines, ...loop }) => loop));
}

/**
 * Why cdktf would refuse `command` with these synthesized stacks, in cdktf's own words; empty when it
 * would run. Deploy: every dependency of a selected stack is selected. Destroy: every stack that
 * depends on a selected stack is selected. Either check is skipped with the flag, as in cdktf. Plan and
 * diff take one stack, named exactly.
 */
export function refusal(command: CdktfCommand, stacks: readonly ManifestStack[]): string[] {
  const variable = command.patterns.find((p) => p.includes("$"));
  if (variable !== undefined) {
    return [`${variable} is a shell variable outside a loop over stacks: the checker cannot tell which stack it names`];
  }
  if (command.verb === "plan" || command.verb === "diff") {
    const [name, ...extra] = command.patterns;
    if (extra.length > 0) return [`cdktf ${command.verb} takes one stack, not ${command.patterns.join(", ")}`];
    return stacks.some((s) => s.name === name) ? [] : [`Could not find stack: ${name}`];
  }
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

/**
 * Where `names`, run in the order written, has a stack on the wrong side of one it reads: for deploy,
 * plan and diff each stack comes after the stacks whose state it reads (a plan reads their state, a
 * deploy needs their outputs); for destroy, before them (a producer goes last). Names that are no
 * stack (globs, typos) are left to `refusal`.
 */
export function orderProblems(names: readonly string[], verb: Verb, stacks: readonly ManifestStack[]): string[] {
  const problems: string[] = [];
  names.forEach((name, i) => {
    const stack = stacks.find((s) => s.name === name);
    if (!stack) return;
    for (const dependency of stack.dependencies) {
      const at = names.indexOf(dependency);
      if (at < 0) continue;
      if (verb !== "destroy" && at > i) problems.push(`${name} comes before ${dependency}, whose state it reads`);
      if (verb === "destroy" && at < i)
        problems.push(`${dependency} is destroyed before ${name}, which reads its state`);
    }
  });
  return problems;
}

/**
 * What is wrong with `loop`: each iteration judged as the command it runs, the order of its stacks, and
 * unless it is marked a subset, the stacks it leaves out of those synthesized.
 */
export function loopProblems(loop: StackLoop, stacks: readonly ManifestStack[]): string[] {
  const problems = [
    ...loop.iterations.flatMap((command) => refusal(command, stacks).map((p) => `${command.text}: ${p}`)),
    ...orderProblems(loop.stacks, loop.verb, stacks),
  ];
  const missing = stacks.map((s) => s.name).filter((name) => !loop.stacks.includes(name));
  if (!loop.subset && missing.length > 0) {
    problems.push(
      `the loop leaves out ${missing.join(", ")}: name every stack, or mark a loop meant for some of them with "# subset" on its for line`,
    );
  }
  return problems;
}

/** What is wrong with `command`: cdktf's refusal, and the order of the stacks it names. */
export function commandProblems(command: CdktfCommand, stacks: readonly ManifestStack[]): string[] {
  return [...refusal(command, stacks), ...orderProblems(command.patterns, command.verb, stacks)];
}
