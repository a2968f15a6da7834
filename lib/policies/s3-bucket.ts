import { policy, type PolicyStatement } from "./document";

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
