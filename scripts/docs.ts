/**
 * `npm run docs`: writes the documentation's reference parts from the code, so they cannot drift from it:
 * - configuration (docs/configuration.md): every field of the schema (its section's file in lib/config/), its default
 *   as the schema applies it and the description attached to the field;
 * - guardrails (docs/guardrails.md): the rule pack (GUARDRAIL_RULES: id, mirrored checks, reason, fix);
 * - alarms (docs/stacks/audit.md): the audit stack's CloudTrail events (AUDIT_EVENTS: id, description,
 *   filter pattern);
 * - SCP doors (docs/stacks/org-guardrails.md): which variant closes which EC2 Instance Connect door;
 * - diagrams (scripts/lib/diagrams.ts): the accounts, the stacks in each and the state they read, on the
 *   start page (README.md) and in docs/architecture.md, and there the two access paths with the policy
 *   that decides each hop;
 * - from the stack dependency graph (lib/stack/dependencies.ts): the pipeline's commands in dependency
 *   order and the HCP Terraform workspaces that must share their state (docs/organisation.md), and the
 *   walk-through's deploy command (docs/cross-account-s3-walkthrough.md).
 * Each part sits between `<!-- generated:<name>:start -->` and `<!-- generated:<name>:end -->` in the file
 * GENERATED_FILES names for it; the prose around them is written by hand. `npm run docs -- --check`
 * changes nothing and exits 1 when a part is stale (__tests__/readme.test.ts runs the same check).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { GUARDRAIL_RULES } from "../lib/aspects/rules";
import { AUDIT_EVENTS } from "../lib/audit/metric-filters";
import { configSchema, type FieldDoc } from "../lib/config";
import { SCP_VARIANTS } from "../lib/config/schema";
import { cloudWorkspaceName } from "../lib/constructs/backend";
import { deployOrder, readersOf, STACK_IDS, withProducers } from "../lib/stack/dependencies";
import { SCP_DENIED_ACTIONS } from "../lib/policies/scp";
import { accessPathsDiagram, deploymentDiagram, mermaidBlock } from "./lib/diagrams";

/** The project folder: GENERATED_FILES names its files relative to it. */
export const ROOT = path.join(__dirname, "..");

/** A markdown table cell: a `|` would end the cell, even inside backticks. */
const cell = (text: string) => text.replace(/\|/g, "\\|");
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [header, header.map(() => "---"), ...rows].map((row) => `| ${row.map(cell).join(" | ")} |`).join("\n");

/** The part of zod's JSON Schema output the configuration table reads (FieldDoc comes from `.meta()`). */
interface SchemaNode extends Partial<FieldDoc> {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly default?: unknown;
  /** A discriminated union's variants (`state`): objects whose discriminator field has a `const`. */
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly const?: unknown;
}

/**
 * A discriminated union (`state`): its own row, then each variant's rows, named after the variant
 * (`state.bucket` (`backend: s3`)), its discriminator row saying what the variant is.
 */
function unionRows(node: SchemaNode, variants: readonly SchemaNode[], at: string, required: boolean): string[][] {
  if (node.description === undefined) {
    throw new Error(
      `Configuration field ${at} has no description: add .meta({ description }) to it in its section's file in lib/config/.`,
    );
  }
  const rows = [[`\`${at}\``, showDefault(node, required), node.description]];
  for (const variant of variants) {
    const entries = Object.entries(variant.properties ?? {});
    const [key, discriminator] = entries.find(([, child]) => child.const !== undefined) ?? [];
    if (key === undefined || discriminator === undefined) {
      throw new Error(`Configuration field ${at} has a variant without a constant discriminator.`);
    }
    const tag = `${key}: ${String(discriminator.const)}`;
    rows.push([`\`${at}.${key}\` = \`${String(discriminator.const)}\``, "—", discriminator.description ?? ""]);
    for (const [field, child] of entries.filter(([name]) => name !== key)) {
      for (const [name, ...rest] of configRows(child, `${at}.${field}`, (variant.required ?? []).includes(field))) {
        rows.push([`${name} (\`${tag}\`)`, ...rest]);
      }
    }
  }
  return rows;
}

function showDefault(node: SchemaNode, required: boolean): string {
  if ("default" in node) return `\`${typeof node.default === "string" ? node.default : JSON.stringify(node.default)}\``;
  if (required) return "(required)";
  return node.unset ?? "none";
}

/**
 * One row per leaf field. Sibling objects with the same schema (the three accounts) share their rows:
 * `accounts.{workload,management,data}.id`.
 */
function configRows(node: SchemaNode, at: string, required: boolean): string[][] {
  const variants = node.oneOf ?? node.anyOf;
  if (node.properties === undefined && variants?.every((v) => v.properties !== undefined)) {
    return unionRows(node, variants, at, required);
  }
  if (node.properties === undefined) {
    if (node.description === undefined) {
      throw new Error(
        `Configuration field ${at} has no description: add .meta({ description }) to it in its section's file in lib/config/.`,
      );
    }
    return [[`\`${at}\``, showDefault(node, required), node.description]];
  }
  const groups = new Map<string, string[]>();
  for (const [key, child] of Object.entries(node.properties)) {
    const shape = JSON.stringify(child);
    groups.set(shape, [...(groups.get(shape) ?? []), key]);
  }
  return [...groups.values()].flatMap((keys) => {
    const name = keys.length === 1 ? keys[0] : `{${keys.join(",")}}`;
    const child = node.properties![keys[0]];
    return configRows(child, at ? `${at}.${name}` : name, (node.required ?? []).includes(keys[0]));
  });
}

