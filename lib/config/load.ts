import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, formatIssues } from "./errors";
import { configSchema, networkInputIssues, sessionInputIssues, type Config } from "./schema";

/** Env var naming the configuration file. */
export const CONFIG_ENV = "ACCESS_GUARDRAILS_CONFIG";
/** Env var switching every provider to offline mode (dummy credentials, no AWS calls). */
export const OFFLINE_ENV = "ACCESS_GUARDRAILS_OFFLINE";
/**
 * The project folder: the nearest ancestor holding package.json, whether this file runs from source
 * (lib/config) or compiled (dist/lib/config).
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.join(from, "..", "..");
  }
}

/** Shipped configuration with placeholder accounts, so `cdktf synth` runs out of the box. */
export const DEFAULT_CONFIG_PATH = path.join(projectRoot(__dirname), "config", "default.json");

/** Everything the stacks receive: the validated configuration and the provider mode. */
export interface Settings {
  readonly config: Config;
  /**
   * Offline mode: providers use dummy credentials and skip every AWS call, so `cdktf plan` runs with no
   * AWS access. Plans made this way are for review only.
   */
  readonly offline: boolean;
  /** The file the configuration was read from. */
  readonly source: string;
}

/** Validates a configuration object; throws a ConfigError listing every problem. */
export function parseConfig(input: unknown, source = "<inline>"): Config {
  const result = configSchema.safeParse(input, { reportInput: true });
  // Checks of the raw input (fields written, not defaulted) are reported together with the schema's.
  const issues = [
    ...networkInputIssues(input),
    ...sessionInputIssues(input),
    ...(result.success ? [] : result.error.issues),
  ];
  if (!result.success || issues.length > 0) throw new ConfigError(source, formatIssues(issues));
  return result.data;
}

/** Reads and validates a configuration file; every failure names the path. */
export function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "the file does not exist" : String(err);
    throw new ConfigError(file, [`Cannot read ${file}: ${reason}. Set ${CONFIG_ENV} to a readable JSON file.`]);
  }
  if (text.trim() === "") {
    throw new ConfigError(file, [`Empty configuration file ${file}: write a JSON object (see config/default.json).`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, [`Unreadable JSON in ${file}: ${(err as Error).message}. Fix the syntax.`]);
  }
  return parseConfig(json, file);
}

function parseOffline(value: string | undefined, source: string): boolean {
  if (value === undefined || value === "" || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new ConfigError(source, [
    `Invalid ${OFFLINE_ENV} ${JSON.stringify(value)}: use 1 (offline) or 0, or leave it unset.`,
  ]);
}

/**
 * The single place configuration enters the program: reads the environment, then the file, and
 * validates both before any stack exists.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const source = env[CONFIG_ENV] ? path.resolve(env[CONFIG_ENV]) : DEFAULT_CONFIG_PATH;
  const offline = parseOffline(env[OFFLINE_ENV], source);
  return { config: readConfigFile(source), offline, source };
}

/** cdktf's output folder when neither cdktf.json (`output`) nor `cdktf synth --output` names another. */
export const DEFAULT_SYNTH_OUTPUT = "cdktf.out";

/**
 * The folder `cdktf synth` writes to, run in `cwd` (cdktf reads cdktf.json there): cdktf.json's
 * `output`, else cdktf.out.
 */
export function synthOutputDir(cwd: string = process.cwd()): string {
  let output = DEFAULT_SYNTH_OUTPUT;
  try {
    const settings: unknown = JSON.parse(readFileSync(path.join(cwd, "cdktf.json"), "utf8"));
    const named = (settings as { output?: unknown }).output;
    if (typeof named === "string" && named !== "") output = named;
  } catch {
    // No readable cdktf.json: cdktf would refuse to run there, and its default is the one to name.
  }
  return path.resolve(cwd, output);
}

/**
 * What a refused configuration prints: every problem, then, when an earlier synthesis is still in
 * `outputDir`, that it is stale. Nothing is synthesized and nothing is deleted: the folder still holds
 * the previous configuration's stacks, which `cdktf deploy` or `terraform` run there would apply.
 */
export function refusalText(err: ConfigError, outputDir: string = synthOutputDir()): string {
  if (!existsSync(outputDir)) return `${err.message}\n`;
  const shown = path.relative(process.cwd(), outputDir) || outputDir;
  return (
    `${err.message}\n` +
    `Note: ${shown}/ holds the previous synthesis, made from an earlier configuration: it is stale and does not reflect ${err.source}. ` +
    `Nothing was synthesized or deleted; synthesize again once the configuration is fixed.\n`
  );
}

/**
 * `loadSettings` for an entry point: on a bad configuration, prints every problem (refusalText) and
 * exits 1 before anything is synthesized or written. The npm scripts' launcher (scripts/cdktf.js) calls
 * it before cdktf starts, so the refusal is printed once; the cdktf app command (scripts/run-app.js)
 * calls it before it loads cdktf and the provider, for `npx cdktf synth` run directly.
 */
export function loadSettingsOrExit(
  env: NodeJS.ProcessEnv = process.env,
  outputDir: string = synthOutputDir(),
): Settings {
  try {
    return loadSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(refusalText(err, outputDir));
    process.exit(1);
  }
}
