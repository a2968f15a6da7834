import { blocks, type JsonObject } from "../../tfjson";
import type { Rule } from "../rule";

const hasAlgorithm = (config: JsonObject) =>
  blocks(config.rule).some((r) =>
    blocks(r.apply_server_side_encryption_by_default).some(
      (d) => typeof d.sse_algorithm === "string" && d.sse_algorithm !== "",
    ),
  );

/**
 * S3 has encrypted new objects with SSE-S3 since January 2023 anyway; the explicit configuration is
 * what a review (and a KMS key choice) can see.
 */
export const S3_DEFAULT_ENCRYPTION: Rule = {
  id: "S3_DEFAULT_ENCRYPTION",
  mirrors: ["CKV_AWS_19", "S3.4"],
  reason:
    "A bucket without an explicit default encryption configuration leaves the key choice implicit and unreviewed.",
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (AES256 or aws:kms with a key).",
  appliesTo: ["aws_s3_bucket"],
  check(bucket, stack) {
    if (blocks(bucket.config.server_side_encryption_configuration).some(hasAlgorithm)) return "compliant";
    const configs = stack.referencing(bucket, "aws_s3_bucket_server_side_encryption_configuration", "bucket");
    return configs.some((c) => hasAlgorithm(c.config)) ? "compliant" : "non-compliant";
  },
};
