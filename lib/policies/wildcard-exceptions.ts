/**
 * Statements allowed to `Allow` write actions on `Resource: "*"`, by Sid, each with the reason a reviewer
 * accepted. Policy lint (__tests__/proofs/policy-lint.test.ts) fails on any such statement whose Sid is
 * not listed here. Plain data: lib/ must not import the simulator the lint runs on.
 */
export const WILDCARD_WRITE_EXCEPTIONS: Readonly<Record<string, string>> = {
  ArticleS3ReadWriteAnyBucket:
    "The article's instance role reads and writes any bucket on purpose: the cross-account demonstration needs a role its own account does not stop, so that the bucket policy and the S3 endpoint policy are what stop it.",
  ReadWriteOwnAccountBuckets:
    "The scoped instance role: S3 has no ARN for 'every bucket of one account', so the wildcard is limited by aws:ResourceAccount to the workload account's own buckets.",
  OwnAccountBuckets:
    "S3 endpoint policy: it grants nothing by itself, it caps what passes the endpoint, and aws:ResourceAccount limits the wildcard to the workload account's own buckets.",
  OwnAccountPrincipalsAndResources:
    "Interface endpoint policy (ssm, logs, kms): it grants nothing by itself, it caps what passes the endpoint; aws:PrincipalAccount and aws:ResourceAccount limit the wildcard to the workload account's principals acting on its own resources.",
  OwnAccountPrincipals:
    "Interface endpoint policy (ssmmessages, ec2messages): it grants nothing by itself, it caps what passes the endpoint; these services name no resources, so aws:PrincipalAccount limits the wildcard to the workload account's principals.",
};
