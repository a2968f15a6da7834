import { blocks, isFalse, isTrue } from "../../tfjson";
import type { Rule } from "../rule";
import { instanceRule } from "./instance-types";

/**
 * Instances are reached through the Instance Connect Endpoint or Session Manager, never from the
 * internet. Stricter than checkov: an unset `associate_public_ip_address` inherits the subnet's
 * `map_public_ip_on_launch`, so on an instance it must be set to false explicitly.
 */
export const EC2_NO_PUBLIC_IP: Rule = instanceRule({
  id: "EC2_NO_PUBLIC_IP",
  mirrors: ["CKV_AWS_88", "EC2.9"],
  reason:
    "An EC2 instance with a public IPv4 address is reachable from the internet, bypassing the private access paths.",
  fix: "Set associate_public_ip_address = false (launch templates: on every network_interfaces block) and use a private subnet.",
  check(resource) {
    if (resource.type === "aws_launch_template") {
      const interfaces = blocks(resource.config.network_interfaces);
      return interfaces.some((ni) => isTrue(ni.associate_public_ip_address)) ? "non-compliant" : "compliant";
    }
    return isFalse(resource.config.associate_public_ip_address) ? "compliant" : "non-compliant";
  },
});
