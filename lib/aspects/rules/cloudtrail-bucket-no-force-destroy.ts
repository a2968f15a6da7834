import { isTrue } from "../../tfjson";
import type { Rule } from "../rule";

/**
 * Separate from CLOUDTRAIL_EVIDENCE_RETAINED on purpose: that one is suppressed where destroying the
 * audit stack is allowed (throwaway demo accounts), this one never is. Even there, destroy must fail on
 * a bucket that still holds log files, so deleting evidence takes a deliberate step of its own.
 */
export const CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY: Rule = {
  id: "CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY",
  mirrors: [],
  reason: "With force_destroy, terraform destroy deletes every CloudTrail log file in the bucket without asking.",
  fix: "Leave force_destroy unset or false on a bucket a trail writes to; empty it deliberately before a destroy.",
  appliesTo: ["aws_s3_bucket"],
  check(bucket, stack) {
    if (stack.referencing(bucket, "aws_cloudtrail", "s3_bucket_name").length === 0) return "not-applicable";
    return isTrue(bucket.config.force_destroy) ? "non-compliant" : "compliant";
  },
};
