import { unescapeIamVariables } from "../policies/document";
import { isObject, type Json } from "./rule";

/** A policy statement as read back from the synthesized JSON (single values not yet normalized). */
export interface StatementJson {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocumentJson {
  readonly Statement: readonly StatementJson[];
}

/**
 * Every IAM-family policy document held in a resource's arguments (`policy`, `assume_role_policy`,
 * `content`...), found by parsing each string argument, wherever it sits. Terraform's `$${` escape is
 * read back as the `${` AWS receives; strings that are not a JSON policy are skipped.
 */
export function policyDocuments(config: Json): PolicyDocumentJson[] {
  const found: PolicyDocumentJson[] = [];
  const visit = (value: Json): void => {
    if (typeof value === "string") {
      const doc = parsePolicyText(value);
      if (doc) found.push(doc);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isObject(value)) {
      Object.values(value).forEach(visit);
    }
  };
  visit(config);
  return found;
}

function parsePolicyText(text: string): PolicyDocumentJson | undefined {
  if (!text.trimStart().startsWith("{") || !text.includes("Statement")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(unescapeIamVariables(text));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const statements = parsed.Statement;
  // A single statement may be written as an object rather than a list.
  const list = Array.isArray(statements) ? statements : isObject(statements) ? [statements] : undefined;
  return list ? { Statement: list.filter(isObject) as StatementJson[] } : undefined;
}

export const asList = (value: unknown): string[] =>
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).filter((v) => typeof v === "string");
