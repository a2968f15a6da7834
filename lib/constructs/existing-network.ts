import { DataAwsRouteTable } from "@cdktf/provider-aws/lib/data-aws-route-table";
import { DataAwsRouteTables } from "@cdktf/provider-aws/lib/data-aws-route-tables";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { toPolicyJson, type PolicyDocument } from "../policies/document";
import type { InstanceZones, NetworkPlacement } from "./network-placement";

/**
 * Ranges that stand in offline for the existing VPC and subnets (TEST-NET-1, RFC 5737: documentation
 * only, never routed), so an offline plan's IAM conditions and security-group rules are well formed.
 */
export const OFFLINE_PLACEHOLDER_VPC_CIDR = "192.0.2.0/24";
export const OFFLINE_PLACEHOLDER_SUBNET_CIDRS = ["192.0.2.0/25", "192.0.2.128/25"] as const;

export interface ExistingNetworkProps {
  /** The organisation's VPC (`network.existing.vpcId`). */
  readonly vpcId: string;
  /** One or two of its private subnets; the first holds the EICE and the instance. */
  readonly subnetIds: readonly string[];
  /** Region, for the S3 endpoint's service name. */
  readonly region: string;
  /** Offline mode: nothing is read from AWS; placeholder ranges with one warning. @default false */
  readonly offline?: boolean;
  /**
   * The route tables of the subnets (`network.existing.routeTableIds`): the S3 gateway endpoint is
   * attached to them, so they decide whether the subnets' S3 traffic meets the data perimeter. The plan
   * fails when a subnet's route table is not among them (see checkRouteTables).
   */
  readonly routeTableIds: readonly string[];
  /**
   * The policy of the S3 gateway endpoint this stack attaches to `routeTableIds`: the data perimeter.
   * @default - none: another stack owns the VPC's S3 endpoint
   */
  readonly s3EndpointPolicy?: PolicyDocument;
  /**
   * The plan also checks what interface endpoints with private DNS need from the VPC: DNS support and
   * DNS hostnames on, and two subnets in two different zones. @default false
   */
  readonly checkInterfaceEndpoints?: boolean;
}

/**
 * A VPC the stacks do not build: nothing of the network is created except, for its owner, the S3
 * gateway endpoint (on `routeTableIds`, which the plan checks are the subnets' route tables). The ranges the stacks need (the EICE policy's subnet condition, the endpoints'
 * security group) are read at plan time with `aws_vpc` / `aws_subnet`, and the subnets are looked up
 * with the VPC's id, so a subnet of another VPC fails the plan before anything is created.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/subnet
 */
