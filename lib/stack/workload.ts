import { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Annotations } from "cdktf";
import {
  dnsFirewallOn,
  interfaceEndpointsOn,
  managesSessionPreferences,
  type NatGatewayMode,
  type OwnedBucket,
} from "../config";
import { instanceAmi } from "../constructs/ami";
import { DnsFirewall } from "../constructs/dns-firewall";
import { ExistingNetwork } from "../constructs/existing-network";
import {
  InterfaceEndpoints,
  SESSION_MANAGER_ENDPOINT_SERVICES,
  type InterfaceEndpointService,
} from "../constructs/interface-endpoints";
import type { NetworkPlacement } from "../constructs/network-placement";
import { PrivateInstance, type InstanceEgress } from "../constructs/private-instance";
import { PrivateNetwork } from "../constructs/private-network";
import { allowedAwsDomains } from "../policies/dns-firewall";
import { toPolicyJson } from "../policies/document";
import {
  articleInstanceS3Policy,
  namedInstanceS3Policy,
  protectedBucketDenies,
  scopedInstanceS3Policy,
  withStatements,
} from "../policies/instance-role";
import { TRAIL_BUCKET_PREFIX } from "../policies/s3-bucket";
import { s3EndpointPolicy } from "../policies/s3-endpoint";
import { instanceSessionLoggingPolicy, type SessionLogging } from "../policies/session-logging";
import type { GuardrailsStack, GuardrailsStackProps } from "./guardrails-stack";

/**
 * The two stacks with an instance (private-access, cross-account-s3) build their network and instance
 * from the same configuration sections; these functions are that shared part, so a new `network` or
 * `instance` setting reaches both stacks at once.
 */

/** What main.ts gives the two stacks with an instance. */
export interface WorkloadStackProps extends GuardrailsStackProps {
  /**
   * Where the managed session preferences log and what encrypts them (the session-preferences stack's
   * `logging`: cross-stack references). The instance role gets exactly what that logging needs.
   * @default - none: `ssm.sessionPreferences` is `existing`, and a synth warning says what the owner of
   * the existing preferences must grant
   */
  readonly sessionLogging?: SessionLogging;
}

/**
 * The interface endpoints an instance in a network without NAT needs: Session Manager's, plus `logs`
 * and `kms` when the managed preferences stream transcripts to CloudWatch Logs and encrypt sessions
 * with KMS (SPEC §6, "Session Manager without NAT"). S3 uploads take the gateway endpoint.
 */
function interfaceEndpointServices(stack: GuardrailsStack): readonly InterfaceEndpointService[] {
  const managed = managesSessionPreferences(stack.config.ssm);
  return managed ? [...SESSION_MANAGER_ENDPOINT_SERVICES, "logs", "kms"] : SESSION_MANAGER_ENDPOINT_SERVICES;
}

/**
 * With `ssm.sessionPreferences: "existing"`, nothing says where sessions are logged: say what the
 * owner of that document must grant, instead of letting logging fail on the instance unnoticed.
 */
export function warnExistingSessionPreferences(stack: GuardrailsStack): void {
  if (stack.config.ssm.sessionPreferences !== "existing") return;
  Annotations.of(stack).addWarning(
    'ssm.sessionPreferences is "existing": this stack grants the instance role nothing for session logging. If the existing SSM-SessionManagerRunShell encrypts or logs sessions, its owner must grant the instance role kms:Decrypt on its kmsKeyId; logs:CreateLogStream, logs:PutLogEvents and logs:DescribeLogStreams on its cloudWatchLogGroupName and logs:DescribeLogGroups; with an S3 destination s3:PutObject on <s3BucketName>/<s3KeyPrefix>*, s3:GetEncryptionConfiguration on the bucket and kms:GenerateDataKey on the key; and, without NAT, interface endpoints for logs and kms in this VPC.',
  );
}

export interface WorkloadNetworkProps {
  /** Name tag of the VPC and prefix of its parts' names. */
  readonly name: string;
  /** IPv4 range of the VPC. */
  readonly cidr: string;
  /**
   * NAT gateways for the private subnets' way out (see PrivateNetworkProps). `none` also turns Session
   * Manager's interface endpoints on, whatever `network.interfaceEndpoints` says, and the DNS Firewall
   * unless `network.dnsFirewall` is `false`.
   */
  readonly natGateways: NatGatewayMode;
  /** Buckets outside the stack's own account that the S3 endpoint policy lets through, with their owners. */
  readonly allowedBuckets: readonly OwnedBucket[];
  /**
   * With `network.existing`, the workload stacks share one VPC, and AWS allows one S3 gateway endpoint
   * per route table and one private-DNS interface endpoint per service per VPC: exactly one stack owns
   * them (`owner`, whose S3 endpoint then also lets through the other stacks' `allowedBuckets`, since
   * every instance of the VPC sits behind it); the others only place their instance (`tenant`, naming
   * the owner). Without `network.existing` each stack has its own VPC and this is not used.
   */
  readonly sharedVpc:
    | { readonly role: "owner"; readonly allowedBuckets: readonly OwnedBucket[] }
    | { readonly role: "tenant"; readonly owner: string };
}

