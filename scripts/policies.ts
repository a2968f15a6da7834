/**
 * `npm run policies -- [<stack-id>] [--kind <kind>]`: every policy document of a stack, pretty-printed
 * (2-space JSON) under its Terraform address, the attribute that holds it and its kind, then the
 * attachments that grant policies by reference (AWS managed policies, SCP targets). Everything is read
 * from the synthesized JSON of the configuration in ACCESS_GUARDRAILS_CONFIG (default:
 * config/default.json), as `cdktf synth` would write it. With no stack id, lists the stacks and how many
 * documents of each kind they hold; `--kind <kind>` alone prints that kind's documents in every stack.
 *
 * What counts as a policy document: any string argument of a resource, at any depth, that is a JSON
 * object with a `Statement` (inline JSON, a literal `jsonencode`, or the output of an
 * `aws_iam_policy_document` data source, rendered). An SSM document's `content` (the Session Manager
 * preferences) is a settings document with no statements, not a policy: it is not printed.
 */
import * as path from "node:path";
import { ConfigError, loadSettings, type Settings } from "../lib/config";
import {
  isObject,
  parsePolicyText,
  policyText,
  stackView,
  synthesize,
  type PolicyDocumentJson,
  type ResourceJson,
  type Synthesis,
  type TfJson,
} from "../lib/tfjson";
import { STACK_IDS } from "../lib/stack/dependencies";

/** The kinds of policy document, in the order they are printed: the fences first, then who may act, then on what. */
export const POLICY_KINDS = [
  "scp",
  "rcp",
  "permission-set",
  "identity",
  "trust",
  "bucket",
  "key",
  "endpoint",
  "topic",
  "queue",
  "logs",
  "other",
] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/**
 * What each kind is, printed after the kind in the headings. SCPs and RCPs "don't directly grant access"
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html, and
 * orgs_manage_policies_rcps.html); an endpoint policy "does not override or replace identity-based
 * policies or resource-based policies" (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html);
 * Identity Center provisions a permission set as an `AWSReservedSSO_…` role in each assigned account, its
 * inline policy as that role's (https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html).
 */
export const KIND_LABELS: Readonly<Record<PolicyKind, string>> = {
  scp: "service control policy: caps every principal of the accounts it is attached to, grants nothing",
  rcp: "resource control policy: caps every resource of the accounts it is attached to, grants nothing",
  "permission-set": "IAM Identity Center provisions it as an inline policy of the set's role in each assigned account",
  identity: "what the principal holding it may do",
  trust: "who may assume the role",
  bucket: "S3 bucket policy",
  key: "KMS key policy",
  endpoint: "VPC endpoint policy: caps what passes through the endpoint, grants nothing",
  topic: "SNS topic policy",
  queue: "SQS queue policy",
  logs: "CloudWatch Logs resource policy",
  other: "a policy document on a type this command does not classify",
};

/** Type -> kind for the documents held in `policy` (or the attribute named in ATTRIBUTE_KINDS). */
const TYPE_KINDS: Readonly<Record<string, PolicyKind>> = {
  aws_iam_policy: "identity",
  aws_iam_role_policy: "identity",
  aws_iam_user_policy: "identity",
  aws_iam_group_policy: "identity",
  aws_ssoadmin_permission_set_inline_policy: "permission-set",
  aws_s3_bucket_policy: "bucket",
  aws_s3_bucket: "bucket",
  aws_kms_key: "key",
  aws_kms_key_policy: "key",
  aws_vpc_endpoint: "endpoint",
  aws_vpc_endpoint_policy: "endpoint",
  aws_sns_topic_policy: "topic",
  aws_sns_topic: "topic",
  aws_sqs_queue_policy: "queue",
  aws_sqs_queue: "queue",
  aws_cloudwatch_log_resource_policy: "logs",
  aws_cloudwatch_log_destination_policy: "logs",
};

/** What an identity document is attached to, by type: printed after "identity". */
const IDENTITY_FORMS: Readonly<Record<string, string>> = {
  aws_iam_policy: "customer managed policy",
  aws_iam_role_policy: "inline policy of a role",
  aws_iam_user_policy: "inline policy of a user",
  aws_iam_group_policy: "inline policy of a group",
  aws_iam_role: "inline policy of a role",
};

