/**
 * The workload network's modes, read back from the synthesized JSON of private-access and
 * cross-account-s3: fully private (no NAT), interface endpoints beside NAT, and an organisation's
 * existing VPC, online and offline. The default mode is covered by workload.test.ts.
 */
import type { Synthesis } from "../../lib/tfjson";
import { parsePolicy, statement, testConfig, type Block } from "../helpers";
import { ruleGroupsOf, verdict } from "../helpers/dns-firewall";
import {
  EXISTING_ROUTE_TABLES,
  EXISTING_SUBNETS,
  EXISTING_VPC,
  NETWORK_MODES,
  NETWORK_STACKS,
  networkConfig,
  synthNetworkStacks,
} from "../helpers/network-modes";
import { stackUnderTest, viewOf, type StackUnderTest } from "../helpers/stack-test";

/**
 * Session Manager's endpoints, plus `logs` and `kms` for the managed preferences (the default): the
 * agent streams transcripts to CloudWatch Logs and decrypts session data with the session key. Every
 * endpoint shares one security group, so the instance's closed egress (HTTPS to that group) reaches all.
 */
const SESSION_MANAGER_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs", "kms"].map(
  (s) => `com.amazonaws.eu-west-1.${s}`,
);
/** The shipped configuration's workload account: the only principals (and resources) the endpoints admit. */
const WORKLOAD = "111111111111";
/** Each stack's VPC range with the shipped configuration. */
const VPC_CIDRS = { "private-access": "10.0.0.0/16", "cross-account-s3": "10.1.0.0/16" } as const;
/** What a built network has and an existing one must not. */
const NETWORK_TYPES = [
  "aws_vpc",
  "aws_subnet",
  "aws_route_table",
  "aws_route",
  "aws_route_table_association",
  "aws_internet_gateway",
  "aws_nat_gateway",
  "aws_eip",
  "aws_flow_log",
  "aws_default_security_group",
];

const messages = (synthesis: Synthesis, id: string, level: string) =>
  synthesis.annotations[id].filter((a) => a.level === `@cdktf/${level}`).map((a) => a.message);
const serviceOf = (endpoint: Block) => endpoint.service_name as string;
const interfaceEndpoints = (stack: StackUnderTest) =>
  Object.values(stack.all("aws_vpc_endpoint")).filter((e) => e.vpc_endpoint_type === "Interface");
const gatewayEndpoints = (stack: StackUnderTest) =>
  Object.values(stack.all("aws_vpc_endpoint")).filter((e) => e.vpc_endpoint_type === "Gateway");
/** `${data.<type>.<name>.<attribute>}` of the one data source whose name starts with `prefix`. */
function dataRef(stack: StackUnderTest, type: string, prefix: string, attribute: string): string {
  const names = Object.keys(stack.data?.[type] ?? {}).filter((n) => n.startsWith(`${prefix}_`));
  expect(names).toHaveLength(1);
  return `\${data.${type}.${names[0]}.${attribute}}`;
}
/** Egress rules of the instance's security group (not the endpoints' or the EICE's). */
function instanceEgress(stack: StackUnderTest): Block[] {
  const group = Object.keys(stack.all("aws_security_group")).find((n) => /^(Target|Workload)_SecurityGroup_/.test(n));
  const ref = `\${aws_security_group.${group}.id}`;
  return Object.values(stack.all("aws_vpc_security_group_egress_rule")).filter((r) => r.security_group_id === ref);
}
/** Exactly two HTTPS egress rules: to S3's prefix list and to the interface endpoints. */
function expectClosedEgress(stack: StackUnderTest, prefixListId: string, endpoints: Block): void {
  const https = { ip_protocol: "tcp", from_port: 443, to_port: 443 };
  expect(instanceEgress(stack)).toHaveLength(2);
  expect(instanceEgress(stack)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ ...https, prefix_list_id: prefixListId }),
      expect.objectContaining({ ...https, ...endpoints }),
    ]),
  );
  for (const rule of instanceEgress(stack)) expect(rule).not.toHaveProperty("cidr_ipv4", "0.0.0.0/0");
}
/** The interface endpoints' security group and its rules. */
function endpointSecurityGroup(stack: StackUnderTest) {
  const ref = stack.ref("aws_security_group", "SessionManagerEndpoints_SecurityGroup", "id");
  const ofGroup = (type: string) => Object.values(stack.all(type)).filter((r) => r.security_group_id === ref);
  return {
    ref,
    ingress: ofGroup("aws_vpc_security_group_ingress_rule"),
    egress: ofGroup("aws_vpc_security_group_egress_rule"),
  };
}

