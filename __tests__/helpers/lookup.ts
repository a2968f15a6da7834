import { unescapeIamVariables } from "../../lib/policies/document";
import type { TfJson } from "./synth";

export type Block = Record<string, unknown>;

/** Every resource of a Terraform type, by logical name. */
export function resourcesOf(stack: TfJson, type: string): Record<string, Block> {
  return (stack.resource?.[type] ?? {}) as Record<string, Block>;
}

/** The only resource of a type; fails when there is none or more than one. */
export function onlyResource(stack: TfJson, type: string): Block {
  const all = Object.values(resourcesOf(stack, type));
  if (all.length !== 1) throw new Error(`Expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** A resource whose logical name starts with `prefix` (construct path joined with `_`). */
export function resourceNamed(stack: TfJson, type: string, prefix: string): Block {
  const matches = Object.entries(resourcesOf(stack, type)).filter(([name]) => name === prefix || name.startsWith(`${prefix}_`));
  if (matches.length !== 1) {
    throw new Error(`Expected one ${type} named ${prefix}, found ${matches.map(([n]) => n).join(", ") || "none"}`);
  }
  return matches[0][1];
}

/** `${aws_vpc.Network_Vpc_1234.id}`: the reference Terraform will resolve to `attribute` of that resource. */
export function refTo(stack: TfJson, type: string, prefix: string, attribute: string): string {
  const name = Object.keys(resourcesOf(stack, type)).find((n) => n === prefix || n.startsWith(`${prefix}_`));
  if (!name) throw new Error(`No ${type} named ${prefix}`);
  return `\${${type}.${name}.${attribute}}`;
}

/**
 * Parses a policy string back out of the synthesized JSON, reading Terraform's `$${` escape back as the
 * `${` AWS receives. Terraform references (`${aws_x.y.arn}`) are left in place.
 */
export function parsePolicy(text: unknown): PolicyJson {
  if (typeof text !== "string") throw new Error(`Expected a policy string, got ${JSON.stringify(text)}`);
  return JSON.parse(unescapeIamVariables(text));
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
export interface PolicyJson {
  Version: string;
  Statement: PolicyStatementJson[];
}

/** The statement with this Sid; fails loudly when absent. */
export function statement(doc: PolicyJson, sid: string): PolicyStatementJson {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`No statement ${sid}; statements are ${doc.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
