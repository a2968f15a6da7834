import { unescapeIamVariables } from "../policies/document";
import { blocks, isObject, strings, type Json } from "./json";
import type { ResourceJson, StackView } from "./stack";

/**
 * Policy documents read back from synthesized JSON: what AWS will receive, whichever way the stack
 * wrote it (an inline JSON string, a `${jsonencode(...)}` string, or an `aws_iam_policy_document` data
 * source). Lists may be single values, as AWS accepts them.
 */
export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocumentJson {
  readonly Version?: string;
  readonly Id?: string;
  /** A list, or (as AWS also accepts) one statement object: read it with `statementsOf`. */
  readonly Statement: Statement[];
}

/** The statements of a document, a single statement object read as a list of one. */
export function statementsOf(doc: PolicyDocumentJson): Statement[] {
  const list: unknown = doc.Statement;
  return (Array.isArray(list) ? list : [list]).filter(isObject) as Statement[];
}

/** The statement with this Sid; fails loudly, listing the Sids, when absent. */
export function statement(doc: PolicyDocumentJson, sid: string): Statement {
  const found = statementsOf(doc).find((s) => s.Sid === sid);
  if (!found)
    throw new Error(
      `No statement ${sid}; statements are ${statementsOf(doc)
        .map((s) => s.Sid)
        .join(", ")}`,
    );
  return found;
}

/** The actions a statement names (`Action`, one or many). */
export const statementActions = (s: Statement): string[] => strings(s.Action);
/** The resources a statement names (`Resource`, one or many). */
export const statementResources = (s: Statement): string[] => strings(s.Resource);

/**
 * Parses a policy string from the synthesized JSON, reading Terraform's `$${` escape back as the `${`
 * AWS receives. Terraform references (`${aws_x.y.arn}`) are left in place.
 * @throws when the value is not a string of JSON.
 */
export function parsePolicy(text: unknown): PolicyDocumentJson {
  if (typeof text !== "string") throw new Error(`Expected a policy string, got ${JSON.stringify(text)}`);
  return JSON.parse(unescapeIamVariables(text));
}

/** `{"a" = [1]}` (HCL, as cdktf writes the argument of `jsonencode`) as JSON: `=` outside strings becomes `:`. */
function hclObjectToJson(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString && c === "\\") {
      out += c + text[++i];
      continue;
    }
    if (c === '"') inString = !inString;
    out += !inString && c === "=" ? ":" : c;
  }
  return out;
}

/**
 * The JSON text of the policy document a string argument holds, Terraform escapes kept, or undefined
 * when it holds none: inline JSON; `${jsonencode({...})}` with a literal argument (one holding a
 * Terraform reference cannot be read before apply and is skipped); with a stack, the output of an
 * `aws_iam_policy_document` data source, rendered.
 */
export function policyText(value: string, stack?: StackView): string | undefined {
  const data = stack ? POLICY_DATA_REFERENCE.exec(value) : null;
  if (data) return renderPolicyDocumentData(stack!.named("aws_iam_policy_document", data[1], "data").config);
  const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value.trim());
  const text = encoded ? hclObjectToJson(encoded[1]) : value;
  return parsePolicyText(text) ? text : undefined;
}

