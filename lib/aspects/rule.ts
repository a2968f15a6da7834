/**
 * The shape of a guardrail rule. A rule reads the synthesized Terraform JSON of one resource (snake_case,
 * tokens resolved, exactly what `cdk.tf.json` holds) and answers compliant / non-compliant / not
 * applicable. Rules never see constructs: what they judge is what Terraform will be asked to create.
 * Shape after cdk-nag v2 (`NagRuleCompliance`, one rule per file).
 */
import type { ResourceJson, StackView } from "../tfjson";

export type RuleResult = "compliant" | "non-compliant" | "not-applicable";

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
