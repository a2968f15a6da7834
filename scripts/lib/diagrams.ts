/**
 * Mermaid diagrams of the project, drawn from its own data so that they cannot drift from it
 * (docs/architecture.md holds them between generated markers; `npm run docs` rewrites them and
 * __tests__/readme.test.ts fails when they are stale):
 *
 * - `deploymentDiagram`: each configured account (`accounts.workload`, ...) with the stacks whose
 *   default provider is pinned to it (`allowed_account_ids` of the synthesized provider block), numbered
 *   in deploy order (`deployOrder`), and an edge for each state a stack reads (READS_FROM);
 * - `accessPathsDiagram`: the two ways to an instance, each hop drawn with what decides it, named as
 *   the synthesized stacks name it (policy name and resource address): the operator's way through the
 *   EC2 Instance Connect Endpoint and the user's way through Session Manager.
 *
 * Both are pure functions of a DiagramInput (the synthesized stacks, the `accounts` section that names
 * the accounts, the dependency graph); without one they draw the shipped default configuration,
 * synthesized once per process. GitHub renders ```` ```mermaid ```` blocks
 * (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams).
 */
import { DEFAULT_CONFIG_PATH, readConfigFile, type Config } from "../../lib/config";
import { deployOrder, READS_FROM, STACK_IDS, type ReadsFrom } from "../../lib/stack/dependencies";
import {
  isObject,
  refersTo,
  stackPolicies,
  stackView,
  statementActions,
  statementsOf,
  strings,
  synthesize,
  type ResourceJson,
  type StackView,
  type TfJson,
} from "../../lib/tfjson";

/** What the diagrams are drawn from. */
export interface DiagramInput {
  /** Every synthesized stack by id (`cdk.tf.json` parsed), from an online synthesis. */
  readonly stacks: Readonly<Record<string, TfJson>>;
  /** The configuration's `accounts` section: it names the account ids the providers are pinned to. */
  readonly accounts: Config["accounts"];
  /** Which stack reads which stack's state. @default READS_FROM */
  readonly readsFrom?: ReadsFrom;
}

let defaultInput: DiagramInput | undefined;

/**
 * The shipped default configuration (config/default.json), synthesized online with the app's own
 * wiring (`defineStacks`), once per process: both diagrams of `npm run docs` share it.
 */
export function defaultDiagramInput(): DiagramInput {
  if (defaultInput === undefined) {
    const config = readConfigFile(DEFAULT_CONFIG_PATH);
    // Required here, not imported: a caller that passes its own input never loads the stacks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be
    const { defineStacks } = require("../../main") as typeof import("../../main");
    const { stacks } = synthesize((app) => defineStacks(app, { config, offline: false, source: DEFAULT_CONFIG_PATH }));
    defaultInput = { stacks, accounts: config.accounts };
  }
  return defaultInput;
}

// ---------------------------------------------------------------------------------------------------
// Mermaid text

/**
 * A label inside `"…"`: Mermaid's entity codes for what would end the string or be read as HTML
 * (`#quot;`, `#lt;`, `#gt;`; `#` itself first, as `#35;`), https://mermaid.js.org/syntax/flowchart.html
 * ("Entity codes to escape characters"). Lines are joined with `<br/>`, which Mermaid renders as a break.
 */
export function mermaidLabel(lines: readonly string[]): string {
  const escape = (text: string) =>
    text.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  return `"${lines.map(escape).join("<br/>")}"`;
}

/** A node id Mermaid reads as one word: letters, digits and `_`, never a keyword such as `end`. */
export const nodeId = (...parts: readonly string[]) => `n_${parts.join("__").replace(/[^A-Za-z0-9]/g, "_")}`;

type Shape = "box" | "stadium" | "gate";
const SHAPES: Readonly<Record<Shape, readonly [string, string]>> = {
  box: ["[", "]"],
  stadium: ["([", "])"],
  // A hexagon: where a policy or a security group decides whether the hop is allowed.
  gate: ["{{", "}}"],
};

