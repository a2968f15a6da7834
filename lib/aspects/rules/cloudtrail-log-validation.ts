import { isTrue } from "../../tfjson";
import type { Rule } from "../rule";

export const CLOUDTRAIL_LOG_VALIDATION: Rule = {
  id: "CLOUDTRAIL_LOG_VALIDATION",
  mirrors: ["CKV_AWS_36", "CloudTrail.4"],
  reason: "Without log file validation, nobody can prove that delivered CloudTrail logs were not altered or deleted.",
  fix: "Set enable_log_file_validation = true on the aws_cloudtrail.",
  appliesTo: ["aws_cloudtrail"],
  check(trail) {
    return isTrue(trail.config.enable_log_file_validation) ? "compliant" : "non-compliant";
  },
};
