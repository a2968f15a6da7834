import { z } from "zod";
import { isObject } from "../tfjson/json";
import { awsRegions, isAwsRegion } from "./regions";

/**
 * The builders every section of the configuration (./schema.ts assembles them) makes its fields from,
 * and the kinds of value more than one section takes (account ids, regions, ARNs, buckets, retention
 * periods, Object Lock). Each validator carries the one sentence that says what is allowed;
 * `formatIssues` (./errors.ts) puts the field path and the received value in front of it.
 */

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION =
  /^(af|ap|ca|eu|il|me|mx|sa|us)-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9]$/;

export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

// IAM tag values: letters, digits, spaces and _ . : / = + - @ (the tag value is also compared by ABAC).
export const TAG_VALUE = /^[\p{L}\p{N} _.:/=+\-@]{1,256}$/u;
/** IAM user names: at most `max` of letters, digits and + = , . @ _ - (IAM allows 64). */
export const iamUserName = (max: number) => new RegExp(`^[A-Za-z0-9+=,.@_-]{1,${max}}$`);

/** S3 bucket naming rules (general purpose buckets). */
export function isBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith("xn--") &&
    !name.startsWith("sthree-") &&
    !name.endsWith("-s3alias") &&
    !name.endsWith("--ol-s3")
  );
}

/** An IPv4 CIDR whose prefix leaves room for the subnets the network construct carves out of it. */
export function isVpcCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) return false;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return address % 2 ** (32 - prefix) === 0;
}

/**
 * What a field's row in the configuration reference (docs/configuration.md) says: `description` is its meaning; `unset`, for an optional field
 * without a default, what happens when it is left out (the table shows "none" otherwise).
 */
export interface FieldDoc {
  readonly description: string;
  readonly unset?: string;
}
export const doc = <T extends z.ZodType>(schema: T, fieldDoc: FieldDoc): T => schema.meta({ ...fieldDoc });
export const code = (values: readonly unknown[]) => values.map((v) => `\`${String(v)}\``).join(", ");

// One validator per kind of value, each with the one sentence that says what is allowed.
export const str = (allowed: string) => z.string({ error: allowed });
export const pattern = (re: RegExp, allowed: string) => str(allowed).regex(re, { error: allowed });
export const satisfying = (test: (value: string) => boolean, allowed: string) =>
  str(allowed).refine(test, { error: allowed });
export const intFrom = (min: number, max: number, allowed: string) =>
  z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `use one of ${values.join(", ")}` });
export const bool = () => z.boolean({ error: "use true or false" });
export const unique = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `use a list of ${what}` }).refine((list) => new Set(list as unknown[]).size === list.length, {
    error: `list each of ${what} once (duplicates found)`,
  });
/** A strict object whose fields all have defaults or are optional, so `{}` is a valid section. */
export const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, { error: "use an object" });

/**
 * A Region id (`region`, `state.region`, `ssm.identityCenter.region`): shaped like a commercial Region,
 * and one AWS has opened (./regions.ts). One problem per value: the list is checked only for a value of
 * the right shape, whose message then names every Region.
 */
export const regionId = () =>
  pattern(REGION, "use an AWS commercial region id such as eu-west-1").refine(
    (region) => !REGION.test(region) || isAwsRegion(region),
    {
      error: () => `use a commercial Region AWS has opened: ${awsRegions().join(", ")} (the AWS SDK's partition data)`,
    },
  );
/**
 * What to say of an account id written as a JSON number (`"id": 111111111111`): JSON.parse turns it into
 * a number, and an id that starts with 0 cannot be written as one at all (RFC 8259 section 6: a number
 * has no leading zeros), so whoever wrote 12345678901 may have dropped the 0. The fix is the quoted
 * string. `undefined` for anything but a whole number that could have been an id.
 */
export function numericAccountIdHint(input: unknown): string | undefined {
  if (typeof input !== "number" || !Number.isSafeInteger(input) || input < 0 || input >= 1e12) return undefined;
  const digits = String(input);
  return digits.length === 12
    ? `it is a number; write it as a string in quotes, "${digits}": JSON numbers lose leading zeros`
    : `it is a number; write it as a string in quotes with all 12 digits, "${digits.padStart(12, "0")}" if the missing digits were leading zeros: JSON numbers lose them`;
}