/** One policy document of a stack and where it sits. */
export interface PolicyEntry {
  /** Terraform address of the resource, `aws_iam_policy.EiceOperatorPolicy`. */
  readonly address: string;
  readonly type: string;
  /** Where in the resource the document is: `policy`, `assume_role_policy`, `inline_policy[0].policy`. */
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** Printed after the kind: what the kind means, for identity documents what they are attached as. */
  readonly label: string;
  /**
   * The document as AWS receives it: Terraform's `$${` escape read as `${` (IAM policy variables such as
   * `${aws:username}`), Terraform references (`${aws_s3_bucket.X.arn}`) left as they are.
   */
  readonly document: PolicyDocumentJson;
}

/** A resource that attaches a policy by reference (a managed policy ARN, an SCP id) to a principal or target. */
export interface AttachmentEntry {
  readonly address: string;
  /** The resource's arguments, `argument = value`, in the order synthesized. */
  readonly arguments: ReadonlyArray<readonly [string, string]>;
}

function kindOf(resource: ResourceJson, attribute: string): PolicyKind {
  if (resource.type === "aws_iam_role" && attribute === "assume_role_policy") return "trust";
  if (resource.type === "aws_iam_role" && attribute.startsWith("inline_policy")) return "identity";
  if (resource.type === "aws_organizations_policy") {
    // The provider's default type is SERVICE_CONTROL_POLICY; the other types hold no statements.
    return resource.config.type === "RESOURCE_CONTROL_POLICY" ? "rcp" : "scp";
  }
  return TYPE_KINDS[resource.type] ?? "other";
}

/** Every string of a value with its path (`inline_policy[0].policy`), depth first in synthesized order. */
function stringsWithPaths(value: unknown, at: string, out: Array<[string, string]>): Array<[string, string]> {
  if (typeof value === "string") out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => stringsWithPaths(v, `${at}[${i}]`, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) stringsWithPaths(v, at ? `${at}.${k}` : k, out);
  }
  return out;
}

/**
 * Every policy document of a synthesized stack, ordered by kind (POLICY_KINDS) then address.
 * @throws naming the address when an argument looks like a policy but is not valid JSON.
 */
export function policyEntries(stackId: string, stack: TfJson): PolicyEntry[] {
  const view = stackView(stackId, stack);
  const found: PolicyEntry[] = [];
  for (const resource of view.resources()) {
    for (const [attribute, value] of stringsWithPaths(resource.config, "", [])) {
      const text = policyText(value, view);
      if (text === undefined) {
        if (value.trimStart().startsWith("{") && value.includes('"Statement"')) {
          throw new Error(`${stackId}: ${resource.address}.${attribute} looks like a policy but is not valid JSON`);
        }
        continue;
      }
      const kind = kindOf(resource, attribute);
      const form = kind === "identity" ? IDENTITY_FORMS[resource.type] : undefined;
      found.push({
        address: resource.address,
        type: resource.type,
        attribute,
        kind,
        label: form ?? KIND_LABELS[kind],
        document: parsePolicyText(text)!,
      });
    }
  }
  const rank = (k: PolicyKind) => POLICY_KINDS.indexOf(k);
  return found.sort(
    (a, b) =>
      rank(a.kind) - rank(b.kind) || a.address.localeCompare(b.address) || a.attribute.localeCompare(b.attribute),
  );
}

/**
 * Resource types that say who holds a policy: attachments by reference (`policy_arn`, `policy_id`, a
 * customer managed policy's name), group memberships (a user holds its groups' policies) and Identity
 * Center account assignments (a group receives a permission set in an account).
 */
const ATTACHMENT_TYPE =
  /^aws_(iam_(role|user|group)_policy_attachment|iam_policy_attachment|organizations_policy_attachment|ssoadmin_(managed|customer_managed)_policy_attachment|iam_user_group_membership|iam_group_membership|ssoadmin_account_assignment)$/;

