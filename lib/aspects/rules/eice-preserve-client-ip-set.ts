import type { Rule } from "../rule";

/**
 * No public checker covers this: the provider defaults preserve_client_ip to true while AWS documents
 * disagree, and the value decides which source address the instance's security group must trust.
 */
export const EICE_PRESERVE_CLIENT_IP_SET: Rule = {
  id: "EICE_PRESERVE_CLIENT_IP_SET",
  mirrors: [],
  reason:
    "An endpoint leaving preserve_client_ip to its default (AWS documents disagree on it) hides which source address the instance sees.",
  fix: "Set preserve_client_ip explicitly (false: the instance sees the endpoint's address and trusts its security group).",
  appliesTo: ["aws_ec2_instance_connect_endpoint"],
  check(resource) {
    const value = resource.config.preserve_client_ip;
    return value === undefined || value === null ? "non-compliant" : "compliant";
  },
};