/** A flowchart under construction: nodes by id (declared once), subgraphs, edges without duplicates. */
class Flowchart {
  private readonly lines: string[] = [];
  private readonly declared = new Set<string>();
  private readonly edges: string[] = [];

  constructor(direction: "LR" | "TB") {
    this.lines.push(`flowchart ${direction}`);
  }

  node(id: string, shape: Shape, label: readonly string[], indent = "  "): string {
    if (!this.declared.has(id)) {
      this.declared.add(id);
      const [open, close] = SHAPES[shape];
      this.lines.push(`${indent}${id}${open}${mermaidLabel(label)}${close}`);
    }
    return id;
  }

  subgraph(id: string, label: readonly string[], body: () => void): void {
    this.lines.push(`  subgraph ${id}[${mermaidLabel(label)}]`, "    direction TB");
    body();
    this.lines.push("  end");
  }

  edge(from: string, to: string, label?: string, dotted = false): void {
    const arrow = dotted ? "-.->" : "-->";
    const line = `  ${from} ${arrow}${label === undefined ? "" : `|${mermaidLabel([label])}|`} ${to}`;
    if (!this.edges.includes(line)) this.edges.push(line);
  }

  render(): string {
    return [...this.lines, ...this.edges].join("\n");
  }
}

/** A diagram as a Markdown code block GitHub renders. */
export const mermaidBlock = (diagram: string) => ["```mermaid", diagram, "```"].join("\n");

// ---------------------------------------------------------------------------------------------------
// Accounts, stacks and the state they read

/** The configured accounts in the order the configuration lists them: `workload`, `management`, `data`, `identityCenter`. */
function accountNames(accounts: Config["accounts"]): { readonly name: string; readonly id: string }[] {
  return Object.entries(accounts)
    .filter(([, account]) => account !== undefined)
    .map(([name, account]) => ({ name, id: account!.id }));
}

/** The account a provider block is pinned to (`allowed_account_ids`), refused when it pins none or several. */
function pinnedAccount(stackId: string, provider: Readonly<Record<string, unknown>>): string {
  const ids = strings(provider.allowed_account_ids);
  const name = typeof provider.alias === "string" ? `aws.${provider.alias}` : "aws";
  if (ids.length !== 1) {
    throw new Error(
      `Stack ${stackId}'s provider ${name} has allowed_account_ids ${JSON.stringify(ids)}: the diagrams need exactly one account per provider; draw them from an online synthesis (offline mode leaves allowed_account_ids out).`,
    );
  }
  return ids[0];
}

