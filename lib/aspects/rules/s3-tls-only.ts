import { isObject, policyDocuments, statementActions, statementsOf, strings, type Statement } from "../../tfjson";
import type { Rule } from "../rule";

/** `Deny * s3:* when aws:SecureTransport is false`: what Security Hub S3.5 looks for. */
function deniesInsecureTransport(s: Statement): boolean {
  const everyone = s.Principal === "*" || (isObject(s.Principal) && strings(s.Principal.AWS).includes("*"));
  const allS3 = statementActions(s).some((a) => a === "s3:*" || a === "*");
  const secureTransport = s.Condition?.Bool?.["aws:SecureTransport"];
  const onInsecure = strings(secureTransport).includes("false") || secureTransport === false;
  return s.Effect === "Deny" && everyone && allS3 && onInsecure;
}

export const S3_TLS_ONLY: Rule = {
  id: "S3_TLS_ONLY",
  mirrors: ["S3.5"],
  reason:
    "Without a TLS-only bucket policy, requests over plain HTTP are accepted and can be read or altered in transit.",
  fix: 'Attach a bucket policy that denies s3:* to Principal "*" when aws:SecureTransport is "false" (lockedBucketPolicy in lib/policies/s3-bucket.ts).',
  appliesTo: ["aws_s3_bucket"],
  check(bucket, stack) {
    const policies = [
      bucket.config.policy,
      ...stack.referencing(bucket, "aws_s3_bucket_policy", "bucket").map((p) => p.config.policy),
    ];
    const statements = policies
      .flatMap((p) => (p === undefined ? [] : policyDocuments(p, stack)))
      .flatMap(statementsOf);
    return statements.some(deniesInsecureTransport) ? "compliant" : "non-compliant";
  },
};
