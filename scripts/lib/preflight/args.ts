/**
 * The command line of `npm run preflight -- [--json] [<stack-id> ...]`: which stacks to check. Under
 * credentials "per-stack" each stack runs with its own account's credentials, so preflight is run once
 * per stack (or per account's stacks) with those credentials, naming the stacks.
 */

export const USAGE = "npm run preflight -- [--json] [<stack-id> ...]";

export interface PreflightArguments {
  readonly json: boolean;
  /** The stacks named, in the order given, each once. @default - every stack */
  readonly stacks?: readonly string[];
}

/**
 * Reads the arguments; unknown options and stack ids are refused together, each named, with the ids
 * that exist (`stackIds`: main.ts's STACK_IDS).
 */
export function parseArguments(
  args: readonly string[],
  stackIds: readonly string[],
): PreflightArguments | { readonly error: string } {
  const options = args.filter((a) => a.startsWith("-"));
  const ids = [...new Set(args.filter((a) => !a.startsWith("-")))];
  const errors: string[] = [];
  const unknownOptions = options.filter((a) => a !== "--json");
  if (unknownOptions.length > 0) errors.push(`Unknown option ${unknownOptions.join(", ")}: the only option is --json.`);
  const unknownIds = ids.filter((id) => !stackIds.includes(id));
  if (unknownIds.length > 0) {
    errors.push(`Unknown stack id ${unknownIds.map((id) => `"${id}"`).join(", ")}: use ${stackIds.join(", ")}.`);
  }
  if (errors.length > 0) return { error: `${errors.join("\n")}\nUsage: ${USAGE}` };
  return { json: options.includes("--json"), ...(ids.length > 0 ? { stacks: ids } : {}) };
}

/**
 * A stack id that exists but that this configuration does not synthesize (`session-preferences` with
 * `ssm.sessionPreferences: "existing"`) has nothing to check: said, with the stacks it does synthesize.
 */
export function unsynthesized(selected: readonly string[], synthesized: readonly string[]): string | undefined {
  const missing = selected.filter((id) => !synthesized.includes(id));
  if (missing.length === 0) return undefined;
  return `This configuration does not synthesize ${missing.join(", ")}: its stacks are ${synthesized.join(", ")}.`;
}