/** The resources of a stack that attach policies by reference or give a principal its group's or set's, by address. */
export function attachmentEntries(stackId: string, stack: TfJson): AttachmentEntry[] {
  return stackView(stackId, stack)
    .resources()
    .filter((r) => ATTACHMENT_TYPE.test(r.type))
    .map((r) => ({
      address: r.address,
      arguments: Object.entries(r.config)
        .filter(([k]) => k !== "provider" && k !== "depends_on" && k !== "lifecycle")
        .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as const),
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The heading of one document: `## <address> · <attribute> · <kind> (<label>)`. */
export const entryHeading = (e: Pick<PolicyEntry, "address" | "attribute" | "kind" | "label">) =>
  `## ${e.address} · ${e.attribute} · ${e.kind} (${e.label})`;

/** The Markdown printed for one stack. */
export function renderStack(
  stackId: string,
  source: string,
  entries: readonly PolicyEntry[],
  attachments: readonly AttachmentEntry[],
  kind?: PolicyKind,
  notPolicies: readonly string[] = [],
): string {
  const shown = kind ? entries.filter((e) => e.kind === kind) : entries;
  const lines = [
    `# Policies of ${stackId}`,
    "",
    `Read from the synthesized JSON of ${source}: ${plural(shown.length, "policy document")}` +
      `${kind ? ` of kind ${kind} (of ${entries.length})` : ""}. In the documents, \`\${aws_…}\` and` +
      " `${data.…}` are Terraform references filled in at apply; `${aws:…}`, `${ec2:…}`… are IAM policy" +
      " variables AWS fills in per request.",
  ];
  for (const e of shown) {
    lines.push("", entryHeading(e), "", "```json", JSON.stringify(e.document, null, 2), "```");
  }
  if (notPolicies.length > 0 && !kind) {
    lines.push("", "## Not policies", "");
    for (const address of notPolicies) {
      lines.push(
        `- \`${address}\`: an SSM document; its content is settings or steps, not a policy, and is not printed.`,
      );
    }
  }
  if (!kind && attachments.length > 0) {
    lines.push("", "## Attached by reference", "");
    lines.push(
      "Who holds the policies: attachments by ARN or id (AWS managed policies, SCP targets), group memberships and Identity Center account assignments.",
    );
    lines.push("");
    for (const a of attachments) {
      lines.push(`- \`${a.address}\`: ${a.arguments.map(([k, v]) => `${k} = \`${v}\``).join(", ")}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The listing printed when no stack is named: each stack, its document count and kinds. */
export function renderStackList(source: string, stacks: Readonly<Record<string, TfJson>>): string {
  const lines = [`Stacks synthesized from ${source}, and the policy documents each holds:`, ""];
  const ids = Object.keys(stacks);
  const width = Math.max(...ids.map((id) => id.length));
  for (const id of ids) {
    const entries = policyEntries(id, stacks[id]);
    const counts = POLICY_KINDS.map((k) => [k, entries.filter((e) => e.kind === k).length] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    lines.push(
      `  ${id.padEnd(width)}  ${plural(entries.length, "document")}${counts.length ? ` (${counts.join(", ")})` : ""}`,
    );
  }
  lines.push("", "Print one stack's documents: npm run policies -- <stack-id> [--kind <kind>]");
  lines.push("Print one kind in every stack: npm run policies -- --kind <kind>");
  lines.push(`Kinds: ${POLICY_KINDS.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export interface PoliciesArguments {
  readonly stack?: string;
  readonly kind?: PolicyKind;
}

/** The command line, or an error naming the bad value and what is allowed. */
export function parsePoliciesArguments(args: readonly string[]): PoliciesArguments | { error: string } {
  let stack: string | undefined;
  let kind: PolicyKind | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--kind" || arg.startsWith("--kind=")) {
      const value = arg === "--kind" ? args[++i] : arg.slice("--kind=".length);
      if (value === undefined || !(POLICY_KINDS as readonly string[]).includes(value)) {
        return {
          error: `Invalid --kind ${value === undefined ? "(no value)" : JSON.stringify(value)}: use one of ${POLICY_KINDS.join(", ")}.`,
        };
      }
      kind = value as PolicyKind;
    } else if (arg.startsWith("-")) {
      return { error: `Unknown option ${JSON.stringify(arg)}: use npm run policies -- [<stack-id>] [--kind <kind>].` };
    } else if (stack !== undefined) {
      return { error: `One stack at a time: got ${JSON.stringify(stack)} and ${JSON.stringify(arg)}.` };
    } else {
      stack = arg;
    }
  }
  return { stack, kind };
}

export interface PoliciesIo {
  readonly settings: Settings;
  /** Every stack of the app for these settings (by default synthesized in process with main.ts's wiring). */
  readonly synth?: (settings: Settings) => Synthesis;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const defaultSynth = (settings: Settings): Synthesis => {
  // Loaded here: `--kind` mistakes are reported before the stacks and the provider's classes load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be
  const { defineStacks } = require("../main") as typeof import("../main");
  return synthesize((app) => defineStacks(app, settings));
};

/** Runs the command; returns its exit code (0 printed, 1 stacks that cdktf synth would refuse, 2 bad arguments). */
export function policiesCommand(args: readonly string[], io: PoliciesIo): number {
  const parsed = parsePoliciesArguments(args);
  if ("error" in parsed) {
    io.stderr(`${parsed.error}\n`);
    return 2;
  }
  if (parsed.stack !== undefined && !(STACK_IDS as readonly string[]).includes(parsed.stack)) {
    io.stderr(`Unknown stack ${JSON.stringify(parsed.stack)}: use one of ${STACK_IDS.join(", ")}.\n`);
    return 2;
  }
  const synthesis = (io.synth ?? defaultSynth)(io.settings);
  const source = path.relative(process.cwd(), io.settings.source) || io.settings.source;
  if (parsed.stack === undefined && parsed.kind !== undefined) {
    // One kind across the app (`--kind scp`): each stack that holds documents of it.
    for (const [id, stack] of Object.entries(synthesis.stacks)) {
      const entries = policyEntries(id, stack);
      if (entries.some((e) => e.kind === parsed.kind)) io.stdout(renderStack(id, source, entries, [], parsed.kind));
    }
  } else if (parsed.stack === undefined) {
    io.stdout(renderStackList(source, synthesis.stacks));
  } else {
    const stack = synthesis.stacks[parsed.stack];
    if (!stack) {
      io.stderr(
        `Stack ${JSON.stringify(parsed.stack)} is not synthesized with ${source} (ssm.sessionPreferences "existing" leaves out session-preferences): use one of ${Object.keys(synthesis.stacks).join(", ")}.\n`,
      );
      return 2;
    }
    io.stdout(
      renderStack(
        parsed.stack,
        source,
        policyEntries(parsed.stack, stack),
        attachmentEntries(parsed.stack, stack),
        parsed.kind,
        stackView(parsed.stack, stack)
          .resources("aws_ssm_document")
          .map((r) => r.address),
      ),
    );
  }
  // cdktf synth refuses a synthesis with error annotations (the guardrails): say so, after the documents.
  const errors = Object.entries(synthesis.annotations).flatMap(([, list]) =>
    list.filter((a) => a.level === "@cdktf/error"),
  );
  for (const e of errors) io.stderr(`${e.constructPath}: ${e.message}\n`);
  if (errors.length > 0) {
    io.stderr("cdktf synth would refuse these stacks (errors above): the documents are printed for review only.\n");
    return 1;
  }
  return 0;
}

/**
 * The entry point: reads the configuration as the app does (ACCESS_GUARDRAILS_CONFIG, else
 * config/default.json); a configuration that does not validate is printed and exits 1.
 */
export function policiesMain(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  io: Omit<PoliciesIo, "settings">,
): number {
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return 1;
  }
  return policiesCommand(args, { ...io, settings });
}

if (require.main === module) {
  // Piped into `head`, stdout closes early: stop quietly, as other command-line tools do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = policiesMain(process.argv.slice(2), process.env, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
