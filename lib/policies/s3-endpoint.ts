import { assertPolicySize, policy, POLICY_SIZE_LIMITS, type PolicyDocument, type PolicyStatement } from "./document";

export interface S3EndpointPolicyProps {
  /** Region of the endpoint: the AWS-owned buckets are regional. */
  readonly region: string;
  /** Accounts whose buckets are inside the perimeter (the workload account). */
  readonly ownAccountIds: readonly string[];
  /** Buckets outside those accounts that are approved anyway. */
  readonly allowedBuckets: readonly string[];
}

/**
 * Buckets AWS owns that an instance needs through the S3 endpoint: Amazon Linux 2023 package
 * repositories and the SSM agent's own buckets (agent updates, documents, patch baselines).
 * Read-only: nothing in the VPC writes to them.
 */
export function awsOwnedBuckets(region: string): string[] {
  return [
    `al2023-repos-${region}-*`,
    `amazon-ssm-${region}`,
    `aws-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `patch-baseline-snapshot-${region}`,
    `aws-ssm-document-attachments-${region}`,
  ];
}

const bucketAndObjects = (bucket: string) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];

/**
 * The data perimeter on an S3 gateway endpoint. An endpoint policy grants nothing by itself; it caps
 * what any credentials, including another account's keys, can reach through this VPC: own-account
 * buckets, approved buckets, and the AWS-owned buckets the OS and SSM agent need.
 */
export function s3EndpointPolicy(props: S3EndpointPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "OwnAccountBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": [...props.ownAccountIds] } },
    },
  ];
  if (props.allowedBuckets.length > 0) {
    statements.push({
      Sid: "ApprovedBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: props.allowedBuckets.flatMap(bucketAndObjects),
    });
  }
  statements.push({
    Sid: "AwsOwnedRepositoryAndAgentBuckets",
    Effect: "Allow",
    Principal: "*",
    Action: ["s3:GetObject", "s3:ListBucket"],
    Resource: awsOwnedBuckets(props.region).flatMap(bucketAndObjects),
  });
  const document = policy(...statements);
  assertPolicySize(document, POLICY_SIZE_LIMITS.vpcEndpoint, "The S3 endpoint policy");
  return document;
}