function expectSessionManagerEndpoints(stack: StackUnderTest, subnetIds: readonly string[], vpcCidr: string): void {
  const endpoints = interfaceEndpoints(stack);
  expect(endpoints.map(serviceOf).sort()).toEqual([...SESSION_MANAGER_SERVICES].sort());
  const group = endpointSecurityGroup(stack);
  for (const endpoint of endpoints) {
    expect(endpoint).toMatchObject({
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      subnet_ids: subnetIds,
      security_group_ids: [group.ref],
    });
  }
  expect(group.ingress).toEqual([
    expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: vpcCidr }),
  ]);
  expect(group.egress).toEqual([]);
  expectEndpointPolicies(endpoints);
}

/**
 * Every interface endpoint carries a policy (AWS's default lets any credentials through) admitting the
 * workload account's principals only, and for the services whose actions name resources only its
 * resources: `aws:ResourceAccount` with IfExists, since an action naming no resource carries no owner.
 * The access proofs (scenarios/cross-account-s3.interface-endpoints.json) simulate what this allows.
 */
function expectEndpointPolicies(endpoints: Block[]): void {
  for (const endpoint of endpoints) {
    const service = serviceOf(endpoint).split(".").pop() as string;
    const own = parsePolicy(endpoint.policy).Statement.find((s) => s.Sid?.startsWith("OwnAccountPrincipals"));
    const resources = ["ssm", "logs", "kms"].includes(service);
    expect({ service, own }).toEqual({
      service,
      own: {
        Sid: resources ? "OwnAccountPrincipalsAndResources" : "OwnAccountPrincipals",
        Effect: "Allow",
        Principal: "*",
        Action: `${service}:*`,
        Resource: "*",
        Condition: {
          StringEquals: { "aws:PrincipalAccount": WORKLOAD },
          ...(resources ? { StringEqualsIfExists: { "aws:ResourceAccount": WORKLOAD } } : {}),
        },
      },
    });
  }
}

describe.each(NETWORK_STACKS)("%s flow log", (id) => {
  test("is created only after its role's policy, so its first deliveries are not refused", () => {
    const stack = stackUnderTest(id);
    // The address cdktf writes in depends_on: the policy's reference without `${` and the attribute.
    const policy = stack
      .ref("aws_iam_role_policy", "Network_FlowLogRolePolicy", "id")
      .replace(/^\$\{(.*)\.id\}$/, "$1");
    expect(stack.only("aws_flow_log").depends_on).toEqual([policy]);
  });
});

/** The plan-time checks that the instance's type is offered in its zones, in the order of the zones. */
function typeOfferings(stack: StackUnderTest): Block[] {
  return Object.entries(stack.data?.aws_ec2_instance_type_offerings ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, block]) => block as Block);
}
/** Each check: the zone it asks about, and the message that stops the plan when the zone lacks the type. */
function offeringChecks(stack: StackUnderTest) {
  return typeOfferings(stack).map((block) => {
    expect(block).toMatchObject({ location_type: "availability-zone-id" });
    const filters = block.filter as Array<{ name: string; values: string[] }>;
    expect(filters.find((f) => f.name === "instance-type")?.values).toEqual(["t3.micro"]);
    const [postcondition] = (block.lifecycle as { postcondition: Array<Record<string, string>> }).postcondition;
    // The offering is returned only where the type is offered: an empty list is a zone without it.
    expect(postcondition.condition).toBe("${length(self.instance_types) > 0}");
    return { zone: filters.find((f) => f.name === "location")?.values, message: postcondition.error_message };
  });
}

