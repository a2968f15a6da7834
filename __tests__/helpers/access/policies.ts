import { parsePolicy, type PolicyJson } from "../lookup";
import type { TfJson } from "../synth";
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
  /** The string exactly as in cdk.tf.json (`$${` escapes, `${aws_x.y.arn}` references). */
  readonly raw: string;
  /** Parsed back as AWS receives it: `$${` read as `${`, references left in place. */
  readonly document: PolicyJson;
}

function kindOf(type: string, attribute: string, block: Record<string, unknown>, doc: PolicyJson): PolicyKind {
  if (attribute === "assume_role_policy") return "trust";
  if (type === "aws_vpc_endpoint") return "vpcEndpoint";
  if (type === "aws_organizations_policy") return block.type === "RESOURCE_CONTROL_POLICY" ? "rcp" : "scp";
  if (/^aws_iam_(role|user|group)?_?policy$/.test(type)) return "identity";
  // Any other document (bucket, topic, key policies...) is a resource policy when it names principals.
  return doc.Statement?.some((s) => s.Principal !== undefined || (s as { NotPrincipal?: unknown }).NotPrincipal !== undefined)
    ? "resource"
    : "identity";
}

function looksLikePolicy(value: string): boolean {
  return value.trimStart().startsWith("{") && value.includes('"Statement"');
}

/**
 * Every policy document in a synthesized stack: the attributes named in POLICY_ATTRIBUTES and any other
 * string attribute that is a JSON document with a `Statement` (so a new resource type is not skipped).
 */
export function listPolicies(stackId: string, stack: TfJson): SynthesizedPolicy[] {
  const found: SynthesizedPolicy[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(byName)) {
      for (const [attribute, value] of Object.entries(block)) {
        if (typeof value !== "string" || !looksLikePolicy(value)) continue;
        let document: PolicyJson;
        try {
          document = parsePolicy(value);
        } catch (err) {
          throw new Error(`${stackId}: ${type}.${name}.${attribute} is not valid JSON: ${(err as Error).message}`);
        }
        found.push({ stack: stackId, type, name, attribute, kind: kindOf(type, attribute, block, document), raw: value, document });
      }
    }
  }
  return found;
}

/** The document of `<type>.<name>` (name or its prefix) with every Terraform reference given a value. */
export function resolvedPolicy(resolver: Resolver, type: string, name: string): { name: string; document: PolicyJson } {
  const attribute = POLICY_ATTRIBUTES[type];
  if (!attribute) {
    throw new Error(`Unknown policy type ${type}: use one of ${Object.keys(POLICY_ATTRIBUTES).join(", ")}`);
  }
  const found = resolver.find("resource", type, name);
  const raw = found.block[attribute];
  if (typeof raw !== "string") throw new Error(`${resolver.stackId}: ${type}.${found.name} has no ${attribute}`);
  return { name: found.name, document: resolveDocument(resolver, raw) };
}

/**
 * Resolves references in the raw synthesized string, then reads `$${` back as `${`: what AWS receives.
 * References are resolved first so that an escaped IAM variable is never mistaken for one.
 */
export function resolveDocument(resolver: Resolver, raw: string): PolicyJson {
  return parsePolicy(resolver.resolveText(raw));
}