export function configTable(): string {
  // io "input": a field with a default is optional to write, and `required` lists what a file must hold.
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as SchemaNode;
  return table(["field", "default", "meaning"], configRows(schema, "", true));
}

export function guardrailTable(): string {
  return table(
    ["rule id", "mirrors", "why", "fix"],
    GUARDRAIL_RULES.map((rule) => [
      `\`${rule.id}\``,
      rule.mirrors.length > 0 ? rule.mirrors.join(", ") : "—",
      rule.reason,
      rule.fix,
    ]),
  );
}

export function alarmTable(): string {
  return table(
    ["alarm", "fires on", "filter pattern"],
    AUDIT_EVENTS.map((event) => [`\`${event.id}\``, event.description, `\`${event.pattern}\``]),
  );
}

/**
 * The doors of EC2 Instance Connect, as the org-guardrails page's "which variant closes which door" rows: each door
 * is the set of actions that open it, and a variant closes it when it denies all of them.
 */
export const SCP_DOORS: readonly { readonly door: string; readonly actions: readonly string[] }[] = [
  { door: "EICE tunnel (`ec2-instance-connect:OpenTunnel`)", actions: ["ec2-instance-connect:OpenTunnel"] },
  {
    door: "endpoint create / delete / modify (`ec2:Create/Delete/ModifyInstanceConnectEndpoint`)",
    actions: [
      "ec2:CreateInstanceConnectEndpoint",
      "ec2:DeleteInstanceConnectEndpoint",
      "ec2:ModifyInstanceConnectEndpoint",
    ],
  },
  {
    door: "endpoint listing (`ec2:DescribeInstanceConnectEndpoints`)",
    actions: ["ec2:DescribeInstanceConnectEndpoints"],
  },
  {
    door: "SSH key push (`ec2-instance-connect:SendSSHPublicKey`)",
    actions: ["ec2-instance-connect:SendSSHPublicKey"],
  },
  {
    door: "serial console key push (`ec2-instance-connect:SendSerialConsoleSSHPublicKey`)",
    actions: ["ec2-instance-connect:SendSerialConsoleSSHPublicKey"],
  },
  {
    door: "turning serial console access on (`ec2:EnableSerialConsoleAccess`)",
    actions: ["ec2:EnableSerialConsoleAccess"],
  },
];

/**
 * Which SCP variant closes which Instance Connect door, from SCP_DENIED_ACTIONS. A door a variant
 * denies only in part would be a bug in the variant, so it is refused rather than drawn.
 */
export function scpDoorTable(): string {
  const cellFor = (variant: (typeof SCP_VARIANTS)[number], actions: readonly string[]) => {
    const denied = actions.filter((a) => SCP_DENIED_ACTIONS[variant].includes(a));
    if (denied.length > 0 && denied.length < actions.length) {
      throw new Error(`SCP variant ${variant} denies only part of ${actions.join(", ")}.`);
    }
    return denied.length > 0 ? "closed" : "open";
  };
  return table(
    ["door", ...SCP_VARIANTS.map((v) => `\`${v}\``)],
    SCP_DOORS.map(({ door, actions }) => [door, ...SCP_VARIANTS.map((v) => cellFor(v, actions))]),
  );
}

/** Every stack, each after the stacks whose state it reads: the order cdktf deploys them in. */
const ORDER = deployOrder(STACK_IDS);

/**
 * The organisation page's pipeline: synthesize once, plan every stack in dependency order (a plan reads the state
 * of the stacks before it), then deploy them all in one command, which cdktf runs in the same order.
 */
export function pipelineCommands(): string {
  return [
    "```sh",
    "export ACCESS_GUARDRAILS_CONFIG=config/my-org.json CHECKPOINT_DISABLE=1",
    "npx cdktf synth",
    `for stack in ${ORDER.join(" ")}; do`,
    '  npx cdktf plan "$stack" --skip-synth --no-color || exit 1',
    "done",
    "# after review:",
    `npx cdktf deploy ${ORDER.join(" ")} --skip-synth --auto-approve`,
    "```",
  ].join("\n");
}

/** A workspace name as the configuration makes it, with the prefix left for the reader to fill in. */
const workspace = (id: string) => `\`${cloudWorkspaceName("<workspacePrefix>", id)}\``;

/**
 * With HCP Terraform state, each stack's workspace and the workspaces whose runs read its state
 * (`terraform_remote_state`): what its "Remote state sharing" setting must allow.
 */
