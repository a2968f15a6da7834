/**
 * Lookups the stack tests use on a synthesized stack, on top of lib/tfjson (the one reader of
 * synthesized JSON). Blocks are returned exactly as written, `//` metadata included.
 */
import { stackView, strings, type PolicyDocumentJson, type Statement, type TfJson } from "../../lib/tfjson";

export { parsePolicy, statement } from "../../lib/tfjson";

export type Block = Record<string, unknown>;
export type PolicyStatementJson = Statement;
export type PolicyJson = PolicyDocumentJson;

/** A list value (`"a"` or `["a"]`) as its strings. */
export const asList: (value: unknown) => string[] = strings;

/** Every resource of a Terraform type, by logical name. */
export function resourcesOf(stack: TfJson, type: string): Record<string, Block> {
  return stack.resource?.[type] ?? {};
}

/** The only resource of a type; fails when there is none or more than one. */
export function onlyResource(stack: TfJson, type: string): Block {
  const all = Object.values(resourcesOf(stack, type));
  if (all.length !== 1) throw new Error(`Expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** A resource whose logical name is `prefix` or `prefix` and cdktf's hash (construct path joined with `_`). */
export function resourceNamed(stack: TfJson, type: string, prefix: string): Block {
  return resourcesOf(stack, type)[stackView("", stack).named(type, prefix).name];
}

/** `${aws_vpc.Network_Vpc_1234.id}`: the reference Terraform will resolve to `attribute` of that resource. */
export function refTo(stack: TfJson, type: string, prefix: string, attribute: string): string {
  return `\${${stackView("", stack).named(type, prefix).address}.${attribute}}`;
}
