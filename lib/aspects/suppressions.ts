import type { TerraformResource } from "cdktf";
import { GUARDRAIL_RULES } from "./rules";
import { SUPPRESSIONS_KEY } from "../tfjson";

/** A reason shorter than this ("ok", "n/a", "temp") explains nothing to a reviewer. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/**
 * Records a deliberate exception to one guardrail rule on one resource, like cdk-nag's
 * `NagSuppressions.addResourceSuppressions`. The reason is mandatory and lands in the resource's `//`
 * block of `cdk.tf.json` (Terraform ignores `//` keys), so the exception is reviewed with the code:
 *
 * ```ts
 * suppressGuardrail(bucket, "S3_VERSIONING_ENABLED", "Scratch bucket for the demo; objects are disposable.");
 * ```
 *
 * @throws when the rule id is not in the pack or the reason is missing or too short.
 */
export function suppressGuardrail(resource: TerraformResource, ruleId: string, reason: string): void {
  const where = resource.node.path;
  const ids = GUARDRAIL_RULES.map((r) => r.id);
  if (!ids.includes(ruleId)) {
    throw new Error(
      `Cannot suppress unknown guardrail ${JSON.stringify(ruleId)} on ${where}: use one of ${ids.join(", ")}.`,
    );
  }
  const text = typeof reason === "string" ? reason.trim() : "";
  if (text.length < MIN_SUPPRESSION_REASON_LENGTH) {
    throw new Error(
      `Suppression of ${ruleId} on ${where} needs a reason of at least ${MIN_SUPPRESSION_REASON_LENGTH} characters saying why the exception is deliberate; got ${JSON.stringify(reason)}.`,
    );
  }
  // Rule ids hold no dots, so the override path is exactly `//.guardrail_suppressions.<ruleId>`.
  resource.addOverride(`//.${SUPPRESSIONS_KEY}.${ruleId}`, text);
}
