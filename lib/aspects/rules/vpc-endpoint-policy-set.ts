import type { Rule } from "../rule";

/**
 * Endpoint types that take a policy: Gateway (S3, DynamoDB) and Interface endpoints of the services that
 * accept one. The provider's `vpc_endpoint_type` defaults to Gateway. Gateway Load Balancer, resource and
 * service-network endpoints take none (CreateVpcEndpoint, PolicyDocument), so they are not judged.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/vpc_endpoint
 */
const POLICY_TYPES = new Set(["Gateway", "Interface"]);

/**
 * No public checker covers this one: AWS attaches a full-access policy to an endpoint created without one
 * ("Control access to VPC endpoints using endpoint policies", default endpoint policy), so any
 * credentials, another account's included, reach any resource of the service through it, which no
 * security group or route sees. A policy given by a separate aws_vpc_endpoint_policy counts.
 */
export const VPC_ENDPOINT_POLICY_SET: Rule = {
  id: "VPC_ENDPOINT_POLICY_SET",
  mirrors: [],
  reason:
    "An endpoint without a policy gets AWS's full-access default: any credentials brought into the VPC, another account's included, reach any resource of the service through it.",
  fix: "Set policy on the aws_vpc_endpoint (or add an aws_vpc_endpoint_policy) admitting only your account's principals and resources; suppress the rule only for a service that takes no endpoint policy.",
  appliesTo: ["aws_vpc_endpoint"],
  check(endpoint, stack) {
    const type = endpoint.config.vpc_endpoint_type ?? "Gateway";
    if (typeof type !== "string" || !POLICY_TYPES.has(type)) return "not-applicable";
    const policy = endpoint.config.policy;
    if (typeof policy === "string" && policy.trim() !== "") return "compliant";
    const separate = stack.referencing(endpoint, "aws_vpc_endpoint_policy", "vpc_endpoint_id");
    return separate.some((p) => typeof p.config.policy === "string" && p.config.policy.trim() !== "")
      ? "compliant"
      : "non-compliant";
  },
};
