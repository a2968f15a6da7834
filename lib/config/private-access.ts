import { doc, oneOf, ownedBuckets, section } from "./fields";

/** `privateAccess`: what the private-access instance role may reach in S3. */

/**
 * The private-access instance role's S3 grant (`privateAccess.instanceS3Access`): `named`, only the
 * buckets of `privateAccess.allowedBuckets` (each pinned to its owner) and the AWS-owned buckets the
 * agent and package manager read; `scoped`, also every bucket of the workload account; `article`, the
 * article's list/read/write on every bucket. In every mode an explicit deny keeps the trail, session
 * transcript and S3 state buckets out of the role's reach (lib/policies/instance-role.ts).
 */
export const INSTANCE_S3_ACCESS = ["named", "scoped", "article"] as const;
export type InstanceS3Access = (typeof INSTANCE_S3_ACCESS)[number];

export const privateAccessSchema = section({
  allowedBuckets: doc(ownedBuckets.default([]), {
    description:
      'buckets the private-access instance role may list, read and write, each as `{ "bucket", "accountId" }` of its owner (requests reach it only while that account owns it); buckets of other accounts also pass the S3 endpoint',
  }),
  instanceS3Access: doc(oneOf(INSTANCE_S3_ACCESS).default("named"), {
    description:
      "the instance role's S3 grant: `named`, list/read/write on `allowedBuckets` only, and reads of the AWS-owned agent and package buckets; `scoped`, also every bucket of the workload account; `article`, list/read/write on every bucket (the article's choice). In every mode the role is denied the trail, session transcript and S3 state buckets",
  }),
});
