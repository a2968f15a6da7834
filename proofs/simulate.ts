import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  runUnsafeSimulation,
  type RequestAnalysis,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import type { Config } from "../lib/config";
import { statementsOf, strings, type PolicyDocumentJson, type Statement } from "../lib/tfjson";
import { conditionKeyExists, iamPattern } from "./iam-data";
import { resolvedPolicy } from "./policies";
import { fillPlaceholders, Resolver } from "./resolve";
import type { Decision, PolicySource, Scenario, ScenarioFile } from "./scenario-file";
import { configWith, synthesizeStacks, type StackSet, type StacksFor } from "./synth";

/*
 * What the simulator (iam-simulate 0.1.173, iam-data 0.21.202609261) does with the two EC2 Instance
 * Connect actions, checked by experiment when this runner was written:
 * - `runSimulation` on ec2-instance-connect:OpenTunnel returns `{ resultType: "error", errors: { message:
 *   "multiple.resource.types" } }`: iam-data lists the instance-connect-endpoint resource type twice and
 *   gives the action no condition keys (the service's remotePort/privateIpAddress/maxTunnelDuration exist).
 * - `runSimulation` on ec2-instance-connect:SendSSHPublicKey with `ec2:osuser` in the context rejects
 *   with "Condition key ec2:osuser not found": iam-data files ec2:osuser under ec2-instance-connect, and
 *   the lookup goes by the key's own prefix (ec2).
 * - `runUnsafeSimulation` evaluates both correctly (port/address/duration and osuser conditions decide),
 *   but drops `vpcEndpointPolicies` (a deny-all endpoint policy still gives Allowed), crashes on a
 *   resource policy (it loads it without a name), and returns only the decision, no analysis.
 * So: the two actions go through the unsafe path, such rows may not carry endpoint or resource policies
 * (scenario-file.ts rejects them), their context keys are checked against iam-data here because the
 * unsafe path filters nothing, and the deciding policy is found by re-running it on single statements.
 */

export interface ScenarioOutcome {
  readonly file: string;
  readonly stack: string;
  readonly scenario: string;
  readonly expected: Decision;
  /** The simulator's decision, or "Error" when the row could not be simulated honestly. */
  readonly decision: Decision | "Error";
  /** The statements (or missing Allow) that decided, e.g. `identity aws_iam_policy.X#Sid`. */
  readonly decidedBy: string;
  /** Why the row is in error: simulator errors, ignored context keys, unsupplied keys. */
  readonly problems: readonly string[];
  /** Set when the unvalidated path was used: the row's reason. */
  readonly unsafe?: string;
  /** The row's principal, action and resource as written, placeholders unfilled (`{{ref:aws_instance.Target_Instance.arn}}`). */
  readonly written: { readonly principal: string; readonly action: string; readonly resource: string };
  /** The request as simulated, placeholders filled; absent when the row could not be built. */
  readonly request?: SimulatedRequest;
  /**
   * True when the file's `config` changes the shipped configuration (an SCP variant, Identity Center...):
   * the row proves a variant, not what config/default.json deploys.
   */
  readonly variant: boolean;
  /** For an Allowed decision, the Allow statements that granted it, as simulated (references resolved). */
  readonly grants?: readonly Grant[];
}

export interface SimulatedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** An Allow statement that granted a request. */
export interface Grant {
  /** `identity`, `resource`, `vpce`, `scp <target>`. */
  readonly layer: string;
  /** The policy's name: a reference such as `aws_iam_policy.EiceOperatorPolicy`, or an inline policy's name. */
  readonly policy: string;
  /** True when the row wrote the policy itself (a stand-in such as an administrator's), not read from a stack. */
  readonly inline: boolean;
  readonly statement: Statement;
}

/** Chooses the configuration a scenario file is evaluated against. */
export type ConfigFor = (file: ScenarioFile) => Config;

export const FULL_AWS_ACCESS: PolicyDocumentJson = {
  Version: "2012-10-17",
  Statement: [{ Sid: "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*" }],
};
const FULL_AWS_ACCESS_NAME = "FullAWSAccess";

