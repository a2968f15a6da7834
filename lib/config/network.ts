import { z } from "zod";
import { isObject } from "../tfjson/json";
import { bool, cidr, code, doc, oneOf, pattern, retentionDays, section, unique } from "./fields";
import type { Config } from "./schema";
import { CONSTRAINED_ZONE_IDS, ZONE_ID, zoneIdInRegion, zoneIdPrefix } from "./zones";

/** `network`: the workload VPC the stacks build, or the existing one they use. */

export const NAT_GATEWAY_MODES = ["none", "single", "per-az"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

const zoneIds = unique(
  pattern(
    ZONE_ID,
    "use an Availability Zone ID such as apne1-az1 or use1-az6 (an ID, not a zone name such as ap-northeast-1a)",
  ),
  "zone IDs",
);

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROUTE_TABLE_ID = /^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * A VPC the organisation already runs: the stacks build none of their own and place the EICE, the
 * instances and any interface endpoints in it. The ids are checked by shape only (offline there is no
 * AWS to ask); at plan time the subnets are read with `vpc_id` set, so a subnet of another VPC fails
 * the plan before anything is created.
 */
const existingNetworkSchema = z.strictObject(
  {
    vpcId: doc(pattern(VPC_ID, "use a VPC id such as vpc-0123456789abcdef0"), {
      description:
        "an existing VPC every workload stack places its EICE, instance and endpoints in: no VPC, subnet, route, gateway, NAT or flow log is built; not together with `network.vpcCidr`, `natGateways`, `availabilityZoneIds`, `excludeZoneIds`, `flowLogRetentionDays` or `crossAccount.vpcCidr`",
    }),
    subnetIds: doc(
      unique(pattern(SUBNET_ID, "use a subnet id such as subnet-0123456789abcdef0"), "subnet ids")
        .min(1, { error: "list one or two private subnet ids of network.existing.vpcId" })
        .max(2, { error: "list one or two private subnet ids of network.existing.vpcId" }),
      {
        description:
          "one or two private subnets of that VPC, in different zones when interface endpoints are on; the EICE and the instances go in the first",
      },
    ),
    // Required: cross-account-s3, part of every deployment, shows the S3 gateway endpoint's defence and
    // places its instance in the first subnet. Without route tables there would be no endpoint, and its
    // S3 traffic would take the VPC's own routes (through a NAT, to any bucket of any region), so the
    // demonstration would claim a perimeter that does not exist. The plan also checks that each subnet's
    // route table is listed (see ExistingNetwork).
    routeTableIds: doc(
      z
        .array(pattern(ROUTE_TABLE_ID, "use a route table id such as rtb-0123456789abcdef0"), {
          error: (issue) =>
            issue.input === undefined
              ? "list the route tables of network.existing.subnetIds: private-access attaches the S3 gateway endpoint (the data perimeter) to them, and cross-account-s3, always deployed, demonstrates that perimeter; without them no endpoint exists and the instances' S3 traffic would take the VPC's own routes"
              : "use a list of route table ids",
        })
        .refine((list) => new Set(list).size === list.length, {
          error: "list each of route table ids once (duplicates found)",
        })
        .min(1, {
          error:
            "list at least one route table id: the route tables of network.existing.subnetIds carry the S3 gateway endpoint",
        }),
      {
        description:
          "the route tables of those subnets (the plan fails naming a subnet whose route table is not listed): they get private-access's S3 gateway endpoint, the data perimeter, and may have no other S3 gateway endpoint",
      },
    ),
  },
  { error: "use an object with vpcId, subnetIds and routeTableIds" },
);

/**
 * Fields that shape a network the stacks build, so with `network.existing` they would be silently
 * ignored. Refused when WRITTEN in the input (their defaults do not count), which the parsed value no
 * longer tells apart: see networkInputIssues.
 */
const BUILT_NETWORK_FIELDS = [
  ["network", "vpcCidr"],
  ["network", "natGateways"],
  ["network", "availabilityZoneIds"],
  ["network", "excludeZoneIds"],
  ["network", "flowLogRetentionDays"],
  ["crossAccount", "vpcCidr"],
] as const;

/**
 * The checks that need the raw input, before defaults apply: a field the network would be built from,
 * written next to `network.existing`. zod fills in defaults before any refinement sees the section, and
 * an issue raised while preprocessing would stop every other check, so lib/config/load.ts runs this
 * beside the schema and reports both together.
 */
export function networkInputIssues(input: unknown): z.core.$ZodIssue[] {
  if (!isObject(input) || !isObject(input.network) || input.network.existing === undefined) return [];
  const issues: z.core.$ZodIssue[] = [];
  for (const [section, field] of BUILT_NETWORK_FIELDS) {
    const container = input[section];
    if (!isObject(container) || container[field] === undefined) continue;
    issues.push({
      code: "custom",
      path: [section, field],
      input: container[field],
      message: `remove it or network.existing: with an existing network no VPC is built, so ${section}.${field} would be ignored`,
    });
  }
  return issues;
}

/**
 * Whether the workload network gets Session Manager's interface endpoints: as configured, or by
 * default on exactly when there is no NAT gateway (the instance's only way to the service then). With
 * `existing`, off unless set: the VPC's owner provides the way out.
 */
export function interfaceEndpointsOn(network: Config["network"]): boolean {
  return network.interfaceEndpoints ?? (network.existing === undefined && network.natGateways === "none");
}

/**
 * Whether a workload stack's VPC gets the DNS Firewall (lib/constructs/dns-firewall.ts): as configured,
 * or by default on exactly when the stack's own network has no NAT (`natGateways`: the stack's, since
 * cross-account-s3 is always built without one). There the firewall costs nothing the instances could
 * use, since no name outside AWS's endpoints is reachable anyway, and it closes the one way out that no
 * route, security group or endpoint policy sees: data encoded in the names an instance looks up. With a
 * NAT (the article's network) or an existing VPC (every workload in it would be filtered) it is opt-in.
 */
export function dnsFirewallOn(network: Config["network"], natGateways: NatGatewayMode): boolean {
  return network.dnsFirewall ?? (network.existing === undefined && natGateways === "none");
}

export const networkSchema = section({
  existing: doc(existingNetworkSchema.optional(), {
    description:
      "`{ vpcId, subnetIds, routeTableIds }`: use this VPC instead of building one (no VPC, subnet, route, gateway, NAT or flow log is created); not together with `vpcCidr`, `natGateways`, `availabilityZoneIds`, `excludeZoneIds`, `flowLogRetentionDays` or `crossAccount.vpcCidr`",
    unset: "each workload stack builds its own VPC",
  }),
  interfaceEndpoints: doc(bool().optional(), {
    description:
      'interface endpoints for `ssm`, `ssmmessages` and `ec2messages` in the private subnets (private DNS, HTTPS from the VPC only), so Session Manager works without NAT; `false` with `natGateways: "none"` is refused',
    unset: "on when `natGateways` is `none`, off otherwise and with `existing`",
  }),
  dnsFirewall: doc(bool().optional(), {
    description:
      "a Route 53 Resolver DNS Firewall on the workload VPC: its instances resolve only the AWS service names they need in `region` (Session Manager, CloudWatch Logs, KMS, S3 and the Amazon Linux repositories) and EC2's internal names; every other query is answered NODATA. With `existing` it filters every query of that VPC, whoever makes it",
    unset:
      'on for a network without NAT (`natGateways: "none"`, and always for cross-account-s3\'s), off with NAT and with `existing`',
  }),
  vpcCidr: doc(cidr.default("10.0.0.0/16"), {
    description: "VPC range, /16–/24; subnets are 1/16 of it each (public 0–1, private 8–9)",
  }),
  natGateways: doc(oneOf(NAT_GATEWAY_MODES).default("single"), {
    description: `NAT gateways: ${code(NAT_GATEWAY_MODES)} (Session Manager needs a NAT or interface endpoints)`,
  }),
  flowLogRetentionDays: doc(retentionDays.default(90), {
    description: "VPC flow-log retention in days (a CloudWatch Logs retention value)",
  }),
  // Pinned by ID, the same physical zones in every account; unset, the first two usable zones are
  // resolved at plan time.
  availabilityZoneIds: doc(
    zoneIds.length(2, { error: 'list exactly two distinct zone IDs, such as ["apne1-az1", "apne1-az4"]' }).optional(),
    {
      description:
        'exactly two distinct zone IDs of `region` (`["apne1-az1", "apne1-az4"]`), the same physical zones in every account; not a constrained zone, not also in `excludeZoneIds`',
      unset: "none: the first two usable zones, resolved at plan time",
    },
  ),
  excludeZoneIds: doc(zoneIds.default([]), {
    description: `zone IDs of \`region\` the plan-time lookup never picks, besides the built-in constrained ones (${code(CONSTRAINED_ZONE_IDS)})`,
  }),
}).superRefine(
  (network, ctx) => {
    // Without NAT the private subnets have no way out: the endpoints are Session Manager's only path.
    if (network.interfaceEndpoints === false && network.natGateways === "none" && network.existing === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["interfaceEndpoints"],
        input: network.interfaceEndpoints,
        message:
          'set it to true (or remove it), or set network.natGateways to "single" or "per-az": with network.natGateways "none" Session Manager reaches its service only through interface endpoints',
      });
    }
    const pinned = Array.isArray(network.availabilityZoneIds) ? network.availabilityZoneIds : [];
    const excluded: unknown[] = Array.isArray(network.excludeZoneIds) ? network.excludeZoneIds : [];
    pinned.forEach((id, i) => {
      if (excluded.includes(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZoneIds", i],
          input: id,
          message: `remove it from network.excludeZoneIds or pin another zone: it is listed in both`,
        });
      } else if (CONSTRAINED_ZONE_IDS.includes(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZoneIds", i],
          input: id,
          message: `pin another zone: AWS has constrained or retired ${id} (new subnets, NAT gateways or current instance types fail there)`,
        });
      }
    });
  },
  { when: ({ value }) => isObject(value) },
);

/** Zone IDs of another Region are refused by field: the subnets would fail at apply. */
export function zoneRegionIssues(
  config: { region: unknown; network: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  if (typeof config.region !== "string" || zoneIdPrefix(config.region) === undefined) return;
  const region = config.region;
  for (const field of ["availabilityZoneIds", "excludeZoneIds"] as const) {
    const list = config.network[field];
    (Array.isArray(list) ? list : []).forEach((id, i) => {
      if (typeof id === "string" && ZONE_ID.test(id) && !zoneIdInRegion(id, region)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", field, i],
          input: id,
          message: `use a zone ID of region ${region} (${zoneIdPrefix(region)}-az…), the configured region`,
        });
      }
    });
  }
}
