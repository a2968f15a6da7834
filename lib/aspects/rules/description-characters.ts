import { isDescribable } from "../../policies/document";
import type { Rule } from "../rule";

/**
 * AWS takes only tab, line feed, carriage return, U+0020-U+007E and U+00A1-U+00FF in these
 * descriptions (IAM Identity Center API, CreatePermissionSet; IAM API, CreateRole: Description
 * pattern `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`), and Terraform's provider does not check
 * it: a description built from a configured value in another script (a `project` such as プロジェクト)
 * would pass plan and fail the apply. Length: at most 700 characters for a permission set, 1000 for a role.
 */
const MAX_LENGTH: Record<string, number> = { aws_ssoadmin_permission_set: 700, aws_iam_role: 1000 };

export const DESCRIPTION_CHARACTERS: Rule = {
  id: "DESCRIPTION_CHARACTERS",
  mirrors: [],
  reason: "AWS refuses a permission set or role description outside Latin-1 or over its length, and only at apply.",
  fix: "Keep the description to Latin-1 characters (see `describable` in lib/policies/document.ts) and within its length.",
  appliesTo: Object.keys(MAX_LENGTH),
  check(resource) {
    const description = resource.config.description;
    // Absent, or a reference resolved at apply: nothing to judge here.
    if (typeof description !== "string" || description.includes("${")) return "not-applicable";
    return isDescribable(description) && description.length <= MAX_LENGTH[resource.type]
      ? "compliant"
      : "non-compliant";
  },
};
