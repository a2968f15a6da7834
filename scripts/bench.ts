/**
 * `npm run bench [-- --synth-runs 7 --test-runs 3]`
 *
 * Measures, with medians over several runs:
 *  (a) the cdktf.json `app` command synthesizing every stack (what `cdktf synth` runs),
 *  (b) `node` running tsc's compiled output of the same program (dist/main.js),
 * their ratio and peak memory; and the wall time of `npm test` split into its layers (type check, unit
 * layer, Terraform layer) plus the whole command. Prints a Markdown report, writes it to
 * docs/benchmark.md, and exits 1 when a figure is over budget.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
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
function measure(command: string, env: NodeJS.ProcessEnv = {}, withRss = false): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-"));
  const rssFile = path.join(scratch, "rss");
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    ...env,
    ...(withRss ? { NODE_OPTIONS: `--require ${rssHook}`, BENCH_RSS_FILE: rssFile } : {}),
  };
  const started = process.hrtime.bigint();
  const result = spawnSync(command, { cwd: root, env: fullEnv, shell: true, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
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
      const stacks = existsSync(path.join(outdir, "stacks")) ? require("node:fs").readdirSync(path.join(outdir, "stacks")).length : 0;
      if (stacks === 0) throw new Error(`${command} wrote no stacks`);
      return sample;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
}

const appCommand: string = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app;

console.error("building dist/ with tsc ...");
measure("npx tsc -p tsconfig.json");
console.error(`synthesizing every stack ${synthRuns}x with (a) and (b) ...`);
measure(appCommand, { CDKTF_OUTDIR: mkdtempSync(path.join(tmpdir(), "bench-warm-")) }); // warm the disk cache
const a = synthSamples(appCommand);
const b = synthSamples("node dist/main.js");
console.error(`running the test layers ${testRuns}x ...`);
// A fresh clone has no incremental build info: drop it so the type check is measured cold, as CI runs it.
const cold = "rm -f dist/.tsbuildinfo && ";
const layers = {
  typecheck: `${cold}npx tsc -p tsconfig.json --noEmit`,
  unit: "npx jest --testPathIgnorePatterns __tests__/terraform",
  terraform: "npx jest __tests__/terraform",
  whole: `${cold}npm test --silent`,
};
const tests = Object.fromEntries(
  Object.entries(layers).map(([name, command]) => [name, Array.from({ length: testRuns }, () => measure(command).seconds)]),
) as Record<keyof typeof layers, number[]>;

const aWall = median(a.map((s) => s.seconds));
const bWall = median(b.map((s) => s.seconds));
const aRss = Math.max(...a.map((s) => s.rssMiB ?? 0));
const bRss = Math.max(...b.map((s) => s.rssMiB ?? 0));
const ratio = aWall / bWall;
const budgets: Array<[string, number, number, string]> = [
  ["(a)/(b) synth wall-time ratio", ratio, 1.5, ""],
  ["(a) full synth, median wall", aWall, 1.0, " s"],
  ["(a) full synth, peak RSS", aRss, 300, " MiB"],
  ["unit layer (type check + jest without Terraform), median wall", median(tests.typecheck) + median(tests.unit), 20, " s"],
  ["whole `npm test`, median wall", median(tests.whole), 90, " s"],
];
const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores / ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; medians of ${synthRuns} synth runs and ${testRuns} test runs.`,
  "",
  "| what | median wall | peak RSS |",
  "|---|---|---|",
  `| (a) app command \`${appCommand}\`, all stacks | ${fmt(aWall)} s | ${fmt(aRss)} MiB |`,
  `| (b) \`node dist/main.js\` (tsc output), all stacks | ${fmt(bWall)} s | ${fmt(bRss)} MiB |`,
  `| type check (\`tsc --noEmit\`, cold) | ${fmt(median(tests.typecheck))} s | |`,
  `| unit layer (jest, Terraform tests excluded) | ${fmt(median(tests.unit))} s | |`,
  `| Terraform layer (\`__tests__/terraform\`) | ${fmt(median(tests.terraform))} s | |`,
  `| whole \`npm test\` | ${fmt(median(tests.whole))} s | |`,
  "",
  "| budget | measured | limit | |",
  "|---|---|---|---|",
  ...budgets.map(([name, value, limit, unit]) => `| ${name} | ${fmt(value)}${unit} | ${limit}${unit} | ${value <= limit ? "within" : "OVER"} |`),
];
const report = lines.join("\n");
console.log(report);
mkdirSync(path.join(root, "docs"), { recursive: true });
writeFileSync(path.join(root, "docs", "benchmark.md"), `# Benchmark\n\nWritten by \`npm run bench\`.\n\n${report}\n`);
process.exit(budgets.every(([, value, limit]) => value <= limit) ? 0 : 1);
