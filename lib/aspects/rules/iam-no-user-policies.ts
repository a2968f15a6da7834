import { strings } from "../../tfjson";
import type { Rule } from "../rule";

/** Permissions on users are hard to review and to revoke; groups and roles carry them instead. */
export const IAM_NO_USER_POLICIES: Rule = {
  id: "IAM_NO_USER_POLICIES",
  mirrors: ["CKV_AWS_40", "IAM.2"],
  reason: "A policy attached directly to an IAM user scatters permissions across users instead of groups or roles.",
  fix: "Attach the policy to an aws_iam_group and add the user to it (aws_iam_user_group_membership), or use a role.",
  appliesTo: ["aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment"],
  check(resource) {
    if (resource.type === "aws_iam_policy_attachment") {
      return strings(resource.config.users).length > 0 ? "non-compliant" : "compliant";
    }
    return "non-compliant";
  },
};