export class ExistingNetwork extends Construct implements NetworkPlacement {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly vpcCidr: string;
  readonly s3Endpoint?: VpcEndpoint;
  readonly instanceZones: InstanceZones;

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    this.vpcId = props.vpcId;
    this.privateSubnetIds = [...props.subnetIds];
    if (props.offline) {
      this.vpcCidr = OFFLINE_PLACEHOLDER_VPC_CIDR;
      this.privateSubnetCidrs = props.subnetIds.map((_, i) => OFFLINE_PLACEHOLDER_SUBNET_CIDRS[i]);
      this.instanceZones = { kind: "offline" };
      Annotations.of(scope).addWarning(
        `Offline mode: network.existing not read, placeholder ranges ${OFFLINE_PLACEHOLDER_VPC_CIDR} (VPC) and ${this.privateSubnetCidrs.join(", ")} (subnets) used, and the subnets' route tables not checked against network.existing.routeTableIds. An online plan reads ${props.vpcId} and its subnets, and checks their route tables.`,
      );
    } else {
      const checks = props.checkInterfaceEndpoints ?? false;
      const vpc = new DataAwsVpc(this, "Vpc", {
        id: props.vpcId,
        lifecycle: checks
          ? {
              // Private DNS of an interface endpoint needs both VPC attributes (CreateVpcEndpoint,
              // PrivateDnsEnabled); AWS refuses the endpoint otherwise, after the rest was created.
              postcondition: [
                {
                  condition: "${self.enable_dns_support && self.enable_dns_hostnames}",
                  errorMessage: `VPC ${props.vpcId} (network.existing.vpcId) needs enableDnsSupport and enableDnsHostnames for the interface endpoints' private DNS: turn both on, or set network.interfaceEndpoints to false.`,
                },
              ],
            }
          : undefined,
      });
      const subnets = props.subnetIds.map(
        (subnetId, i) => new DataAwsSubnet(this, `Subnet${i + 1}`, { id: subnetId, vpcId: props.vpcId }),
      );
      if (checks && subnets.length === 2) {
        // An interface endpoint takes one subnet per Availability Zone
        // (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html).
        subnets[1].addOverride("lifecycle.postcondition", [
          {
            condition: `\${self.availability_zone_id != ${subnets[0].fqn}.availability_zone_id}`,
            error_message: `Subnets ${props.subnetIds.join(" and ")} (network.existing.subnetIds) are in the same Availability Zone, and an interface endpoint takes one subnet per zone: list subnets of two zones, or one subnet.`,
          },
        ]);
      }
      checkRouteTables(this, props);
      this.vpcCidr = vpc.cidrBlock;
      this.privateSubnetCidrs = subnets.map((s) => s.cidrBlock);
      // The instance goes in the first subnet; the second only holds interface endpoints.
      this.instanceZones = {
        kind: "checked",
        zoneIds: [subnets[0].availabilityZoneId],
        fix: `it is the zone of subnet ${props.subnetIds[0]}, the first of network.existing.subnetIds, where the instance goes; list first a subnet of a zone that offers the type, or choose another instance.type`,
      };
    }
    if (props.s3EndpointPolicy) {
      // AWS allows one S3 gateway endpoint per route table (a route table has one route per prefix
      // list), so the owner's endpoint is the only one: see workloadNetwork.
      // https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
      this.s3Endpoint = new VpcEndpoint(this, "S3GatewayEndpoint", {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [...props.routeTableIds],
        policy: toPolicyJson(props.s3EndpointPolicy),
        tags: { Name: "s3-data-perimeter" },
      });
    }
  }
}

/**
 * Fails the plan when a subnet's route table is not in `routeTableIds`. The S3 gateway endpoint adds its
 * route (S3's prefix list) to the listed route tables only; a subnet routed by another table sends S3
 * traffic by that table's routes, through a NAT gateway to any bucket of any region, and the endpoint
 * policy never sees it.
 *
 * A subnet's route table is the one explicitly associated with it, else the VPC's main route table
 * ("If a subnet is not explicitly associated with any route table, it is implicitly associated with the
 * main route table", EC2 API Reference, DescribeRouteTables). Both are read at plan time:
 * - `aws_route_tables` filtered on `association.subnet-id`: the explicit association, or an empty list
 *   (the singular `aws_route_table` with `subnet_id` fails the plan with "query returned no results" for
 *   a subnet that has none, hashicorp/aws 5.x, data source aws_route_table);
 * - `aws_route_table` filtered on `association.main = true` in the VPC: the main route table, of which
 *   every VPC has exactly one.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/route_tables
 */
function checkRouteTables(scope: Construct, props: ExistingNetworkProps): void {
  const main = new DataAwsRouteTable(scope, "MainRouteTable", {
    vpcId: props.vpcId,
    filter: [{ name: "association.main", values: ["true"] }],
  });
  const listed = props.routeTableIds.join(", ");
  props.subnetIds.forEach((subnetId, i) => {
    const routeTable = `(length(self.ids) > 0 ? self.ids[0] : ${main.fqn}.id)`;
    new DataAwsRouteTables(scope, `Subnet${i + 1}RouteTable`, {
      vpcId: props.vpcId,
      filter: [{ name: "association.subnet-id", values: [subnetId] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${contains(${JSON.stringify(props.routeTableIds)}, ${routeTable})}`,
            errorMessage: `Subnet ${subnetId} (network.existing.subnetIds[${i}]) is routed by route table \${${routeTable}}, which is not in network.existing.routeTableIds (${listed}): the S3 gateway endpoint is attached only to those, so this subnet's S3 traffic would take its own routes (through a NAT gateway, to any bucket) and never meet the endpoint policy. Add \${${routeTable}} to network.existing.routeTableIds.`,
          },
        ],
      },
    });
  });
}