describe("the instance's type is checked at plan time against the zones it may go in", () => {
  test("looked-up zones: both zones the lookup chose, by zone ID, with the fields that change the choice", () => {
    const stack = stackUnderTest("private-access");
    const lookup = Object.keys(stack.data?.aws_availability_zones ?? {})[0];
    const checks = offeringChecks(stack);
    expect(checks.map((c) => c.zone)).toEqual(
      [0, 1].map((i) => [`\${element(data.aws_availability_zones.${lookup}.zone_ids, ${i})}`]),
    );
    expect(checks[1].message).toBe(
      `instance.type t3.micro is not offered in Availability Zone \${element(data.aws_availability_zones.${lookup}.zone_ids, 1)}: the zone lookup chose it; add it to network.excludeZoneIds, or pin network.availabilityZoneIds to zones that offer the type, or choose another instance.type.`,
    );
  });

  test("pinned zones: each pinned zone ID, and the message says it is pinned", () => {
    const stack = stackUnderTest("private-access", {
      config: testConfig({ region: "ap-northeast-1", network: { availabilityZoneIds: ["apne1-az4", "apne1-az1"] } }),
    });
    const checks = offeringChecks(stack);
    expect(checks.map((c) => c.zone)).toEqual([["apne1-az4"], ["apne1-az1"]]);
    expect(checks[0].message).toBe(
      "instance.type t3.micro is not offered in Availability Zone apne1-az4: it is pinned in network.availabilityZoneIds; pin zones that offer the type, or choose another instance.type.",
    );
  });
});

describe("fully private mode (network.natGateways none)", () => {
  const synthesis = synthNetworkStacks(networkConfig(NETWORK_MODES.private));

  describe.each(NETWORK_STACKS)("%s", (id) => {
    const stack = viewOf(synthesis.stacks[id]);

    test("has no internet gateway, public subnet, public route table, route or NAT", () => {
      for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route"])
        expect({ type, found: Object.keys(stack.all(type)) }).toEqual({ type, found: [] });
      expect(Object.keys(stack.all("aws_subnet")).map((n) => n.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
        "Network_PrivateSubnet1",
        "Network_PrivateSubnet2",
      ]);
      expect(Object.values(stack.all("aws_route_table")).map((t) => (t.tags as Block).Name)).toEqual([
        "private-1",
        "private-2",
      ]);
    });

    test("reaches Session Manager through interface endpoints in both private subnets, HTTPS from the VPC only", () => {
      expectSessionManagerEndpoints(
        stack,
        [1, 2].map((i) => stack.ref("aws_subnet", `Network_PrivateSubnet${i}`, "id")),
        VPC_CIDRS[id],
      );
    });

    test("keeps its S3 gateway endpoint on both private route tables and its flow log", () => {
      expect(gatewayEndpoints(stack)).toEqual([
        expect.objectContaining({
          route_table_ids: [1, 2].map((i) => stack.ref("aws_route_table", `Network_PrivateRouteTable${i}`, "id")),
        }),
      ]);
      expect(Object.keys(stack.all("aws_flow_log"))).toHaveLength(1);
    });

    test("lets the instance out on HTTPS only to the S3 gateway endpoint and the interface endpoints", () => {
      expectClosedEgress(stack, stack.ref("aws_vpc_endpoint", "Network_S3GatewayEndpoint", "prefix_list_id"), {
        referenced_security_group_id: endpointSecurityGroup(stack).ref,
      });
    });

    test("filters its VPC's DNS, failing closed: the exfiltration name is blocked, the AWS names resolve", () => {
      const vpc = stack.ref("aws_vpc", "Network_Vpc", "id");
      const groups = ruleGroupsOf(stack, vpc);
      expect(groups.map((g) => g.priority)).toEqual([101]);
      expect(verdict(groups, "exfil.attacker.example")).toMatchObject({ resolves: false, response: "NODATA" });
      expect(verdict(groups, "ssmmessages.eu-west-1.amazonaws.com")).toMatchObject({ resolves: true });
      expect(stack.only("aws_route53_resolver_firewall_config")).toMatchObject({
        resource_id: vpc,
        firewall_fail_open: "DISABLED",
      });
    });

    test("raises no guardrail finding", () => {
      expect(messages(synthesis, id, "error")).toEqual([]);
    });
  });
});