/** The shipped configuration with the file's own `config` merged in: what the file's expectations are about. */
export const fileConfig: ConfigFor = (file) => {
  try {
    return configWith(file.config, `scenarios/${file.file}`);
  } catch (err) {
    throw new Error(`scenarios/${file.file}: "config" does not validate: ${(err as Error).message}`, { cause: err });
  }
};

/** The scenario file's configuration and its synthesized stacks. */
function synthesisFor(
  file: ScenarioFile,
  stacksFor: StacksFor,
  configFor: ConfigFor,
): { config: Config; stacks: StackSet } {
  const config = configFor(file);
  return { config, stacks: stacksFor(config) };
}

interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocumentJson;
  /** Written in the scenario row, not read from a stack. */
  readonly inline?: boolean;
}

const accountOf = (arn: string): string | undefined => /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];

const actionMatches = (statement: Statement, action: string): boolean => {
  if (statement.Action !== undefined) return strings(statement.Action).some((a) => iamPattern(a, /[*?]/g).test(action));
  return !strings(statement.NotAction).some((a) => iamPattern(a, /[*?]/g).test(action));
};

/**
 * Whether a statement's Resource covers the request's resource. Policy variables count as wildcards: the
 * question is only whether the statement could apply, so that its condition keys must be supplied.
 */
const resourceMayMatch = (statement: Statement, resource: string): boolean => {
  const matches = (pattern: string) => iamPattern(pattern.replace(/\$\{[^}]*\}/g, "*"), /[*?]/g).test(resource);
  if (statement.Resource !== undefined) return strings(statement.Resource).some(matches);
  if (statement.NotResource !== undefined) return !strings(statement.NotResource).some(matches);
  return true;
};

/** Condition keys and policy variables (`${aws:username}`) a statement reads. */
function keysRead(statement: Statement): string[] {
  const keys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
  const text = JSON.stringify([statement.Resource, statement.NotResource, statement.Condition]);
  for (const m of text.matchAll(/\$\{([^}]+)\}/g)) if (!["*", "?", "$"].includes(m[1])) keys.push(m[1]);
  return keys;
}

/** Everything the simulation needs, placeholders filled, policies read from the synthesized JSON. */
class RowBuilder {
  private readonly resolvers = new Map<string, Resolver>();

  constructor(
    private readonly file: ScenarioFile,
    private readonly config: Config,
    private readonly stacks: StackSet,
  ) {}

  resolver = (stackId: string = this.file.stack): Resolver => {
    let r = this.resolvers.get(stackId);
    if (!r) {
      r = new Resolver(stackId, this.stacks);
      this.resolvers.set(stackId, r);
    }
    return r;
  };

  fill(text: string, where: string): string {
    return fillPlaceholders(text, this.config, this.resolver, `scenarios/${this.file.file} ${where}`);
  }

  policy(source: PolicySource, where: string): NamedPolicy {
    if (typeof source !== "string") {
      const text = this.fill(JSON.stringify(source.inline), `${where} (inline ${source.name})`);
      return { name: source.name, policy: JSON.parse(text), inline: true };
    }
    const m = /^(?:([a-z0-9-]+):)?([a-z0-9_]+)\.(.+)$/.exec(source)!;
    const resolved = resolvedPolicy(this.resolver(m[1]), m[2], m[3]);
    return { name: source, policy: resolved.document };
  }
}

