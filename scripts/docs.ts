/**
 * `npm run docs`: writes the README's reference tables from the code, so they cannot drift from it:
 * - configuration: every field of the schema (lib/config/schema.ts), its default as the schema applies
 *   it and the description attached to the field;
 * - guardrails: the rule pack (GUARDRAIL_RULES: id, mirrored checks, reason, fix);
 * - alarms: the audit stack's CloudTrail events (AUDIT_EVENTS: id, description, filter pattern).
 * Each table sits between `<!-- generated:<name>:start -->` and `<!-- generated:<name>:end -->`; the
 * prose around them is written by hand. `npm run docs -- --check` changes nothing and exits 1 when a
 * table is stale (__tests__/readme.test.ts runs the same check).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { GUARDRAIL_RULES } from "../lib/aspects/rules";
import { AUDIT_EVENTS } from "../lib/audit/metric-filters";
import { configSchema, type FieldDoc } from "../lib/config";
import { SCP_VARIANTS } from "../lib/config/schema";
import { SCP_DENIED_ACTIONS } from "../lib/policies/scp";

export const README_PATH = path.join(__dirname, "..", "README.md");

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
      `Configuration field ${at} has no description: add .meta({ description }) to it in lib/config/schema.ts.`,
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
        `Configuration field ${at} has no description: add .meta({ description }) to it in lib/config/schema.ts.`,
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
 * The doors of EC2 Instance Connect, as the README's "which variant closes which door" rows: each door
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

/** The generated tables by marker name, with the words a stale-table report uses for each. */
export const GENERATED_TABLES = {
  config: { title: "configuration table", render: configTable },
  guardrails: { title: "guardrail table", render: guardrailTable },
  alarms: { title: "alarm table", render: alarmTable },
  "scp-doors": { title: "SCP door table", render: scpDoorTable },
} as const;
export type TableName = keyof typeof GENERATED_TABLES;

const markers = (name: TableName) => [`<!-- generated:${name}:start -->`, `<!-- generated:${name}:end -->`] as const;

/** The README with every generated table rewritten, and the tables whose text changed. */
export function regenerate(readme: string): { readonly text: string; readonly stale: readonly TableName[] } {
  let text = readme;
  const stale: TableName[] = [];
  for (const name of Object.keys(GENERATED_TABLES) as TableName[]) {
    const [start, end] = markers(name);
    const from = text.indexOf(start);
    const to = text.indexOf(end, from);
    if (from < 0 || to < 0) {
      throw new Error(
        `README.md has no ${start} ... ${end} pair: put both markers where the ${GENERATED_TABLES[name].title} belongs.`,
      );
    }
    const current = text.slice(from + start.length, to);
    const wanted = `\n${GENERATED_TABLES[name].render()}\n`;
    if (current !== wanted) {
      stale.push(name);
      text = text.slice(0, from + start.length) + wanted + text.slice(to);
    }
  }
  return { text, stale };
}

/** One sentence per stale table: which one, and the command that fixes it. */
export function staleReport(stale: readonly TableName[]): string {
  return stale
    .map(
      (name) =>
        `README.md: the ${GENERATED_TABLES[name].title} differs from the code. Run \`npm run docs\` and commit README.md.`,
    )
    .join("\n");
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const { text, stale } = regenerate(readFileSync(README_PATH, "utf8"));
  if (stale.length === 0) {
    process.stdout.write("README.md: the generated tables are up to date.\n");
    return 0;
  }
  if (check) {
    process.stderr.write(`${staleReport(stale)}\n`);
    return 1;
  }
  writeFileSync(README_PATH, text);
  process.stdout.write(`README.md: rewrote the ${stale.map((n) => GENERATED_TABLES[n].title).join(", ")}.\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
