import type { OwnedBucket } from "../config";
import { policy, serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./document";
import { awsOwnedBuckets } from "./s3-endpoint";

/** Trust policy letting EC2 assume a role for an instance profile. */
export function ec2TrustPolicy(): PolicyDocument {
  return serviceTrustPolicy("ec2.amazonaws.com", "Ec2AssumesInstanceRole");
}

/**
 * The instance role's S3 access as the article grants it: list every bucket, read and write objects in
 * any bucket. Broad on purpose: the cross-account demonstration needs a role that IAM in its own account
 * does not stop, so that what stops it (the bucket owner's policy, the VPC endpoint policy) is visible.
 * The Sid is the key under which policy lint records this reason.
 */
export function articleInstanceS3Policy(): PolicyDocument {
  return policy(
    {
      Sid: "ListAllBuckets",
      Effect: "Allow",
      Action: "s3:ListAllMyBuckets",
      Resource: "*",
    },
    {
      Sid: "ArticleS3ReadWriteAnyBucket",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
      Resource: "*",
    },
  );
}

const INSTANCE_S3_ACTIONS = ["s3:ListBucket", "s3:GetObject", "s3:PutObject"];

/**
 * The instance role's S3 access by default (`privateAccess.instanceS3Access: "scoped"`): list the
 * account's buckets (ListAllMyBuckets has no resource type: `*` only), and list/read/write objects only
 * in buckets the workload account owns (`aws:ResourceAccount`) and in each allowed bucket while the
 * account configured for it owns it. A stolen session of this role cannot copy data to a bucket of the
 * thief's, even on a path the endpoint policy does not see (the NAT, another region's S3 endpoint).
 * It also reads the AWS-owned buckets the endpoint policy admits: SSM Agent signs its requests to them
 * with the instance profile, which then needs the permission ("SSM Agent communications with AWS
 * managed S3 buckets": with a VPC endpoint, grant it in the instance profile).
 */
export function scopedInstanceS3Policy(props: {
  readonly region: string;
  readonly ownAccountId: string;
  readonly allowedBuckets: readonly OwnedBucket[];
}): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "ListAllBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
    {
      Sid: "ReadWriteOwnAccountBuckets",
      Effect: "Allow",
      Action: INSTANCE_S3_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": props.ownAccountId } },
    },
  ];
  statements.push({
    Sid: "ReadAwsOwnedAgentBuckets",
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: awsOwnedBuckets(props.region).map((bucket) => `arn:aws:s3:::${bucket}/*`),
  });
  for (const owner of [...new Set(props.allowedBuckets.map((b) => b.accountId))]) {
    const buckets = props.allowedBuckets.filter((b) => b.accountId === owner).map((b) => b.bucket);
    statements.push({
      Sid: `ReadWriteAllowedBucketsOf${owner}`,
      Effect: "Allow",
      Action: INSTANCE_S3_ACTIONS,
      Resource: buckets.flatMap((bucket) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
      Condition: { StringEquals: { "aws:ResourceAccount": owner } },
    });
  }
  return policy(...statements);
}

/** AWS managed policy that lets the SSM agent register the instance and carry sessions. */
export const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
