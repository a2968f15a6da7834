import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { suppressGuardrail } from "../aspects/suppressions";
import type { NatGatewayMode } from "../config";
import { toPolicyJson, type PolicyDocument } from "../policies/document";
import { flowLogsDeliveryPolicy, flowLogsTrustPolicy } from "../policies/flow-logs";
import { cidrSubnet } from "./cidr";
import type { InstanceZones, NetworkPlacement } from "./network-placement";
import { networkZoneIds } from "./zones";

export interface PrivateNetworkProps {
  /** Name tag of the VPC and prefix of its parts' names, so two demo VPCs are told apart in the console. */
  readonly name: string;
  /** IPv4 range of the VPC, /16 to /24; subnets are carved out of it (1/16 of it each). */
  readonly cidr: string;
  /** Region, for the S3 endpoint's service name and the zone lookup. */
  readonly region: string;
  /** The account the VPC is in: the flow-log role trusts only this account's flow logs. */
  readonly accountId: string;
  /**
   * Two Availability Zone IDs for the subnets (`apne1-az1`): the same physical zones in every account,
   * where zone names are mapped per account. EICE needs one zone; the second keeps the layout ready for more.
   * @default - the first two usable zones, resolved at plan time (see networkZoneIds)
   */
  readonly availabilityZoneIds?: readonly string[];
  /** Zone IDs the plan-time lookup never chooses, besides the constrained ones AWS announced. @default [] */
  readonly excludeZoneIds?: readonly string[];
  /** Offline mode: no zone lookup (placeholder zones, with a warning). @default false */
  readonly offline?: boolean;
  /**
   * NAT gateways for outbound traffic from the private subnets (SSM agent, package updates).
   * `none` builds a fully private VPC: no internet gateway, public subnets, public routes or NAT, so
   * the private subnets reach AWS only through endpoints; `per-az` survives an AZ outage.
   * @default "single"
   */
  readonly natGateways?: NatGatewayMode;
  /** Policy of the S3 gateway endpoint: the data perimeter. */
  readonly s3EndpointPolicy: PolicyDocument;
  /** Days the VPC flow log keeps records. @default 90 */
  readonly flowLogRetentionDays?: number;
}

/**
 * A VPC with private subnets in two AZs, public subnets and NAT unless `natGateways` is `none`, and an
 * S3 gateway endpoint whose policy is the data perimeter. Instances go in the private subnets and never
 * get a public address.
 */
export class PrivateNetwork extends Construct implements NetworkPlacement {
  readonly vpc: Vpc;
  /** Empty when `natGateways` is `none`: nothing in the VPC faces the internet. */
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  /** CIDRs of the private subnets, as literals (they appear in IAM conditions). */
  readonly privateSubnetCidrs: string[];
  readonly s3Endpoint: VpcEndpoint;
  readonly natGateways: NatGateway[];
  readonly vpcCidr: string;
  readonly instanceZones: InstanceZones;

  get vpcId(): string {
    return this.vpc.id;
  }

