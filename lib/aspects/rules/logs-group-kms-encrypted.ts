import type { Rule } from "../rule";

/**
 * CloudWatch Logs encrypts every group at rest with a key AWS owns; only a customer managed key
 * (`kms_key_id`) lets the key policy decide who reads the events and lets a scheduled deletion be
 * noticed. Session transcripts hold whatever was typed, secrets included, and the trail holds who did
 * what. VPC flow-log groups (addresses, ports, byte counts, no content) carry a recorded suppression.
 */
export const LOGS_GROUP_KMS_ENCRYPTED: Rule = {
  id: "LOGS_GROUP_KMS_ENCRYPTED",
  mirrors: ["CKV_AWS_158"],
  reason: "A log group without kms_key_id is readable by anyone with logs:GetLogEvents; no key policy stands between.",
  fix: "Set kms_key_id to a customer managed key whose policy lets logs.<region>.amazonaws.com use it for this group (kms:EncryptionContext:aws:logs:arn).",
  appliesTo: ["aws_cloudwatch_log_group"],
  check(group) {
    const key = group.config.kms_key_id;
    return typeof key === "string" && key.trim() !== "" ? "compliant" : "non-compliant";
  },
};
