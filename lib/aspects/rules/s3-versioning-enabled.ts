import { blocks, isTrue } from "../../tfjson";
import type { Rule } from "../rule";

export const S3_VERSIONING_ENABLED: Rule = {
  id: "S3_VERSIONING_ENABLED",
  mirrors: ["CKV_AWS_21", "S3.14"],
  reason: "Without versioning, an overwrite or delete (by mistake or by an intruder) loses the object for good.",
  fix: 'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = "Enabled" }.',
  appliesTo: ["aws_s3_bucket"],
  check(bucket, stack) {
    // The deprecated inline block still works in provider 5.x.
    if (blocks(bucket.config.versioning).some((v) => isTrue(v.enabled))) return "compliant";
    const versioning = stack.referencing(bucket, "aws_s3_bucket_versioning", "bucket");
    const enabled = versioning.some((v) =>
      blocks(v.config.versioning_configuration).some((c) => c.status === "Enabled"),
    );
    return enabled ? "compliant" : "non-compliant";
  },
};