/** The stacks of `input` in deploy order: STACK_IDS order first, then any other stack by name. */
export function stacksInDeployOrder(input: DiagramInput): string[] {
  const ids = Object.keys(input.stacks).sort((a, b) => {
    const rank = (id: string) => {
      const at = (STACK_IDS as readonly string[]).indexOf(id);
      return at < 0 ? STACK_IDS.length : at;
    };
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  return deployOrder(ids, input.readsFrom ?? READS_FROM);
}

/** Every provider block of a stack (`provider.aws`, one object or a list). */
function providers(json: TfJson): Readonly<Record<string, unknown>>[] {
  const aws = isObject(json.provider) ? (json.provider as Record<string, unknown>).aws : undefined;
  return (Array.isArray(aws) ? aws : [aws]).filter(isObject);
}

/** One stack in its home account, and the other accounts it reaches through an aliased provider. */
interface PlacedStack {
  readonly id: string;
  readonly step: number;
  readonly home: string;
  readonly elsewhere: readonly {
    readonly alias: string;
    readonly account: string;
    readonly resources: number;
    readonly dataSources: number;
  }[];
}

function placeStacks(input: DiagramInput): PlacedStack[] {
  const known = new Set(accountNames(input.accounts).map((a) => a.id));
  const checked = (stackId: string, provider: Readonly<Record<string, unknown>>) => {
    const account = pinnedAccount(stackId, provider);
    if (!known.has(account)) {
      throw new Error(
        `Stack ${stackId} deploys into account ${account}, which no field of accounts names: pass the accounts section of the configuration the stacks were synthesized from.`,
      );
    }
    return account;
  };
  return stacksInDeployOrder(input).map((id, index) => {
    const json = input.stacks[id];
    const all = providers(json);
    const main = all.find((p) => p.alias === undefined);
    if (main === undefined) throw new Error(`Stack ${id} has no default aws provider: its home account is unknown.`);
    const home = checked(id, main);
    const view = stackView(id, json);
    const elsewhere = all
      .filter((p) => typeof p.alias === "string")
      .map((p) => {
        const alias = p.alias as string;
        const on = (r: ResourceJson) => view.providerOf(r) === `aws.${alias}`;
        return {
          alias,
          account: checked(id, p),
          resources: view.resources().filter(on).length,
          dataSources: view.dataSources().filter(on).length,
        };
      })
      // A second Region of the same account (Identity Center's) is drawn with the stack itself.
      .filter((p) => p.account !== home);
    return { id, step: index + 1, home, elsewhere };
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Accounts → the stacks deployed into each (numbered in deploy order) → the state each stack reads:
 * an edge from a producer to each stack that reads its state (`terraform_remote_state`), so a reader
 * always carries a higher number than its producers. A stack that also creates resources in another
 * account through an aliased provider (cross-account-s3's `aws.data`) has a dotted edge to a node there.
 */
export function deploymentDiagram(input: DiagramInput = defaultDiagramInput()): string {
  const placed = placeStacks(input);
  const readsFrom: ReadsFrom = input.readsFrom ?? READS_FROM;
  const chart = new Flowchart("LR");
  const byId = new Map<string, string[]>();
  for (const { name, id } of accountNames(input.accounts)) byId.set(id, [...(byId.get(id) ?? []), name]);
  for (const [account, names] of byId) {
    const here = placed.filter((s) => s.home === account);
    const visiting = placed.flatMap((s) => s.elsewhere.filter((e) => e.account === account).map((e) => ({ s, e })));
    if (here.length === 0 && visiting.length === 0) continue;
    chart.subgraph(nodeId("account", names[0]), [names.map((n) => `accounts.${n}`).join(" = ")], () => {
      for (const s of here) chart.node(nodeId("stack", s.id), "box", [`${s.step} · ${s.id}`], "    ");
      for (const { s, e } of visiting) {
        const counts = [
          e.resources > 0 ? plural(e.resources, "resource") : undefined,
          e.dataSources > 0 ? plural(e.dataSources, "data source") : undefined,
        ].filter((c) => c !== undefined);
        chart.node(
          nodeId("stack", s.id, "provider", e.alias),
          "stadium",
          [`${s.id} through provider aws.${e.alias}`, counts.join(", ")],
          "    ",
        );
      }
    });
  }
  for (const s of placed) {
    for (const producer of readsFrom[s.id] ?? []) {
      if (input.stacks[producer] !== undefined) chart.edge(nodeId("stack", producer), nodeId("stack", s.id), "state");
    }
    for (const e of s.elsewhere) {
      chart.edge(nodeId("stack", s.id), nodeId("stack", s.id, "provider", e.alias), "creates", true);
    }
  }
  return chart.render();
}

// ---------------------------------------------------------------------------------------------------
// Access paths

/** Resource types whose policy is an identity policy: what a principal is allowed. */
const IDENTITY_POLICY_TYPES = new Set([
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_ssoadmin_permission_set_inline_policy",
]);

/** True when an IAM action pattern (`ssm:*`, `ec2-instance-connect:OpenTunnel`) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const glob = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${glob}$`).test(action.toLowerCase());
}

/** A policy document of a stack that names an action, and the statement that does. */
interface Decider {
  readonly stack: string;
  readonly view: StackView;
  readonly resource: ResourceJson;
  readonly resources: readonly string[];
}

/** Every policy of `types` with a statement of `effect` that covers `action`, in deploy order. */
function deciders(
  views: readonly StackView[],
  types: (type: string) => boolean,
  effect: "Allow" | "Deny",
  action: string,
): Decider[] {
  return views.flatMap((view) =>
    stackPolicies(view)
      .filter((p) => types(p.resource.type))
      .flatMap((p) => {
        const hits = statementsOf(p.document).filter(
          (s) => s.Effect === effect && statementActions(s).some((a) => covers(a, action)),
        );
        if (hits.length === 0) return [];
        return [
          { stack: view.stackName, view, resource: p.resource, resources: hits.flatMap((s) => strings(s.Resource)) },
        ];
      }),
  );
}

/** How a diagram names a resource: its address and the stack it belongs to. */
const where = (stack: string, resource: ResourceJson) => `${resource.address} (${stack})`;

/** A policy's own name: its `name`, else the name of the permission set or role it belongs to. */
function policyName(view: StackView, resource: ResourceJson): string | undefined {
  if (typeof resource.config.name === "string" && !resource.config.name.includes("${")) return resource.config.name;
  const owner = view
    .resources("aws_ssoadmin_permission_set", "aws_iam_role")
    .find((r) => refersTo(resource.config.permission_set_arn ?? resource.config.role, r));
  return typeof owner?.config.name === "string" ? owner.config.name : undefined;
}

/** The short name of an action for a label: `OpenTunnel` for `ec2-instance-connect:OpenTunnel`. */
const short = (action: string) => action.split(":")[1];

const OPEN_TUNNEL = "ec2-instance-connect:OpenTunnel";
const SEND_KEY = "ec2-instance-connect:SendSSHPublicKey";
const START_SESSION = "ssm:StartSession";

/** The instances of a stack, with the role their profile carries and the security groups they sit in. */
interface Instance {
  readonly stack: string;
  readonly view: StackView;
  readonly resource: ResourceJson;
  readonly node: string;
}

/**
 * The two access paths, each hop with what decides it, as the synthesized stacks name it:
 *
 * - operator → the identity policies that allow `ec2-instance-connect:OpenTunnel` (to the endpoint) and
 *   `SendSSHPublicKey` (a one-time key on the instance) → the SCPs that deny those actions where they
 *   are attached → the EC2 Instance Connect Endpoint → its security group's egress → the instance
 *   security group's ingress from it → the instance;
 * - user → the identity policies that allow `ssm:StartSession` (one per Session Manager pattern) → the
 *   session preferences document (`document_type` Session) → Session Manager → the instance's way to
 *   the service (its stack's interface endpoints, each with its endpoint policy, or its NAT gateways,
 *   which no endpoint policy caps) → the instance role (its managed policies) → the instance.
 *
 * Every resource is found by what it does (the actions its policy names, the references between
 * resources), not by a name kept here: a renamed policy or construct changes the diagram.
 */
export function accessPathsDiagram(input: DiagramInput = defaultDiagramInput()): string {
  const order = stacksInDeployOrder(input);
  const views = order.map((id) => stackView(id, input.stacks[id]));
  const chart = new Flowchart("LR");
  const operator = chart.node("operator", "stadium", ["operator"]);
  const user = chart.node("user", "stadium", ["Session Manager user"]);

  const instances: Instance[] = views.flatMap((view) =>
    view.resources("aws_instance").map((resource) => ({
      stack: view.stackName,
      view,
      resource,
      node: nodeId(view.stackName, resource.address),
    })),
  );
  if (instances.length === 0)
    throw new Error("No stack of the input has an aws_instance: there is no access path to draw.");
  const instanceNode = (i: Instance) => chart.node(i.node, "box", ["instance", where(i.stack, i.resource)]);

  // The SCPs that deny an action, with the targets they are attached to.
  const isScp = (type: string) => type === "aws_organizations_policy";
  const scpNode = (action: string): string[] =>
    deciders(views, isScp, "Deny", action)
      .filter((d) => d.resource.config.type === "SERVICE_CONTROL_POLICY")
      .map((d) => {
        const targets = d.view
          .referencing(d.resource, "aws_organizations_policy_attachment", "policy_id")
          .flatMap((a) => strings(a.config.target_id));
        const denied = [OPEN_TUNNEL, SEND_KEY].filter((a) => deciders([d.view], isScp, "Deny", a).length > 0);
        return chart.node(nodeId(d.stack, d.resource.address), "gate", [
          `SCP ${policyName(d.view, d.resource) ?? d.resource.address}`,
          where(d.stack, d.resource),
          `denies ${denied.map(short).join(", ")}`,
          targets.length > 0 ? `in ${targets.join(", ")}` : "attached nowhere",
        ]);
      });
  const identityPolicyNode = (d: Decider, what: string) =>
    chart.node(nodeId(d.stack, d.resource.address), "gate", [
      `IAM policy ${policyName(d.view, d.resource) ?? d.resource.address}`,
      where(d.stack, d.resource),
      what,
    ]);
  /** `from` → each SCP denying `action` → `to`; straight to `to` where no SCP denies it. */
  const throughScps = (from: string, scps: readonly string[], to: string, label?: string) => {
    if (scps.length === 0) chart.edge(from, to, label);
    for (const scp of scps) {
      chart.edge(from, scp);
      chart.edge(scp, to, label);
    }
  };

  // Operator → EC2 Instance Connect Endpoint → instance.
  const tunnelPolicies = deciders(views, (t) => IDENTITY_POLICY_TYPES.has(t), "Allow", OPEN_TUNNEL);
  const tunnelScps = scpNode(OPEN_TUNNEL);
  for (const view of views) {
    for (const endpoint of view.resources("aws_ec2_instance_connect_endpoint")) {
      const eice = chart.node(nodeId(view.stackName, endpoint.address), "box", [
        "EC2 Instance Connect Endpoint",
        where(view.stackName, endpoint),
      ]);
      for (const d of tunnelPolicies.filter((p) => p.resources.some((r) => refersTo(r, endpoint)))) {
        const policy = identityPolicyNode(d, `allows ${short(OPEN_TUNNEL)} on this endpoint`);
        chart.edge(operator, policy);
        throughScps(policy, tunnelScps, eice);
      }
      const groups = strings(endpoint.config.security_group_ids).flatMap((ref) =>
        view.resources("aws_security_group").filter((g) => refersTo(ref, g)),
      );
      for (const group of groups) {
        const egress = view.referencing(group, "aws_vpc_security_group_egress_rule", "security_group_id");
        for (const rule of view.referencing(
          group,
          "aws_vpc_security_group_ingress_rule",
          "referenced_security_group_id",
        )) {
          const target = view.resources("aws_security_group").find((g) => refersTo(rule.config.security_group_id, g));
          if (target === undefined) continue;
          const ports = `TCP ${String(rule.config.from_port)}`;
          const out = chart.node(nodeId(view.stackName, group.address), "gate", [
            `security group ${group.address}`,
            `egress ${egress
              .filter((e) => refersTo(e.config.referenced_security_group_id, target))
              .map((e) => `TCP ${String(e.config.from_port)}`)
              .join(", ")} to the instance's group only`,
          ]);
          const into = chart.node(nodeId(view.stackName, target.address), "gate", [
            `security group ${target.address}`,
            `ingress ${ports} from the endpoint's group only`,
          ]);
          chart.edge(eice, out);
          chart.edge(out, into);
          for (const i of instances.filter(
            (x) =>
              x.view === view && strings(x.resource.config.vpc_security_group_ids).some((r) => refersTo(r, target)),
          )) {
            chart.edge(into, instanceNode(i));
          }
        }
      }
    }
  }
  // Operator → a one-time SSH key on the instance (EC2 Instance Connect), valid for 60 seconds.
  const keyScps = scpNode(SEND_KEY);
  for (const d of deciders(views, (t) => IDENTITY_POLICY_TYPES.has(t), "Allow", SEND_KEY)) {
    const reached = instances.filter((i) => d.resources.some((r) => refersTo(r, i.resource)));
    const policy = identityPolicyNode(d, `allows ${short(SEND_KEY)} on the instance`);
    chart.edge(operator, policy);
    for (const i of reached) throughScps(policy, keyScps, instanceNode(i), "one-time SSH key");
  }

  // User → Session Manager → instance.
  const service = chart.node("session_manager", "box", ["Session Manager", START_SESSION]);
  const documents = views.flatMap((view) =>
    view
      .resources("aws_ssm_document")
      .filter((r) => r.config.document_type === "Session")
      .map((r) => chart.node(nodeId(view.stackName, r.address), "gate", sessionDocumentLabel(view.stackName, r))),
  );
  for (const d of deciders(views, (t) => IDENTITY_POLICY_TYPES.has(t), "Allow", START_SESSION)) {
    const description = typeof d.resource.config.description === "string" ? d.resource.config.description : "";
    const policy = identityPolicyNode(d, description || `allows ${START_SESSION}`);
    chart.edge(user, policy);
    if (documents.length === 0) chart.edge(policy, service);
    for (const document of documents) {
      chart.edge(policy, document);
      chart.edge(document, service);
    }
  }
  for (const i of instances) {
    const way = chart.node(nodeId(i.stack, "way-to-session-manager"), "gate", wayToSessionManager(i.view));
    chart.edge(service, way);
    const role = instanceRole(i);
    if (role === undefined) {
      chart.edge(way, instanceNode(i));
      continue;
    }
    const managed = i.view
      .referencing(role, "aws_iam_role_policy_attachment", "role")
      .flatMap((a) => strings(a.config.policy_arn))
      .map((arn) => arn.split("/").at(-1) ?? arn);
    const roleNode = chart.node(nodeId(i.stack, role.address), "gate", [
      `instance role ${role.address}`,
      managed.length > 0 ? managed.join(", ") : "no managed policy",
    ]);
    chart.edge(way, roleNode);
    chart.edge(roleNode, instanceNode(i));
  }
  return chart.render();
}

/** The role of an instance: its profile's (`iam_instance_profile` → `aws_iam_instance_profile.role`). */
function instanceRole(i: Instance): ResourceJson | undefined {
  const profile = i.view
    .resources("aws_iam_instance_profile")
    .find((p) => refersTo(i.resource.config.iam_instance_profile, p));
  return profile && i.view.resources("aws_iam_role").find((r) => refersTo(profile.config.role, r));
}

/**
 * What the preferences document does to every session, read from its content: the key that encrypts
 * it, where its transcript goes.
 */
function sessionDocumentLabel(stack: string, document: ResourceJson): string[] {
  let inputs: Record<string, unknown> = {};
  try {
    const content: unknown = JSON.parse(String(document.config.content));
    if (isObject(content) && isObject(content.inputs)) inputs = content.inputs;
  } catch {
    // A content that is not JSON (YAML) is named without what it sets.
  }
  const set = (key: string) => typeof inputs[key] === "string" && inputs[key] !== "";
  const effects = [
    set("kmsKeyId") ? "encrypted with KMS" : undefined,
    set("cloudWatchLogGroupName") ? "logged to CloudWatch Logs" : undefined,
    set("s3BucketName") ? "logged to S3" : undefined,
  ].filter((e) => e !== undefined);
  return [
    `session preferences ${String(document.config.name)}`,
    where(stack, document),
    effects.length > 0 ? `every session ${effects.join(", ")}` : "sessions neither encrypted nor logged",
  ];
}

/**
 * How the SSM agent of a stack's instance reaches Session Manager: the stack's interface endpoints,
 * each capped by its endpoint policy, else its NAT gateways (no endpoint policy on that way), else the
 * route of a VPC the stack does not build (`network.existing`).
 */
function wayToSessionManager(view: StackView): string[] {
  const endpoints = view.resources("aws_vpc_endpoint").filter((e) => e.config.vpc_endpoint_type === "Interface");
  if (endpoints.length > 0) {
    return [
      `interface endpoints of ${view.stackName}, each with its endpoint policy`,
      ...endpoints.map((e) => `${String(e.config.service_name).split(".").at(-1)}: ${e.address}`),
    ];
  }
  const nats = view.resources("aws_nat_gateway");
  if (nats.length > 0) {
    return [
      `NAT of ${view.stackName}: no endpoint policy on this way`,
      ...nats.map((n) => n.address),
      'network.natGateways "none" puts interface endpoints here',
    ];
  }
  return [`the existing VPC's own way out (${view.stackName} builds no network)`];
}
