import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { synthCached } from "../helpers/synth";
import {
  loadScenarioFile,
  outcomeFailures,
  resolvedPolicy,
  Resolver,
  runScenario,
  ScenarioFileError,
  type Scenario,
  type ScenarioFile,
} from "../../proofs";
import { testStacks } from "./stacks";

/** One private-access row, adjustable per test: the runner is proven on the same claims the tables make. */
const tunnelRow = (overrides: Partial<Scenario> = {}): Scenario => ({
  name: "an operator opens a tunnel to port 22",
  principal: "arn:aws:iam::{{config.accounts.workload.id}}:user/operator",
  action: "ec2-instance-connect:OpenTunnel",
  resource: "{{ref:aws_ec2_instance_connect_endpoint.InstanceConnectEndpoint.arn}}",
  context: {
    "ec2-instance-connect:remotePort": "22",
    "ec2-instance-connect:privateIpAddress": "10.0.128.10",
    "ec2-instance-connect:maxTunnelDuration": "3600",
  },
  absentContext: [],
  policies: { identity: ["aws_iam_policy.EiceOperatorPolicy"], vpcEndpoint: [] },
  expect: "Allowed",
  unsafe: "OpenTunnel fails the validated path",
  ...overrides,
});

const s3Row = (overrides: Partial<Scenario> = {}): Scenario => ({
  name: "the instance role writes to an own-account bucket",
  principal: "{{ref:aws_iam_role.Target_Role.arn}}",
  action: "s3:PutObject",
  resource: "arn:aws:s3:::own-bucket-{{config.accounts.workload.id}}/file",
  context: {
    "aws:ResourceAccount": "{{config.accounts.workload.id}}",
    "aws:PrincipalAccount": "{{config.accounts.workload.id}}",
  },
  absentContext: [],
  policies: {
    identity: ["aws_iam_role_policy.Target_S3Access"],
    vpcEndpoint: ["aws_vpc_endpoint.Network_S3GatewayEndpoint"],
  },
  expect: "Allowed",
  ...overrides,
});

/** The S3 rows need the own-account grant, which the default named role no longer has. */
const SCOPED = { privateAccess: { instanceS3Access: "scoped" } };

const table = (config: Record<string, unknown> = {}): ScenarioFile => ({
  file: "runner-test.json",
  stack: "private-access",
  config,
  scenarios: [],
});

describe("scenario runner", () => {
  test("a policy change that breaks a scenario is reported with the expected and the simulated decision", async () => {
    // Only port 2222 in the operator policy: the port-22 claim must no longer hold.
    const row = tunnelRow();
    const outcome = await runScenario(table({ eice: { ports: [2222] } }), row, testStacks);
    expect(outcomeFailures(outcome, row)).toEqual([
      "expected Allowed, simulated ImplicitlyDenied (decided by: identity: no Allow)",
    ]);
  });

  test("a decision from another policy than the row names fails the row", async () => {
    const row = s3Row({ decidedBy: "ListAllBuckets" });
    const outcome = await runScenario(table(SCOPED), row, testStacks);
    expect(outcome.decision).toBe("Allowed");
    expect(outcomeFailures(outcome, row)).toEqual([
      expect.stringContaining('expected the decision to come from "ListAllBuckets"'),
    ]);
  });

  test("a context key the simulator ignores for the action fails the row instead of passing silently", async () => {
    const row = s3Row({
      context: { ...s3Row().context, "ec2:osuser": "ec2-user" },
    });
    const outcome = await runScenario(table(SCOPED), row, testStacks);
    expect(outcome.decision).toBe("Error");
    expect(outcome.problems).toEqual([expect.stringContaining('ignored context keys ["ec2:osuser"]')]);
  });

  test("a condition key the applied policies read but the row does not supply fails the row", async () => {
    const outcome = await runScenario(table(SCOPED), s3Row({ context: {} }), testStacks);
    const missing = (policy: string, key: string) =>
      `${policy} reads ${key}: supply it in "context", or list it in "absentContext" if the request deliberately lacks it`;
    expect(outcome.problems).toEqual([
      missing("identity aws_iam_role_policy.Target_S3Access#ReadWriteOwnAccountBuckets", "aws:ResourceAccount"),
      missing("vpce aws_vpc_endpoint.Network_S3GatewayEndpoint#OwnAccountBuckets", "aws:ResourceAccount"),
      missing("vpce aws_vpc_endpoint.Network_S3GatewayEndpoint#OwnAccountBuckets", "aws:PrincipalAccount"),
    ]);
  });

  test("a misspelt context key on the unvalidated path fails the row", async () => {
    const row = tunnelRow({
      context: { ...tunnelRow().context, "ec2-instance-connect:privateIpv4Address": "10.0.128.10" },
    });
    const outcome = await runScenario(table(), row, testStacks);
    expect(outcome.problems).toEqual([
      "context key ec2-instance-connect:privateIpv4Address is not a condition key of ec2-instance-connect or a global key (iam-data)",
    ]);
  });

  test("the deciding statement of an unvalidated-path row is found by re-simulation", async () => {
    const outcome = await runScenario(table(), tunnelRow(), testStacks);
    expect(outcome).toMatchObject({
      decision: "Allowed",
      decidedBy: "identity aws_iam_policy.EiceOperatorPolicy#OpenTunnelToPrivateInstances",
      problems: [],
    });
  });
});

