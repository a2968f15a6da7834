import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { parseConfig, readConfigFile, DEFAULT_CONFIG_PATH, type Config, type Settings } from "../../lib/config";
import { readSynthesis, synthesize, type Synthesis, type TfJson } from "../../lib/tfjson";
import type { StackId } from "../../main";

export type { Manifest, TfJson } from "../../lib/tfjson";
/** Every stack of one synthesis, its manifest and annotations (lib/tfjson's `Synthesis`). */
export type SynthResult = Synthesis;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (
    typeof base !== "object" ||
    base === null ||
    Array.isArray(base) ||
    typeof patch !== "object" ||
    patch === null ||
    Array.isArray(patch)
  ) {
    return patch;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

/** The shipped default configuration, with `overrides` merged in (arrays replace), validated. */
export function testConfig(overrides: DeepPartial<Config> = {}): Config {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
  return parseConfig(merge(raw, overrides), "test config");
}

export function defaultConfig(): Config {
  return readConfigFile(DEFAULT_CONFIG_PATH);
}

/** Example configurations of shared state (config/examples), each validated whole when read. */
export const STATE_EXAMPLES = {
  s3: "config/examples/state-s3.json",
  cloud: "config/examples/state-cloud.json",
} as const;

/**
 * The shipped configuration with only the `state` section of `example` (a file that is read and
 * validated whole): a synthesis that differs from the default one in its state alone.
 */
export function configWithStateOf(example: string): Config {
  return parseConfig({ ...defaultConfig(), state: readConfigFile(example).state }, `${example}'s state`);
}

/**
 * Synthesizes every stack (or only `stacks` and the stacks they read from, see `defineStacks`) to a
 * temporary folder (or to `into`) with the real App and reads the files back: what the tests assert is
 * what `cdktf synth` writes. The folder is removed unless `keep` is set.
 */
export function synthApp(
  settings: Partial<Settings> = {},
  keep = false,
  into?: string,
  stacks?: readonly StackId[],
): SynthResult {
  // Required here, not imported: a test file that only reads the shared synthesis (below) never loads
  // the stacks and the provider's classes, which is most of a test file's start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be
  const { defineStacks } = require("../../main") as typeof import("../../main");
  const full: Settings = {
    config: settings.config ?? defaultConfig(),
    offline: settings.offline ?? false,
    source: "test",
  };
  return synthesize((app) => defineStacks(app, full, stacks), keep, into);
}

/**
 * Env var naming the folder where the jest global setup synthesized the default configuration once per
 * run (`__tests__/jest/global-setup.ts`); every test worker reads it from there, and leaves there the
 * whole syntheses it makes of other configurations, for the files that run after it.
 */
export const SHARED_SYNTH_ENV = "GUARDRAILS_SHARED_SYNTH";
/** The settings synthesized once per run: the default configuration, online and offline. */
const SHARED_SETTINGS: ReadonlyArray<Partial<Settings>> = [{ offline: false }, { offline: true }];
let defaultJson: string | undefined;
/** The same key for the shipped configuration however it was made (`testConfig()`, `defaultConfig()`, none). */
function cacheKey(settings: Partial<Settings>): string {
  defaultJson ??= JSON.stringify(defaultConfig());
  const config = settings.config && JSON.stringify(settings.config) !== defaultJson ? settings.config : null;
  return JSON.stringify([config, settings.offline ?? false]);
}
const sharedDir = (root: string, settings: Partial<Settings>) =>
  path.join(root, settings.offline ? "offline" : "online");
/** Where a worker leaves its whole synthesis of the settings with `key`. */
const configDir = (root: string, key: string) =>
  path.join(root, "by-config", createHash("sha256").update(key).digest("hex").slice(0, 16));

/** Synthesizes the shared settings under `root` (the global setup's job); returns `root`. */
export function synthShared(root: string): string {
  for (const settings of SHARED_SETTINGS) {
    mkdirSync(sharedDir(root, settings), { recursive: true });
    synthApp(settings, true, sharedDir(root, settings));
  }
  return root;
}

/** The whole synthesis of `settings` the global setup or a worker of this run left, if any. */
function readShared(settings: Partial<Settings>): SynthResult | undefined {
  const root = process.env[SHARED_SYNTH_ENV];
  if (!root) return undefined;
  const key = cacheKey(settings);
  const dir = SHARED_SETTINGS.some((shared) => cacheKey(shared) === key)
    ? sharedDir(root, settings)
    : configDir(root, key);
  return existsSync(path.join(dir, "manifest.json")) ? readSynthesis(dir) : undefined;
}

/**
 * A whole synthesis of `settings`, left for the other test files of the run: several files synthesize
 * the same configurations (the SCP variants, session logging to S3, existing preferences). It is
 * written aside and renamed into place, so a reader never sees half of it; when two workers race, the
 * first rename wins and the other's copy is dropped (both synthesized the same settings).
 */
function synthShareable(settings: Partial<Settings>): SynthResult {
  const root = process.env[SHARED_SYNTH_ENV];
  if (!root) return synthApp(settings);
  const dir = configDir(root, cacheKey(settings));
  mkdirSync(path.dirname(dir), { recursive: true });
  const aside = mkdtempSync(`${dir}.partial-`);
  const result = synthApp(settings, true, aside);
  try {
    renameSync(aside, dir);
  } catch {
    rmSync(aside, { recursive: true, force: true });
  }
  return { ...result, outdir: dir };
}

const cache = new Map<string, SynthResult>();

/**
 * `synthApp` memoized per configuration: most test files read the same default synthesis, which the
 * jest global setup wrote once for the whole run. Do not write into `outdir`: other workers read it.
 * With `stacks`, a synthesis of those stacks and their producers is enough (a whole one is reused when
 * there is one): a few times cheaper for a test that reads one stack of a configuration of its own.
 */
export function synthCached(settings: Partial<Settings> = {}, stacks?: readonly StackId[]): SynthResult {
  const whole = cacheKey(settings);
  const key = stacks ? JSON.stringify([whole, [...stacks].sort()]) : whole;
  let result = cache.get(whole) ?? cache.get(key);
  if (!result) {
    const shared = readShared(settings);
    if (shared) cache.set(whole, shared);
    result = shared ?? (stacks ? synthApp(settings, false, undefined, stacks) : synthShareable(settings));
    cache.set(key, result);
  }
  return result;
}

/**
 * Stack `id` of the synthesis with `settings` (the default configuration online unless given), declared
 * with the stacks it reads from only unless a whole synthesis is at hand: a producer read this way
 * lacks the `cross-stack-output-*` outputs of its readers (read those from `synthCached(settings)`).
 */
export function stackJson(id: StackId, settings: Partial<Settings> = {}): TfJson {
  const synthesis = synthCached(settings, [id]);
  const stack = synthesis.stacks[id];
  if (!stack) throw new Error(`No stack ${id} was synthesized; stacks are ${Object.keys(synthesis.stacks).join(", ")}`);
  return stack;
}
