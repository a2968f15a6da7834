import { blocks } from "../../tfjson";
import type { Rule } from "../rule";
import { instanceRule } from "./instance-types";

/**
 * IMDSv1 answers any GET from the instance, so an SSRF bug leaks the role's credentials; IMDSv2 needs a
 * session token obtained with a PUT. A disabled metadata endpoint is compliant too: nothing to steal.
 */
export const EC2_IMDSV2_REQUIRED: Rule = instanceRule({
  id: "EC2_IMDSV2_REQUIRED",
  mirrors: ["CKV_AWS_79", "EC2.8"],
  reason: "Instance metadata without IMDSv2 lets a server-side request forgery read the instance role's credentials.",
  fix: 'Set metadata_options { http_tokens = "required" } (or http_endpoint = "disabled").',
  check(resource) {
    const options = blocks(resource.config.metadata_options);
    const required = options.some((o) => o.http_tokens === "required" || o.http_endpoint === "disabled");
    return required ? "compliant" : "non-compliant";
  },
});
