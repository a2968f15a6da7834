import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/** Where the scenario tables live (scenarios/README.md describes the file contract). */
export const SCENARIO_DIR = path.join(__dirname, "..", "scenarios");

export const DECISIONS = ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"] as const;
export type Decision = (typeof DECISIONS)[number];

/** The only actions the validated simulation path cannot evaluate (see simulate.ts for the evidence). */
export const UNSAFE_ACTIONS = ["ec2-instance-connect:OpenTunnel", "ec2-instance-connect:SendSSHPublicKey"] as const;

const nonEmpty = (what: string) => z.string({ error: `use ${what}` }).min(1, { error: `use ${what}` });
const inlinePolicy = z.strictObject(
  {
    name: nonEmpty("a policy name"),
    inline: z.looseObject({ Statement: z.unknown() }, { error: "use a policy document with a Statement" }),
  },
  { error: "use an object { name, inline }" },
);
/** `<type>.<name>` or `<stack-id>:<type>.<name>`; the name may be the prefix before cdktf's hash. */
const policyRef = z
  .string({ error: "use a policy reference such as aws_iam_policy.EiceOperatorPolicy" })
  .regex(/^([a-z0-9-]+:)?(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/, {
    error: "use a policy reference <type>.<name> or <stack-id>:<type>.<name>",
  });
const policySource = z.union([policyRef, inlinePolicy], {
  error: "use a policy reference (aws_iam_policy.Name) or an inline { name, inline } policy",
});
const policyList = z.array(policySource, { error: "use a list of policies" });

const scenarioSchema = z.strictObject(
  {
    name: nonEmpty("a sentence naming the claim"),
    principal: nonEmpty("an IAM principal ARN"),
    action: z.string({ error: "use one action such as s3:PutObject" }).regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, {
      error: "use one action such as s3:PutObject (no wildcards)",
    }),
    resource: nonEmpty("a resource ARN, or * for actions without resource-level permissions"),
    resourceAccount: z.string().optional(),
    context: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]), {
        error: "use an object of context keys to a string or a list of strings",
      })
      .default({}),
    absentContext: z.array(z.string(), { error: "use a list of context keys" }).default([]),
    policies: z.strictObject(
      {
        identity: policyList.default([]),
        resource: policySource.optional(),
        scp: z
          .strictObject(
            { root: policyList.default([]), ou: policyList.default([]), account: policyList.default([]) },
            { error: "use an object { root, ou, account } of policy lists" },
          )
          .optional(),
        vpcEndpoint: policyList.default([]),
      },
      { error: "use an object with identity, resource, scp, vpcEndpoint" },
    ),
    expect: z.enum(DECISIONS, { error: `use one of ${DECISIONS.join(", ")}` }),
    decidedBy: z.string().optional(),
    unsafe: z.string().min(1, { error: "say why the unvalidated path is needed" }).optional(),
  },
  { error: "use a scenario object" },
);

const fileSchema = z.strictObject(
  {
    $schema: z.string().optional(),
    description: z.string().optional(),
    stack: nonEmpty("the id of the stack the policies come from"),
    config: z.record(z.string(), z.unknown(), { error: "use an object merged into config/default.json" }).optional(),
    scenarios: z
      .array(z.unknown(), { error: "use a list of scenarios" })
      .min(1, { error: "list at least one scenario" }),
  },
  { error: "use a JSON object with stack and scenarios" },
);

export type PolicySource = z.output<typeof policySource>;
export type Scenario = z.output<typeof scenarioSchema>;
export interface ScenarioFile {
  /** File name relative to scenarios/, e.g. `private-access.json`. */
  readonly file: string;
  readonly stack: string;
  readonly config: Record<string, unknown>;
  readonly scenarios: readonly Scenario[];
}

/** An invalid scenario file; the message names the file, the row and the field. */
export class ScenarioFileError extends Error {}

const where = (issue: z.core.$ZodIssue) => (issue.path.length > 0 ? issue.path.join(".") : "(top level)");

/**
 * Rules the schema cannot express: the unvalidated simulation path is reserved for the two actions that
 * need it, and it must not be given policies it would silently drop.
 */
function crossFieldProblems(row: Scenario): string[] {
  const problems: string[] = [];
  const needsUnsafe = (UNSAFE_ACTIONS as readonly string[]).includes(row.action);
  if (row.unsafe !== undefined && !needsUnsafe) {
    problems.push(
      `unsafe: only ${UNSAFE_ACTIONS.join(" and ")} may use the unvalidated path; remove it for ${row.action}`,
    );
  }
  if (row.unsafe === undefined && needsUnsafe) {
    problems.push(`unsafe: ${row.action} fails the validated simulation; add "unsafe" with the reason`);
  }
  if (row.unsafe !== undefined && row.policies.vpcEndpoint.length > 0) {
    problems.push(
      "policies.vpcEndpoint: the unvalidated path ignores VPC endpoint policies; remove them from this row",
    );
  }
  if (row.unsafe !== undefined && row.policies.resource !== undefined) {
    problems.push(
      "policies.resource: the unvalidated path (0.1.173) crashes on resource policies; remove it from this row",
    );
  }
  return problems;
}

/** Reads and validates one scenario file; every problem names the file, the row and the field. */
export function loadScenarioFile(file: string): ScenarioFile {
  const name = path.basename(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ScenarioFileError(`scenarios/${name}: unreadable JSON (${(err as Error).message}). Fix the syntax.`);
  }
  const top = fileSchema.safeParse(json);
  if (!top.success) {
    const lines = top.error.issues.map((i) => `  ${where(i)}: ${i.message}`);
    throw new ScenarioFileError(`scenarios/${name} is invalid:\n${lines.join("\n")}`);
  }
  const problems: string[] = [];
  const scenarios: Scenario[] = [];
  top.data.scenarios.forEach((raw, index) => {
    const label = `scenarios[${index}]${typeof (raw as { name?: unknown })?.name === "string" ? ` "${(raw as { name: string }).name}"` : ""}`;
    const row = scenarioSchema.safeParse(raw);
    if (!row.success) {
      for (const issue of row.error.issues) problems.push(`  ${label} ${where(issue)}: ${issue.message}`);
      return;
    }
    for (const problem of crossFieldProblems(row.data)) problems.push(`  ${label} ${problem}`);
    scenarios.push(row.data);
  });
  const names = scenarios.map((s) => s.name);
  names
    .filter((n, i) => names.indexOf(n) !== i)
    .forEach((n) => problems.push(`  scenario name "${n}" is used twice; names identify tests, make them unique`));
  if (problems.length > 0) throw new ScenarioFileError(`scenarios/${name} is invalid:\n${problems.join("\n")}`);
  return { file: name, stack: top.data.stack, config: top.data.config ?? {}, scenarios };
}

/** Every `scenarios/*.json`, sorted by name so tests and the matrix keep a stable order. */
export function loadScenarioFiles(dir = SCENARIO_DIR): ScenarioFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => loadScenarioFile(path.join(dir, f)));
}