/** The first entry of each bucket (the two stacks' lists may name the same one). */
function uniqueBuckets(buckets: readonly OwnedBucket[]): OwnedBucket[] {
  return buckets.filter((entry, i) => buckets.findIndex((b) => b.bucket === entry.bucket) === i);
}

/** Construct id of the interface endpoints, beside the network (not inside it: an existing VPC has them too). */
const INTERFACE_ENDPOINTS_ID = "SessionManagerEndpoints";
/** Construct id of the DNS Firewall, beside the network for the same reason. */
const DNS_FIREWALL_ID = "DnsFirewall";

/**
 * The stack's network in its home account, and an S3 endpoint policy that lets only the home account's
 * principals reach its own buckets and `allowedBuckets`, and any credentials only read the AWS-owned
 * buckets the OS and SSM agent need: the data perimeter. The interface endpoints admit only the home
 * account's principals (see InterfaceEndpoints).
 *
 * Without `network.existing`: the stack's own PrivateNetwork (zones, exclusions, NAT and flow log
 * retention from `network`; construct ids and JSON as before that setting existed), plus Session
 * Manager's interface endpoints when `network.interfaceEndpoints` resolves on, and the DNS Firewall
 * when `network.dnsFirewall` does (dnsFirewallOn). With it: the given VPC and subnets
 * (ExistingNetwork, which checks at plan time that `routeTableIds` route the subnets); only the
 * `owner` creates the S3 gateway endpoint (on `routeTableIds`), the interface endpoints and the DNS
 * Firewall, each one per VPC.
 */
export function workloadNetwork(stack: GuardrailsStack, id: string, props: WorkloadNetworkProps): NetworkPlacement {
  const { config, offline } = stack;
  const existing = config.network.existing;
  // A stack that asks for no NAT (cross-account-s3 always does) has no other way to Session Manager.
  const endpointsOn = (!existing && props.natGateways === "none") || interfaceEndpointsOn(config.network);
  const perimeter = (allowedBuckets: readonly OwnedBucket[]) =>
    s3EndpointPolicy({ region: config.region, ownAccountId: stack.account.id, allowedBuckets });
  let placement: NetworkPlacement;
  const firewallOn = dnsFirewallOn(config.network, props.natGateways);
  if (existing) {
    const owner = props.sharedVpc.role === "owner";
    const allowed =
      props.sharedVpc.role === "owner"
        ? uniqueBuckets([...props.allowedBuckets, ...props.sharedVpc.allowedBuckets])
        : [];
    placement = new ExistingNetwork(stack, id, {
      vpcId: existing.vpcId,
      subnetIds: existing.subnetIds,
      region: config.region,
      offline,
      // Every stack checks the route tables, the tenant too: its instance sits in the first subnet,
      // behind the owner's endpoint, and the VPC's routes may change after the owner's deploy.
      routeTableIds: existing.routeTableIds,
      s3EndpointPolicy: owner ? perimeter(allowed) : undefined,
      checkInterfaceEndpoints: owner && endpointsOn,
    });
    if (props.sharedVpc.role === "tenant") {
      const { owner: ownerStack } = props.sharedVpc;
      Annotations.of(stack).addInfo(
        `network.existing: this stack builds no network; ${ownerStack} owns the shared VPC's endpoints${firewallOn ? " and DNS Firewall" : ""}, and its S3 gateway endpoint's policy is this instance's data perimeter (crossAccount.approvedBuckets included): deploy ${ownerStack} first.`,
      );
      return placement;
    }
  } else {
    placement = new PrivateNetwork(stack, id, {
      name: props.name,
      cidr: props.cidr,
      region: config.region,
      accountId: stack.account.id,
      availabilityZoneIds: config.network.availabilityZoneIds,
      excludeZoneIds: config.network.excludeZoneIds,
      offline,
      natGateways: props.natGateways,
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      s3EndpointPolicy: perimeter(props.allowedBuckets),
    });
  }
  if (endpointsOn) {
    new InterfaceEndpoints(stack, INTERFACE_ENDPOINTS_ID, {
      vpcId: placement.vpcId,
      vpcCidr: placement.vpcCidr,
      subnetIds: placement.privateSubnetIds,
      region: config.region,
      // The workload stacks' instances all belong to the workload account (stack.account): only its
      // principals and resources pass the endpoints, whichever stack owns them in a shared VPC.
      accountId: stack.account.id,
      services: interfaceEndpointServices(stack),
    });
  }
  if (firewallOn) {
    new DnsFirewall(stack, DNS_FIREWALL_ID, {
      vpcId: placement.vpcId,
      name: props.name,
      allowedDomains: allowedAwsDomains(config.region),
      // The VPC's failure mode is one setting per VPC: this stack's for its own VPC, the owner's for an
      // existing one (AWS's default there, too, is to fail closed).
      manageFailureMode: !existing,
    });
  }
  return placement;
}