describe("cross-account-s3 is fully private whatever network.natGateways says (its point is the endpoint's defence)", () => {
  const stack = stackUnderTest("cross-account-s3");

  test("the shipped configuration (natGateways single) builds no internet gateway, NAT, public subnet or default route", () => {
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route"])
      expect({ type, found: Object.keys(stack.all(type)) }).toEqual({ type, found: [] });
    expect(Object.values(stack.all("aws_subnet")).map((s) => (s.tags as Block).Tier)).toEqual(["private", "private"]);
  });

  test("Session Manager is reached through interface endpoints, also with network.interfaceEndpoints false", () => {
    expectSessionManagerEndpoints(
      stack,
      [1, 2].map((i) => stack.ref("aws_subnet", `Network_PrivateSubnet${i}`, "id")),
      VPC_CIDRS["cross-account-s3"],
    );
    const refused = stackUnderTest("cross-account-s3", {
      config: testConfig({ network: { interfaceEndpoints: false } }),
    });
    expect(interfaceEndpoints(refused).map(serviceOf).sort()).toEqual([...SESSION_MANAGER_SERVICES].sort());
  });

  test("its ssm endpoint also lets B's principals read the region's AWS-owned documents and public parameters, and nothing else", () => {
    // Checked here, not simulated: these ARNs carry no account, which the simulator cannot match to a
    // resource type ("no.resource.types"). The agent reads AWS-owned association documents (GetDocument).
    const ssm = interfaceEndpoints(stack).find((e) => serviceOf(e) === "com.amazonaws.eu-west-1.ssm") as Block;
    const document = parsePolicy(ssm.policy);
    expect(document.Statement.map((s) => s.Sid)).toEqual([
      "OwnAccountPrincipalsAndResources",
      "OwnAccountPrincipalsReadAwsOwnedSsm",
    ]);
    expect(statement(document, "OwnAccountPrincipalsReadAwsOwnedSsm")).toEqual({
      Sid: "OwnAccountPrincipalsReadAwsOwnedSsm",
      Effect: "Allow",
      Principal: "*",
      Action: ["ssm:Describe*", "ssm:Get*", "ssm:List*"],
      Resource: ["arn:aws:ssm:eu-west-1::document/*", "arn:aws:ssm:eu-west-1::parameter/aws/*"],
      Condition: { StringEquals: { "aws:PrincipalAccount": WORKLOAD } },
    });
    for (const other of interfaceEndpoints(stack).filter((e) => e !== ssm)) {
      expect(parsePolicy(other.policy).Statement).toHaveLength(1);
    }
  });

  test("with ssm.sessionPreferences existing it reaches Session Manager only: no logs or kms endpoint", () => {
    const existing = stackUnderTest("cross-account-s3", {
      config: testConfig({ ssm: { sessionPreferences: "existing" } }),
    });
    expect(interfaceEndpoints(existing).map(serviceOf).sort()).toEqual(
      ["ec2messages", "ssm", "ssmmessages"].map((s) => `com.amazonaws.eu-west-1.${s}`),
    );
  });

  test("the instance's only egress is HTTPS to the S3 gateway endpoint's prefix list and the endpoints' security group: no 0.0.0.0/0", () => {
    expectClosedEgress(stack, stack.ref("aws_vpc_endpoint", "Network_S3GatewayEndpoint", "prefix_list_id"), {
      referenced_security_group_id: endpointSecurityGroup(stack).ref,
    });
    expect(JSON.stringify(stack.all("aws_vpc_security_group_egress_rule"))).not.toContain("0.0.0.0/0");
  });

  test("private-access keeps the article's network by default: a NAT, and HTTPS anywhere", () => {
    const article = stackUnderTest("private-access");
    expect(Object.keys(article.all("aws_nat_gateway"))).toHaveLength(1);
    expect(instanceEgress(article)).toEqual([expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", from_port: 443 })]);
  });
});

describe("interface endpoints beside NAT (network.interfaceEndpoints true)", () => {
  const synthesis = synthNetworkStacks(networkConfig({ natGateways: "per-az", interfaceEndpoints: true }));

  test("private-access keeps a NAT gateway per zone and adds the endpoints", () => {
    const id = "private-access";
    const stack = viewOf(synthesis.stacks[id]);
    expect(Object.keys(stack.all("aws_nat_gateway"))).toHaveLength(2);
    expect(Object.keys(stack.all("aws_internet_gateway"))).toHaveLength(1);
    expectSessionManagerEndpoints(
      stack,
      [1, 2].map((i) => stack.ref("aws_subnet", `Network_PrivateSubnet${i}`, "id")),
      VPC_CIDRS[id],
    );
    expect(messages(synthesis, id, "error")).toEqual([]);
  });

  test("private-access has none by default, beside its NAT gateway", () => {
    expect(interfaceEndpoints(stackUnderTest("private-access"))).toEqual([]);
  });
});

describe("an existing network (network.existing)", () => {
  const synthesis = synthNetworkStacks(networkConfig(NETWORK_MODES.existing));
  const owner = viewOf(synthesis.stacks["private-access"]);
  const tenant = viewOf(synthesis.stacks["cross-account-s3"]);

  test.each(NETWORK_STACKS)("%s builds no VPC, subnet, route, gateway, NAT or flow log", (id) => {
    const stack = viewOf(synthesis.stacks[id]);
    for (const type of NETWORK_TYPES)
      expect({ type, found: Object.keys(stack.all(type)) }).toEqual({ type, found: [] });
    expect(messages(synthesis, id, "error")).toEqual([]);
  });

  test.each(NETWORK_STACKS)("%s places its instance and security group in the given VPC and first subnet", (id) => {
    const stack = viewOf(synthesis.stacks[id]);
    expect(stack.only("aws_instance").subnet_id).toBe(EXISTING_SUBNETS[0]);
    const instanceGroup = Object.entries(stack.all("aws_security_group")).find(
      ([name]) => /_SecurityGroup_/.test(name) && !name.startsWith("SessionManagerEndpoints"),
    );
    expect(instanceGroup?.[1].vpc_id).toBe(EXISTING_VPC);
    // Looked up with the VPC's id: a subnet of another VPC fails the plan.
    expect(Object.values(stack.data?.aws_subnet ?? {}).map((s) => [s.id, s.vpc_id])).toEqual(
      EXISTING_SUBNETS.map((s) => [s, EXISTING_VPC]),
    );
  });

  test("private-access puts the EICE and its security group there, and fences the tunnel to the subnets' ranges", () => {
    expect(owner.only("aws_ec2_instance_connect_endpoint").subnet_id).toBe(EXISTING_SUBNETS[0]);
    expect(owner.named("aws_security_group", "EndpointSecurityGroup").vpc_id).toBe(EXISTING_VPC);
    const policy = owner.policyOf("aws_iam_policy", "EiceOperatorPolicy");
    const ranges = policy.Statement.flatMap((s) => {
      const condition = (s.Condition as Record<string, Record<string, unknown>> | undefined)?.IpAddress;
      return condition ? [condition["ec2-instance-connect:privateIpAddress"]] : [];
    });
    expect(ranges).toEqual([[1, 2].map((i) => dataRef(owner, "aws_subnet", `Network_Subnet${i}`, "cidr_block"))]);
  });

  test("private-access owns the S3 gateway endpoint, on the given route tables, letting through both stacks' buckets", () => {
    const [endpoint] = gatewayEndpoints(owner);
    expect(gatewayEndpoints(owner)).toHaveLength(1);
    expect(endpoint).toMatchObject({ vpc_id: EXISTING_VPC, route_table_ids: [...EXISTING_ROUTE_TABLES] });
    expect(statement(parsePolicy(endpoint.policy), "ApprovedBucketsOf444455556666").Resource).toEqual(
      expect.arrayContaining(["arn:aws:s3:::approved-reports-111111111111"]),
    );
  });

  test("private-access owns the interface endpoints, in both given subnets, HTTPS from the VPC's range", () => {
    expectSessionManagerEndpoints(owner, [...EXISTING_SUBNETS], dataRef(owner, "aws_vpc", "Network_Vpc", "cidr_block"));
    expect(interfaceEndpoints(owner).every((e) => e.vpc_id === EXISTING_VPC)).toBe(true);
  });

  test("the plan checks what private DNS needs: the VPC's DNS attributes and subnets in two zones", () => {
    const vpc = Object.values(owner.data?.aws_vpc ?? {})[0] as Block;
    expect(vpc.id).toBe(EXISTING_VPC);
    expect(JSON.stringify(vpc.lifecycle)).toContain("self.enable_dns_support && self.enable_dns_hostnames");
    const second = Object.values(owner.data?.aws_subnet ?? {})[1] as Block;
    expect(JSON.stringify(second.lifecycle)).toContain(
      `self.availability_zone_id != data.aws_subnet.${Object.keys(owner.data?.aws_subnet ?? {})[0]}.availability_zone_id`,
    );
  });

  test("cross-account-s3 creates no endpoint and says at synth which stack owns its perimeter", () => {
    expect(Object.keys(tenant.all("aws_vpc_endpoint"))).toEqual([]);
    expect(Object.keys(tenant.all("aws_security_group"))).toHaveLength(1);
    expect(messages(synthesis, "cross-account-s3", "info")).toEqual([
      expect.stringMatching(/^network\.existing: .*private-access owns the shared VPC's endpoints/),
    ]);
    expect(tenant.output).not.toHaveProperty("S3EndpointId");
  });

  test("cross-account-s3's instance reaches S3 only by the region's S3 prefix list (read by name) and the endpoints by the VPC range", () => {
    expect(tenant.data?.aws_ec2_managed_prefix_list).toEqual({
      S3PrefixList: expect.objectContaining({ name: "com.amazonaws.eu-west-1.s3" }),
    });
    expectClosedEgress(tenant, "${data.aws_ec2_managed_prefix_list.S3PrefixList.id}", {
      cidr_ipv4: dataRef(tenant, "aws_vpc", "Network_Vpc", "cidr_block"),
    });
  });

  test("cross-account-s3's walk-through finds the endpoint by VPC and service", () => {
    const defence = (tenant.output?.DefenceSteps as Block).value as string;
    expect(defence).toContain(
      `--filters Name=vpc-id,Values=${EXISTING_VPC} Name=service-name,Values=com.amazonaws.eu-west-1.s3`,
    );
    expect(defence).not.toContain("--vpc-endpoint-ids");
  });

  test.each(NETWORK_STACKS)(
    "%s checks its instance's type in the zone of the first subnet, where the instance goes",
    (id) => {
      const stack = viewOf(synthesis.stacks[id]);
      const [check, ...others] = offeringChecks(stack);
      expect(others).toEqual([]);
      const zone = dataRef(stack, "aws_subnet", "Network_Subnet1", "availability_zone_id");
      expect(check.zone).toEqual([zone]);
      expect(check.message).toBe(
        `instance.type t3.micro is not offered in Availability Zone ${zone}: it is the zone of subnet ${EXISTING_SUBNETS[0]}, the first of network.existing.subnetIds, where the instance goes; list first a subnet of a zone that offers the type, or choose another instance.type.`,
      );
    },
  );

  test("private-access prints no warning when it owns the perimeter", () => {
    expect(messages(synthesis, "private-access", "warn")).toEqual([]);
  });

  test.each(NETWORK_STACKS)(
    "%s fails the plan when a subnet's route table (explicit, else the VPC's main one) is not in routeTableIds",
    (id) => {
      const stack = viewOf(synthesis.stacks[id]);
      const main = dataRef(stack, "aws_route_table", "Network_MainRouteTable", "id").slice(2, -1);
      expect(Object.values(stack.data?.aws_route_table ?? {})).toEqual([
        expect.objectContaining({ vpc_id: EXISTING_VPC, filter: [{ name: "association.main", values: ["true"] }] }),
      ]);
      const lookups = Object.entries(stack.data?.aws_route_tables ?? {}).sort(([a], [b]) => a.localeCompare(b));
      expect(lookups.map(([name]) => name.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
        "Network_Subnet1RouteTable",
        "Network_Subnet2RouteTable",
      ]);
      lookups.forEach(([, lookup], i) => {
        expect(lookup).toMatchObject({
          vpc_id: EXISTING_VPC,
          filter: [{ name: "association.subnet-id", values: [EXISTING_SUBNETS[i]] }],
        });
        const [check] = (lookup.lifecycle as { postcondition: Array<Record<string, string>> }).postcondition;
        const found = `(length(self.ids) > 0 ? self.ids[0] : ${main})`;
        expect(check.condition).toBe(`\${contains(${JSON.stringify(EXISTING_ROUTE_TABLES)}, ${found})}`);
        expect(check.error_message).toBe(
          `Subnet ${EXISTING_SUBNETS[i]} (network.existing.subnetIds[${i}]) is routed by route table \${${found}}, which is not in network.existing.routeTableIds (${EXISTING_ROUTE_TABLES.join(", ")}): the S3 gateway endpoint is attached only to those, so this subnet's S3 traffic would take its own routes (through a NAT gateway, to any bucket) and never meet the endpoint policy. Add \${${found}} to network.existing.routeTableIds.`,
        );
      });
    },
  );

  test("private-access associates its DNS Firewall with the existing VPC and leaves the VPC's failure mode to its owner", () => {
    const groups = ruleGroupsOf(owner, EXISTING_VPC);
    expect(groups.map((g) => g.priority)).toEqual([101]);
    expect(verdict(groups, "exfil.attacker.example")).toMatchObject({ resolves: false });
    expect(owner.all("aws_route53_resolver_firewall_config")).toEqual({});
  });

  test("cross-account-s3 adds no rule group of its own: one per VPC, and the owner's already filters its instance", () => {
    expect(Object.keys(tenant.all("aws_route53_resolver_firewall_rule_group"))).toEqual([]);
    expect(messages(synthesis, "cross-account-s3", "info")).toEqual([
      expect.stringContaining("private-access owns the shared VPC's endpoints and DNS Firewall"),
    ]);
  });
});

describe("an existing network with one subnet and no interface endpoints", () => {
  const synthesis = synthNetworkStacks(
    networkConfig({
      existing: { vpcId: EXISTING_VPC, subnetIds: [EXISTING_SUBNETS[0]], routeTableIds: [EXISTING_ROUTE_TABLES[0]] },
    }),
  );
  const owner = viewOf(synthesis.stacks["private-access"]);

  test("private-access attaches the S3 gateway endpoint to the one route table, and no interface endpoint", () => {
    expect(Object.values(owner.all("aws_vpc_endpoint"))).toEqual([
      expect.objectContaining({ vpc_endpoint_type: "Gateway", route_table_ids: [EXISTING_ROUTE_TABLES[0]] }),
    ]);
    for (const id of NETWORK_STACKS) expect(messages(synthesis, id, "error")).toEqual([]);
  });

  test("the EICE policy fences the tunnel to the one subnet's range", () => {
    expect(JSON.stringify(owner.policyOf("aws_iam_policy", "EiceOperatorPolicy"))).toContain(
      JSON.stringify([dataRef(owner, "aws_subnet", "Network_Subnet1", "cidr_block")]),
    );
    // No interface endpoints, so nothing for the plan to check about zones or DNS: only the instance's
    // type and the one subnet's route table.
    const { aws_ec2_instance_type_offerings: offerings, aws_route_tables: routeTables, ...others } = owner.data ?? {};
    expect(Object.keys(offerings ?? {})).toHaveLength(1);
    expect(Object.keys(routeTables ?? {})).toHaveLength(1);
    expect(JSON.stringify(others)).not.toContain("postcondition");
  });

  test("with a NAT-less existing VPC the DNS Firewall stays off unless set: it would filter the owner's whole VPC", () => {
    for (const id of NETWORK_STACKS) {
      expect(Object.keys(viewOf(synthesis.stacks[id]).all("aws_route53_resolver_firewall_rule_group"))).toEqual([]);
    }
  });
});

describe("an existing network offline", () => {
  const synthesis = synthNetworkStacks(networkConfig(NETWORK_MODES.existing), true);

  test.each(NETWORK_STACKS)("%s reads nothing from AWS and warns once about the placeholder ranges", (id) => {
    const stack = viewOf(synthesis.stacks[id]);
    expect(stack.data?.aws_vpc).toBeUndefined();
    expect(stack.data?.aws_subnet).toBeUndefined();
    expect(stack.data?.aws_ec2_instance_type_offerings).toBeUndefined();
    expect(stack.data?.aws_route_tables).toBeUndefined();
    expect(stack.data?.aws_route_table).toBeUndefined();
    expect(messages(synthesis, id, "warn")).toContain(
      "Offline mode: whether instance.type t3.micro is offered in the instance's Availability Zones is not read from AWS. An online plan checks it.",
    );
    expect(messages(synthesis, id, "warn").filter((m) => m.includes("network.existing not read"))).toHaveLength(1);
    expect(messages(synthesis, id, "error")).toEqual([]);
  });

  test("cross-account-s3 puts a placeholder S3 prefix list in its egress rule and says so", () => {
    const tenant = viewOf(synthesis.stacks["cross-account-s3"]);
    expect(tenant.data?.aws_ec2_managed_prefix_list).toBeUndefined();
    expectClosedEgress(tenant, "pl-00000000", { cidr_ipv4: "192.0.2.0/24" });
    expect(messages(synthesis, "cross-account-s3", "warn")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Offline mode: the prefix list com\.amazonaws\.eu-west-1\.s3 is not read/),
      ]),
    );
  });

  test("private-access uses documentation-only placeholder ranges in the EICE policy and the endpoints' rule", () => {
    const owner = viewOf(synthesis.stacks["private-access"]);
    expect(JSON.stringify(owner.policyOf("aws_iam_policy", "EiceOperatorPolicy"))).toContain(
      JSON.stringify(["192.0.2.0/25", "192.0.2.128/25"]),
    );
    expect(endpointSecurityGroup(owner).ingress).toEqual([expect.objectContaining({ cidr_ipv4: "192.0.2.0/24" })]);
  });
});
