import { blocks, isTrue, type ResourceJson, type StackView } from "../../tfjson";
import type { Rule } from "../rule";

/** Where an aws_cloudtrail names each kind of resource that holds its evidence. */
const TRAIL_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_s3_bucket: "s3_bucket_name",
  aws_kms_key: "kms_key_id",
  aws_cloudwatch_log_group: "cloud_watch_logs_group_arn",
};

const preventsDestroy = (resource: ResourceJson) =>
  blocks(resource.config.lifecycle).some((l) => isTrue(l.prevent_destroy));

/**
 * The trail's bucket, its KMS key and its log group hold the record of who opened which tunnel. A
 * `cdktf destroy` deletes a log group at once, schedules a key's deletion (after which every log file
 * and log event it encrypted is unreadable) and strips a bucket's policy and encryption before failing
 * on the non-empty bucket. `prevent_destroy` makes Terraform refuse the whole destroy plan before
 * anything is deleted; `skip_destroy` (aws_cloudwatch_log_group, provider 5.x) forgets the group
 * instead of deleting it. Stacks for throwaway accounts suppress the rule with a reason.
 */
export const CLOUDTRAIL_EVIDENCE_RETAINED: Rule = {
  id: "CLOUDTRAIL_EVIDENCE_RETAINED",
  mirrors: [],
  reason: "Destroying a trail's bucket, KMS key or log group deletes the audit evidence or makes it unreadable.",
  fix: "Set lifecycle { prevent_destroy = true } on the trail's bucket and key, and skip_destroy = true (or prevent_destroy) on its log group.",
  appliesTo: Object.keys(TRAIL_ATTRIBUTE),
  check(resource, stack: StackView) {
    if (stack.referencing(resource, "aws_cloudtrail", TRAIL_ATTRIBUTE[resource.type]).length === 0)
      return "not-applicable";
    if (preventsDestroy(resource)) return "compliant";
    if (resource.type === "aws_cloudwatch_log_group" && isTrue(resource.config.skip_destroy)) return "compliant";
    return "non-compliant";
  },
};
