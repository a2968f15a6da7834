/**
 * The shape of a guardrail rule. A rule reads the synthesized Terraform JSON of one resource (snake_case,
 * tokens resolved, exactly what `cdk.tf.json` holds) and answers compliant / non-compliant / not
 * applicable. Rules never see constructs: what they judge is what Terraform will be asked to create.
 * Shape after cdk-nag v2 (`NagRuleCompliance`, one rule per file).
 */

export type RuleResult = "compliant" | "non-compliant" | "not-applicable";

/** JSON as it appears in `cdk.tf.json`. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One resource of a synthesized stack. */
export interface ResourceJson {
  /** Terraform resource type, `aws_instance`. */
  readonly type: string;
  /** Logical name in the stack, `Target_Instance_8C3F1B2A`. */
  readonly name: string;
  /** Terraform address, `aws_instance.Target_Instance_8C3F1B2A`. */
  readonly address: string;
  /** Construct path, `private-access/Target/Instance`: where a finding is reported. */
  readonly path: string;
  /** The resource's arguments, `//` metadata removed. */
  readonly config: JsonObject;
  /** Rule id -> reason, from `suppressGuardrail` (kept under `//` in the JSON, which Terraform ignores). */
  readonly suppressions: Readonly<Record<string, string>>;
}

/**
 * Read-only access to the rest of the stack, for rules whose answer depends on another resource
 * ("this bucket has a public access block", "this VPC has a flow log"). Keeps rules pure functions of
 * the synthesized stack.
 */
export interface StackView {
  /** Stack id, `private-access`. */
  readonly stackName: string;
  /** Every resource of these types (all resources when no type is given). */
  resources(...types: string[]): readonly ResourceJson[];
  /**
   * Resources of `type` whose `attribute` points at `target`: a Terraform reference to it
   * (`${aws_s3_bucket.Logs_Bucket_1A2B.id}`) or, for named resources, the same literal name.
   */
  referencing(target: ResourceJson, type: string, attribute: string): readonly ResourceJson[];
  /**
   * The `default_tags` of the provider that creates `resource` (its `provider` argument, or the
   * stack's default AWS provider): AWS receives them with the resource's own tags.
   */
  defaultTags(resource: ResourceJson): Readonly<Record<string, Json>>;
}

export interface Rule {
  /** Readable id used in findings and suppressions, `EC2_IMDSV2_REQUIRED`. */
  readonly id: string;
  /** The well-known checks this rule mirrors: checkov ids and Security Hub controls. */
  readonly mirrors: readonly string[];
  /** One line: why the rule exists. */
  readonly reason: string;
  /** One line: how to comply. */
  readonly fix: string;
  /** Terraform resource types the rule judges, or `"*"` for every resource. */
  readonly appliesTo: readonly string[] | "*";
  check(resource: ResourceJson, stack: StackView): RuleResult;
}

/** `EC2_IMDSV2_REQUIRED (CKV_AWS_79 / EC2.8)`: the id with the checks a reviewer already knows. */
export function ruleLabel(rule: Rule): string {
  return rule.mirrors.length > 0 ? `${rule.id} (${rule.mirrors.join(" / ")})` : rule.id;
}

/* Helpers rules share for reading Terraform JSON. */

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A nested block: cdktf writes single blocks as an object and repeated blocks as a list; either way,
 * the list of blocks.
 */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Booleans arrive as `true` or, from string-typed arguments, `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A list argument as strings (absent -> empty). */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** A port argument as a number (`"22"` and `22` alike); undefined when absent or an expression. */
export function port(value: unknown): number | undefined {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}
