import { isTrue } from "../../tfjson";
import type { Rule } from "../rule";

export const CLOUDTRAIL_MULTI_REGION: Rule = {
  id: "CLOUDTRAIL_MULTI_REGION",
  mirrors: ["CKV_AWS_67", "CloudTrail.1"],
  reason: "A single-region trail misses API calls made in every other region, where an intruder would go first.",
  fix: "Set is_multi_region_trail = true on the aws_cloudtrail.",
  appliesTo: ["aws_cloudtrail"],
  check(trail) {
    return isTrue(trail.config.is_multi_region_trail) ? "compliant" : "non-compliant";
  },
};
