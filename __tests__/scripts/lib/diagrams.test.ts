/**
 * The Mermaid diagrams of docs/architecture.md (scripts/lib/diagrams.ts): drawn from the synthesized
 * default configuration and the dependency graph, checked here against what the stacks synthesize
 * and against SPEC's placement of the stacks, parsed back with a small reader of the flowchart
 * subset the module writes (which refuses any line it does not know).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { READS_FROM, STACK_IDS, deployOrder, type ReadsFrom } from "../../../lib/stack/dependencies";
import { stackView, type TfJson } from "../../../lib/tfjson";
import { GENERATED_FILES, regenerate } from "../../../scripts/docs";
import {
  accessPathsDiagram,
  deploymentDiagram,
  mermaidBlock,
  mermaidLabel,
  type DiagramInput,
} from "../../../scripts/lib/diagrams";
import { defaultConfig, synthCached } from "../../helpers";

const ROOT = path.join(__dirname, "..", "..", "..");
const ARCHITECTURE = "docs/architecture.md";
const { stacks } = synthCached();
const INPUT: DiagramInput = { stacks, accounts: defaultConfig().accounts };

interface Node {
  readonly id: string;
  readonly label: string[];
  /** The subgraph it is declared in (its label), if any. */
  readonly subgraph?: string;
}
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dotted: boolean;
}

/** A quoted label: no `"` inside (Mermaid would end the string there), lines split at `<br/>`. */
const LABEL = String.raw`"([^"]*)"`;
const NODE = new RegExp(String.raw`^\s*(\w+)(\[|\(\[|\{\{)${LABEL}(\]|\]\)|\}\})$`);
const SUBGRAPH = new RegExp(String.raw`^\s*subgraph (\w+)\[${LABEL}\]$`);
const EDGE = new RegExp(String.raw`^\s*(\w+) (-->|-\.->)(?:\|${LABEL}\|)? (\w+)$`);
const CLOSERS: Record<string, string> = { "[": "]", "([": "])", "{{": "}}" };

/**
 * Reads a flowchart as the module writes it; throws on any other line, on unbalanced subgraph/end,
 * on a node declared twice, a bracket closed by the wrong shape, or an edge to an undeclared node.
 */
function parseFlowchart(text: string): { nodes: Map<string, Node>; edges: Edge[]; subgraphs: string[] } {
  const [header, ...lines] = text.split("\n");
  expect(header).toMatch(/^flowchart (LR|TB)$/);
  const nodes = new Map<string, Node>();
  const edges: Edge[] = [];
  const subgraphs: string[] = [];
  const open: string[] = [];
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(SUBGRAPH))) {
      open.push(m[2]);
      subgraphs.push(m[2]);
    } else if (/^\s*end$/.test(line)) {
      if (open.pop() === undefined) throw new Error(`"end" without a subgraph: ${line}`);
    } else if (/^\s*direction (LR|TB)$/.test(line)) {
      if (open.length === 0) throw new Error(`direction outside a subgraph: ${line}`);
    } else if ((m = line.match(NODE))) {
      const [, id, opener, label, closer] = m;
      if (CLOSERS[opener] !== closer) throw new Error(`shape opened with ${opener} closed with ${closer}: ${line}`);
      if (nodes.has(id)) throw new Error(`node ${id} declared twice`);
      if (id === "end") throw new Error("a node called end closes a subgraph in Mermaid");
      nodes.set(id, { id, label: label.split("<br/>"), subgraph: open.at(-1) });
    } else if ((m = line.match(EDGE))) {
      edges.push({ from: m[1], to: m[4], label: m[3], dotted: m[2] === "-.->" });
    } else {
      throw new Error(`not a line of the flowchart subset: ${JSON.stringify(line)}`);
    }
  }
  if (open.length > 0) throw new Error(`subgraphs left open: ${open.join(", ")}`);
  for (const e of edges) {
    for (const end of [e.from, e.to]) if (!nodes.has(end)) throw new Error(`edge to undeclared node ${end}`);
  }
  return { nodes, edges, subgraphs };
}