export function stateSharingTable(): string {
  return table(
    ["workspace", "read by (allow in its Remote state sharing)"],
    ORDER.map((id) => {
      const readers = readersOf(id, ORDER);
      return [
        workspace(id),
        readers.length > 0 ? readers.map(workspace).join(", ") : "no workspace: leave sharing off",
      ];
    }),
  );
}

/** The walk-through's deploy command: cross-account-s3 with the stacks it reads, which cdktf wants named. */
export function walkthroughDeploy(): string {
  return ["```sh", `npx cdktf deploy ${withProducers(["cross-account-s3"], STACK_IDS).join(" ")}`, "```"].join("\n");
}

/** A part of a document written from the code, with the words a stale report uses for it. */
export interface GeneratedPart {
  readonly title: string;
  readonly render: () => string;
}

/** The generated tables by marker name, with the words a stale-table report uses for each. */
export const GENERATED_TABLES = {
  config: { title: "configuration table", render: configTable },
  guardrails: { title: "guardrail table", render: guardrailTable },
  alarms: { title: "alarm table", render: alarmTable },
  "scp-doors": { title: "SCP door table", render: scpDoorTable },
  "state-sharing": { title: "HCP Terraform state sharing table", render: stateSharingTable },
} as const;
export type TableName = keyof typeof GENERATED_TABLES;

/** The generated commands (code blocks) by marker name. */
export const GENERATED_COMMANDS = {
  pipeline: { title: "pipeline block", render: pipelineCommands },
  "walkthrough-deploy": { title: "walk-through deploy command", render: walkthroughDeploy },
} as const;

/**
 * Every generated part, by file (relative to the project folder) and marker name: each part is looked for
 * in the page that explains it, and only there.
 */
export const GENERATED_FILES: Readonly<Record<string, Readonly<Record<string, GeneratedPart>>>> = {
  "README.md": {
    "diagram-deployment": { title: "deployment diagram", render: () => mermaidBlock(deploymentDiagram()) },
  },
  "docs/configuration.md": { config: GENERATED_TABLES.config },
  "docs/organisation.md": {
    "state-sharing": GENERATED_TABLES["state-sharing"],
    pipeline: GENERATED_COMMANDS.pipeline,
  },
  "docs/guardrails.md": { guardrails: GENERATED_TABLES.guardrails },
  "docs/stacks/audit.md": { alarms: GENERATED_TABLES.alarms },
  "docs/stacks/org-guardrails.md": { "scp-doors": GENERATED_TABLES["scp-doors"] },
  "docs/cross-account-s3-walkthrough.md": { "walkthrough-deploy": GENERATED_COMMANDS["walkthrough-deploy"] },
  "docs/architecture.md": {
    deployment: { title: "deployment diagram", render: () => mermaidBlock(deploymentDiagram()) },
    "access-paths": { title: "access paths diagram", render: () => mermaidBlock(accessPathsDiagram()) },
  },
};

/**
 * The file GENERATED_FILES looks for the part `name` in.
 * @throws naming the part when no file has it.
 */
export function fileOf(name: string): string {
  const file = Object.keys(GENERATED_FILES).find((f) => name in GENERATED_FILES[f]);
  if (file === undefined) throw new Error(`No document holds a generated part named ${name}.`);
  return file;
}

const markers = (name: string) => [`<!-- generated:${name}:start -->`, `<!-- generated:${name}:end -->`] as const;

/** `text`, the content of `file`, with each of `parts` rewritten, and the parts whose text changed. */
export function regenerate(
  text: string,
  parts: Readonly<Record<string, GeneratedPart>>,
  file: string,
): { readonly text: string; readonly stale: readonly string[] } {
  let out = text;
  const stale: string[] = [];
  for (const [name, part] of Object.entries(parts)) {
    const [start, end] = markers(name);
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) {
      throw new Error(`${file} has no ${start} ... ${end} pair: put both markers where the ${part.title} belongs.`);
    }
    const current = out.slice(from + start.length, to);
    const wanted = `\n${part.render()}\n`;
    if (current !== wanted) {
      stale.push(name);
      out = out.slice(0, from + start.length) + wanted + out.slice(to);
    }
  }
  return { text: out, stale };
}

/** One sentence per stale part: which one, and the command that fixes it. */
export function staleReport(
  stale: readonly string[],
  parts: Readonly<Record<string, GeneratedPart>>,
  file: string,
): string {
  return stale
    .map((name) => `${file}: the ${parts[name].title} differs from the code. Run \`npm run docs\` and commit ${file}.`)
    .join("\n");
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  let status = 0;
  for (const [file, parts] of Object.entries(GENERATED_FILES)) {
    const at = path.join(ROOT, file);
    const { text, stale } = regenerate(readFileSync(at, "utf8"), parts, file);
    if (stale.length === 0) {
      process.stdout.write(`${file}: the generated parts are up to date.\n`);
    } else if (check) {
      process.stderr.write(`${staleReport(stale, parts, file)}\n`);
      status = 1;
    } else {
      writeFileSync(at, text);
      process.stdout.write(`${file}: rewrote the ${stale.map((n) => parts[n].title).join(", ")}.\n`);
    }
  }
  return status;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
