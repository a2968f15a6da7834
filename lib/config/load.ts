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

/**
 * `loadSettings` for an entry point: on a bad configuration, prints every problem and exits 1 before
 * anything is synthesized or written. The cdktf app command (scripts/run-app.js) calls it before it
 * loads cdktf and the provider, so a bad configuration fails in a fraction of a synth; main() calls it too.
 */
export function loadSettingsOrExit(env: NodeJS.ProcessEnv = process.env): Settings {
  try {
    return loadSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