describe("reference resolver", () => {
  const stacks = synthCached({ offline: false }).stacks;

  test("gives an instance a deterministic i- id of 17 hex digits and an ARN in its provider's account and region", () => {
    const resolver = new Resolver("private-access", stacks);
    const id = resolver.resolveExpression("aws_instance.Target_Instance.id");
    expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(new Resolver("private-access", stacks).resolveExpression("aws_instance.Target_Instance.id")).toBe(id);
    expect(resolver.resolveExpression("aws_instance.Target_Instance.arn")).toBe(
      `arn:aws:ec2:eu-west-1:111111111111:instance/${id}`,
    );
  });

  test("puts a resource of an aliased provider in that provider's account", () => {
    const resolver = new Resolver("cross-account-s3", stacks);
    expect(resolver.resolveExpression("aws_iam_user.DataUser.arn")).toMatch(/^arn:aws:iam::333333333333:user\//);
  });

  test("resolves a cross-stack reference through the producing stack's output", () => {
    const instanceId = new Resolver("private-access", stacks).resolveExpression("aws_instance.Target_Instance.id");
    const { document } = resolvedPolicy(
      new Resolver("ssm-instance-arn", stacks),
      "aws_iam_policy",
      "SessionUser_SessionPolicy",
    );
    expect(document.Statement[0].Resource).toEqual([`arn:aws:ec2:eu-west-1:111111111111:instance/${instanceId}`]);
  });

  test("reads an escaped IAM variable back as the variable AWS receives", () => {
    const { document } = resolvedPolicy(
      new Resolver("ssm-instance-arn", stacks),
      "aws_iam_policy",
      "SessionUser_SessionPolicy",
    );
    expect(JSON.stringify(document)).toContain("session/${aws:username}-*");
    expect(JSON.stringify(document)).not.toContain("$${");
  });

  test("names the reference and the known names when a logical name matches nothing", () => {
    expect(() => new Resolver("private-access", stacks).resolveExpression("aws_instance.Bastion.arn")).toThrow(
      "private-access: aws_instance.Bastion matches 0 resources (aws_instance names: Target_Instance_B3D6291E)",
    );
  });
});

describe("scenario file validation", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "scenarios-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  test("names the file, the row and the field of every problem", () => {
    const file = write("broken.json", {
      stack: "private-access",
      scenarios: [
        { ...tunnelRow({ name: "no decision" }), expect: "Denied" },
        { ...s3Row({ name: "unsafe without need" }), unsafe: "because" },
        { ...tunnelRow({ name: "tunnel without a reason" }), unsafe: undefined },
      ],
    });
    expect(() => loadScenarioFile(file)).toThrow(ScenarioFileError);
    expect(() => loadScenarioFile(file)).toThrow(
      [
        "scenarios/broken.json is invalid:",
        '  scenarios[0] "no decision" expect: use one of Allowed, ImplicitlyDenied, ExplicitlyDenied',
        '  scenarios[1] "unsafe without need" unsafe: only ec2-instance-connect:OpenTunnel and ec2-instance-connect:SendSSHPublicKey may use the unvalidated path; remove it for s3:PutObject',
        '  scenarios[1] "unsafe without need" policies.vpcEndpoint: the unvalidated path ignores VPC endpoint policies; remove them from this row',
        '  scenarios[2] "tunnel without a reason" unsafe: ec2-instance-connect:OpenTunnel fails the validated simulation; add "unsafe" with the reason',
      ].join("\n"),
    );
  });

  test("rejects a file without a stack", () => {
    const file = write("nostack.json", { scenarios: [tunnelRow()] });
    expect(() => loadScenarioFile(file)).toThrow(
      "scenarios/nostack.json is invalid:\n  stack: use the id of the stack the policies come from",
    );
  });
});
