import { policy, type PolicyStatement } from "./document";

/**
 * Name prefixes of the two evidence buckets (Terraform's `bucket_prefix` appends a unique suffix).
 * Fixed and shared: the instance roles deny the trail bucket by its prefix (protectedBucketDenies)
 * without reading the audit stack's state, so renaming one here readdresses nothing but must stay
 * in step with the buckets already deployed (a changed prefix replaces the bucket).
 */
export const TRAIL_BUCKET_PREFIX = "ec2-access-guardrails-trail-";
export const SESSION_BUCKET_PREFIX = "ec2-access-guardrails-sessions-";

/** `arn:aws:s3:::bucket` and `arn:aws:s3:::bucket/*`: bucket-level and object-level actions. */
export function bucketAndObjectArns(bucketArn: string): [string, string] {
  return [bucketArn, `${bucketArn}/*`];
}

/** Deny every request that does not use TLS (Security Hub S3.5). */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: bucketAndObjectArns(bucketArn),
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** A bucket policy: TLS-only first, then the grants the bucket's stack needs. */
export function lockedBucketPolicy(bucketArn: string, grants: readonly PolicyStatement[]) {
  return policy(denyInsecureTransport(bucketArn), ...grants);
}

/**
 * Every action that writes, overwrites, retags, deletes or replicates an object (or one of its
 * versions). The wildcards also catch object actions S3 adds later under the same verbs; the ACL actions
 * are covered though BucketOwnerEnforced already disables ACLs, in case ownership controls change.
 */
export const OBJECT_WRITE_ACTIONS = [
  "s3:PutObject*",
  "s3:DeleteObject*",
  "s3:Replicate*",
  "s3:BypassGovernanceRetention",
] as const;

/**
 * Deny object writes and deletes in the bucket to every principal but one AWS service principal.
 * `aws:PrincipalServiceName` is in the request context only when a service principal calls directly
 * (IAM User Guide, "AWS global condition context keys"), so `...IfExists` denies every IAM user, role and
 * session (the key is absent) and every other service; a principal cannot set the key itself. AWS
 * advises against `NotPrincipal` with Deny, hence `Principal: "*"` and the condition.
 */
export function denyObjectWritesExceptService(bucketArn: string, service: string, sid: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: [...OBJECT_WRITE_ACTIONS],
    Resource: `${bucketArn}/*`,
    Condition: { StringNotEqualsIfExists: { "aws:PrincipalServiceName": service } },
  };
}

/**
 * Deny bucket-level actions to every principal but the listed ones (by `aws:PrincipalArn`, the role
 * itself for its sessions); with none listed, to everyone. The bucket owner's root user keeps
 * PutBucketPolicy/DeleteBucketPolicy whatever a bucket policy says (S3 API Reference, PutBucketPolicy),
 * so a deny here can always be lifted by changing the policy.
 */
export function denyBucketActionsExcept(
  bucketArn: string,
  actions: readonly string[],
  principalArns: readonly string[],
  sid: string,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: [...actions],
    Resource: bucketArn,
    ...(principalArns.length > 0 ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [...principalArns] } } } : {}),
  };
}
