import { isTrue } from "../../tfjson";
import type { Rule } from "../rule";

/** A subnet that hands out public addresses makes every instance launched in it public by default. */
export const EC2_SUBNET_NO_AUTO_PUBLIC_IP: Rule = {
  id: "EC2_SUBNET_NO_AUTO_PUBLIC_IP",
  mirrors: ["CKV_AWS_130", "EC2.15"],
  reason: "A subnet with map_public_ip_on_launch gives every instance launched in it a public IPv4 address.",
  fix: "Set map_public_ip_on_launch = false (or leave it unset); give addresses explicitly where one is really needed.",
  appliesTo: ["aws_subnet"],
  check(resource) {
    return isTrue(resource.config.map_public_ip_on_launch) ? "non-compliant" : "compliant";
  },
};