function buildSimulation(file: ScenarioFile, row: Scenario, b: RowBuilder, config: Config) {
  const where = (field: string) => `"${row.name}" ${field}`;
  const principal = b.fill(row.principal, where("principal"));
  const resource = b.fill(row.resource, where("resource"));
  const resourceAccount = row.resourceAccount
    ? b.fill(row.resourceAccount, where("resourceAccount"))
    : accountOf(principal);
  if (!resourceAccount || !/^\d{12}$/.test(resourceAccount)) {
    throw new Error(
      `scenarios/${file.file} ${where("resourceAccount")}: give a 12-digit account (got ${resourceAccount ?? "none"})`,
    );
  }
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(row.context)) {
    context[key] = Array.isArray(value)
      ? value.map((v) => b.fill(v, where(`context.${key}`)))
      : b.fill(value, where(`context.${key}`));
  }
  const identity = row.policies.identity.map((p, i) => b.policy(p, where(`policies.identity[${i}]`)));
  const resourcePolicy = row.policies.resource
    ? b.policy(row.policies.resource, where("policies.resource"))
    : undefined;
  const endpoint = row.policies.vpcEndpoint.map((p, i) => b.policy(p, where(`policies.vpcEndpoint[${i}]`)));
  const scp = row.policies.scp;
  const levels: Array<{ orgIdentifier: string; policies: NamedPolicy[] }> = [];
  if (scp) {
    // An SCP only filters: every level also needs an Allow, which AWS attaches as FullAWSAccess.
    const targets = config.scp.targetIds;
    const ids = {
      root: targets.find((t) => t.startsWith("r-")) ?? "r-a1b2",
      ou: targets.find((t) => t.startsWith("ou-")) ?? "ou-a1b2-c3d4e5f6",
      account: accountOf(principal) ?? resourceAccount,
    };
    for (const level of ["root", "ou", "account"] as const) {
      levels.push({
        orgIdentifier: ids[level],
        policies: [
          { name: FULL_AWS_ACCESS_NAME, policy: FULL_AWS_ACCESS },
          ...scp[level].map((p, i) => b.policy(p, where(`policies.scp.${level}[${i}]`))),
        ],
      });
    }
  }
  const simulation: Simulation = {
    request: {
      principal,
      action: row.action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: context,
    },
    identityPolicies: identity,
    serviceControlPolicies: levels,
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy?.policy,
    vpcEndpointPolicies: endpoint.length > 0 ? endpoint : undefined,
  };
  const applied = [
    ...identity.map((p) => ({ layer: "identity", ...p })),
    ...(resourcePolicy ? [{ layer: "resource", ...resourcePolicy }] : []),
    ...endpoint.map((p) => ({ layer: "vpce", ...p })),
    ...levels.flatMap((l) => l.policies.map((p) => ({ layer: `scp ${l.orgIdentifier}`, ...p }))),
  ];
  const request: SimulatedRequest = { principal, action: row.action, resource, context };
  return { simulation, applied, resourcePolicyName: resourcePolicy?.name, request };
}

/** Keys an applied statement for this action and resource reads that the row neither supplies nor declares absent. */
function unsuppliedKeys(
  row: Scenario,
  resource: string,
  applied: Array<{ layer: string; name: string; policy: PolicyDocumentJson }>,
): string[] {
  const supplied = new Set([...Object.keys(row.context), ...row.absentContext].map((k) => k.toLowerCase()));
  const problems: string[] = [];
  for (const p of applied) {
    statementsOf(p.policy).forEach((s, i) => {
      if (!actionMatches(s, row.action) || !resourceMayMatch(s, resource)) return;
      for (const key of keysRead(s)) {
        if (!supplied.has(key.toLowerCase())) {
          problems.push(
            `${p.layer} ${p.name}#${s.Sid ?? i + 1} reads ${key}: supply it in "context", or list it in "absentContext" if the request deliberately lacks it`,
          );
        }
      }
    });
  }
  return [...new Set(problems)];
}

const statementLabel = (sid: string | undefined, index: number) => sid ?? `statement ${index}`;

/** The deciding statements, from the simulator's own analysis (validated path). */
function decidedByAnalysis(analysis: RequestAnalysis, resourcePolicyName: string | undefined): string {
  if (analysis.result === "Allowed") {
    return getGrantReasons(analysis)
      .filter((g) => !("policyIdentifier" in g && g.policyIdentifier === FULL_AWS_ACCESS_NAME))
      .map((g) => {
        const name = g.policyType === "resource" ? (resourcePolicyName ?? "resource policy") : g.policyIdentifier;
        return `${g.policyType} ${name}#${statementLabel(g.statementId, g.statementIndex)}`;
      })
      .join("; ");
  }
  return getDenialReasons(analysis)
    .map((d) => {
      if (d.denialType === "Implicit") {
        const what = d.policyType === "resource" ? (resourcePolicyName ?? "resource policy") : (d.identifier ?? "");
        return `${d.policyType}${what ? ` ${what}` : ""}: no Allow`;
      }
      const name = d.policyType === "resource" ? (resourcePolicyName ?? "resource policy") : (d.policyIdentifier ?? "");
      return `${d.policyType} ${name}#${statementLabel(d.statementId, d.statementIndex)} (explicit Deny)`;
    })
    .join("; ");
}

