import { isTrue, type JsonObject } from "../../tfjson";
import type { Rule } from "../rule";

const SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
const allBlocked = (c: JsonObject) => SETTINGS.every((s) => isTrue(c[s]));

export const S3_PUBLIC_ACCESS_BLOCKED: Rule = {
  id: "S3_PUBLIC_ACCESS_BLOCKED",
  mirrors: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "S3.8"],
  reason: "A bucket without all four public access block settings can be made public by one ACL or policy change.",
  fix: "Add an aws_s3_bucket_public_access_block for the bucket with all four settings true (LockedBucket does this).",
  appliesTo: ["aws_s3_bucket"],
  check(bucket, stack) {
    // An account-wide block in the same stack covers every bucket of the account.
    if (stack.resources("aws_s3_account_public_access_block").some((r) => allBlocked(r.config))) return "compliant";
    const blocks = stack.referencing(bucket, "aws_s3_bucket_public_access_block", "bucket");
    return blocks.some((b) => allBlocked(b.config)) ? "compliant" : "non-compliant";
  },
};
