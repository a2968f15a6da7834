import { isObject, strings, type Statement } from "../lib/tfjson";
import type { ScenarioOutcome } from "./simulate";

/** The columns of each principal's table in the access matrix. */
export const ACCESS_MATRIX_HEADER = ["scenario", "action", "expected", "decision", "deciding policy"] as const;

/** The ways onto an instance, by the IAM action that opens each. */
export const DOORS: Readonly<Record<string, string>> = {
  "ec2-instance-connect:OpenTunnel": "EICE tunnel",
  "ec2-instance-connect:SendSSHPublicKey": "EIC key push",
  "ssm:StartSession": "Session Manager",
  "ec2-instance-connect:SendSerialConsoleSSHPublicKey": "serial console",
};

/** One simulated row and why it does not prove its claim (empty when it does). */
export interface MatrixRow {
  readonly outcome: ScenarioOutcome;
  readonly failures: readonly string[];
}

/** The configuration a matrix was evaluated against, when it is not the shipped one per file. */
export interface MatrixConfiguration {
  /** The configuration file, as the user named it. */
  readonly source: string;
  /** Scenario files left out: they prove another configuration (the fields their `config` sets differently). */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly fields: readonly string[] }>;
}

/** Keeps a table cell on one line and its pipes literal. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** `a`, `a, b`: a condition value as written. */
const values = (value: unknown) => (Array.isArray(value) ? value : [value]).map((v) => String(v)).join(", ");

/** The condition of an allowing statement, one `key operator value` per entry; "none" without one. */
export function conditionText(statement: Statement): string {
  const parts: string[] = [];
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!isObject(block)) continue;
    for (const [key, value] of Object.entries(block)) parts.push(`${code(key)} ${operator} ${code(values(value))}`);
  }
  return parts.length > 0 ? parts.join("; ") : "none";
}

/** What the request reaches: the instance, or the endpoint and the address and port the tunnel opens to. */
function targetText(outcome: ScenarioOutcome): string {
  const request = outcome.request!;
  const id = /:(instance(?:-connect-endpoint)?)\/([^/]+)$/.exec(request.resource);
  const ref = /\{\{ref:(?:[a-z0-9-]+:)?([a-z0-9_]+\.[A-Za-z0-9_]+)\.[a-z_]+\}\}/.exec(outcome.written.resource);
  const named = ref ? ` (${ref[1]})` : "";
  const context = (key: string) => strings(request.context[key])[0];
  if (id?.[1] === "instance-connect-endpoint") {
    const address = context("ec2-instance-connect:privateIpAddress") ?? "any address";
    const port = context("ec2-instance-connect:remotePort") ?? "any port";
    return `${code(`${address}:${port}`)} through endpoint ${code(id[2])}${named}`;
  }
  const user = context("ec2:osuser");
  return `${code(id ? id[2] : request.resource)}${named}${user ? ` as ${code(user)}` : ""}`;
}

/** Rows whose request is a door onto an instance (or an EICE), allowed. */
const reachesInstance = (outcome: ScenarioOutcome) =>
  outcome.decision === "Allowed" &&
  outcome.request !== undefined &&
  DOORS[outcome.request.action] !== undefined &&
  /:instance(-connect-endpoint)?\//.test(outcome.request.resource);