/** A copy of the default stacks with `change` applied to the copy. */
function changed(change: (copy: Record<string, TfJson>) => void, readsFrom?: ReadsFrom): DiagramInput {
  const copy = structuredClone(stacks) as Record<string, TfJson>;
  change(copy);
  return { ...INPUT, stacks: copy, readsFrom };
}

/** The stack nodes of a deployment diagram by stack id: `<step> · <id>`. */
function stackNodes(diagram: string) {
  const { nodes } = parseFlowchart(diagram);
  const found = new Map<string, { node: Node; step: number }>();
  for (const node of nodes.values()) {
    const m = node.label[0].match(/^(\d+) · (\S+)$/);
    if (!m) continue;
    if (found.has(m[2])) throw new Error(`stack ${m[2]} drawn twice`);
    found.set(m[2], { node, step: Number(m[1]) });
  }
  return found;
}

describe("mermaidLabel", () => {
  test("writes quotes and angle brackets as Mermaid entity codes, so a label never ends early", () => {
    expect(mermaidLabel(['say "hi" to <project> #1', "next"])).toBe(
      '"say #quot;hi#quot; to #lt;project#gt; #35;1<br/>next"',
    );
  });
});

describe("deploymentDiagram", () => {
  const diagram = deploymentDiagram(INPUT);
  const parsed = parseFlowchart(diagram);
  const drawn = stackNodes(diagram);

  test("is a flowchart of the subset GitHub renders: balanced subgraphs, declared nodes, quoted labels", () => {
    expect(parsed.subgraphs.length).toBeGreaterThan(0);
    expect(parsed.edges.length).toBeGreaterThan(0);
  });

  test("draws every stack of STACK_IDS exactly once, numbered in deploy order", () => {
    expect([...drawn.keys()].sort()).toEqual([...STACK_IDS].sort());
    const byStep = [...drawn.entries()].sort((a, b) => a[1].step - b[1].step).map(([id]) => id);
    expect(byStep).toEqual(deployOrder(STACK_IDS));
    expect([...drawn.values()].map((s) => s.step).sort((a, b) => a - b)).toEqual(STACK_IDS.map((_, i) => i + 1));
  });

  test("has an edge from each producer to each stack that reads its state, and no other state edge", () => {
    const idOf = new Map([...drawn.entries()].map(([stack, { node }]) => [node.id, stack]));
    const stateEdges = parsed.edges
      .filter((e) => e.label === "state")
      .map((e) => `${idOf.get(e.from)} -> ${idOf.get(e.to)}`)
      .sort();
    const expected = STACK_IDS.flatMap((reader) => READS_FROM[reader].map((p) => `${p} -> ${reader}`)).sort();
    expect(stateEdges).toEqual(expected);
    expect(parsed.edges.filter((e) => e.label !== "state")).toEqual([
      expect.objectContaining({ label: "creates", dotted: true }),
    ]);
    // A reader is always deployed after what it reads.
    for (const reader of STACK_IDS) {
      for (const producer of READS_FROM[reader])
        expect(drawn.get(producer)!.step).toBeLessThan(drawn.get(reader)!.step);
    }
  });

  test("places each stack in the account SPEC gives it, and cross-account-s3's data provider in accounts.data", () => {
    const accountOf = Object.fromEntries([...drawn.entries()].map(([id, { node }]) => [id, node.subgraph]));
    expect(accountOf).toEqual({
      "session-preferences": "accounts.workload",
      "private-access": "accounts.workload",
      "org-guardrails": "accounts.management",
      "ssm-instance-arn": "accounts.workload",
      "ssm-fixed-tag": "accounts.workload",
      "ssm-abac": "accounts.workload",
      "cross-account-s3": "accounts.workload",
      audit: "accounts.workload",
    });
    const dataNodes = [...parsed.nodes.values()].filter((n) => n.subgraph === "accounts.data");
    const dataResources = stackView("cross-account-s3", stacks["cross-account-s3"])
      .resources()
      .filter((r) => r.config.provider === "aws.data");
    expect(dataNodes.map((n) => n.label)).toEqual([
      ["cross-account-s3 through provider aws.data", `${dataResources.length} resources`],
    ]);
  });

  test("follows the provider: a stack pinned to another account moves to that account's subgraph", () => {
    const moved = changed((copy) => {
      const [aws] = (copy.audit.provider as { aws: Record<string, unknown>[] }).aws;
      aws.allowed_account_ids = [INPUT.accounts.management.id];
    });
    expect(stackNodes(deploymentDiagram(moved)).get("audit")!.node.subgraph).toBe("accounts.management");
  });

  test("follows the graph: a new read is a new edge, and the reader is numbered after its producer", () => {
    const graph: ReadsFrom = { ...READS_FROM, "session-preferences": ["audit"] };
    const diagram2 = deploymentDiagram({ ...INPUT, readsFrom: graph });
    expect(diagram2).not.toBe(diagram);
    const steps = stackNodes(diagram2);
    expect(steps.get("audit")!.step).toBeLessThan(steps.get("session-preferences")!.step);
    expect(diagram2).toContain(
      `${steps.get("audit")!.node.id} -->|"state"| ${steps.get("session-preferences")!.node.id}`,
    );
  });

  test("refuses an offline synthesis, naming the stack and provider that pin no account", () => {
    const offline = changed((copy) => {
      for (const p of (copy.audit.provider as { aws: Record<string, unknown>[] }).aws) delete p.allowed_account_ids;
    });
    expect(() => deploymentDiagram(offline)).toThrow(
      "Stack audit's provider aws has allowed_account_ids []: the diagrams need exactly one account per provider; draw them from an online synthesis",
    );
  });

  test("refuses an account that no field of accounts names", () => {
    const foreign = changed((copy) => {
      (copy.audit.provider as { aws: Record<string, unknown>[] }).aws[0].allowed_account_ids = ["999999999999"];
    });
    expect(() => deploymentDiagram(foreign)).toThrow(
      "Stack audit deploys into account 999999999999, which no field of accounts names",
    );
  });
});

