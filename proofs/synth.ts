import { readFileSync } from "node:fs";
import { defineStacks } from "../main";
import { DEFAULT_CONFIG_PATH, parseConfig, type Config } from "../lib/config";
import { synthesize, type TfJson } from "../lib/tfjson";

/** Every synthesized stack of one configuration, by stack id. */
export type StackSet = Readonly<Record<string, TfJson>>;

/**
 * Where the proofs get the synthesized stacks of a configuration. The default synthesizes in process;
 * the tests pass their own (shared with the other test files) so a configuration is synthesized once.
 */
export type StacksFor = (config: Config) => StackSet;

/** `patch` merged into `base`: objects merge, lists and values replace (how a scenario file's `config` applies). */
export function mergeConfig(base: unknown, patch: unknown): unknown {
  const isPlain = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isPlain(base) || !isPlain(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = mergeConfig(out[k], v);
  return out;
}

/**
 * config/default.json with a scenario file's `config` merged in (objects merge, lists and values
 * replace), validated like any configuration.
 */
export function configWith(overrides: Readonly<Record<string, unknown>>, source: string): Config {
  return parseConfig(mergeConfig(JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")), overrides), source);
}

const synthesized = new Map<string, StackSet>();

/** The app's own wiring (`defineStacks`) synthesized online (accounts are needed), memoized per configuration. */
export const synthesizeStacks: StacksFor = (config) => {
  const key = JSON.stringify(config);
  let stacks = synthesized.get(key);
  if (!stacks) {
    stacks = synthesize((app) => defineStacks(app, { config, offline: false, source: "proofs" })).stacks;
    synthesized.set(key, stacks);
  }
  return stacks;
};
