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
 * The AWS-owned buckets SSM Agent and the package manager read, by exact name: the agent signs its
 * requests to them with the instance profile, which then needs the permission ("SSM Agent
 * communications with AWS managed S3 buckets": with a VPC endpoint, grant it in the instance profile).
 */
function awsOwnedReads(region: string): PolicyStatement {
  return {
    Sid: "ReadAwsOwnedAgentBuckets",
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: awsOwnedBuckets(region).map((bucket) => `arn:aws:s3:::${bucket}/*`),
  };
}

/** List/read/write in each allowed bucket while the account configured for it owns it. */
function allowedBucketGrants(allowedBuckets: readonly OwnedBucket[]): PolicyStatement[] {
  return [...new Set(allowedBuckets.map((b) => b.accountId))].map((owner) => ({
    Sid: `ReadWriteAllowedBucketsOf${owner}`,
    Effect: "Allow",
    Action: INSTANCE_S3_ACTIONS,
    Resource: allowedBuckets
      .filter((b) => b.accountId === owner)
      .flatMap(({ bucket }) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
    Condition: { StringEquals: { "aws:ResourceAccount": owner } },
  }));
}

/**
 * The instance role's S3 access by default (`privateAccess.instanceS3Access: "named"`): read the
 * AWS-owned agent and package buckets, and list/read/write each allowed bucket while the account
 * configured for it owns it. No account-wide grant and no ListAllMyBuckets: a user of a session on the
 * instance, who holds this role, reaches the buckets the configuration names and no other bucket of the
 * account.
 */
export function namedInstanceS3Policy(props: {
  readonly region: string;
  readonly allowedBuckets: readonly OwnedBucket[];
}): PolicyDocument {
  return policy(awsOwnedReads(props.region), ...allowedBucketGrants(props.allowedBuckets));
}

/**
 * The instance role's S3 access with `privateAccess.instanceS3Access: "scoped"`: list the account's
 * buckets (ListAllMyBuckets has no resource type: `*` only), list/read/write only in buckets the
 * workload account owns (`aws:ResourceAccount`) and in each allowed bucket while the account configured
 * for it owns it, and read the AWS-owned agent and package buckets. A stolen session of this role
 * cannot copy data to a bucket of the thief's, even on a path the endpoint policy does not see (the
 * NAT, another region's S3 endpoint).
 */
export function scopedInstanceS3Policy(props: {
  readonly region: string;
  readonly ownAccountId: string;
  readonly allowedBuckets: readonly OwnedBucket[];
}): PolicyDocument {
  return policy(
    { Sid: "ListAllBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
    {
      Sid: "ReadWriteOwnAccountBuckets",
      Effect: "Allow",
      Action: INSTANCE_S3_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": props.ownAccountId } },
    },
    awsOwnedReads(props.region),
    ...allowedBucketGrants(props.allowedBuckets),
  );
}

/**
 * The buckets an instance role never reaches, whatever its S3 grant: the evidence and the state.
 * Their names are known without cross-stack references: the trail bucket by the fixed prefix the audit
 * stack gives Terraform (`bucket_prefix`: Terraform appends a unique suffix, so the name is matched as
 * `<prefix>*`; a bucket of anyone else's with that prefix is denied too, at no cost), the session
 * bucket by its ARN (the session-preferences stack's output, which the role's stack reads already), the
 * state bucket by `state.bucket`.
 */
export interface ProtectedBuckets {
  /** Name prefix of the trail bucket (stacks/audit.ts). */
  readonly trailBucketPrefix: string;
  /** ARN of the session transcripts bucket, when sessions are uploaded to S3. @default - none */
  readonly sessionBucketArn?: string;
  /** Name of the S3 state bucket, with `state.backend: "s3"`. @default - none */
  readonly stateBucket?: string;
}

/**
 * Explicit denies appended to the instance role's S3 policy in every mode, the article's included: an
 * explicit deny wins over any allow (the own-account grant, the article's `*`, a bucket policy), so a
 * session user holding the role reads, rewrites or deletes no log file, no other user's transcript and
 * no Terraform state (which holds every output and, with crossAccount.createAccessKey, a secret).
 * The session bucket keeps exactly what the agent's upload needs (see instanceSessionLoggingPolicy):
 * PutObject and GetEncryptionConfiguration; every other action on it, listing and reading included, is
 * denied (`NotAction` in a Deny: everything but those two).
 */
export function protectedBucketDenies(buckets: ProtectedBuckets): PolicyStatement[] {
  const trail = `arn:aws:s3:::${buckets.trailBucketPrefix}*`;
  const denied = [trail, `${trail}/*`];
  if (buckets.stateBucket !== undefined) {
    denied.push(`arn:aws:s3:::${buckets.stateBucket}`, `arn:aws:s3:::${buckets.stateBucket}/*`);
  }
  const statements: PolicyStatement[] = [
    { Sid: "DenyTrailAndStateBuckets", Effect: "Deny", Action: "s3:*", Resource: denied },
  ];
  if (buckets.sessionBucketArn !== undefined) {
    statements.push({
      Sid: "DenySessionBucketExceptUploads",
      Effect: "Deny",
      NotAction: ["s3:PutObject", "s3:GetEncryptionConfiguration"],
      Resource: [buckets.sessionBucketArn, `${buckets.sessionBucketArn}/*`],
    });
  }
  return statements;
}

/** `document` with `statements` appended. */
export function withStatements(document: PolicyDocument, statements: readonly PolicyStatement[]): PolicyDocument {
  return policy(...document.Statement, ...statements);
}

/** AWS managed policy that lets the SSM agent register the instance and carry sessions. */
export const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