describe("accessPathsDiagram", () => {
  const diagram = accessPathsDiagram(INPUT);
  const { nodes, edges } = parseFlowchart(diagram);
  const next = (id: string) => edges.filter((e) => e.from === id).map((e) => e.to);
  /** The node whose label names this address in this stack. */
  const nodeOf = (stack: string, type: string, name: string) => {
    const address = stackView(stack, stacks[stack]).named(type, name).address;
    const found = [...nodes.values()].filter((n) =>
      n.label.some((l) => l === `${address} (${stack})` || l.endsWith(` ${address}`)),
    );
    expect(found.map((n) => n.id)).toHaveLength(1);
    return found[0];
  };

  test("names every deciding resource as the stack synthesizes it: the address exists, the policy name is its name", () => {
    let checked = 0;
    for (const node of nodes.values()) {
      for (const line of node.label) {
        const m = line.match(/^(aws_[a-z0-9_]+)\.(\S+) \(([a-z0-9-]+)\)$/);
        if (!m) continue;
        const [, type, name, stack] = m;
        const resource = stackView(stack, stacks[stack]).named(type, name);
        expect(resource.address).toBe(`${type}.${name}`);
        const named = node.label[0].match(/^(?:IAM policy|SCP|session preferences) (\S+)$/);
        if (named) expect(resource.config.name).toBe(named[1]);
        checked += 1;
      }
    }
    // Both operator policies, the SCP, the endpoint, three session policies, the document, two instances.
    expect(checked).toBe(10);
  });

  test("operator: IAM policy allowing OpenTunnel → the SCP that denies it → endpoint → its security group → the instance's → instance", () => {
    const tunnel = nodeOf("private-access", "aws_iam_policy", "EiceOperatorPolicy");
    expect(tunnel.label).toEqual([
      "IAM policy ec2-access-guardrails-eice-operator",
      "aws_iam_policy.EiceOperatorPolicy (private-access)",
      "allows OpenTunnel on this endpoint",
    ]);
    const scp = nodeOf("org-guardrails", "aws_organizations_policy", "DenyEice");
    expect(scp.label.slice(2)).toEqual(["denies OpenTunnel", `in ${defaultConfig().scp.targetIds.join(", ")}`]);
    const eice = nodeOf("private-access", "aws_ec2_instance_connect_endpoint", "InstanceConnectEndpoint");
    const instance = nodeOf("private-access", "aws_instance", "Target_Instance");
    const endpointGroup = [...nodes.values()].find(
      (n) => n.label[0] === "security group aws_security_group.EndpointSecurityGroup",
    )!;
    const instanceGroup = [...nodes.values()].find((n) =>
      /^security group aws_security_group\.Target_SecurityGroup_/.test(n.label[0]),
    )!;
    expect(endpointGroup.label[1]).toBe("egress TCP 22 to the instance's group only");
    expect(instanceGroup.label[1]).toBe("ingress TCP 22 from the endpoint's group only");
    expect(next("operator")).toContain(tunnel.id);
    expect(next(tunnel.id)).toEqual([scp.id]);
    expect(next(scp.id)).toEqual([eice.id]);
    expect(next(eice.id)).toEqual([endpointGroup.id]);
    expect(next(endpointGroup.id)).toEqual([instanceGroup.id]);
    expect(next(instanceGroup.id)).toEqual([instance.id]);
  });

  test("operator: the key push goes around the default SCP, and through it once a variant denies SendSSHPublicKey", () => {
    const push = nodeOf("private-access", "aws_iam_policy", "EicOperatorPolicy");
    const instance = nodeOf("private-access", "aws_instance", "Target_Instance");
    expect(edges).toContainEqual({ from: push.id, to: instance.id, label: "one-time SSH key", dotted: false });

    const strict = accessPathsDiagram(
      changed((copy) => {
        const scp = copy["org-guardrails"].resource!.aws_organizations_policy.DenyEice;
        const content = JSON.parse(scp.content as string);
        content.Statement[0].Action.push("ec2-instance-connect:SendSSHPublicKey");
        scp.content = JSON.stringify(content);
      }),
    );
    const after = parseFlowchart(strict);
    const scpNode = [...after.nodes.values()].find((n) => n.label[0] === "SCP ec2-access-guardrails-deny-eice")!;
    expect(scpNode.label[2]).toBe("denies OpenTunnel, SendSSHPublicKey");
    expect(after.edges).toContainEqual({ from: push.id, to: scpNode.id, label: undefined, dotted: false });
    expect(after.edges).toContainEqual({ from: scpNode.id, to: instance.id, label: "one-time SSH key", dotted: false });
    expect(after.edges.filter((e) => e.from === push.id).map((e) => e.to)).toEqual([scpNode.id]);
  });

  test("user: each pattern's policy → the session preferences document → Session Manager → each instance's way → its role → it", () => {
    const document = nodeOf("session-preferences", "aws_ssm_document", "SessionPreferences");
    expect(document.label).toEqual([
      "session preferences SSM-SessionManagerRunShell",
      "aws_ssm_document.SessionPreferences (session-preferences)",
      "every session encrypted with KMS, logged to CloudWatch Logs",
    ]);
    const patterns = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"].map((stack) =>
      nodeOf(stack, "aws_iam_policy", "SessionUser_SessionPolicy"),
    );
    expect(patterns.map((p) => p.label[0])).toEqual([
      "IAM policy ec2-access-guardrails-ssm-instance-arn",
      "IAM policy ec2-access-guardrails-ssm-fixed-tag",
      "IAM policy ec2-access-guardrails-ssm-abac",
    ]);
    expect(next("user").sort()).toEqual(patterns.map((p) => p.id).sort());
    for (const p of patterns) expect(next(p.id)).toEqual([document.id]);
    expect(next(document.id)).toEqual(["session_manager"]);

    const ways = next("session_manager");
    expect(ways).toHaveLength(2);
    for (const [stack, role, instance] of [
      ["private-access", "Target_Role", "Target_Instance"],
      ["cross-account-s3", "Workload_Role", "Workload_Instance"],
    ]) {
      const roleNode = nodeOf(stack, "aws_iam_role", role);
      expect(roleNode.label[1]).toBe("AmazonSSMManagedInstanceCore");
      expect(next(roleNode.id)).toEqual([nodeOf(stack, "aws_instance", instance).id]);
      expect(ways.filter((w) => next(w).includes(roleNode.id))).toHaveLength(1);
    }
  });

  test("user: cross-account-s3 has no NAT, so its way is its interface endpoints, each named by service and address", () => {
    const view = stackView("cross-account-s3", stacks["cross-account-s3"]);
    const way = [...nodes.values()].find((n) => n.label[0].startsWith("interface endpoints of cross-account-s3"))!;
    const listed = way.label.slice(1);
    for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
      const endpoint = view
        .resources("aws_vpc_endpoint")
        .find((e) => e.config.service_name === `com.amazonaws.${defaultConfig().region}.${service}`)!;
      expect(typeof endpoint.config.policy).toBe("string");
      expect(listed).toContain(`${service}: ${endpoint.address}`);
    }
    const nat = [...nodes.values()].find((n) => n.label[0].startsWith("NAT of private-access"))!;
    expect(nat.label[1]).toBe(
      stackView("private-access", stacks["private-access"]).resources("aws_nat_gateway")[0].address,
    );
  });

  test("a renamed policy changes the diagram: the name drawn is the name synthesized", () => {
    const renamed = accessPathsDiagram(
      changed((copy) => {
        copy["private-access"].resource!.aws_iam_policy.EiceOperatorPolicy.name = "renamed-operator";
      }),
    );
    expect(renamed).toContain("IAM policy renamed-operator");
    expect(renamed).not.toContain("ec2-access-guardrails-eice-operator");
  });
});

