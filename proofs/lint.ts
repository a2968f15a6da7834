import {
  validateEndpointPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  validateTrustPolicy,
} from "@cloud-copilot/iam-policy";
import { WILDCARD_WRITE_EXCEPTIONS } from "../lib/policies/wildcard-exceptions";
import { statementsOf, strings, type PolicyDocumentJson, type Statement } from "../lib/tfjson";
import { conditionKeyExists, expandAction, isWriteAction } from "./iam-data";
import type { PolicyKind } from "./policies";

const VALIDATORS: Record<PolicyKind, (doc: unknown) => Array<{ message: string; path: string }>> = {
  identity: validateIdentityPolicy,
  resource: validateResourcePolicy,
  trust: validateTrustPolicy,
  vpcEndpoint: validateEndpointPolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
};

/** A Terraform reference cdktf writes into a policy (`${aws_instance.Target_Instance_B3D6291E.arn}`). */
const TERRAFORM_REFERENCE = /^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_.[\]-]+$/;

export interface LintInput {
  /** `private-access aws_iam_policy.EiceOperatorPolicy.policy`, used in findings. */
  readonly label: string;
  readonly kind: PolicyKind;
  /** The string as synthesized (Terraform escapes and references intact). */
  readonly raw: string;
  /** The document AWS receives, Terraform references already given values. */
  readonly document: PolicyDocumentJson;
  /** Terraform type holding the policy (`aws_kms_key`): some types give `Resource: "*"` a narrow meaning. */
  readonly type?: string;
}

/**
 * Types whose policy is attached to one resource and where `Resource: "*"` means that resource: in a
 * KMS key policy "*" is "this key", never every key.
 */
const RESOURCE_STAR_IS_SELF = new Set(["aws_kms_key", "aws_kms_replica_key", "aws_kms_replica_external_key"]);

/**
 * Lints one policy; returns findings, each naming the policy, the statement and the fix. Checks:
 * structure (iam-policy's validator for the policy kind), actions that exist, condition keys that exist
 * for the statement's services, no `${...}` that Terraform would interpolate, no `Allow *:*`, and
 * `Allow` of write actions on `Resource: "*"` only with a reason in lib/policies/wildcard-exceptions.ts.
 */
export async function lintPolicyDocument(input: LintInput): Promise<string[]> {
  const findings: string[] = [];
  const at = (s: Statement, i: number) => `${input.label} statement ${s.Sid ?? i + 1}`;

  for (const m of input.raw.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
    if (!TERRAFORM_REFERENCE.test(m[1].trim())) {
      findings.push(
        `${input.label}: unescaped "\${${m[1]}}" would be evaluated by Terraform; write it as "$\${${m[1]}}" (build the policy with toPolicyDocumentJson)`,
      );
    }
  }
  for (const error of VALIDATORS[input.kind](input.document)) {
    findings.push(`${input.label}: ${error.path}: ${error.message} (${input.kind} policy validator)`);
  }
  if (!Array.isArray(input.document.Statement) && typeof input.document.Statement !== "object") return findings;

  for (const [i, s] of statementsOf(input.document).entries()) {
    const actions = strings(s.Action ?? s.NotAction);
    const services: string[] = [];
    const expanded: string[] = [];
    for (const action of actions) {
      const found = await expandAction(action);
      if (found.length === 0)
        findings.push(`${at(s, i)}: action ${action} does not exist (iam-data); check its spelling`);
      expanded.push(...found);
      if (s.Action !== undefined) services.push(action === "*" ? "*" : action.split(":")[0].toLowerCase());
    }
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      for (const key of Object.keys(block)) {
        if (!(await conditionKeyExists(key, services))) {
          findings.push(
            `${at(s, i)}: ${operator} reads condition key ${key}, which does not exist for ${[...new Set(services)].join(", ") || "the service"} or globally; an unknown key never matches`,
          );
        }
      }
    }
    if (s.Effect !== "Allow" || s.Action === undefined) continue;
    if (actions.includes("*") || actions.includes("*:*")) {
      findings.push(`${at(s, i)}: Allow of every action ("*"); grant the actions the principal needs`);
      continue;
    }
    if (!strings(s.Resource).includes("*") || RESOURCE_STAR_IS_SELF.has(input.type ?? "")) continue;
    const writes: string[] = [];
    for (const action of expanded) if (await isWriteAction(action)) writes.push(action);
    if (writes.length > 0 && (s.Sid === undefined || WILDCARD_WRITE_EXCEPTIONS[s.Sid] === undefined)) {
      const sample =
        writes.length > 3 ? `${writes.slice(0, 3).join(", ")} and ${writes.length - 3} more` : writes.join(", ");
      findings.push(
        `${at(s, i)}: Allow of write actions (${sample}) on Resource "*"; narrow the resource, or give the statement a Sid and record the reason in lib/policies/wildcard-exceptions.ts`,
      );
    }
  }
  return findings;
}
