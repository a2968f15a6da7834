/**
 * `npm run access-matrix [-- --out <file>]`: simulates the rows of scenarios/*.json against the
 * synthesized stacks and prints the matrix (who reaches which instance through which door, then every
 * row by stack and principal). Uses the AGPL simulator: a dev script only.
 *
 * - ACCESS_GUARDRAILS_CONFIG unset: each file's rows run against config/default.json with the file's own
 *   `config` merged in, the matrix is written to docs/access-matrix.md (or to `--out`), and any row that
 *   does not prove its expectation exits 1: the project's own check.
 * - ACCESS_GUARDRAILS_CONFIG set: the rows of the files whose `config` already holds in that
 *   configuration run against it (the others prove another configuration and are listed as not
 *   evaluated); a decision that differs from the shipped expectation is shown as a difference, and the
 *   exit code is 0. Nothing is written unless `--out` names a file: the tracked docs/access-matrix.md
 *   describes the shipped configuration and is never overwritten with a user's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_ENV, ConfigError, loadSettings, parseConfig, type Config } from "../lib/config";
import {
  accessMatrixMarkdown,
  loadScenarioFiles,
  mergeConfig,
  outcomeFailures,
  runScenario,
  synthesizeStacks,
  type MatrixConfiguration,
  type MatrixRow,
  type ScenarioFile,
  type StacksFor,
} from "../proofs";

export const ACCESS_MATRIX_FILE = path.join(__dirname, "..", "docs", "access-matrix.md");

/** `--out <file>`, or an error naming the bad argument. */
export function parseMatrixArguments(args: readonly string[]): { out?: string } | { error: string } {
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out" && args[i + 1] !== undefined && !args[i + 1].startsWith("-")) out = args[++i];
    else if (args[i].startsWith("--out=") && args[i].length > "--out=".length) out = args[i].slice("--out=".length);
    else
      return {
        error: `Unknown argument ${JSON.stringify(args[i])}: use npm run access-matrix [-- --out <file>] (--out needs a file name).`,
      };
  }
  return { out };
}

/** The value at a dotted path of an object, or undefined. */
const at = (value: unknown, keys: readonly string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );

/** Dotted paths of the leaves (values and lists) of a scenario file's `config`. */
function leaves(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/**
 * Whether a scenario file proves the user's configuration: its `config`, merged into the user's file,
 * changes nothing once validated. Otherwise, the fields it sets differently.
 */
export function applicability(
  file: ScenarioFile,
  raw: unknown,
  config: Config,
): { applies: true } | { fields: string[] } {
  let merged: Config | undefined;
  try {
    merged = parseConfig(mergeConfig(raw, file.config), `scenarios/${file.file}`);
  } catch {
    merged = undefined;
  }
  if (merged && JSON.stringify(merged) === JSON.stringify(config)) return { applies: true };
  const fields = leaves(file.config)
    .filter((keys) => JSON.stringify(at(config, keys)) !== JSON.stringify(at(file.config, keys)))
    .map((keys) => keys.join("."));
  return { fields: fields.length > 0 ? fields : Object.keys(file.config) };
}

export interface MatrixIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The synthesized stacks of a configuration (default: synthesized in process). */
  readonly stacksFor?: StacksFor;
  /** The scenario files (default: every scenarios/*.json). */
  readonly files?: readonly ScenarioFile[];
}

/** Runs the command; returns its exit code. */
export async function accessMatrix(args: readonly string[], env: NodeJS.ProcessEnv, io: MatrixIo): Promise<number> {
  const parsed = parseMatrixArguments(args);
  if ("error" in parsed) {
    io.stderr(`${parsed.error}\n`);
    return 2;
  }
  const files = io.files ?? loadScenarioFiles();
  let configuration: MatrixConfiguration | undefined;
  let selected: readonly ScenarioFile[] = files;
  let configFor: ((file: ScenarioFile) => Config) | undefined;
  if (env[CONFIG_ENV]) {
    let config: Config;
    let source: string;
    try {
      ({ config, source } = loadSettings(env));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      io.stderr(`${err.message}\n`);
      return 1;
    }
    const raw: unknown = JSON.parse(readFileSync(source, "utf8"));
    const skipped: Array<{ file: string; fields: string[] }> = [];
    selected = files.filter((file) => {
      const verdict = applicability(file, raw, config);
      if ("fields" in verdict) skipped.push({ file: file.file, fields: verdict.fields });
      return "applies" in verdict;
    });
    configuration = { source: env[CONFIG_ENV]!, skipped };
    configFor = () => config;
  }

  const rows: MatrixRow[] = [];
  for (const file of selected) {
    for (const row of file.scenarios) {
      const outcome = await runScenario(file, row, io.stacksFor ?? synthesizeStacks, configFor);
      rows.push({ outcome, failures: outcomeFailures(outcome, row) });
    }
  }
  const markdown = accessMatrixMarkdown(rows, configuration);
  io.stdout(markdown);

  const out = parsed.out ? path.resolve(parsed.out) : configuration ? undefined : ACCESS_MATRIX_FILE;
  if (out) {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, markdown);
  }
  const failed = rows.filter((r) => r.failures.length > 0);
  const written = out
    ? `wrote ${path.relative(process.cwd(), out)}`
    : `${path.relative(process.cwd(), ACCESS_MATRIX_FILE)} left as it is (it describes the shipped configuration; --out <file> writes this one)`;
  if (configuration) {
    io.stdout(
      `\n${rows.length} scenarios of ${selected.length} files evaluated against ${configuration.source} (${configuration.skipped.length} ${configuration.skipped.length === 1 ? "file proves" : "files prove"} other configurations), ${failed.length} differ from the shipped expectation; ${written}\n`,
    );
    return 0;
  }
  io.stdout(`\n${rows.length} scenarios, ${failed.length} failing; ${written}\n`);
  for (const { outcome, failures } of failed) {
    io.stderr(`✗ ${outcome.file} > ${outcome.scenario}\n  ${failures.join("\n  ")}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  // Piped into `head`, stdout closes early: stop quietly, as other command-line tools do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
  accessMatrix(process.argv.slice(2), process.env, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
