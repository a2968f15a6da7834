import { isTrue } from "../../tfjson";
import type { Rule } from "../rule";

/**
 * Automatic rotation exists only for symmetric encryption keys (`SYMMETRIC_DEFAULT`, the provider's
 * default spec); asymmetric and HMAC keys cannot rotate and are not judged.
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 */
export const KMS_KEY_ROTATION_ENABLED: Rule = {
  id: "KMS_KEY_ROTATION_ENABLED",
  mirrors: ["CKV_AWS_7", "KMS.4"],
  reason: "A customer managed key that never rotates keeps using the same key material for everything it encrypts.",
  fix: "Set enable_key_rotation = true on the aws_kms_key.",
  appliesTo: ["aws_kms_key"],
  check(key) {
    const spec = key.config.customer_master_key_spec ?? key.config.key_spec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return "not-applicable";
    return isTrue(key.config.enable_key_rotation) ? "compliant" : "non-compliant";
  },
};