/** A string matching `re` (an account id, or a value that may be one); a number gets the hint above. */
export const idPattern = (re: RegExp, allowed: string) =>
  z.string({ error: (issue) => numericAccountIdHint(issue.input) ?? allowed }).regex(re, { error: allowed });

export const accountId = idPattern(ACCOUNT_ID, "use a 12-digit AWS account id");
export const bucketName = satisfying(
  isBucketName,
  "use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)",
);
/**
 * A bucket outside the workload account, with the account that owns it. Bucket names are global and
 * can be squatted (a name deleted by its owner is free to anyone), so the S3 endpoint policy and the
 * instance role grant each one only while `aws:ResourceAccount` is this owner.
 */
export const ownedBucket = z.strictObject(
  {
    bucket: bucketName,
    accountId: idPattern(ACCOUNT_ID, "use the 12-digit id of the AWS account that owns the bucket"),
  },
  { error: 'use an object { "bucket": "<S3 bucket name>", "accountId": "<12-digit owner account id>" }' },
);
export type OwnedBucket = z.output<typeof ownedBucket>;
export const ownedBuckets = z
  .array(ownedBucket, { error: 'use a list of { "bucket", "accountId" } objects' })
  .superRefine(
    (list, ctx) => {
      const seen = new Set<unknown>();
      list.forEach((entry, i) => {
        if (!isObject(entry)) return;
        if (seen.has(entry.bucket)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "bucket"],
            input: entry.bucket,
            message: "list each bucket once (a bucket has one owner account)",
          });
        }
        seen.add(entry.bucket);
      });
    },
    { when: ({ value }) => Array.isArray(value) },
  );
export const cidr = satisfying(
  isVpcCidr,
  "use an IPv4 CIDR with a prefix from /16 to /24, aligned to its prefix (e.g. 10.0.0.0/16)",
);
export const retentionDays = z.union(
  LOG_RETENTION_DAYS.map((d) => z.literal(d)),
  { error: `use one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention periods)` },
);
export const tcpPort = intFrom(1, 65535, "use a TCP port from 1 to 65535");

// IAM users and roles by exact ARN: bucket and key policies take no wildcards in Principal, and S3/KMS
// refuse a policy naming a principal that does not exist.
export const IAM_USER_OR_ROLE_ARN =
  /^arn:aws:iam::\d{12}:(role|user)\/([A-Za-z0-9+=,.@_-]+\/)*[A-Za-z0-9+=,.@_-]{1,64}$/;
export const userOrRoleArns = unique(
  pattern(IAM_USER_OR_ROLE_ARN, "use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit"),
  "role or user ARNs",
);

/** S3 Object Lock retention modes (PutObjectLockConfiguration, DefaultRetention.Mode). */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];
// AWS takes a positive whole number of days; 36500 (100 years) bounds a typo such as an extra zero.
export const OBJECT_LOCK_MAX_DAYS = 36500;
/**
 * S3 Object Lock's default retention for an evidence bucket (`audit.objectLock`,
 * `ssm.sessionLogs.objectLock`): every new object version is kept unchanged for `retentionDays`.
 */
export const objectLockSchema = z.strictObject(
  {
    mode: doc(oneOf(OBJECT_LOCK_MODES), {
      description:
        "`GOVERNANCE`: nobody deletes or overwrites a version before it ages out unless granted s3:BypassGovernanceRetention (which the bucket policy denies to everyone); `COMPLIANCE`: nobody can, the root user included, and the retention can never be shortened",
    }),
    retentionDays: doc(
      intFrom(1, OBJECT_LOCK_MAX_DAYS, `use a whole number of days from 1 to ${OBJECT_LOCK_MAX_DAYS}`),
      { description: "days each new object version is locked" },
    ),
  },
  { error: 'use an object { "mode": "GOVERNANCE" | "COMPLIANCE", "retentionDays": <days> }' },
);
export type ObjectLockSettings = z.output<typeof objectLockSchema>;