const only = (policy: PolicyDocumentJson, statement: Statement): PolicyDocumentJson => ({
  ...policy,
  Statement: [statement],
});

/**
 * The deciding statements on the unvalidated path, which returns no analysis: each statement is
 * re-simulated on its own (an Allow alone, a Deny next to an allow-all) to see whether it matches.
 */
function decidedByResimulation(
  simulation: Simulation,
  decision: Decision,
): { decidedBy: string; allows: Array<{ policy: string; statement: Statement }> } {
  const run = (s: Partial<Simulation>) => runUnsafeSimulation({ ...simulation, ...s }, {});
  const allowAll = { name: FULL_AWS_ACCESS_NAME, policy: FULL_AWS_ACCESS };
  const found: string[] = [];
  const allows: Array<{ policy: string; statement: Statement }> = [];
  const text = (decidedBy: string) => ({ decidedBy, allows: decision === "Allowed" ? allows : [] });
  if (decision === "Allowed" || decision === "ImplicitlyDenied") {
    for (const p of simulation.identityPolicies) {
      statementsOf(p.policy).forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        const alone = run({
          identityPolicies: [{ name: p.name, policy: only(p.policy, s) }],
          serviceControlPolicies: [],
        });
        if (alone !== "Allowed") return;
        found.push(`identity ${p.name}#${statementLabel(s.Sid, i + 1)}`);
        allows.push({ policy: p.name, statement: s });
      });
    }
    if (decision === "Allowed") return text(found.join("; "));
    if (found.length === 0) return text("identity: no Allow");
    const blocking = simulation.serviceControlPolicies.filter(
      (level) => run({ identityPolicies: [allowAll], serviceControlPolicies: [level] }) === "ImplicitlyDenied",
    );
    return text(blocking.map((l) => `scp ${l.orgIdentifier}: no Allow`).join("; "));
  }
  const layers = [
    ...simulation.identityPolicies.map((p) => ({ layer: "identity", ...p })),
    ...simulation.serviceControlPolicies.flatMap((l) =>
      l.policies.map((p) => ({ layer: `scp ${l.orgIdentifier}`, ...p })),
    ),
  ];
  for (const p of layers) {
    statementsOf(p.policy).forEach((s, i) => {
      if (s.Effect !== "Deny") return;
      const next = run({
        identityPolicies: [allowAll, { name: p.name, policy: only(p.policy, s) }],
        serviceControlPolicies: [],
      });
      if (next === "ExplicitlyDenied")
        found.push(`${p.layer} ${p.name}#${statementLabel(s.Sid, i + 1)} (explicit Deny)`);
    });
  }
  return text(found.join("; "));
}

const variants = new WeakMap<ScenarioFile, boolean>();
let shipped: string | undefined;
/** Whether the file's `config` changes config/default.json (a file whose config does not validate counts as one). */
function isVariant(file: ScenarioFile): boolean {
  if (Object.keys(file.config).length === 0) return false;
  let known = variants.get(file);
  if (known === undefined) {
    shipped ??= JSON.stringify(configWith({}, "config/default.json"));
    try {
      known = JSON.stringify(configWith(file.config, file.file)) !== shipped;
    } catch {
      known = true;
    }
    variants.set(file, known);
  }
  return known;
}

type Applied = ReturnType<typeof buildSimulation>["applied"];

/** The Allow statements behind an Allowed decision of the validated path, from the simulator's analysis. */
function grantsOfAnalysis(analysis: RequestAnalysis, applied: Applied): Grant[] {
  const grants: Grant[] = [];
  for (const g of getGrantReasons(analysis)) {
    const layer =
      g.policyType === "scp" || g.policyType === "rcp" ? `${g.policyType} ${g.orgIdentifier}` : g.policyType;
    const name = "policyIdentifier" in g ? g.policyIdentifier : undefined;
    if (name === FULL_AWS_ACCESS_NAME) continue;
    const policy = applied.find((p) => p.layer === layer && (name === undefined || p.name === name));
    const statement = policy && statementsOf(policy.policy)[g.statementIndex - 1];
    if (policy && statement) grants.push({ layer, policy: policy.name, inline: policy.inline === true, statement });
  }
  return grants;
}

