import type { Rule } from "../rule";

export const VPC_FLOW_LOGS_ENABLED: Rule = {
  id: "VPC_FLOW_LOGS_ENABLED",
  mirrors: ["CKV2_AWS_11", "EC2.6"],
  reason:
    "Without flow logs there is no record of which addresses talked to the instances, so an incident cannot be traced.",
  fix: "Add an aws_flow_log with vpc_id set to the VPC (PrivateNetwork does this).",
  appliesTo: ["aws_vpc"],
  check(vpc, stack) {
    return stack.referencing(vpc, "aws_flow_log", "vpc_id").length > 0 ? "compliant" : "non-compliant";
  },
};
