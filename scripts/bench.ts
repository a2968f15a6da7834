/**
 * `npm run bench [-- --synth-runs 7]` measures synthesis, with medians over several runs:
 *  (a) the cdktf.json `app` command synthesizing every stack (what `cdktf synth` runs),
 *  (b) `node` running tsc's compiled output of the same program (dist/main.js),
 * their ratio and peak memory.
 *
 * `npm run bench -- suite [--test-runs 3]` measures `npm test` as CI and a new contributor run it: in a
 * fresh clone of the committed HEAD (`git clone` + `npm ci`, made once and reused for every run), each
 * run with a cold jest cache and no tsc build info. It times the type check, the unit + proof layer (jest
 * without __tests__/terraform), the Terraform layer and the whole `npm test`, each on its own.
 *
 * Each mode prints a Markdown report, rewrites its own section of docs/benchmark.md, and exits 1 when a
 * figure is over budget. Nothing here is a test: timings belong in reports, not in assertions.
 */
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const rssHook = path.join(__dirname, "lib", "report-rss.js");

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const synthRuns = flag("synth-runs", 7);
const testRuns = flag("test-runs", 3);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Sample {
  seconds: number;
  rssMiB?: number;
}

/** Runs a shell command once; wall time always, peak RSS when the command is a node process. */
function measure(command: string, env: NodeJS.ProcessEnv = {}, withRss = false, cwd = root): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-"));
  const rssFile = path.join(scratch, "rss");
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    ...env,
    ...(withRss ? { NODE_OPTIONS: `--require ${rssHook}`, BENCH_RSS_FILE: rssFile } : {}),
  };
  const started = process.hrtime.bigint();
  const result = spawnSync(command, {
    cwd,
    env: fullEnv,
    shell: true,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`.slice(0, 4000));
  }
  const rssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) / 1024 : undefined;
  rmSync(scratch, { recursive: true, force: true });
  return { seconds, rssMiB };
}

function synthSamples(command: string): Sample[] {
  return Array.from({ length: synthRuns }, () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "bench-out-"));
    try {
      const sample = measure(command, { CDKTF_OUTDIR: outdir }, true);
      const stacks = existsSync(path.join(outdir, "stacks")) ? readdirSync(path.join(outdir, "stacks")).length : 0;
      if (stacks === 0) throw new Error(`${command} wrote no stacks`);
      return sample;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
}

type Budget = [name: string, value: number, limit: number, unit: string];
const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const machine = () =>
  `${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores / ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const budgetTable = (budgets: Budget[]) => [
  "| budget | measured | limit | |",
  "|---|---|---|---|",
  ...budgets.map(
    ([name, value, limit, unit]) =>
      `| ${name} | ${fmt(value)}${unit} | ${limit}${unit} | ${value <= limit ? "within" : "OVER"} |`,
  ),
];

function synthBench(): { lines: string[]; budgets: Budget[] } {
  const appCommand: string = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app;

  console.error("building dist/ with tsc ...");
  measure("npx tsc -p tsconfig.json");
  console.error(`synthesizing every stack ${synthRuns}x with (a) and (b) ...`);
  measure(appCommand, { CDKTF_OUTDIR: mkdtempSync(path.join(tmpdir(), "bench-warm-")) }); // warm the disk cache
  const a = synthSamples(appCommand);
  const b = synthSamples("node dist/main.js");
  const aWall = median(a.map((s) => s.seconds));
  const bWall = median(b.map((s) => s.seconds));
  const aRss = Math.max(...a.map((s) => s.rssMiB ?? 0));
  const bRss = Math.max(...b.map((s) => s.rssMiB ?? 0));
  const budgets: Budget[] = [
    ["(a)/(b) synth wall-time ratio", aWall / bWall, 1.5, ""],
    ["(a) full synth, median wall", aWall, 1.0, " s"],
    ["(a) full synth, peak RSS", aRss, 300, " MiB"],
  ];
  const lines = [
    `Measured ${machine()}; medians of ${synthRuns} runs.`,
    "",
    "| what | median wall | peak RSS |",
    "|---|---|---|",
    `| (a) app command \`${appCommand}\`, all stacks | ${fmt(aWall)} s | ${fmt(aRss)} MiB |`,
    `| (b) \`node dist/main.js\` (tsc output), all stacks | ${fmt(bWall)} s | ${fmt(bRss)} MiB |`,
    "",
    ...budgetTable(budgets),
  ];
  return { lines, budgets };
}

/** `npm test` and its layers, in one fresh clone of HEAD, `testRuns` times each. */
function suiteBench(): { lines: string[]; budgets: Budget[] } {
  const head = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  const dirty = execSync("git status --porcelain --untracked-files=no", { cwd: root, encoding: "utf8" }).trim();
  if (dirty) console.error("note: uncommitted changes are not in the clone; it measures the committed HEAD");
  const clone = mkdtempSync(path.join(tmpdir(), "bench-clone-"));
  try {
    console.error(`cloning ${head} into ${clone} and running npm ci ...`);
    measure(
      `git clone --quiet ${JSON.stringify(root)} ${JSON.stringify(clone)} && git -C ${JSON.stringify(clone)} checkout --quiet ${head}`,
    );
    const ci = measure("npm ci --no-audit --no-fund --prefer-offline", {}, false, clone).seconds;
    // What a fresh clone lacks: tsc's incremental build info and jest's transform cache.
    const cold = (command: string) => {
      const cache = mkdtempSync(path.join(tmpdir(), "bench-jest-cache-"));
      try {
        return measure(`rm -rf dist/.tsbuildinfo && ${command.replace("{cache}", cache)}`, {}, false, clone).seconds;
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    };
    const layers = {
      typecheck: "npx tsc -p tsconfig.json --noEmit",
      unit: "npx jest --cacheDirectory {cache} --testPathIgnorePatterns __tests__/terraform",
      terraform: "npx jest --cacheDirectory {cache} __tests__/terraform",
      whole: "npm test --silent -- --cacheDirectory {cache}",
    };
    const times: Record<string, number[]> = {};
    for (let run = 1; run <= testRuns; run++) {
      for (const [name, command] of Object.entries(layers)) {
        console.error(`run ${run}/${testRuns}: ${name} ...`);
        (times[name] ??= []).push(cold(command));
      }
    }
    const m = (name: keyof typeof layers) => median(times[name]);
    const all = (name: keyof typeof layers) => times[name].map(fmt).join(", ");
    const budgets: Budget[] = [
      ["unit + proof layer (jest without Terraform), median wall", m("unit"), 20, " s"],
      ["whole `npm test`, median wall", m("whole"), 60, " s"],
    ];
    const lines = [
      `Measured ${machine()}, in one fresh clone of ${head} (\`git clone\` + \`npm ci\`, ${fmt(ci)} s, not counted) reused for ${testRuns} runs; every run starts with no tsc build info and an empty jest cache, as a fresh clone does. Each layer runs on its own, so the layers add up to more than the whole \`npm test\`, where jest runs the unit files beside the Terraform file.`,
      "",
      "| what | median wall | runs |",
      "|---|---|---|",
      `| type check (\`tsc --noEmit\`, cold) | ${fmt(m("typecheck"))} s | ${all("typecheck")} |`,
      `| unit + proof layer (jest, \`__tests__/terraform\` excluded) | ${fmt(m("unit"))} s | ${all("unit")} |`,
      `| Terraform layer (jest \`__tests__/terraform\`) | ${fmt(m("terraform"))} s | ${all("terraform")} |`,
      `| whole \`npm test\` (type check + jest) | ${fmt(m("whole"))} s | ${all("whole")} |`,
      "",
      ...budgetTable(budgets),
    ];
    return { lines, budgets };
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}

/** Replaces the section between `<!-- bench:<name> -->` markers in docs/benchmark.md (added when missing). */
function writeSection(name: string, title: string, body: string): void {
  const file = path.join(root, "docs", "benchmark.md");
  mkdirSync(path.dirname(file), { recursive: true });
  const head = "# Benchmark\n\nWritten by `npm run bench` (synthesis) and `npm run bench -- suite` (the test suite).\n";
  const current = existsSync(file) ? readFileSync(file, "utf8") : head;
  const [open, close] = [`<!-- bench:${name} -->`, `<!-- /bench:${name} -->`];
  const section = `${open}\n## ${title}\n\n${body}\n${close}`;
  const at = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    at >= 0 && end > at
      ? current.slice(0, at) + section + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

const suite = process.argv.slice(2).includes("suite");
const { lines, budgets } = suite ? suiteBench() : synthBench();
const report = lines.join("\n");
console.log(report);
writeSection(suite ? "suite" : "synth", suite ? "`npm test` on a fresh clone" : "Synthesis", report);
process.exit(budgets.every(([, value, limit]) => value <= limit) ? 0 : 1);
