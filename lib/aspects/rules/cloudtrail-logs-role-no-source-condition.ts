import { isObject, policyDocuments, statementsOf, strings, type Statement } from "../../tfjson";
import type { Rule } from "../rule";

/** The global confused deputy keys; lower case because IAM compares condition keys case-insensitively. */
const SOURCE_KEYS = ["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"];

const trustsCloudTrail = (s: Statement) =>
  s.Effect === "Allow" && isObject(s.Principal) && strings(s.Principal.Service).includes("cloudtrail.amazonaws.com");

const hasSourceCondition = (s: Statement) =>
  Object.values(s.Condition ?? {}).some(
    (byKey) => isObject(byKey) && Object.keys(byKey).some((k) => SOURCE_KEYS.includes(k.toLowerCase())),
  );

/**
 * AWS: "Confused deputy prevention is not applicable to the role policy for CloudWatch Logs monitoring.
 * The role policy doesn't support the use of aws:SourceArn and aws:SourceAccount." (CloudTrail User
 * Guide, "Role policy document for CloudTrail to use CloudWatch Logs for monitoring"). CreateTrail and
 * UpdateTrail check that CloudTrail can assume the role, so such a condition fails the apply; offline
 * checks (validate, mocked apply, the simulator) all accept it. Judges the role a trail names as
 * cloud_watch_logs_role_arn, by its trust policy as synthesized.
 */
export const CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION: Rule = {
  id: "CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION",
  mirrors: [],
  reason:
    "CloudTrail cannot assume a CloudWatch Logs delivery role whose trust policy has source conditions, so creating the trail fails.",
  fix: "Trust cloudtrail.amazonaws.com without aws:SourceArn or aws:SourceAccount; keep those conditions on the bucket and key policies.",
  appliesTo: ["aws_iam_role"],
  check(role, stack) {
    if (stack.referencing(role, "aws_cloudtrail", "cloud_watch_logs_role_arn").length === 0) return "not-applicable";
    const statements = policyDocuments(role.config.assume_role_policy, stack).flatMap(statementsOf);
    return statements.filter(trustsCloudTrail).some(hasSourceCondition) ? "non-compliant" : "compliant";
  },
};
