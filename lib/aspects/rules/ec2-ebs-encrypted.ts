import { blocks, isFalse, isTrue, type ResourceJson, type StackView } from "../../tfjson";
import type { Rule } from "../rule";

/** Account-level EBS encryption by default in the same stack covers volumes that do not say so themselves. */
function encryptedByDefault(stack: StackView): boolean {
  // `enabled` defaults to true on aws_ebs_encryption_by_default.
  return stack.resources("aws_ebs_encryption_by_default").some((r) => !isFalse(r.config.enabled));
}

function volumesOf(resource: ResourceJson): Array<{ encrypted?: unknown }> {
  const c = resource.config;
  switch (resource.type) {
    case "aws_instance": {
      // No root_block_device block means the AMI's default, which is unencrypted for most public AMIs.
      const root = blocks(c.root_block_device);
      return [...(root.length > 0 ? root : [{}]), ...blocks(c.ebs_block_device)];
    }
    case "aws_launch_template":
      return blocks(c.block_device_mappings).flatMap((m) => blocks(m.ebs));
    default:
      return [c];
  }
}

export const EC2_EBS_ENCRYPTED: Rule = {
  id: "EC2_EBS_ENCRYPTED",
  mirrors: ["CKV_AWS_8", "CKV_AWS_3", "EC2.3"],
  reason: "An unencrypted EBS volume exposes its data through snapshots shared or copied outside the account.",
  fix: "Set encrypted = true on the root_block_device, every ebs_block_device and aws_ebs_volume (or enable aws_ebs_encryption_by_default).",
  appliesTo: ["aws_instance", "aws_ebs_volume", "aws_launch_template"],
  check(resource, stack) {
    if (encryptedByDefault(stack)) return "compliant";
    return volumesOf(resource).every((v) => isTrue(v.encrypted)) ? "compliant" : "non-compliant";
  },
};