  get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.id);
  }

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    // Zone IDs, not names: `ap-northeast-1b` is a different physical zone in each account, and in most
    // accounts not offered at all.
    const azs = networkZoneIds(this, {
      region: props.region,
      availabilityZoneIds: props.availabilityZoneIds,
      excludeZoneIds: props.excludeZoneIds,
      offline: props.offline,
    });
    // Looked-up zones are a first-apply decision: if AWS later lists another zone first, the subnets (and
    // everything in them) must stay where they are, not be replaced. Pinned zones are followed.
    const subnetLifecycle =
      props.availabilityZoneIds === undefined ? { ignoreChanges: ["availability_zone_id"] } : undefined;
    const natMode = props.natGateways ?? "single";
    const retention = props.flowLogRetentionDays ?? 90;
    this.vpcCidr = props.cidr;
    // Both zones: the instance goes in the first, the second private subnet is there for more.
    this.instanceZones = props.offline
      ? { kind: "offline" }
      : {
          kind: "checked",
          zoneIds: azs,
          fix:
            props.availabilityZoneIds === undefined
              ? "the zone lookup chose it; add it to network.excludeZoneIds, or pin network.availabilityZoneIds to zones that offer the type, or choose another instance.type"
              : "it is pinned in network.availabilityZoneIds; pin zones that offer the type, or choose another instance.type",
        };

    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: props.cidr,
      // Interface endpoints and SSM need private DNS names to resolve inside the VPC.
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });

    // The default security group would otherwise allow all traffic between its members; no rules at all.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", { vpcId: this.vpc.id });

    // Fully private: no internet gateway, so no public subnet, public route or NAT either (a NAT
    // gateway needs a public subnet routed to an internet gateway).
    const internetFacing = natMode !== "none";
    const igw = internetFacing ? new InternetGateway(this, "InternetGateway", { vpcId: this.vpc.id }) : undefined;

    this.publicSubnets = (igw ? azs : []).map(
      (az, i) =>
        new Subnet(this, `PublicSubnet${i + 1}`, {
          vpcId: this.vpc.id,
          availabilityZoneId: az,
          cidrBlock: cidrSubnet(props.cidr, 4, i),
          mapPublicIpOnLaunch: false,
          // Numbered, not named after the zone: a looked-up zone is not known until plan time.
          tags: { Name: `public-${i + 1}`, Tier: "public" },
          lifecycle: subnetLifecycle,
        }),
    );
    this.privateSubnetCidrs = azs.map((_, i) => cidrSubnet(props.cidr, 4, 8 + i));
    this.privateSubnets = azs.map(
      (az, i) =>
        new Subnet(this, `PrivateSubnet${i + 1}`, {
          vpcId: this.vpc.id,
          availabilityZoneId: az,
          cidrBlock: this.privateSubnetCidrs[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: `private-${i + 1}`, Tier: "private" },
          lifecycle: subnetLifecycle,
        }),
    );

    if (igw) {
      const publicRoutes = new RouteTable(this, "PublicRouteTable", { vpcId: this.vpc.id, tags: { Name: "public" } });
      new Route(this, "PublicDefaultRoute", {
        routeTableId: publicRoutes.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: igw.id,
      });
      this.publicSubnets.forEach(
        (subnet, i) =>
          new RouteTableAssociation(this, `PublicSubnet${i + 1}Routes`, {
            subnetId: subnet.id,
            routeTableId: publicRoutes.id,
          }),
      );
    }

    const natCount = igw ? { none: 0, single: 1, "per-az": azs.length }[natMode] : 0;
    this.natGateways = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `NatEip${i + 1}`, { domain: "vpc", tags: { Name: `nat-${i + 1}` } });
      return new NatGateway(this, `NatGateway${i + 1}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i].id,
        tags: { Name: `nat-${i + 1}` },
        dependsOn: igw ? [igw] : undefined,
      });
    });

    const privateRouteTables = azs.map((_, i) => {
      const table = new RouteTable(this, `PrivateRouteTable${i + 1}`, {
        vpcId: this.vpc.id,
        tags: { Name: `private-${i + 1}` },
      });
      if (this.natGateways.length > 0) {
        new Route(this, `PrivateDefaultRoute${i + 1}`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: this.natGateways[Math.min(i, this.natGateways.length - 1)].id,
        });
      }
      new RouteTableAssociation(this, `PrivateSubnet${i + 1}Routes`, {
        subnetId: this.privateSubnets[i].id,
        routeTableId: table.id,
      });
      return table;
    });

    // A gateway endpoint: S3 traffic from the private subnets never leaves the AWS network, and its
    // policy decides which buckets any credentials can reach from inside this VPC.
    this.s3Endpoint = new VpcEndpoint(this, "S3GatewayEndpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables.map((t) => t.id),
      policy: toPolicyJson(props.s3EndpointPolicy),
      tags: { Name: "s3-data-perimeter" },
    });

    const flowLogGroup = new CloudwatchLogGroup(this, "FlowLogGroup", {
      namePrefix: `/ec2-access-guardrails/vpc-flow-logs/${props.name}-`,
      retentionInDays: retention,
    });
    suppressGuardrail(
      flowLogGroup,
      "LOGS_GROUP_KMS_ENCRYPTED",
      "VPC flow logs record addresses, ports and byte counts, never content, and CloudWatch Logs encrypts them at rest with an AWS owned key; a customer managed key per VPC would add a key and its policy to every network for metadata.",
    );
    const flowLogRole = new IamRole(this, "FlowLogRole", {
      namePrefix: "vpc-flow-logs-",
      assumeRolePolicy: toPolicyJson(flowLogsTrustPolicy({ accountId: props.accountId, region: props.region })),
    });
    const flowLogRolePolicy = new IamRolePolicy(this, "FlowLogRolePolicy", {
      role: flowLogRole.id,
      policy: toPolicyJson(flowLogsDeliveryPolicy(flowLogGroup.arn)),
    });
    new FlowLog(this, "FlowLog", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      // The flow log names the role, not its policy, so without this edge Terraform may call
      // CreateFlowLogs before the role may write, and the flow log's deliveries then fail
      // (DeliverLogsStatus FAILED, "Access error": the role "does not have sufficient permissions to
      // publish to CloudWatch Logs", EC2 API Reference, FlowLog). On destroy the edge keeps the policy
      // until the flow log is gone.
      dependsOn: [flowLogRolePolicy],
    });
  }
}
