/**
 * The `network` section's own network (`existing`) and fully private mode (`interfaceEndpoints`):
 * hostile inputs, each with its whole message, and the defaults the endpoints derive.
 */
import { dnsFirewallOn, interfaceEndpointsOn, parseConfig } from "../../../lib/config";
import { testConfig } from "../../helpers";
import { problemsOf } from "./problems";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile edits reach any depth with any value
type Editable = Record<string, any>;

const VPC = "vpc-0123456789abcdef0";
const SUBNETS = ["subnet-0123456789abcdef0", "subnet-89abcdef"];
const ROUTES = ["rtb-0123456789abcdef0"];

/**
 * The shipped configuration as a file would hold it with `network.existing`: the parsed defaults are
 * removed, since a field written next to `existing` is refused.
 */
function withExisting(
  existing: Editable = { vpcId: VPC, subnetIds: SUBNETS, routeTableIds: ROUTES },
  network: Editable = {},
): Editable {
  const config = structuredClone(testConfig()) as Editable;
  config.network = structuredClone({ existing, ...network });
  delete config.crossAccount.vpcCidr;
  return config;
}

function problems(edit: (config: Editable) => void, base: () => Editable = withExisting): readonly string[] {
  const config = base();
  edit(config);
  return problemsOf(config, "config/test.json");
}

const plain = () => structuredClone(testConfig()) as Editable;
const IGNORED = (field: string) =>
  `remove it or network.existing: with an existing network no VPC is built, so ${field} would be ignored.`;

describe("network.existing", () => {
  test("accepts one or two subnets with their route tables, and interface endpoints and the DNS Firewall beside them", () => {
    expect(problems(() => undefined)).toEqual([]);
    expect(problems((c) => (c.network.existing.subnetIds = [SUBNETS[0]]))).toEqual([]);
    expect(problems((c) => (c.network.existing.routeTableIds = [...ROUTES, "rtb-89abcdef"]))).toEqual([]);
    expect(problems((c) => (c.network.interfaceEndpoints = true))).toEqual([]);
    expect(problems((c) => (c.network.dnsFirewall = true))).toEqual([]);
  });

  test("refuses to go without route tables, naming the field and why cross-account-s3 needs them", () => {
    expect(problems((c) => delete c.network.existing.routeTableIds)).toEqual([
      "Missing network.existing.routeTableIds: list the route tables of network.existing.subnetIds: private-access attaches the S3 gateway endpoint (the data perimeter) to them, and cross-account-s3, always deployed, demonstrates that perimeter; without them no endpoint exists and the instances' S3 traffic would take the VPC's own routes.",
    ]);
  });

  test.each([
    ["network.vpcCidr", (c: Editable) => (c.network.vpcCidr = "10.0.0.0/16"), '"10.0.0.0/16"'],
    ["network.natGateways", (c: Editable) => (c.network.natGateways = "single"), '"single"'],
    [
      "network.availabilityZoneIds",
      (c: Editable) => (c.network.availabilityZoneIds = ["euw1-az1", "euw1-az2"]),
      '["euw1-az1","euw1-az2"]',
    ],
    ["network.excludeZoneIds", (c: Editable) => (c.network.excludeZoneIds = []), "[]"],
    ["network.flowLogRetentionDays", (c: Editable) => (c.network.flowLogRetentionDays = 90), "90"],
    ["crossAccount.vpcCidr", (c: Editable) => (c.crossAccount.vpcCidr = "10.1.0.0/16"), '"10.1.0.0/16"'],
  ])("refuses %s written next to it, naming both fields", (field, edit, shown) => {
    expect(problems(edit)).toEqual([`Invalid ${field} ${shown}: ${IGNORED(field)}`]);
  });

  test("refuses natGateways none written next to it once, not also as interface endpoints turned off", () => {
    expect(problems((c) => Object.assign(c.network, { natGateways: "none", interfaceEndpoints: false }))).toEqual([
      `Invalid network.natGateways "none": ${IGNORED("network.natGateways")}`,
    ]);
  });

  test("reports a field written next to it together with an unrelated invalid field", () => {
    expect(
      problems((c) => {
        c.network.vpcCidr = "10.0.0.0/8";
        c.project = "";
      }),
    ).toEqual([
      `Invalid network.vpcCidr "10.0.0.0/8": ${IGNORED("network.vpcCidr")}`,
      'Invalid project "": use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @.',
      'Invalid network.vpcCidr "10.0.0.0/8": use an IPv4 CIDR with a prefix from /16 to /24, aligned to its prefix (e.g. 10.0.0.0/16).',
    ]);
  });

  test.each([
    [
      "a VPC id of the wrong shape",
      (c: Editable) => (c.network.existing.vpcId = "vpc-123"),
      'Invalid network.existing.vpcId "vpc-123": use a VPC id such as vpc-0123456789abcdef0.',
    ],
    [
      "a subnet id where the VPC id belongs",
      (c: Editable) => (c.network.existing.vpcId = SUBNETS[0]),
      `Invalid network.existing.vpcId "${SUBNETS[0]}": use a VPC id such as vpc-0123456789abcdef0.`,
    ],
    [
      "a missing VPC id",
      (c: Editable) => delete c.network.existing.vpcId,
      "Missing network.existing.vpcId: use a VPC id such as vpc-0123456789abcdef0.",
    ],
    [
      "no subnets",
      (c: Editable) => (c.network.existing.subnetIds = []),
      "Invalid network.existing.subnetIds []: list one or two private subnet ids of network.existing.vpcId.",
    ],
    [
      "three subnets",
      (c: Editable) => c.network.existing.subnetIds.push("subnet-00000000"),
      `Invalid network.existing.subnetIds ${JSON.stringify([...SUBNETS, "subnet-00000000"])}: list one or two private subnet ids of network.existing.vpcId.`,
    ],
    [
      "a subnet twice",
      (c: Editable) => (c.network.existing.subnetIds = [SUBNETS[0], SUBNETS[0]]),
      `Invalid network.existing.subnetIds ${JSON.stringify([SUBNETS[0], SUBNETS[0]])}: list each of subnet ids once (duplicates found).`,
    ],
    [
      "an upper-case subnet id",
      (c: Editable) => (c.network.existing.subnetIds = ["subnet-0123456789ABCDEF0"]),
      'Invalid network.existing.subnetIds[0] "subnet-0123456789ABCDEF0": use a subnet id such as subnet-0123456789abcdef0.',
    ],
    [
      "a route table id of the wrong shape",
      (c: Editable) => (c.network.existing.routeTableIds = ["rtb-xyz"]),
      'Invalid network.existing.routeTableIds[0] "rtb-xyz": use a route table id such as rtb-0123456789abcdef0.',
    ],
    [
      "an empty list of route tables",
      (c: Editable) => (c.network.existing.routeTableIds = []),
      "Invalid network.existing.routeTableIds []: list at least one route table id: the route tables of network.existing.subnetIds carry the S3 gateway endpoint.",
    ],
    [
      "route tables given as one id",
      (c: Editable) => (c.network.existing.routeTableIds = ROUTES[0]),
      `Invalid network.existing.routeTableIds "${ROUTES[0]}": use a list of route table ids.`,
    ],
    [
      "a route table twice",
      (c: Editable) => (c.network.existing.routeTableIds = [ROUTES[0], ROUTES[0]]),
      `Invalid network.existing.routeTableIds ${JSON.stringify([ROUTES[0], ROUTES[0]])}: list each of route table ids once (duplicates found).`,
    ],
    [
      "an unknown key",
      (c: Editable) => (c.network.existing.securityGroupIds = []),
      "Unknown field network.existing.securityGroupIds: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "a string",
      (c: Editable) => (c.network.existing = VPC),
      `Invalid network.existing "${VPC}": use an object with vpcId, subnetIds and routeTableIds.`,
    ],
  ])("rejects %s", (_what, edit, expected) => {
    expect(problems(edit)).toEqual([expected]);
  });
});

