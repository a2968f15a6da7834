import {
  parsePolicy,
  policyText,
  stackPolicies,
  stackView,
  statementsOf,
  type PolicyDocumentJson,
  type TfJson,
} from "../lib/tfjson";
import type { Resolver } from "./resolve";

/** The attribute that holds the policy document, per Terraform type (scenarios/README.md). */
export const POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_policy: "policy",
  aws_iam_role_policy: "policy",
  aws_iam_group_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_s3_bucket_policy: "policy",
  aws_vpc_endpoint: "policy",
  aws_organizations_policy: "content",
  aws_iam_role: "assume_role_policy",
  // KMS decides with the key policy and IAM together: a row on a key names its key policy as resource policy.
  aws_kms_key: "policy",
  // IAM Identity Center provisions it as an inline policy of the permission set's role in each account.
  aws_ssoadmin_permission_set_inline_policy: "inline_policy",
};

/** What kind of policy a document is, which decides how it is validated and where it may be simulated. */
export type PolicyKind = "identity" | "resource" | "trust" | "vpcEndpoint" | "scp" | "rcp";

export interface SynthesizedPolicy {
  readonly stack: string;
  readonly type: string;
  /** Logical name in the synthesized JSON (`Target_S3Access_3FFDBD94`). */
  readonly name: string;
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** The document's text with Terraform's escapes and references (lib/tfjson `StackPolicy.raw`). */
  readonly raw: string;
  /** Parsed back as AWS receives it: `$${` read as `${`, references left in place. */
  readonly document: PolicyDocumentJson;
}

function kindOf(type: string, attribute: string, block: Record<string, unknown>, doc: PolicyDocumentJson): PolicyKind {
  if (attribute === "assume_role_policy") return "trust";
  if (type === "aws_vpc_endpoint") return "vpcEndpoint";
  if (type === "aws_organizations_policy") return block.type === "RESOURCE_CONTROL_POLICY" ? "rcp" : "scp";
  if (/^aws_iam_(role|user|group)?_?policy$/.test(type)) return "identity";
  if (type === "aws_ssoadmin_permission_set_inline_policy") return "identity";
  // Any other document (bucket, topic, key policies...) is a resource policy when it names principals.
  return statementsOf(doc).some((s) => s.Principal !== undefined || s.NotPrincipal !== undefined)
    ? "resource"
    : "identity";
}

/** Looks like a policy (a JSON object with a `Statement`) but does not parse: a broken policy, never skipped. */
const brokenPolicy = (value: unknown) =>
  typeof value === "string" &&
  value.trimStart().startsWith("{") &&
  value.includes('"Statement"') &&
  policyText(value) === undefined;

/**
 * Every policy document in a synthesized stack (lib/tfjson `stackPolicies`: any string argument that is
 * a policy, so a new resource type is not skipped).
 * @throws when an argument looks like a policy but is not valid JSON.
 */
export function listPolicies(stackId: string, stack: TfJson): SynthesizedPolicy[] {
  const view = stackView(stackId, stack);
  for (const resource of view.resources()) {
    for (const [attribute, value] of Object.entries(resource.config)) {
      if (brokenPolicy(value))
        throw new Error(
          `${stackId}: ${resource.address}.${attribute} is not valid JSON: ${String(value).slice(0, 80)}`,
        );
    }
  }
  return stackPolicies(view).map(({ resource, attribute, raw, document }) => ({
    stack: stackId,
    type: resource.type,
    name: resource.name,
    attribute,
    kind: kindOf(resource.type, attribute, resource.config, document),
    raw,
    document,
  }));
}

/** The document of `<type>.<name>` (name or its prefix) with every Terraform reference given a value. */
export function resolvedPolicy(
  resolver: Resolver,
  type: string,
  name: string,
): { name: string; document: PolicyDocumentJson } {
  const attribute = POLICY_ATTRIBUTES[type];
  if (!attribute) {
    throw new Error(`Unknown policy type ${type}: use one of ${Object.keys(POLICY_ATTRIBUTES).join(", ")}`);
  }
  const found = resolver.find("resource", type, name);
  const value = found.block[attribute];
  const raw = typeof value === "string" ? policyText(value, resolver.stack) : undefined;
  if (raw === undefined)
    throw new Error(`${resolver.stackId}: ${type}.${found.name} has no ${attribute} policy document`);
  return { name: found.name, document: resolveDocument(resolver, raw) };
}

/**
 * Resolves references in the raw synthesized string, then reads `$${` back as `${`: what AWS receives.
 * References are resolved first so that an escaped IAM variable is never mistaken for one.
 */
export function resolveDocument(resolver: Resolver, raw: string): PolicyDocumentJson {
  return parsePolicy(resolver.resolveText(raw));
}