/** The summary table: who reaches which instance, through which door, under which condition, granted by what. */
function summaryLines(rows: readonly MatrixRow[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const { outcome } of rows) {
    if (!reachesInstance(outcome)) continue;
    const grants = (outcome.grants ?? []).filter((g) => g.layer === "identity" || g.layer === "resource");
    const condition = grants.length > 0 ? grants.map((g) => conditionText(g.statement)).join(" / ") : "none";
    const grantedBy = grants
      .map((g) => `${g.policy}#${g.statement.Sid ?? "?"}${g.inline ? " (the scenario's stand-in policy)" : ""}`)
      .join("; ");
    const line = `| ${cell(code(outcome.request!.principal))} | ${DOORS[outcome.request!.action]} | ${cell(targetText(outcome))} | ${cell(condition)} | ${cell(grantedBy || "-")} | ${outcome.file} |`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  if (lines.length === 0) return ["No scenario row allows a door onto an instance with this configuration."];
  return [
    "| principal | door | instance | condition (of the allowing statement) | granted by | proven in |",
    "| --- | --- | --- | --- | --- | --- |",
    ...lines,
  ];
}

/** Rows grouped by stack, then by principal, each in first-seen order. */
function grouped(rows: readonly MatrixRow[]): Map<string, Map<string, MatrixRow[]>> {
  const byStack = new Map<string, Map<string, MatrixRow[]>>();
  for (const row of rows) {
    const principal = row.outcome.request?.principal ?? row.outcome.written.principal;
    const byPrincipal = byStack.get(row.outcome.stack) ?? new Map<string, MatrixRow[]>();
    byStack.set(row.outcome.stack, byPrincipal);
    byPrincipal.set(principal, [...(byPrincipal.get(principal) ?? []), row]);
  }
  return byStack;
}

/**
 * The access matrix in Markdown: a summary of who reaches which instance through which door, then every
 * row grouped by stack and principal. Without `configuration` it is docs/access-matrix.md (each file's
 * rows against the shipped configuration with the file's `config` merged in; compared with the committed
 * file by __tests__/proofs/scenarios.test.ts); with it, the rows of the files that apply to the user's
 * configuration, a row that differs from its shipped expectation marked ≠.
 */
export function accessMatrixMarkdown(rows: readonly MatrixRow[], configuration?: MatrixConfiguration): string {
  const differing = rows.filter((r) => r.failures.length > 0).length;
  const mark = configuration ? "≠" : "✗";
  const intro = configuration
    ? [
        `Evaluated by \`npm run access-matrix\` against ${code(configuration.source)}: the rows of the scenario`,
        "files whose `config` already holds in this configuration (files without one always apply), simulated",
        "with `@cloud-copilot/iam-simulate` against the policies of its synthesized stacks. A decision that",
        `differs from the shipped expectation is marked ${mark}: it describes this configuration, not a failure.`,
        "",
        `${rows.length} rows, ${differing} differ from the shipped expectation.`,
      ]
    : [
        "Generated by `npm run access-matrix` from `scenarios/*.json`: each row is simulated with",
        "`@cloud-copilot/iam-simulate` against the policies of the synthesized `cdk.tf.json` (default",
        "configuration plus the file's overrides). Do not edit by hand.",
        "",
        `${rows.length} rows, ${differing} failing.`,
      ];
  const summaryRows = configuration ? rows : rows.filter((r) => !r.outcome.variant);
  const lines = [
    "# Access matrix",
    "",
    ...intro,
    "",
    "## Who can reach which instance",
    "",
    configuration
      ? "Every allowed row whose action opens a door onto an instance:"
      : "Every allowed row whose action opens a door onto an instance, from the files that prove the default configuration (files that change it, such as another SCP variant, are in the tables below only):",
    "EICE tunnel = `ec2-instance-connect:OpenTunnel`, EIC key push = `ec2-instance-connect:SendSSHPublicKey`,",
    "Session Manager = `ssm:StartSession`, serial console = `ec2-instance-connect:SendSerialConsoleSSHPublicKey`.",
    "",
    ...summaryLines(summaryRows),
  ];
  if (configuration && configuration.skipped.length > 0) {
    lines.push("", "## Scenario files not evaluated", "");
    lines.push("They prove another configuration: their `config` sets these fields differently.", "");
    for (const s of configuration.skipped) lines.push(`- ${s.file}: ${s.fields.map((f) => code(f)).join(", ")}`);
  }
  lines.push(
    "",
    "## Rows by stack and principal",
    "",
    "Rows marked † use the simulator's unvalidated path (EC2 Instance Connect actions), which ignores VPC",
    `endpoint policies. A file name after a scenario names the file that sets a \`config\` of its own.`,
  );
  for (const [stack, byPrincipal] of grouped(rows)) {
    lines.push("", `### ${stack}`);
    for (const [principal, list] of byPrincipal) {
      lines.push("", `#### ${code(principal)}`, "");
      lines.push(`| ${ACCESS_MATRIX_HEADER.join(" | ")} |`, `| ${ACCESS_MATRIX_HEADER.map(() => "---").join(" | ")} |`);
      for (const { outcome, failures } of list) {
        const source = outcome.file === `${outcome.stack}.json` ? "" : ` (${outcome.file})`;
        const decision = failures.length > 0 ? `**${outcome.decision}** ${mark}` : outcome.decision;
        const decider =
          outcome.decision === "Error"
            ? `${outcome.decidedBy} ${outcome.problems.join("; ")}`.trim()
            : outcome.decidedBy;
        lines.push(
          `| ${cell(outcome.scenario + (outcome.unsafe ? " †" : "") + source)} | ${code(outcome.written.action)} | ${outcome.expected} | ${decision} | ${cell(decider || "-")} |`,
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
