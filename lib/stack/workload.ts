import type { NatGatewayMode } from "../config";
import { instanceAmi } from "../constructs/ami";
import { PrivateInstance } from "../constructs/private-instance";
import { PrivateNetwork } from "../constructs/private-network";
import { articleInstanceS3Policy } from "../policies/instance-role";
import { s3EndpointPolicy } from "../policies/s3-endpoint";
import type { GuardrailsStack } from "./guardrails-stack";

/**
 * The two stacks with an instance (private-access, cross-account-s3) build their network and instance
 * from the same configuration sections; these functions are that shared part, so a new `network` or
 * `instance` setting reaches both stacks at once.
 */

export interface WorkloadNetworkProps {
  /** Name tag of the VPC and prefix of its parts' names. */
  readonly name: string;
  /** IPv4 range of the VPC. */
  readonly cidr: string;
  /** NAT gateways for the private subnets' way out (see PrivateNetworkProps). */
  readonly natGateways: NatGatewayMode;
  /** Buckets outside the stack's own account that the S3 endpoint policy lets through. */
  readonly allowedBuckets: readonly string[];
}

/**
 * The stack's PrivateNetwork in its home account: zones, exclusions and flow log retention from
 * `network`, and an S3 endpoint policy that lets any credentials reach only the home account's own
 * buckets, `allowedBuckets` and the AWS-owned buckets the OS and SSM agent need: the data perimeter.
 */
export function workloadNetwork(stack: GuardrailsStack, id: string, props: WorkloadNetworkProps): PrivateNetwork {
  const { config, offline } = stack;
  return new PrivateNetwork(stack, id, {
    name: props.name,
    cidr: props.cidr,
    region: config.region,
    availabilityZoneIds: config.network.availabilityZoneIds,
    excludeZoneIds: config.network.excludeZoneIds,
    offline,
    natGateways: props.natGateways,
    flowLogRetentionDays: config.network.flowLogRetentionDays,
    s3EndpointPolicy: s3EndpointPolicy({
      region: config.region,
      ownAccountIds: [stack.account.id],
      allowedBuckets: props.allowedBuckets,
    }),
  });
}

export interface WorkloadInstanceProps {
  /** Name tag of the instance, its role and security group. */
  readonly name: string;
  /** What the instance's security group is for. @default - PrivateInstance's description */
  readonly securityGroupDescription?: string;
}

/**
 * The stack's PrivateInstance in the first private subnet of `network`, of the configured `instance`
 * type and image. Its role may read and write any bucket, as in the article: IAM in the workload
 * account does not stop it, so what does (the endpoint policy, the bucket owner's policy) is visible.
 * Creates the image lookup in `stack` (see instanceAmi), so call it once per stack.
 */
export function workloadInstance(
  stack: GuardrailsStack,
  id: string,
  network: PrivateNetwork,
  props: WorkloadInstanceProps,
): PrivateInstance {
  const { config, offline } = stack;
  return new PrivateInstance(stack, id, {
    vpcId: network.vpc.id,
    subnetId: network.privateSubnets[0].id,
    ami: instanceAmi(stack, { instance: config.instance, offline }),
    instanceType: config.instance.type,
    project: config.project,
    name: props.name,
    securityGroupDescription: props.securityGroupDescription,
    s3Policy: articleInstanceS3Policy(),
  });
}
