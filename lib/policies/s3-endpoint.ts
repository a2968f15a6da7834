import type { OwnedBucket } from "../config";
import { assertPolicySize, policy, POLICY_SIZE_LIMITS, type PolicyDocument, type PolicyStatement } from "./document";

export interface S3EndpointPolicyProps {
  /** Region of the endpoint: the AWS-owned buckets are regional. */
  readonly region: string;
  /** The workload account: its buckets are inside the perimeter, for its own principals only. */
  readonly ownAccountId: string;
  /**
   * Buckets of other accounts that are approved anyway, each pinned to its owner account and, like the
   * workload's own buckets, reachable by the workload account's principals only.
   */
  readonly allowedBuckets: readonly OwnedBucket[];
}

/**
 * Suffix of the Amazon Linux 2023 package repository bucket, `al2023-repos-<region>-de612dc2`: the
 * same in every region, as AL2023's documentation gives the bucket for S3 gateway endpoint policies
 * (https://docs.aws.amazon.com/linux/al2023/ug/managing-repos-os-updates.html, and the AL2023 FAQ on
 * "repositories through a VPC endpoint"). A constant, so that a change by AWS is one line here.
 */
export const AL2023_REPOSITORY_BUCKET_SUFFIX = "de612dc2";

/**
 * Buckets AWS owns that an instance needs through the S3 endpoint, by exact name (a prefix such as
 * `al2023-repos-<region>-*` would also match a bucket anyone creates with that name): the Amazon Linux
 * 2023 package repositories, and the buckets AWS lists for SSM Agent ("SSM Agent communications with AWS
 * managed S3 buckets",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions):
 * agent updates and documents (`amazon-ssm-`, `aws-ssm-`, `amazon-ssm-packages-`), Distributor files,
 * document attachments, patch baseline snapshots and the `birdwatcher` buckets of Distributor packages.
 */
export function awsOwnedBuckets(region: string): string[] {
  return [
    `al2023-repos-${region}-${AL2023_REPOSITORY_BUCKET_SUFFIX}`,
    `amazon-ssm-${region}`,
    `aws-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `patch-baseline-snapshot-${region}`,
    `aws-ssm-document-attachments-${region}`,
    `aws-ssm-distributor-file-${region}`,
  ];
}

const bucketAndObjects = (bucket: string) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];

/**
 * The data perimeter on an S3 gateway endpoint. An endpoint policy grants nothing by itself; it caps
 * what any credentials, including another account's keys, can reach through this VPC:
 * - the workload account's own buckets, for the workload account's own principals only
 *   (`aws:PrincipalAccount`): another account's keys on an instance here cannot use the endpoint to
 *   read this account's buckets (nor, being outside it, write to them for their own account);
 * - each approved bucket, only while the account configured for it owns it (`aws:ResourceAccount`):
 *   a bucket of the same name re-created by someone else after its owner deleted it is outside; and
 *   only for the workload account's principals, like its own buckets: the approval is for the workload's
 *   requests, not for whoever owns the bucket;
 * - the AWS-owned buckets the OS and SSM agent read, by exact name and `s3:GetObject` only (AWS
 *   documents object ARNs only for them: nothing lists or writes).
 *
 * The own-account statement pins the principal to the account, not to `orgPerimeter.organizationId`:
 * every instance behind this endpoint belongs to the workload account (both workload stacks deploy
 * there), so a principal of any other account, even in the organisation, has no business here.
 */
export function s3EndpointPolicy(props: S3EndpointPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "OwnAccountBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:ResourceAccount": props.ownAccountId, "aws:PrincipalAccount": props.ownAccountId },
      },
    },
  ];
  const owners = [...new Set(props.allowedBuckets.map((b) => b.accountId))];
  for (const owner of owners) {
    const buckets = props.allowedBuckets.filter((b) => b.accountId === owner).map((b) => b.bucket);
    statements.push({
      Sid: `ApprovedBucketsOf${owner}`,
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: buckets.flatMap(bucketAndObjects),
      // The caller too: without it the owner's own keys, brought onto an instance here, would pass and
      // could write the workload's data into the approved bucket as a request of the owner's account.
      Condition: { StringEquals: { "aws:ResourceAccount": owner, "aws:PrincipalAccount": props.ownAccountId } },
    });
  }
  statements.push({
    Sid: "AwsOwnedRepositoryAndAgentBuckets",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: awsOwnedBuckets(props.region).map((bucket) => `arn:aws:s3:::${bucket}/*`),
  });
  const document = policy(...statements);
  assertPolicySize(document, POLICY_SIZE_LIMITS.vpcEndpoint, "The S3 endpoint policy");
  return document;
}