describe("network.interfaceEndpoints", () => {
  test("pins the full message for turning them off with no NAT", () => {
    expect(
      problems((c) => Object.assign(c.network, { natGateways: "none", interfaceEndpoints: false }), plain),
    ).toEqual([
      'Invalid network.interfaceEndpoints false: set it to true (or remove it), or set network.natGateways to "single" or "per-az": with network.natGateways "none" Session Manager reaches its service only through interface endpoints.',
    ]);
  });

  test.each([
    ["a string", "yes", 'Invalid network.interfaceEndpoints "yes": use true or false.'],
    ["a number", 1, "Invalid network.interfaceEndpoints 1: use true or false."],
    ["null", null, "Invalid network.interfaceEndpoints null: use true or false."],
  ])("rejects %s", (_what, value, expected) => {
    expect(problems((c) => (c.network.interfaceEndpoints = value), plain)).toEqual([expected]);
  });

  test.each([
    ["on without NAT", { natGateways: "none" }, true],
    ["off with one NAT gateway", { natGateways: "single" }, false],
    ["off with a NAT gateway per zone", { natGateways: "per-az" }, false],
    ["on beside a NAT when set", { natGateways: "single", interfaceEndpoints: true }, true],
    ["on without NAT when set", { natGateways: "none", interfaceEndpoints: true }, true],
  ])("by default are %s", (_what, network, on) => {
    const config = plain();
    Object.assign(config.network, network);
    expect(interfaceEndpointsOn(parseConfig(config).network)).toBe(on);
  });

  test("with network.existing are off unless set, and may be turned off (the VPC's owner provides the way out)", () => {
    expect(interfaceEndpointsOn(parseConfig(withExisting()).network)).toBe(false);
    expect(interfaceEndpointsOn(parseConfig(withExisting(undefined, { interfaceEndpoints: true })).network)).toBe(true);
    expect(problemsOf(withExisting(undefined, { interfaceEndpoints: false }))).toEqual([]);
  });
});

describe("network.dnsFirewall", () => {
  test.each([
    ["a string", "on", 'Invalid network.dnsFirewall "on": use true or false.'],
    ["a number", 0, "Invalid network.dnsFirewall 0: use true or false."],
    ["null", null, "Invalid network.dnsFirewall null: use true or false."],
  ])("rejects %s", (_what, value, expected) => {
    expect(problems((c) => (c.network.dnsFirewall = value), plain)).toEqual([expected]);
  });

  // The NAT mode is the stack's: cross-account-s3 always builds its network without one.
  test.each([
    ["on for a network without NAT", {}, "none", true],
    ["off with one NAT gateway (the article's network)", {}, "single", false],
    ["off with a NAT gateway per zone", {}, "per-az", false],
    [
      "off without NAT when set false (the article's resolver, one setting away)",
      { dnsFirewall: false },
      "none",
      false,
    ],
    ["on beside a NAT when set", { dnsFirewall: true }, "single", true],
  ] as const)("by default is %s", (_what, network, nat, on) => {
    const config = plain();
    Object.assign(config.network, network);
    expect(dnsFirewallOn(parseConfig(config).network, nat)).toBe(on);
  });

  test("with network.existing is off unless set: it would filter every query of the owner's VPC", () => {
    expect(dnsFirewallOn(parseConfig(withExisting()).network, "none")).toBe(false);
    expect(dnsFirewallOn(parseConfig(withExisting(undefined, { dnsFirewall: true })).network, "none")).toBe(true);
  });
});