export interface WorkloadInstanceProps {
  /** Name tag of the instance, its role and security group. */
  readonly name: string;
  /** What the instance's security group is for. @default - PrivateInstance's description */
  readonly securityGroupDescription?: string;
  /**
   * The role's S3 grant: the article's (`article`, every bucket), `scoped` to the home account's
   * buckets and these buckets, or `named`, these buckets alone, each pinned to its owner (see
   * scopedInstanceS3Policy, namedInstanceS3Policy). Every kind also gets protectedBucketDenies.
   */
  readonly s3Access:
    | { readonly kind: "article" }
    | { readonly kind: "scoped" | "named"; readonly allowedBuckets: readonly OwnedBucket[] };
  /**
   * `closed`: HTTPS only to the S3 gateway endpoint and the interface endpoints (see
   * PrivateInstanceProps.egress); `open`: HTTPS anywhere (the article).
   */
  readonly egress: "open" | "closed";
  /** See WorkloadStackProps.sessionLogging. @default - none */
  readonly sessionLogging?: SessionLogging;
}

/**
 * The closed egress of an instance in `network`: the S3 gateway endpoint's prefix list and the
 * interface endpoints' security group when this stack created them. A tenant of a shared VPC knows
 * neither: S3's prefix list is read by name (the same list every S3 gateway endpoint of the region
 * routes), and the endpoints are reached by the VPC range.
 */
function closedEgress(stack: GuardrailsStack, network: NetworkPlacement): InstanceEgress {
  const endpoints = stack.node.tryFindChild(INTERFACE_ENDPOINTS_ID);
  const interfaceEndpoints =
    endpoints instanceof InterfaceEndpoints
      ? { securityGroupId: endpoints.securityGroup.id }
      : { cidr: network.vpcCidr };
  if (network.s3Endpoint) {
    return { kind: "closed", s3PrefixListId: network.s3Endpoint.prefixListId, interfaceEndpoints };
  }
  const name = `com.amazonaws.${stack.config.region}.s3`;
  if (stack.offline) {
    Annotations.of(stack).addWarning(
      `Offline mode: the prefix list ${name} is not read; a placeholder id (${OFFLINE_S3_PREFIX_LIST_ID}) stands in the instance's S3 egress rule. An online plan reads it.`,
    );
    return { kind: "closed", s3PrefixListId: OFFLINE_S3_PREFIX_LIST_ID, interfaceEndpoints };
  }
  // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/ec2_managed_prefix_list
  const list = new DataAwsEc2ManagedPrefixList(stack, "S3PrefixList", { name });
  return { kind: "closed", s3PrefixListId: list.id, interfaceEndpoints };
}

/** Stands in offline for S3's managed prefix list id (the shape of one, owned by nobody). */
export const OFFLINE_S3_PREFIX_LIST_ID = "pl-00000000";

/**
 * The stack's PrivateInstance in the first private subnet of `network`, of the configured `instance`
 * type and image, with the S3 grant and HTTPS egress the stack asks for.
 * Creates the image lookup in `stack` (see instanceAmi), so call it once per stack.
 */
export function workloadInstance(
  stack: GuardrailsStack,
  id: string,
  network: NetworkPlacement,
  props: WorkloadInstanceProps,
): PrivateInstance {
  const { config, offline } = stack;
  const { region } = config;
  const access = props.s3Access;
  const grant =
    access.kind === "article"
      ? articleInstanceS3Policy()
      : access.kind === "scoped"
        ? scopedInstanceS3Policy({ region, ownAccountId: stack.account.id, allowedBuckets: access.allowedBuckets })
        : namedInstanceS3Policy({ region, allowedBuckets: access.allowedBuckets });
  const target = new PrivateInstance(stack, id, {
    vpcId: network.vpcId,
    subnetId: network.privateSubnetIds[0],
    ami: instanceAmi(stack, { instance: config.instance, offline }),
    instanceType: config.instance.type,
    project: config.project,
    name: props.name,
    securityGroupDescription: props.securityGroupDescription,
    // Whatever the grant, the evidence and state buckets stay out of reach (explicit denies).
    s3Policy: withStatements(
      grant,
      protectedBucketDenies({
        trailBucketPrefix: TRAIL_BUCKET_PREFIX,
        sessionBucketArn: props.sessionLogging?.s3?.bucketArn,
        stateBucket: config.state.backend === "s3" ? config.state.bucket : undefined,
      }),
    ),
    egress: props.egress === "closed" ? closedEgress(stack, network) : { kind: "open" },
    zones: network.instanceZones,
  });
  if (props.sessionLogging) {
    // Added here, beside the instance, rather than through PrivateInstanceProps: the policy pins the
    // session key's Decrypt to this instance's id, which exists only once the instance does. Same
    // construct path as before (`<id>/SessionLogging`), so the same Terraform address.
    new IamRolePolicy(target, "SessionLogging", {
      name: "session-logging",
      role: target.role.id,
      policy: toPolicyJson(
        instanceSessionLoggingPolicy(props.sessionLogging, { region, instanceId: target.instance.id }),
      ),
    });
  }
  return target;
}
