/**
 * IAM-family policy documents as typed data. Builders in this folder return these objects; `toPolicyJson`
 * is the one place they become the string Terraform sends, so escaping happens exactly once.
 */

export type Effect = "Allow" | "Deny";
export type OneOrMany = string | readonly string[];
export type Principal = "*" | { readonly [kind in "AWS" | "Service" | "Federated"]?: OneOrMany };

/** `{ StringEquals: { "aws:ResourceAccount": ["111111111111"] } }` */
export type Conditions = Readonly<Record<string, Readonly<Record<string, OneOrMany | boolean>>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Principal?: Principal;
  readonly Action?: OneOrMany;
  readonly NotAction?: OneOrMany;
  readonly Resource?: OneOrMany;
  readonly NotResource?: OneOrMany;
  readonly Condition?: Conditions;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Id?: string;
  readonly Statement: readonly PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Matches a `${` that Terraform would read as interpolation but that belongs to IAM (`${aws:username}`):
 * not already escaped (`$${`) and not a cdktf token (`${TfToken[...]}`), which cdktf resolves into a
 * Terraform reference on synth.
 */
const IAM_VARIABLE = /(?<!\$)\$\{(?!TfToken\[)/g;

/** Escapes IAM policy variables for Terraform: `${aws:username}` becomes `$${aws:username}`. */
export function escapeIamVariables(text: string): string {
  return text.replace(IAM_VARIABLE, "$$${");
}

/**
 * A literal string as Terraform JSON must carry it: `${` and `%{` open templates in any JSON string
 * ("JSON Configuration Syntax", string expressions), so a group named `${x}` would be read as a reference.
 * Unlike escapeIamVariables, every `${` is escaped: the text holds no cdktf token, only what a person wrote.
 */
export function terraformLiteral(text: string): string {
  // `$$` is a literal `$` in a replacement string.
  return text.replace(/\$\{/g, "$$$${").replace(/%\{/g, "%%{");
}

/**
 * Reads Terraform's escape back: `$${aws:username}` becomes the `${aws:username}` AWS receives. The inverse
 * of `escapeIamVariables`, for code that inspects synthesized policy strings.
 */
export function unescapeIamVariables(text: string): string {
  return text.replace(/\$\$\{/g, "${");
}

/**
 * What IAM accepts in a policy document, written out: tab, line feed, carriage return and U+0020-U+00FF
 * (CreatePolicy / PutRolePolicy, PolicyDocument pattern). A value of the configuration outside it (a
 * `project` in another script, matched by a tag condition) travels as a JSON `\uXXXX` escape, which
 * IAM reads back as the same character.
 */
// eslint-disable-next-line no-control-regex -- AWS's own pattern: tab, line feed and carriage return are allowed
const OUTSIDE_POLICY_CHARACTERS = /[^\u0009\u000A\u000D\u0020-\u00FF]/g;

/** The JSON string Terraform will send to AWS, IAM policy variables escaped, every character one IAM takes. */
export function toPolicyJson(document: PolicyDocument): string {
  const json = JSON.stringify(document).replace(
    OUTSIDE_POLICY_CHARACTERS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return escapeIamVariables(json);
}

/**
 * The characters AWS takes in the description of a permission set or an IAM role (CreatePermissionSet
 * and CreateRole, Description pattern `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`): `text` when
 * it has only those, else `fallback` (a configured value in another script would fail the apply).
 */
export function describable(text: string, fallback: string): string {
  return isDescribable(text) ? text : fallback;
}

// eslint-disable-next-line no-control-regex -- AWS's own pattern: tab, line feed and carriage return are allowed
const DESCRIPTION_CHARACTERS = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;

/** Whether AWS takes `text` as a permission set or role description (characters only; see describable). */
export function isDescribable(text: string): boolean {
  return DESCRIPTION_CHARACTERS.test(text);
}

/** Size limits AWS enforces on policy documents (characters, white space excluded where AWS excludes it). */
export const POLICY_SIZE_LIMITS = {
  /** Customer managed policy. */
  managed: 6144,
  /** Inline role policies, summed per role. */
  roleInline: 10240,
  /** VPC endpoint policy. */
  vpcEndpoint: 20480,
  /** Service control policy. */
  scp: 5120,
} as const;

/**
 * Throws when a document is larger than AWS accepts, before anything is synthesized.
 * @param what the document, for the generic message (`The S3 endpoint policy is 20500 characters; ...`),
 *   or the whole message given the size, for a caller that can name the configuration field that grew it.
 */
export function assertPolicySize(
  document: PolicyDocument,
  limit: number,
  what: string | ((size: number) => string),
): void {
  const size = JSON.stringify(document).length;
  if (size <= limit) return;
  throw new Error(
    typeof what === "string"
      ? `${what} is ${size} characters; AWS accepts at most ${limit}. Shorten the allow-list.`
      : what(size),
  );
}

/**
 * A trust policy letting one AWS service assume a role, and nothing more: `sts:AssumeRole` for the
 * service principal.
 * @param sid @default - no Sid
 */
export function serviceTrustPolicy(service: string, sid?: string): PolicyDocument {
  return policy({
    ...(sid === undefined ? {} : { Sid: sid }),
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
  });
}

/**
 * The first statement of every key policy of the project: the account administers the key, so IAM
 * policies in the account decide who uses and manages it. Without it the key is unmanageable (KMS
 * Developer Guide, "Default key policy").
 */
export function accountAdministersKey(accountId: string): PolicyStatement {
  return {
    Sid: "AccountAdministersTheKey",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}
