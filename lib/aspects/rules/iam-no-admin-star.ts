import { policyDocuments, statementActions, statementResources, statementsOf } from "../../tfjson";
import type { Rule } from "../rule";

/**
 * Reads every policy document in any resource (identity, bucket, endpoint, key policies...). SCPs are
 * not applicable: an SCP only filters, and `Allow *:*` there is AWS's own FullAWSAccess, which grants
 * nothing by itself.
 */
export const IAM_NO_ADMIN_STAR: Rule = {
  id: "IAM_NO_ADMIN_STAR",
  mirrors: ["CKV_AWS_62", "CKV_AWS_1", "IAM.1"],
  reason: 'A statement allowing Action "*" on Resource "*" grants full administrator access.',
  fix: "Allow only the actions and resources the principal needs; keep administrator access out of this project.",
  appliesTo: "*",
  check(resource, stack) {
    if (resource.type === "aws_organizations_policy") return "not-applicable";
    const documents = policyDocuments(resource.config, stack);
    if (documents.length === 0) return "not-applicable";
    const adminStar = documents
      .flatMap(statementsOf)
      .some((s) => s.Effect === "Allow" && statementActions(s).includes("*") && statementResources(s).includes("*"));
    return adminStar ? "non-compliant" : "compliant";
  },
};
