import type { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";

/**
 * What a stack needs from a network to place its EC2 Instance Connect Endpoint, instance and interface
 * endpoints in it: a created PrivateNetwork and an organisation's existing VPC (ExistingNetwork) both
 * provide it, so the stacks do not care which one they got.
 */
export interface NetworkPlacement {
  /** The VPC the security groups belong to. */
  readonly vpcId: string;
  /** One or two private subnets; the EICE and the instance go in the first. */
  readonly privateSubnetIds: readonly string[];
  /**
   * The private subnets' IPv4 ranges, for the EICE operator policy's `ec2-instance-connect:privateIpAddress`
   * condition: literals for a created network, plan-time references for an existing one.
   */
  readonly privateSubnetCidrs: readonly string[];
  /** The VPC's IPv4 range: the only source the interface endpoints' security group admits. */
  readonly vpcCidr: string;
  /** The S3 gateway endpoint with the data-perimeter policy, when this stack owns one. */
  readonly s3Endpoint?: VpcEndpoint;
  /** Where the stack's instance may go, for the plan-time check that its type is offered there. */
  readonly instanceZones: InstanceZones;
}

/**
 * The zones a network lets an instance be placed in. `checked`: the zone IDs (literals, or references
 * read at plan time) and what to change, naming the configuration fields, when one does not offer the
 * instance's type. `offline`: nothing may be read from AWS, so nothing is checked (with a warning).
 */
export type InstanceZones =
  | { readonly kind: "checked"; readonly zoneIds: readonly string[]; readonly fix: string }
  | { readonly kind: "offline" };
