import { ConfigError, parseConfig } from "../../../lib/config";

/** The problems parseConfig reports for `input`, or [] when it is valid. */
export function problemsOf(input: unknown, source?: string): readonly string[] {
  try {
    parseConfig(input, source);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