describe("both diagrams", () => {
  test("are deterministic and leave their input untouched", () => {
    const before = JSON.stringify(INPUT.stacks);
    expect(deploymentDiagram(INPUT)).toBe(deploymentDiagram(INPUT));
    expect(accessPathsDiagram(INPUT)).toBe(accessPathsDiagram(INPUT));
    expect(JSON.stringify(INPUT.stacks)).toBe(before);
  });

  describe(ARCHITECTURE, () => {
    const text = readFileSync(path.join(ROOT, ARCHITECTURE), "utf8");
    /** The document's parts, rendered from `input` instead of a fresh synthesis. */
    const partsFrom = (input: DiagramInput) => ({
      deployment: { ...GENERATED_FILES[ARCHITECTURE].deployment, render: () => mermaidBlock(deploymentDiagram(input)) },
      "access-paths": {
        ...GENERATED_FILES[ARCHITECTURE]["access-paths"],
        render: () => mermaidBlock(accessPathsDiagram(input)),
      },
    });

    test("is registered with npm run docs, so the staleness check of __tests__/readme.test.ts covers it", () => {
      expect(Object.keys(GENERATED_FILES[ARCHITECTURE]).sort()).toEqual(["access-paths", "deployment"]);
    });

    test("holds both diagrams as the code draws them now", () => {
      expect(regenerate(text, partsFrom(INPUT), ARCHITECTURE).stale).toEqual([]);
    });

    test("is stale once the dependency graph changes and the document is not regenerated", () => {
      const graph: ReadsFrom = { ...READS_FROM, audit: ["private-access"] };
      expect(regenerate(text, partsFrom({ ...INPUT, readsFrom: graph }), ARCHITECTURE).stale).toEqual(["deployment"]);
    });

    test("is stale once a deciding policy is renamed and the document is not regenerated", () => {
      const { name } = stackView("ssm-abac", stacks["ssm-abac"]).named("aws_iam_policy", "SessionUser_SessionPolicy");
      const renamed = changed((copy) => {
        copy["ssm-abac"].resource!.aws_iam_policy[name].name = "renamed";
      });
      expect(regenerate(text, partsFrom(renamed), ARCHITECTURE).stale).toEqual(["access-paths"]);
    });
  });
});