/** A policy document in JSON text, or undefined when the text is not one (no `Statement`, not JSON). */
export function parsePolicyText(text: string): PolicyDocumentJson | undefined {
  if (!text.trimStart().startsWith("{") || !text.includes('"Statement"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(unescapeIamVariables(text));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !(Array.isArray(parsed.Statement) || isObject(parsed.Statement))) return undefined;
  return parsed as unknown as PolicyDocumentJson;
}

/** `["a"]` as `"a"` and longer lists as lists: how AWS's own documents write them. */
const oneOrMany = (values: string[]) => (values.length === 1 ? values[0] : values);

function principalsOf(value: unknown): Record<string, string | string[]> | "*" | undefined {
  const list = blocks(value);
  if (list.length === 0) return undefined;
  if (list.some((p) => p.type === "*")) return "*";
  const byType: Record<string, string[]> = {};
  for (const p of list) byType[String(p.type)] = [...(byType[String(p.type)] ?? []), ...strings(p.identifiers)];
  return Object.fromEntries(Object.entries(byType).map(([type, ids]) => [type, oneOrMany(ids)]));
}

/**
 * An `aws_iam_policy_document` data source rendered into the document it outputs: each `statement`
 * block becomes a statement (`actions` -> `Action`, `principals { type identifiers }` -> `Principal`,
 * `condition { test variable values }` -> `Condition`). Returns the text as Terraform would hold it:
 * `&{...}`, the data source's spelling of an IAM variable, is written `$${...}` like an inline policy's.
 */
export function renderPolicyDocumentData(config: Readonly<Record<string, Json>>): string {
  const statements = blocks(config.statement).map((s): Statement => {
    const condition: Record<string, Record<string, unknown>> = {};
    for (const c of blocks(s.condition)) {
      condition[String(c.test)] = { ...condition[String(c.test)], [String(c.variable)]: oneOrMany(strings(c.values)) };
    }
    const entries: Array<[string, unknown]> = [
      ["Sid", typeof s.sid === "string" ? s.sid : undefined],
      ["Effect", typeof s.effect === "string" ? s.effect : "Allow"],
      ["Principal", principalsOf(s.principals)],
      ["NotPrincipal", principalsOf(s.not_principals)],
      ["Action", s.actions === undefined ? undefined : oneOrMany(strings(s.actions))],
      ["NotAction", s.not_actions === undefined ? undefined : oneOrMany(strings(s.not_actions))],
      ["Resource", s.resources === undefined ? undefined : oneOrMany(strings(s.resources))],
      ["NotResource", s.not_resources === undefined ? undefined : oneOrMany(strings(s.not_resources))],
      ["Condition", Object.keys(condition).length > 0 ? condition : undefined],
    ];
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Statement;
  });
  const text = JSON.stringify({
    Version: typeof config.version === "string" ? config.version : "2012-10-17",
    Statement: statements,
  });
  return text.replace(/&\{/g, "$${");
}

/** `${data.aws_iam_policy_document.X.json}`: a whole argument that is the output of a policy document data source. */
const POLICY_DATA_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.(?:minified_)?json\}$/;

/**
 * Every policy document held in a value (a resource's arguments, one argument...), found by reading
 * each string wherever it sits; strings that are not a policy are skipped. With a stack, a string that
 * is the output of an `aws_iam_policy_document` data source is rendered from that data source.
 */
export function policyDocuments(value: unknown, stack?: StackView): PolicyDocumentJson[] {
  const found: PolicyDocumentJson[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      const text = policyText(v, stack);
      if (text !== undefined) found.push(parsePolicyText(text)!);
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (isObject(v)) {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return found;
}

/** One policy document of a stack and where it sits. */
export interface StackPolicy {
  readonly resource: ResourceJson;
  /** The argument holding it (`policy`, `assume_role_policy`, `content`...). */
  readonly attribute: string;
  /**
   * The document's JSON text with Terraform's escapes (`$${`) and references (`${aws_x.y.arn}`): the
   * string exactly as in cdk.tf.json for an inline policy, else the rendered `jsonencode` or data source.
   */
  readonly raw: string;
  /** Parsed back as AWS receives it: `$${` read as `${`, references left in place. */
  readonly document: PolicyDocumentJson;
}

/**
 * Every policy document held by a top-level string argument of a resource: inline JSON, literal
 * `jsonencode`, or the output of an `aws_iam_policy_document` data source (then `raw` is the rendered
 * document). A new resource type is not skipped: no list of policy arguments is kept here.
 */
export function stackPolicies(stack: StackView): StackPolicy[] {
  const found: StackPolicy[] = [];
  for (const resource of stack.resources()) {
    for (const [attribute, value] of Object.entries(resource.config)) {
      if (typeof value !== "string") continue;
      const raw = policyText(value, stack);
      if (raw !== undefined) found.push({ resource, attribute, raw, document: parsePolicyText(raw)! });
    }
  }
  return found;
}
