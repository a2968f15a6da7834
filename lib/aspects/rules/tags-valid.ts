import { isObject, type Json } from "../../tfjson";
import type { Rule } from "../rule";

/**
 * IAM's tag character set, from the IAM API reference (`Tag`: key pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`,
 * value `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`): CreateUser, CreateRole, CreatePolicy and
 * CreateInstanceProfile refuse anything else, a comma included. EC2 accepts more, which is why a tag
 * that works on an instance can still break the role next to it.
 */
const IAM_TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Resource types that send their tags to IAM (aws_iam_group takes no tags). */
const IAM_TAGGED_TYPES: readonly string[] = [
  "aws_iam_user",
  "aws_iam_role",
  "aws_iam_policy",
  "aws_iam_instance_profile",
  "aws_iam_openid_connect_provider",
  "aws_iam_saml_provider",
  "aws_iam_server_certificate",
  "aws_iam_virtual_mfa_device",
];

/** AWS's tagging rules for every service ("Tagging AWS resources", tag naming limits and requirements). */
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const MAX_TAGS = 50;

/** True when one tag breaks the rules; a value holding a reference is judged by AWS at apply. */
function tagBreaksRules(key: string, value: Json, iam: boolean): boolean {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH || /^aws:/i.test(key)) return true;
  if (iam && !IAM_TAG_CHARACTERS.test(key)) return true;
  if (typeof value !== "string" || value.includes("${")) return false;
  return [...value].length > MAX_VALUE_LENGTH || (iam && !IAM_TAG_CHARACTERS.test(value));
}

/** Every resource's tags, the provider's default tags included, within AWS's limits. */
export const TAGS_VALID: Rule = {
  id: "TAGS_VALID",
  mirrors: [],
  reason:
    "AWS refuses tags beyond its limits (keys 1-128, values 256, no aws: prefix, 50 tags; IAM: letters, digits, spaces, _ . : / = + - @ only).",
  fix: "Change the tag in the resource's tags or in the provider's default_tags to fit those limits (a comma becomes a hyphen).",
  appliesTo: "*",
  check(resource, stack) {
    const own = isObject(resource.config.tags) ? resource.config.tags : {};
    // default_tags reach every taggable resource of the provider, IAM ones included.
    const tags: Record<string, Json> = { ...stack.defaultTags(resource), ...own };
    if (Object.keys(own).length === 0 && !IAM_TAGGED_TYPES.includes(resource.type)) {
      // Default tags alone are judged on the IAM resources (the strictest), not once per resource.
      return "not-applicable";
    }
    if (Object.keys(tags).length > MAX_TAGS) return "non-compliant";
    const iam = IAM_TAGGED_TYPES.includes(resource.type);
    return Object.entries(tags).some(([key, value]) => tagBreaksRules(key, value, iam)) ? "non-compliant" : "compliant";
  },
};