/**
 * Simulates one row against the stacks `stacksFor` gives for the file's configuration (by default
 * synthesized in process). `configFor` chooses that configuration: by default the shipped one with the
 * file's own `config` merged in; `npm run access-matrix` passes the user's. Never throws for a
 * simulation problem: it is reported in `problems`.
 */
export async function runScenario(
  file: ScenarioFile,
  row: Scenario,
  stacksFor: StacksFor = synthesizeStacks,
  configFor: ConfigFor = fileConfig,
): Promise<ScenarioOutcome> {
  const base = {
    file: file.file,
    stack: file.stack,
    scenario: row.name,
    expected: row.expect,
    unsafe: row.unsafe,
    variant: isVariant(file),
    written: { principal: row.principal, action: row.action, resource: row.resource },
  };
  const error = (problems: string[], decidedBy = ""): ScenarioOutcome => ({
    ...base,
    decision: "Error",
    decidedBy,
    problems,
  });
  let built: ReturnType<typeof buildSimulation>;
  try {
    const { config, stacks } = synthesisFor(file, stacksFor, configFor);
    built = buildSimulation(file, row, new RowBuilder(file, config, stacks), config);
  } catch (err) {
    return error([(err as Error).message]);
  }
  const { simulation, applied, resourcePolicyName, request } = built;
  const problems = unsuppliedKeys(row, simulation.request.resource.resource, applied);

  if (row.unsafe !== undefined) {
    // The unsafe path filters no context key, so a misspelt key would be silently unused: check them here.
    const service = row.action.split(":")[0];
    for (const key of Object.keys(simulation.request.contextVariables)) {
      if (!(await conditionKeyExists(key, [service]))) {
        problems.push(`context key ${key} is not a condition key of ${service} or a global key (iam-data)`);
      }
    }
    if (problems.length > 0) return { ...error(problems), request };
    const decision = runUnsafeSimulation(simulation, {});
    const { decidedBy, allows } = decidedByResimulation(simulation, decision);
    const grants = allows.map(({ policy, statement }) => ({
      layer: "identity",
      policy,
      inline: applied.some((p) => p.layer === "identity" && p.name === policy && p.inline === true),
      statement,
    }));
    return { ...base, decision, decidedBy, problems, request, grants };
  }

  let response: Awaited<ReturnType<typeof runSimulation>>;
  try {
    response = await runSimulation(simulation, {});
  } catch (err) {
    return error([...problems, `the simulator threw: ${(err as Error).message}`]);
  }
  if (response.resultType === "error") {
    return error([...problems, `the simulator rejected the request: ${JSON.stringify(response.errors)}`]);
  }
  const results = response.resultType === "single" ? [response.result] : response.results;
  if (results.length !== 1) {
    return error([
      ...problems,
      `resource ${simulation.request.resource.resource} expanded to ${results.length} simulations; use one concrete ARN`,
    ]);
  }
  const result = results[0];
  if (result.ignoredContextKeys === undefined || result.ignoredContextKeys.length > 0) {
    problems.push(
      `the simulator ignored context keys ${JSON.stringify(result.ignoredContextKeys)}: they do not apply to ${row.action}, so the policies never saw them`,
    );
  }
  const decidedBy = decidedByAnalysis(result.analysis, resourcePolicyName);
  if (problems.length > 0) return { ...error(problems, decidedBy), request };
  const grants = response.overallResult === "Allowed" ? grantsOfAnalysis(result.analysis, applied) : [];
  return { ...base, decision: response.overallResult, decidedBy, problems, request, grants };
}

/** Whether an outcome proves its row: no problems, the expected decision, and the expected decider. */
export function outcomeFailures(outcome: ScenarioOutcome, row: Scenario): string[] {
  const failures = [...outcome.problems];
  if (outcome.decision !== outcome.expected) {
    failures.push(
      `expected ${outcome.expected}, simulated ${outcome.decision} (decided by: ${outcome.decidedBy || "-"})`,
    );
  }
  if (row.decidedBy !== undefined && !outcome.decidedBy.includes(row.decidedBy)) {
    failures.push(`expected the decision to come from "${row.decidedBy}", it came from "${outcome.decidedBy || "-"}"`);
  }
  return failures;
}
