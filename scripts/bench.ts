/**
 * `npm run bench [-- --synth-runs 7] [-- --record]` measures synthesis, with medians over several runs:
 *  (a) the cdktf.json `app` command synthesizing every stack (what `cdktf synth` runs),
 *  (b) `node` running tsc's compiled output of the same program (dist/main.js),
 * their ratio and peak memory.
 *
 * `npm run bench:suite [-- --runs 3] [-- --record]` measures, in a fresh clone against the floor of
 * ../shared/floor/measure, what a newcomer runs (`npm test`), everything CI runs (`.ci/run`) and a
 * synthesis (`npm run synth`, `npx cdktf synth`); see `suiteBench`.
 *
 * Each mode prints a Markdown report and exits 1 when a figure is over budget; it changes no tracked
 * file unless `--record` is given, which rewrites its own section of docs/benchmark.md. Nothing here is a
 * test: timings belong in reports, not in assertions.
 */
import { execSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const rssHook = path.join(__dirname, "lib", "report-rss.js");

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const synthRuns = flag("synth-runs", 7);
const testRuns = flag("runs", 3);

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

/**
 * The floor of ../shared/floor/measure, reimplemented the same way: the least a `cdktf synth` costs on
 * this machine (one stack, one resource, precompiled JavaScript, the project's own cdktf CLI run by
 * `npx --no-install`). Ratios to it, measured in the same run, compare across machines.
 */
const FLOOR_APP = `// The floor: the least a cdktf synth can cost here (one stack, one resource, precompiled JavaScript).
const { App, TerraformStack } = require("cdktf");
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
const { Vpc } = require("@cdktf/provider-aws/lib/vpc");
const app = new App();
const s = new TerraformStack(app, "floor");
new AwsProvider(s, "aws", { region: "ap-northeast-1" });
new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
app.synth();
`;
const FLOOR_CDKTF_JSON =
  '{ "language": "typescript", "app": "node main.js", "projectId": "floor", "sendCrashReports": "false" }\n';

/** The floor's median of 3 syntheses, with `project`'s node_modules. */
function floorSeconds(project: string): number {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-floor-"));
  try {
    writeFileSync(path.join(dir, "main.js"), FLOOR_APP);
    writeFileSync(path.join(dir, "cdktf.json"), FLOOR_CDKTF_JSON);
    symlinkSync(path.join(project, "node_modules"), path.join(dir, "node_modules"));
    const runs = [1, 2, 3].map(
      () =>
        measure(`npx --no-install cdktf synth --output ${JSON.stringify(path.join(dir, "out"))}`, {}, false, dir)
          .seconds,
    );
    return median(runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench:suite [-- --runs 3]`: in one fresh clone of the committed HEAD (`git clone` + `npm ci`,
 * not counted), the medians of `runs` runs of what a newcomer runs (`npm test`), everything CI runs
 * (`.ci/run --no-install`: lint, `npm test` and `npm run test:terraform`, as CI runs them) and a
 * synthesis (`npm run synth`, `npx cdktf synth`), each as a ratio to the floor measured right before it.
 * Every test run starts as a fresh clone does: no tsc build info, an empty jest cache, no `.tmp`.
 */
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
    // What a fresh clone lacks: tsc's build info, `.tmp`; and jest's cache, which lives under the temporary
    // folder (os.tmpdir()), so each test run gets an empty one of its own (clearing jest's cache would
    // empty the one every other project of this user shares).
    const cold = "rm -rf dist/.tsbuildinfo .tmp cdktf.out && ";
    const commands: Array<{ name: string; command: string; limit: number; fresh?: true }> = [
      { name: "newcomer: `npm test`", command: `${cold}npm test`, limit: 12, fresh: true },
      { name: "CI: `.ci/run` without `npm ci`", command: `${cold}bash .ci/run --no-install`, limit: 20, fresh: true },
      { name: "`npm run synth`", command: "rm -rf cdktf.out && npm run synth", limit: 1.1 },
      { name: "`npx cdktf synth`", command: "rm -rf cdktf.out && npx cdktf synth", limit: 1.1 },
    ];
    const run = (command: string, fresh: boolean) => {
      const tmp = fresh ? mkdtempSync(path.join(tmpdir(), "bench-tmp-")) : undefined;
      try {
        return measure(command, tmp ? { TMPDIR: tmp } : {}, false, clone).seconds;
      } finally {
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    };
    const rows = commands.map(({ name, command, limit, fresh }) => {
      console.error(`floor, then ${name} ${testRuns}x ...`);
      const floor = floorSeconds(clone);
      const runs = Array.from({ length: testRuns }, () => run(command, fresh === true));
      console.error(`  floor ${fmt(floor)} s; runs ${runs.map(fmt).join(", ")} s`);
      return { name, floor, runs, limit, ratio: median(runs) / floor };
    });
    const budgets: Budget[] = rows.map(({ name, ratio, limit }) => [`${name}, median / floor`, ratio, limit, "×"]);
    const lines = [
      `Measured ${machine()}, in one fresh clone of ${head} (\`git clone\` + \`npm ci\`, ${fmt(ci)} s, not counted) reused for every run. Each test run starts as a fresh clone does: no tsc build info, an empty jest cache (a temporary folder of its own), no \`.tmp\`. The floor (the least a \`cdktf synth\` costs here: one stack, one resource, precompiled JavaScript; as \`../shared/floor/measure\`) is the median of 3 syntheses measured right before each command; each command is the median of ${testRuns} runs.`,
      "",
      "| what | floor | median wall | runs | ratio to floor | goal |",
      "|---|---|---|---|---|---|",
      ...rows.map(
        ({ name, floor, runs, ratio, limit }) =>
          `| ${name} | ${fmt(floor)} s | ${fmt(median(runs))} s | ${runs.map(fmt).join(", ")} | ${fmt(ratio)}× | ≤ ${limit}× |`,
      ),
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
  const head =
    "# Benchmark\n\nWritten by `npm run bench -- --record` (synthesis) and `npm run bench:suite -- --record` (the test suite and synthesis against the floor).\n";
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

const args = process.argv.slice(2);
const suite = args.includes("suite");
const { lines, budgets } = suite ? suiteBench() : synthBench();
const report = lines.join("\n");
console.log(report);
// Measuring leaves the tree as it was; `--record` writes the report into docs/benchmark.md.
if (args.includes("--record")) {
  writeSection(
    suite ? "suite" : "synth",
    suite ? "The test suite and synthesis, against the floor" : "Synthesis",
    report,
  );
  console.error("recorded in docs/benchmark.md");
} else {
  console.error("not recorded (add -- --record to write docs/benchmark.md)");
}
process.exit(budgets.every(([, value, limit]) => value <= limit) ? 0 : 1);
