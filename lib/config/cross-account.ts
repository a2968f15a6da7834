import type { z } from "zod";
import { bool, cidr, doc, iamUserName, ownedBuckets, pattern, section } from "./fields";

/** `crossAccount`: the cross-account-s3 demonstration (a data account's bucket and user). */

const PGP_KEY = /^(keybase:[A-Za-z0-9_]{1,64}|[A-Za-z0-9+/=\s]{64,})$/;

export const crossAccountSchema = section({
  createAccessKey: doc(bool().default(false), {
    description: "create an access key for the data account's user (opt-in; secret only as a sensitive output)",
  }),
  pgpKey: doc(pattern(PGP_KEY, "use keybase:<user> or a base64-encoded PGP public key").optional(), {
    description: "PGP key (`keybase:<user>` or base64) to encrypt that secret",
  }),
  approvedBuckets: doc(ownedBuckets.default([]), {
    description:
      'buckets of other accounts the workload VPC\'s S3 endpoint lets through besides its own account\'s, each as `{ "bucket", "accountId" }` of its owner',
  }),
  vpcCidr: doc(cidr.default("10.1.0.0/16"), { description: "the demo workload VPC's range" }),
  userName: doc(
    pattern(iamUserName(64), "use an IAM user name (1-64 of letters, digits, + = , . @ _ -)").default(
      "data-account-user",
    ),
    { description: "the data account's IAM user" },
  ),
  // The proper cross-account pattern (bucket policy also grants the workload's instance role);
  // off by default so the deployed demo shows the AccessDenied the article starts from.
  grantWorkloadRole: doc(bool().default(false), {
    description:
      "also grant B's instance role list/read/write in A's bucket policy: the proper cross-account pattern (off so the demo starts from the AccessDenied)",
  }),
});

/** A PGP key only encrypts the access key `crossAccount.createAccessKey` creates. */
export function crossAccountIssues(crossAccount: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (crossAccount.pgpKey !== undefined && crossAccount.createAccessKey !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["crossAccount", "pgpKey"],
      input: crossAccount.pgpKey,
      message: "remove it, or set crossAccount.createAccessKey to true: it only encrypts a created key",
    });
  }
}
