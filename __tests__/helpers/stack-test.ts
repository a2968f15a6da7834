import type { Settings } from "../../lib/config";
import type { StackId } from "../../main";
import { onlyResource, parsePolicy, refTo, resourceNamed, resourcesOf, type Block, type PolicyJson } from "./lookup";
import { stackJson, type TfJson } from "./synth";

/**
 * The shared set-up of the stack tests: one synthesized stack with the lookups every stack test makes
 * bound to it, so a test reads `stack.only("aws_vpc")` and a file imports one function.
 */
export type StackUnderTest = TfJson & {
  /** The only resource of a type; fails when there is none or more than one. */
  only(type: string): Block;
  /** The one resource of a type whose logical name starts with the construct path `prefix`. */
  named(type: string, prefix: string): Block;
  /** Every resource of a type, by logical name. */
  all(type: string): Record<string, Block>;
  /** `${type.name.attribute}`: the reference Terraform resolves to that resource's attribute. */
  ref(type: string, prefix: string, attribute: string): string;
  /** The policy document in `attribute` of that resource, parsed back as AWS receives it. */
  policyOf(type: string, prefix: string, attribute?: string): PolicyJson;
};

/**
 * Stack `id` of the synthesis with `settings` (the default configuration online unless given); see
 * `stackJson` for the outputs a producer read this way lacks.
 */
export function stackUnderTest(id: StackId, settings: Partial<Settings> = {}): StackUnderTest {
  return viewOf(stackJson(id, settings));
}

/** The lookups bound to an already synthesized stack (e.g. one of `synthApp(...).stacks`). */
export function viewOf(json: TfJson): StackUnderTest {
  return {
    ...json,
    only: (type) => onlyResource(json, type),
    named: (type, prefix) => resourceNamed(json, type, prefix),
    all: (type) => resourcesOf(json, type),
    ref: (type, prefix, attribute) => refTo(json, type, prefix, attribute),
    policyOf: (type, prefix, attribute = "policy") => parsePolicy(resourceNamed(json, type, prefix)[attribute]),
  };
}
