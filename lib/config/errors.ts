import type { z } from "zod";

/**
 * Raised when the configuration cannot be used. `problems` holds one actionable sentence per bad field,
 * all of them, so a person fixes the file in one pass.
 */
export class ConfigError extends Error {
  constructor(
    /** Where the configuration came from (a file path), named in every report. */
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Configuration ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `accounts.workload.id`, `scp.targetIds[2]`: the path as a person types it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join("");
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The value an issue is about. A discriminated union (`state.backend`) reports the whole object it could
 * not match under the discriminator's path: the value a person typed is the discriminator's.
 */
function received(issue: z.core.$ZodIssue): unknown {
  if (issue.code === "invalid_union" && "discriminator" in issue && typeof issue.discriminator === "string") {
    const input: unknown = issue.input;
    return typeof input === "object" && input !== null
      ? (input as Record<string, unknown>)[issue.discriminator]
      : undefined;
  }
  return issue.input;
}

/**
 * One sentence per issue: what is wrong (field and received value) and what is allowed.
 * `Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic.`
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const where = fieldPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const field = where ? `${where}.${key}` : key;
        problems.push(`Unknown field ${field}: remove it or correct its spelling (unknown fields are rejected).`);
      }
      continue;
    }
    const allowed = issue.message.replace(/\.$/, "");
    const input = received(issue);
    if (input === undefined) {
      problems.push(`Missing ${where || "configuration"}: ${allowed}.`);
    } else {
      problems.push(`Invalid ${where || "configuration"} ${show(input)}: ${allowed}.`);
    }
  }
  return problems;
}
