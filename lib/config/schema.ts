import { z } from "zod";
import { isObject } from "../tfjson/json";
import { AL2023_AMI_PARAMETERS, instanceArchitecture, isMacType, parameterArchitecture } from "./instance-types";
import { CONSTRAINED_ZONE_IDS, ZONE_ID, zoneIdInRegion, zoneIdPrefix } from "./zones";
import { isPlaceholderAccount } from "./placeholders";

/**
 * The configuration contract. Every leaf carries the sentence that tells a person what is allowed
 * (`formatIssues` in ./errors.ts puts the field path and the received value in front of it) and, in
 * `.meta()`, the description the README's configuration table is generated from (scripts/docs.ts).
 * Each default is written once, on its field: sections default to `{}` parsed through the section
 * (`prefault`), so a section left out gets exactly the field defaults a section written `{}` gets.
 * Objects are strict: an unknown key is a typo until proven otherwise.
 */

export const SCP_VARIANTS = [
  "deny-eice",
  "deny-eice-except-describe",
  "deny-eice-and-eic",
  "deny-all-instance-connect",
] as const;
export type ScpVariant = (typeof SCP_VARIANTS)[number];

/**
 * What the ssm-* users get besides Session Manager (`ssm.userAccess`): only the Describe/Get calls the
 * Session Manager console needs (AWS's quickstart end-user policy), or the article's AWS managed
 * `ReadOnlyAccess`, which reads every bucket, parameter and log of the account.
 */
export const SSM_USER_ACCESS = ["session-only", "read-only"] as const;
export type SsmUserAccess = (typeof SSM_USER_ACCESS)[number];

/**
 * Which sessions count as the user's own for Terminate/Resume (`ssm.ownSessions`): the article's
 * name prefix `session/${aws:username}-*` alone, which user `alice` also matches on `alice-admin`'s
 * sessions, or that prefix AND the session's AWS-applied `aws:ssmmessages:session-id` tag equal to the
 * caller's unique id (lib/policies/ssm.ts says why).
 */
export const SSM_OWN_SESSION_RULES = ["session-id-tag", "name-prefix"] as const;
export type SsmOwnSessionRule = (typeof SSM_OWN_SESSION_RULES)[number];

/**
 * Who owns Session Manager's preferences document `SSM-SessionManagerRunShell` in the workload account
 * and region (`ssm.sessionPreferences`): `manage`, the session-preferences stack (logged, encrypted
 * sessions); `adopt`, the same, for an account where the document already exists (saved once in the
 * console): the stack takes it over with a Terraform `import` block instead of failing to create it;
 * `existing`, somebody else (the console or another tool): this project leaves it alone.
 */
export const SSM_SESSION_PREFERENCES = ["manage", "adopt", "existing"] as const;
export type SsmSessionPreferences = (typeof SSM_SESSION_PREFERENCES)[number];

/** True when the session-preferences stack owns the preferences document (`manage`, or `adopt`ed). */
export function managesSessionPreferences(ssm: Pick<Config["ssm"], "sessionPreferences">): boolean {
  return ssm.sessionPreferences !== "existing";
}

/**
 * Who the ssm-* stacks give Session Manager to (`ssm.principals`): the articles' IAM user, group and
 * policy, or an IAM Identity Center permission set assigned to an Identity Store group.
 */
export const SSM_PRINCIPALS = ["iam-user", "identity-center"] as const;
export type SsmPrincipals = (typeof SSM_PRINCIPALS)[number];

/**
 * What each ssm-* stack appends to `ssm.identityCenter.permissionSetPrefix` to name its permission set.
 * Permission set names are unique per Identity Center instance, the whole organisation's, and at most
 * 32 of `[\w+=,.@-]` (CreatePermissionSet, Name), so the prefix may use 32 minus the longest suffix.
 */
export const PERMISSION_SET_SUFFIXES = {
  "ssm-instance-arn": "instance-arn",
  "ssm-fixed-tag": "fixed-tag",
  "ssm-abac": "abac",
} as const;
export const DEFAULT_PERMISSION_SET_PREFIX = "guardrails-ssm-";
const PERMISSION_SET_PREFIX_MAX = 32 - Math.max(...Object.values(PERMISSION_SET_SUFFIXES).map((s) => s.length));

/** The Identity Center user attribute ABAC reads `Project` from by default (`ssm.identityCenter.projectAttribute`). */
export const DEFAULT_PROJECT_ATTRIBUTE = "enterprise.department";

/**
 * Where the credentials cdktf runs with come from, and so how every provider reaches its account
 * (`credentials`; lib/constructs/account-provider.ts resolves it):
 * - `management`: they are the management account's. The management account is reached with them (or
 *   its own `profile` / `roleArn`); every other account without a `profile` or `roleArn` through its
 *   `OrganizationAccountAccessRole`, assumed with the management account's credentials. One set of
 *   credentials reaches every provider of every stack.
 * - `per-stack`: each stack runs with its own account's credentials (a pipeline with one role per
 *   account): a stack's providers for its own account take them, a provider for any other account needs
 *   that account's `profile` or `roleArn`.
 */
export const CREDENTIAL_SOURCES = ["management", "per-stack"] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

export const NAT_GATEWAY_MODES = ["none", "single", "per-az"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const ACCOUNT_ID = /^\d{12}$/;
const REGION =
  /^(af|ap|ca|eu|il|me|mx|sa|us)-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9]$/;
const PROFILE = /^[A-Za-z0-9_.+@-]{1,64}$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const PRINCIPAL_ARN = /^arn:aws:(iam|sts)::(\d{12}|\*):[A-Za-z0-9+=,.@_/*-]{1,512}$/;
// An IAM role ARN or role ARN pattern (account may be `*`), usable both as `aws:PrincipalArn` and as a
// `Resource` of the IAM role actions.
const ROLE_ARN_PATTERN = /^arn:aws:iam::(\d{12}|\*):role\/[A-Za-z0-9+=,.@_/*-]{1,512}$/;
// AWS Organizations organization ids: `o-` and 10-32 lowercase letters or digits (Organizations API
// reference, Organization.Id pattern ^o-[a-z0-9]{10,32}$).
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
// IAM tag values: letters, digits, spaces and _ . : / = + - @ (the tag value is also compared by ABAC).
const TAG_VALUE = /^[\p{L}\p{N} _.:/=+\-@]{1,256}$/u;
/** IAM user names: at most `max` of letters, digits and + = , . @ _ - (IAM allows 64). */
const iamUserName = (max: number) => new RegExp(`^[A-Za-z0-9+=,.@_-]{1,${max}}$`);
/**
 * What the ssm-* stacks append to `ssm.userName`: the three stacks share an account, and IAM user
 * names are unique per account. The separator is `_`, not `-`: session ids are `<user name>-<id>`, and
 * the own-session rule `session/${aws:username}-*` of user `TestUserA` would match a user named
 * `TestUserA-abac`, but never `TestUserA_abac`.
 */
export const SSM_USER_SUFFIXES = {
  "ssm-instance-arn": "",
  "ssm-fixed-tag": "_fixed-tag",
  "ssm-abac": "_abac",
} as const;
const SSM_USER_NAME_MAX = 64 - Math.max(...Object.values(SSM_USER_SUFFIXES).map((s) => s.length));
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,2047}$/;
const OS_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
// Organizations target ids: a root (r-), an OU (ou-<root>-<ou>) or a 12-digit account.
const SCP_TARGET = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const PGP_KEY = /^(keybase:[A-Za-z0-9_]{1,64}|[A-Za-z0-9+/=\s]{64,})$/;

/**
 * Stack ids are at most this long (`session-preferences`); a test holds every stack id to it. State keys
 * and HCP Terraform workspace names append the stack id to a configured prefix, so the prefixes'
 * limits leave this much room.
 */
export const STACK_ID_MAX_LENGTH = 19;
export const STATE_BACKENDS = ["local", "s3", "cloud"] as const;
export type StateBackend = (typeof STATE_BACKENDS)[number];
/** Where `state.keyPrefix` puts the stacks' state objects unless told otherwise. */
export const DEFAULT_STATE_KEY_PREFIX = "ec2-access-guardrails/";
/** HCP Terraform; Terraform Enterprise users name their own host. */
export const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";
// HCP Terraform workspace names: letters, digits, - and _, at most 90 characters
// (developer.hashicorp.com/terraform/cloud-docs/workspaces/create: "Workspace names ... can only include
// letters, numbers, -, and _" and "must be 90 characters or less"); organization names use the same set.
const CLOUD_WORKSPACE_MAX = 90;
const CLOUD_NAME = /^[A-Za-z0-9_-]*$/;
// Key prefixes: path segments of S3's safe characters, each ending in "/". The S3 backend refuses a key
// that starts or ends with "/" or contains "//" (developer.hashicorp.com/terraform/language/backend/s3,
// `key`), and "." / ".." segments name no folder anyone means.
const KEY_PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;
const KEY_PREFIX_MAX = 512;
// A KMS key or alias, by ARN: the key must be in the bucket's Region for SSE-KMS (checked below).
const KMS_KEY_ARN =
  /^arn:aws:kms:([a-z]{2}-[a-z]+-\d):(\d{12}):(key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]{1,250})$/;
const HOSTNAME =
  /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?$/;

/** S3 bucket naming rules (general purpose buckets). */
function isBucketName(name: string): boolean {
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
function isVpcCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) return false;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return address % 2 ** (32 - prefix) === 0;
}

/**
 * Cross-field checks run even when unrelated fields are invalid (zod skips them by default), so one pass
 * reports every problem; they need only the fields they read to have the right shape.
 */
function crossFieldInputsReadable(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.accounts) || !isObject(value.scp) || !isObject(value.crossAccount))
    return false;
  const { accounts } = value;
  return ["workload", "management", "data"].every((k) => isObject(accounts[k]));
}

/**
 * What a field's row in the README says: `description` is its meaning; `unset`, for an optional field
 * without a default, what happens when it is left out (the table shows "none" otherwise).
 */
export interface FieldDoc {
  readonly description: string;
  readonly unset?: string;
}
const doc = <T extends z.ZodType>(schema: T, fieldDoc: FieldDoc): T => schema.meta({ ...fieldDoc });
const code = (values: readonly unknown[]) => values.map((v) => `\`${String(v)}\``).join(", ");

// One validator per kind of value, each with the one sentence that says what is allowed.
const str = (allowed: string) => z.string({ error: allowed });
const pattern = (re: RegExp, allowed: string) => str(allowed).regex(re, { error: allowed });
const satisfying = (test: (value: string) => boolean, allowed: string) => str(allowed).refine(test, { error: allowed });
const intFrom = (min: number, max: number, allowed: string) =>
  z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `use one of ${values.join(", ")}` });
const bool = () => z.boolean({ error: "use true or false" });
const unique = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `use a list of ${what}` }).refine((list) => new Set(list as unknown[]).size === list.length, {
    error: `list each of ${what} once (duplicates found)`,
  });
/** A strict object whose fields all have defaults or are optional, so `{}` is a valid section. */
const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape, { error: "use an object" });

const accountId = pattern(ACCOUNT_ID, "use a 12-digit AWS account id");
const bucketName = satisfying(isBucketName, "use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)");
/**
 * A bucket outside the workload account, with the account that owns it. Bucket names are global and
 * can be squatted (a name deleted by its owner is free to anyone), so the S3 endpoint policy and the
 * instance role grant each one only while `aws:ResourceAccount` is this owner.
 */
const ownedBucket = z.strictObject(
  {
    bucket: bucketName,
    accountId: pattern(ACCOUNT_ID, "use the 12-digit id of the AWS account that owns the bucket"),
  },
  { error: 'use an object { "bucket": "<S3 bucket name>", "accountId": "<12-digit owner account id>" }' },
);
export type OwnedBucket = z.output<typeof ownedBucket>;
const ownedBuckets = z.array(ownedBucket, { error: 'use a list of { "bucket", "accountId" } objects' }).superRefine(
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
const cidr = satisfying(
  isVpcCidr,
  "use an IPv4 CIDR with a prefix from /16 to /24, aligned to its prefix (e.g. 10.0.0.0/16)",
);
const retentionDays = z.union(
  LOG_RETENTION_DAYS.map((d) => z.literal(d)),
  { error: `use one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention periods)` },
);
const tcpPort = intFrom(1, 65535, "use a TCP port from 1 to 65535");
const scpTarget = pattern(SCP_TARGET, "use a root id (r-…), an OU id (ou-…-…) or a 12-digit account id");
const principalArn = (example: string) => pattern(PRINCIPAL_ARN, `use an IAM principal ARN such as ${example}`);
const roleArnPattern = (example: string, why: string) =>
  pattern(ROLE_ARN_PATTERN, `use an IAM role ARN such as ${example} (${why})`);
// IAM users and roles by exact ARN: bucket and key policies take no wildcards in Principal, and S3/KMS
// refuse a policy naming a principal that does not exist.
const IAM_USER_OR_ROLE_ARN = /^arn:aws:iam::\d{12}:(role|user)\/([A-Za-z0-9+=,.@_-]+\/)*[A-Za-z0-9+=,.@_-]{1,64}$/;
const userOrRoleArns = unique(
  pattern(IAM_USER_OR_ROLE_ARN, "use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit"),
  "role or user ARNs",
);

const zoneIds = unique(
  pattern(
    ZONE_ID,
    "use an Availability Zone ID such as apne1-az1 or use1-az6 (an ID, not a zone name such as ap-northeast-1a)",
  ),
  "zone IDs",
);

/** What the README says of an account entry's `id`, and of its credentials when it names none. */
interface AccountDocs {
  readonly id: string;
  readonly credentialsUnset: string;
}
const accountSchemaWith = (docs: AccountDocs) =>
  z
    .strictObject(
      {
        id: doc(accountId, { description: docs.id }),
        profile: doc(pattern(PROFILE, "use a named AWS CLI profile (letters, digits, _ . + @ -)").optional(), {
          description: "AWS CLI profile that reaches the account, used as it is; not together with `roleArn`",
        }),
        roleArn: doc(
          pattern(ROLE_ARN, "use an IAM role ARN such as arn:aws:iam::123456789012:role/Deployer").optional(),
          {
            description:
              'a role in the account to assume instead of a profile: with `credentials: "management"` from the management account\'s credentials, with `"per-stack"` from the stack\'s',
            unset: docs.credentialsUnset,
          },
        ),
      },
      { error: "use an object with id and optionally profile or roleArn" },
    )
    .superRefine(
      (account, ctx) => {
        if (account.profile !== undefined && account.roleArn !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["roleArn"],
            input: account.roleArn,
            message: "set either profile or roleArn, not both",
          });
        }
        const roleAccount = account.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined;
        // The id may be invalid here (the check runs whenever the account is an object): compare strings only.
        if (roleAccount !== undefined && typeof account.id === "string" && roleAccount !== account.id) {
          ctx.addIssue({
            code: "custom",
            path: ["roleArn"],
            input: account.roleArn,
            message: `use a role in account ${account.id} (the account this entry deploys to)`,
          });
        }
      },
      { when: ({ value }) => isObject(value) },
    );
const accountSchema = accountSchemaWith({
  id: "12-digit account id; `data` must differ from `workload`",
  credentialsUnset: "none: as `credentials` says (see *Credentials each stack runs with*)",
});
/** The account the ssm-* stacks deploy to in identity-center mode (a delegated administrator). */
const identityCenterAccountSchema = accountSchemaWith({
  id: "12-digit id of the delegated administrator account of IAM Identity Center, where the permission sets are created",
  credentialsUnset: "none: as `credentials` says (see *Credentials each stack runs with*)",
});

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROUTE_TABLE_ID = /^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * A VPC the organisation already runs: the stacks build none of their own and place the EICE, the
 * instances and any interface endpoints in it. The ids are checked by shape only (offline there is no
 * AWS to ask); at plan time the subnets are read with `vpc_id` set, so a subnet of another VPC fails
 * the plan before anything is created.
 */
const existingNetworkSchema = z.strictObject(
  {
    vpcId: doc(pattern(VPC_ID, "use a VPC id such as vpc-0123456789abcdef0"), {
      description:
        "an existing VPC every workload stack places its EICE, instance and endpoints in: no VPC, subnet, route, gateway, NAT or flow log is built; not together with `network.vpcCidr`, `natGateways`, `availabilityZoneIds`, `excludeZoneIds`, `flowLogRetentionDays` or `crossAccount.vpcCidr`",
    }),
    subnetIds: doc(
      unique(pattern(SUBNET_ID, "use a subnet id such as subnet-0123456789abcdef0"), "subnet ids")
        .min(1, { error: "list one or two private subnet ids of network.existing.vpcId" })
        .max(2, { error: "list one or two private subnet ids of network.existing.vpcId" }),
      {
        description:
          "one or two private subnets of that VPC, in different zones when interface endpoints are on; the EICE and the instances go in the first",
      },
    ),
    // Required: cross-account-s3, part of every deployment, shows the S3 gateway endpoint's defence and
    // places its instance in the first subnet. Without route tables there would be no endpoint, and its
    // S3 traffic would take the VPC's own routes (through a NAT, to any bucket of any region), so the
    // demonstration would claim a perimeter that does not exist. The plan also checks that each subnet's
    // route table is listed (see ExistingNetwork).
    routeTableIds: doc(
      z
        .array(pattern(ROUTE_TABLE_ID, "use a route table id such as rtb-0123456789abcdef0"), {
          error: (issue) =>
            issue.input === undefined
              ? "list the route tables of network.existing.subnetIds: private-access attaches the S3 gateway endpoint (the data perimeter) to them, and cross-account-s3, always deployed, demonstrates that perimeter; without them no endpoint exists and the instances' S3 traffic would take the VPC's own routes"
              : "use a list of route table ids",
        })
        .refine((list) => new Set(list).size === list.length, {
          error: "list each of route table ids once (duplicates found)",
        })
        .min(1, {
          error:
            "list at least one route table id: the route tables of network.existing.subnetIds carry the S3 gateway endpoint",
        }),
      {
        description:
          "the route tables of those subnets (the plan fails naming a subnet whose route table is not listed): they get private-access's S3 gateway endpoint, the data perimeter, and may have no other S3 gateway endpoint",
      },
    ),
  },
  { error: "use an object with vpcId, subnetIds and routeTableIds" },
);

/**
 * Fields that shape a network the stacks build, so with `network.existing` they would be silently
 * ignored. Refused when WRITTEN in the input (their defaults do not count), which the parsed value no
 * longer tells apart: see networkInputIssues.
 */
const BUILT_NETWORK_FIELDS = [
  ["network", "vpcCidr"],
  ["network", "natGateways"],
  ["network", "availabilityZoneIds"],
  ["network", "excludeZoneIds"],
  ["network", "flowLogRetentionDays"],
  ["crossAccount", "vpcCidr"],
] as const;

/**
 * The checks that need the raw input, before defaults apply: a field the network would be built from,
 * written next to `network.existing`. zod fills in defaults before any refinement sees the section, and
 * an issue raised while preprocessing would stop every other check, so lib/config/load.ts runs this
 * beside the schema and reports both together.
 */
export function networkInputIssues(input: unknown): z.core.$ZodIssue[] {
  if (!isObject(input) || !isObject(input.network) || input.network.existing === undefined) return [];
  const issues: z.core.$ZodIssue[] = [];
  for (const [section, field] of BUILT_NETWORK_FIELDS) {
    const container = input[section];
    if (!isObject(container) || container[field] === undefined) continue;
    issues.push({
      code: "custom",
      path: [section, field],
      input: container[field],
      message: `remove it or network.existing: with an existing network no VPC is built, so ${section}.${field} would be ignored`,
    });
  }
  return issues;
}

/**
 * The raw-input check of the Session Manager preferences (see networkInputIssues for why raw): with
 * `ssm.sessionPreferences: "existing"` the document is someone else's, so `ssm.sessionLogs` written
 * beside it would be silently ignored.
 */
export function sessionInputIssues(input: unknown): z.core.$ZodIssue[] {
  if (!isObject(input) || !isObject(input.ssm)) return [];
  const { ssm } = input;
  const issues: z.core.$ZodIssue[] = [];
  if (ssm.sessionPreferences === "existing" && ssm.sessionLogs !== undefined) {
    issues.push({
      code: "custom",
      path: ["ssm", "sessionLogs"],
      input: ssm.sessionLogs,
      message:
        'remove it, or set ssm.sessionPreferences to "manage" or "adopt": with "existing" this project leaves the preferences document alone, so ssm.sessionLogs would be ignored',
    });
  }
  // The transcripts bucket exists only with s3KeyPrefix: its readers and Object Lock written without it
  // would be silently ignored (an empty reader list, the default, names nobody and passes).
  const logs = ssm.sessionLogs;
  if (isObject(logs) && logs.s3KeyPrefix === undefined) {
    for (const field of ["readerArns", "objectLock"] as const) {
      const value = logs[field];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      issues.push({
        code: "custom",
        path: ["ssm", "sessionLogs", field],
        input: value,
        message: `remove it, or set ssm.sessionLogs.s3KeyPrefix: without it there is no transcripts bucket, so ssm.sessionLogs.${field} would be ignored`,
      });
    }
  }
  // Identity Center settings beside IAM-user principals (written or defaulted) would be ignored. Raw, so
  // the message shows what was written, not the section with its defaults filled in.
  if ((ssm.principals ?? "iam-user") === "iam-user") {
    if (ssm.identityCenter !== undefined) {
      issues.push({
        code: "custom",
        path: ["ssm", "identityCenter"],
        input: ssm.identityCenter,
        message: 'remove it, or set ssm.principals to "identity-center": IAM users ignore it',
      });
    }
    const accounts = input.accounts;
    if (isObject(accounts) && accounts.identityCenter !== undefined) {
      issues.push({
        code: "custom",
        path: ["accounts", "identityCenter"],
        input: accounts.identityCenter,
        message: 'remove it, or set ssm.principals to "identity-center": only the permission sets are created there',
      });
    }
  }
  return issues;
}

/**
 * `ssm.principals` and the settings only Identity Center principals use, which must come together (the
 * other direction, those settings beside IAM users, is a raw-input check: sessionInputIssues).
 */
function principalIssues(config: { ssm: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const { ssm } = config;
  const identityCenter = ssm.principals === "identity-center";
  if (identityCenter && ssm.identityCenter === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["ssm", "identityCenter"],
      input: ssm.identityCenter,
      message:
        'set it to { "groupName": "<Identity Store group>" } with ssm.principals "identity-center": the permission sets are assigned to that group',
    });
  }
  if (identityCenter && ssm.ownSessions === "name-prefix") {
    ctx.addIssue({
      code: "custom",
      path: ["ssm", "ownSessions"],
      input: ssm.ownSessions,
      message:
        "remove it: role sessions have no ${aws:username} to prefix, so Identity Center principals always own their sessions by the session-id tag",
    });
  }
}

/**
 * Whether the workload network gets Session Manager's interface endpoints: as configured, or by
 * default on exactly when there is no NAT gateway (the instance's only way to the service then). With
 * `existing`, off unless set: the VPC's owner provides the way out.
 */
export function interfaceEndpointsOn(network: Config["network"]): boolean {
  return network.interfaceEndpoints ?? (network.existing === undefined && network.natGateways === "none");
}

/**
 * Whether a workload stack's VPC gets the DNS Firewall (lib/constructs/dns-firewall.ts): as configured,
 * or by default on exactly when the stack's own network has no NAT (`natGateways`: the stack's, since
 * cross-account-s3 is always built without one). There the firewall costs nothing the instances could
 * use, since no name outside AWS's endpoints is reachable anyway, and it closes the one way out that no
 * route, security group or endpoint policy sees: data encoded in the names an instance looks up. With a
 * NAT (the article's network) or an existing VPC (every workload in it would be filtered) it is opt-in.
 */
export function dnsFirewallOn(network: Config["network"], natGateways: NatGatewayMode): boolean {
  return network.dnsFirewall ?? (network.existing === undefined && natGateways === "none");
}

const networkSchema = section({
  existing: doc(existingNetworkSchema.optional(), {
    description:
      "`{ vpcId, subnetIds, routeTableIds }`: use this VPC instead of building one (no VPC, subnet, route, gateway, NAT or flow log is created); not together with `vpcCidr`, `natGateways`, `availabilityZoneIds`, `excludeZoneIds`, `flowLogRetentionDays` or `crossAccount.vpcCidr`",
    unset: "each workload stack builds its own VPC",
  }),
  interfaceEndpoints: doc(bool().optional(), {
    description:
      'interface endpoints for `ssm`, `ssmmessages` and `ec2messages` in the private subnets (private DNS, HTTPS from the VPC only), so Session Manager works without NAT; `false` with `natGateways: "none"` is refused',
    unset: "on when `natGateways` is `none`, off otherwise and with `existing`",
  }),
  dnsFirewall: doc(bool().optional(), {
    description:
      "a Route 53 Resolver DNS Firewall on the workload VPC: its instances resolve only the AWS service names they need in `region` (Session Manager, CloudWatch Logs, KMS, S3 and the Amazon Linux repositories) and EC2's internal names; every other query is answered NODATA. With `existing` it filters every query of that VPC, whoever makes it",
    unset:
      'on for a network without NAT (`natGateways: "none"`, and always for cross-account-s3\'s), off with NAT and with `existing`',
  }),
  vpcCidr: doc(cidr.default("10.0.0.0/16"), {
    description: "VPC range, /16–/24; subnets are 1/16 of it each (public 0–1, private 8–9)",
  }),
  natGateways: doc(oneOf(NAT_GATEWAY_MODES).default("single"), {
    description: `NAT gateways: ${code(NAT_GATEWAY_MODES)} (Session Manager needs a NAT or interface endpoints)`,
  }),
  flowLogRetentionDays: doc(retentionDays.default(90), {
    description: "VPC flow-log retention in days (a CloudWatch Logs retention value)",
  }),
  // Pinned by ID, the same physical zones in every account; unset, the first two usable zones are
  // resolved at plan time.
  availabilityZoneIds: doc(
    zoneIds.length(2, { error: 'list exactly two distinct zone IDs, such as ["apne1-az1", "apne1-az4"]' }).optional(),
    {
      description:
        'exactly two distinct zone IDs of `region` (`["apne1-az1", "apne1-az4"]`), the same physical zones in every account; not a constrained zone, not also in `excludeZoneIds`',
      unset: "none: the first two usable zones, resolved at plan time",
    },
  ),
  excludeZoneIds: doc(zoneIds.default([]), {
    description: `zone IDs of \`region\` the plan-time lookup never picks, besides the built-in constrained ones (${code(CONSTRAINED_ZONE_IDS)})`,
  }),
}).superRefine(
  (network, ctx) => {
    // Without NAT the private subnets have no way out: the endpoints are Session Manager's only path.
    if (network.interfaceEndpoints === false && network.natGateways === "none" && network.existing === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["interfaceEndpoints"],
        input: network.interfaceEndpoints,
        message:
          'set it to true (or remove it), or set network.natGateways to "single" or "per-az": with network.natGateways "none" Session Manager reaches its service only through interface endpoints',
      });
    }
    const pinned = Array.isArray(network.availabilityZoneIds) ? network.availabilityZoneIds : [];
    const excluded: unknown[] = Array.isArray(network.excludeZoneIds) ? network.excludeZoneIds : [];
    pinned.forEach((id, i) => {
      if (excluded.includes(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZoneIds", i],
          input: id,
          message: `remove it from network.excludeZoneIds or pin another zone: it is listed in both`,
        });
      } else if (CONSTRAINED_ZONE_IDS.includes(id)) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZoneIds", i],
          input: id,
          message: `pin another zone: AWS has constrained or retired ${id} (new subnets, NAT gateways or current instance types fail there)`,
        });
      }
    });
  },
  { when: ({ value }) => isObject(value) },
);

/** Zone IDs of another Region are refused by field: the subnets would fail at apply. */
function zoneRegionIssues(config: { region: unknown; network: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  if (typeof config.region !== "string" || zoneIdPrefix(config.region) === undefined) return;
  const region = config.region;
  for (const field of ["availabilityZoneIds", "excludeZoneIds"] as const) {
    const list = config.network[field];
    (Array.isArray(list) ? list : []).forEach((id, i) => {
      if (typeof id === "string" && ZONE_ID.test(id) && !zoneIdInRegion(id, region)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", field, i],
          input: id,
          message: `use a zone ID of region ${region} (${zoneIdPrefix(region)}-az…), the configured region`,
        });
      }
    });
  }
}

/**
 * SSE-KMS takes a key in the bucket's own Region (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * UsingKMSEncryption.html: "the KMS key must be in the same Region as the bucket"): another Region's key
 * fails the first state write, long after synthesis.
 */
function stateRegionIssues(config: { region: unknown; state: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const { state } = config;
  if (state.backend !== "s3" || typeof state.kmsKeyId !== "string") return;
  const keyRegion = KMS_KEY_ARN.exec(state.kmsKeyId)?.[1];
  const bucketRegion = typeof state.region === "string" ? state.region : config.region;
  if (keyRegion === undefined || typeof bucketRegion !== "string" || keyRegion === bucketRegion) return;
  ctx.addIssue({
    code: "custom",
    path: ["state", "kmsKeyId"],
    input: state.kmsKeyId,
    message: `use a key in ${bucketRegion}, the state bucket's region (${typeof state.region === "string" ? "state.region" : "region"}): S3 encrypts only with a KMS key of the bucket's own region`,
  });
}

/**
 * Combinations of `credentials` and the accounts' ways in that cannot reach every provider.
 *
 * With `"per-stack"`, cross-account-s3 runs with the workload account's credentials (its default
 * provider is pinned to accounts.workload), so its `data` provider must reach accounts.data some other
 * way: that account's `profile`, or a `roleArn` those credentials may assume. The fallback of
 * `"management"`, OrganizationAccountAccessRole, trusts only the management account (AWS Organizations
 * User Guide, "Accessing a member account that has OrganizationAccountAccessRole").
 *
 * Not refused: `"management"` with `accounts.management.roleArn` and member accounts that rely on their
 * OrganizationAccountAccessRole. The provider chains the two roles (hashicorp/aws 5.67.0 and later:
 * "`assume_role` now accepts multiple elements", IAM role chaining; this project pins 5.100.0).
 */
function credentialIssues(
  config: { credentials: unknown; accounts: Record<string, unknown> & { data: Record<string, unknown> } },
  ctx: z.RefinementCtx,
): void {
  const { data } = config.accounts;
  if (config.credentials !== "per-stack" || data.profile !== undefined || data.roleArn !== undefined) return;
  ctx.addIssue({
    code: "custom",
    path: ["accounts", "data"],
    input: data,
    message:
      'set accounts.data.profile or accounts.data.roleArn, or set credentials to "management": with credentials "per-stack" cross-account-s3 runs with the workload account\'s credentials, its data provider reaches accounts.data only through a profile or a role those credentials may assume, and OrganizationAccountAccessRole trusts only the management account',
  });
}

const instanceSchema = section({
  type: doc(
    pattern(INSTANCE_TYPE, "use an EC2 instance type such as t3.micro or t4g.micro")
      .refine((type) => !isMacType(type), {
        error: "use a type that runs Amazon Linux: mac instances need macOS and a Dedicated Host",
      })
      .default("t3.micro"),
    {
      description:
        "instance type of both stacks' instances; Graviton types (`t4g`, `m7g`, `c7gn`, …) get the arm64 image; Mac types are refused; `ebs_optimized` is set only where AWS accepts it (not `t2`, `t1`, some previous-generation sizes)",
    },
  ),
  // Unset: the AL2023 parameter of the type's architecture (amiParameterFor).
  amiSsmParameter: doc(pattern(SSM_PARAMETER, "use an SSM parameter path that starts with /").optional(), {
    description:
      "where the AMI id is read at plan time; a path naming the other architecture (`x86_64`/`amd64` vs `arm64`/`aarch64`) is refused",
    unset: "AL2023 public parameter of the type's architecture (`…-x86_64` or `…-arm64`)",
  }),
  amiId: doc(pattern(AMI_ID, "use an AMI id such as ami-0123456789abcdef0").optional(), {
    description:
      "a fixed AMI instead of the lookup; its architecture is checked at plan time (a postcondition on `aws_ami`), not offline",
  }),
}).superRefine(
  (instance, ctx) => {
    // A Graviton type needs an arm64 image and the reverse: RunInstances refuses the pair. A parameter
    // whose path names no architecture cannot be checked here; a fixed amiId is checked at plan time.
    if (typeof instance.type !== "string" || !INSTANCE_TYPE.test(instance.type)) return;
    if (typeof instance.amiSsmParameter !== "string") return;
    const wanted = instanceArchitecture(instance.type);
    const named = parameterArchitecture(instance.amiSsmParameter);
    if (named !== undefined && named !== wanted) {
      ctx.addIssue({
        code: "custom",
        path: ["amiSsmParameter"],
        input: instance.amiSsmParameter,
        message: `use an ${wanted} image parameter for instance.type "${instance.type}" (${named} images do not boot on it), such as ${AL2023_AMI_PARAMETERS[wanted]}, or remove it to use that one`,
      });
    }
  },
  { when: ({ value }) => isObject(value) },
);

const eiceSchema = section({
  preserveClientIp: doc(bool().default(false), {
    description: "EICE client IP preservation, always set explicitly (see the private-access notes)",
  }),
  ports: doc(unique(tcpPort, "TCP ports").min(1, { error: "list at least one TCP port" }).default([22]), {
    description: "ports operators may tunnel to; each gets a matching pair of security-group rules",
  }),
  maxTunnelDurationSeconds: doc(
    intFrom(1, 3600, "use a whole number of seconds from 1 to 3600 (the EICE tunnel limit)").default(3600),
    { description: "longest tunnel the operator policy allows, in seconds (1–3600)" },
  ),
  osUsers: doc(
    unique(pattern(OS_USER, "use a Linux user name such as ec2-user or ubuntu"), "OS user names")
      .min(1, { error: "list at least one OS user" })
      .default(["ec2-user"]),
    { description: "OS users `SendSSHPublicKey` may push a key for (`ec2:osuser`)" },
  ),
});

/**
 * The private-access instance role's S3 grant (`privateAccess.instanceS3Access`): `named`, only the
 * buckets of `privateAccess.allowedBuckets` (each pinned to its owner) and the AWS-owned buckets the
 * agent and package manager read; `scoped`, also every bucket of the workload account; `article`, the
 * article's list/read/write on every bucket. In every mode an explicit deny keeps the trail, session
 * transcript and S3 state buckets out of the role's reach (lib/policies/instance-role.ts).
 */
export const INSTANCE_S3_ACCESS = ["named", "scoped", "article"] as const;
export type InstanceS3Access = (typeof INSTANCE_S3_ACCESS)[number];

const privateAccessSchema = section({
  allowedBuckets: doc(ownedBuckets.default([]), {
    description:
      'buckets the private-access instance role may list, read and write, each as `{ "bucket", "accountId" }` of its owner (requests reach it only while that account owns it); buckets of other accounts also pass the S3 endpoint',
  }),
  instanceS3Access: doc(oneOf(INSTANCE_S3_ACCESS).default("named"), {
    description:
      "the instance role's S3 grant: `named`, list/read/write on `allowedBuckets` only, and reads of the AWS-owned agent and package buckets; `scoped`, also every bucket of the workload account; `article`, list/read/write on every bucket (the article's choice). In every mode the role is denied the trail, session transcript and S3 state buckets",
  }),
});

const scpSchema = section({
  variant: doc(oneOf(SCP_VARIANTS).default("deny-eice-except-describe"), {
    description: `what the SCP denies: ${code(SCP_VARIANTS)} (see the org-guardrails notes)`,
  }),
  targetIds: doc(unique(scpTarget, "target ids").default([]), {
    description: "roots `r-…`, OUs `ou-…-…` or 12-digit accounts to attach the SCP to (never the management account)",
  }),
  attachedPolicyCounts: doc(
    z
      .record(scpTarget, intFrom(1, 5, "use a count from 1 to 5"), {
        error: "use an object mapping target ids to counts",
      })
      .default({}),
    { description: "SCPs already attached per target (default 1, FullAWSAccess), to enforce the limit of 5" },
  ),
  // Roles only: the SCP protects each exempt ARN from being created or re-trusted by anyone but
  // exemptionAdministratorArns, which works for roles (the iam role actions take the role ARN as their
  // resource). A user ARN would be claimable through CreateUser/CreateAccessKey, a federated-user ARN by
  // anyone calling GetFederationToken with that name, and an assumed-role ARN never is aws:PrincipalArn.
  exemptPrincipalArns: doc(
    unique(
      roleArnPattern(
        "arn:aws:iam::*:role/BreakGlass",
        "only roles can be exempted: the SCP locks them against re-creation and re-trust",
      ),
      "role ARNs",
    ).default([]),
    {
      description:
        "break-glass roles the SCP does not apply to; the SCP then also denies creating, re-trusting, deleting, re-tagging or changing their policies to all but `exemptionAdministratorArns`",
    },
  ),
  // Without it, any member-account administrator who can create a role of an exempt name claims the
  // exemption; required (cross-field check below) whenever exemptions are set.
  exemptionAdministratorArns: doc(
    unique(
      roleArnPattern("arn:aws:iam::*:role/SecurityAdmin", "the roles that alone may create or change the exempt roles"),
      "role ARNs",
    ).default([]),
    {
      description:
        "roles that alone may create, re-trust, delete, tag or change the policies of the exempt roles (and of themselves); required when `exemptPrincipalArns` is set",
    },
  ),
  // The principals that deploy private-access into governed accounts: exempt from the endpoint
  // management deny only, so the SCP does not lock out its own stack's deploys and destroys.
  deployerPrincipalArns: doc(
    unique(principalArn("arn:aws:iam::*:role/OrganizationAccountAccessRole"), "principal ARNs").default([]),
    {
      description:
        "principals that deploy private-access in governed accounts: exempt from the endpoint management deny only (never from tunnels or key pushes)",
    },
  ),
});

// A section of its own, not inside `scp`: a separate policy with its own purpose (where data may go, not
// how instances are reached), opt-in because it can break workloads that use buckets outside the
// organization. It is attached to the same targets as the EICE SCP (`scp.targetIds`): one list of
// governed targets, and one place (`scp.attachedPolicyCounts`) that counts both SCPs against the limit.
const orgPerimeterSchema = section({
  organizationId: doc(
    pattern(
      ORGANIZATION_ID,
      "use an AWS Organizations organization id: o- and 10-32 lowercase letters or digits",
    ).optional(),
    {
      description:
        "the organization whose buckets are inside the S3 resource perimeter; setting it creates the perimeter SCP (opt-in: it denies S3 requests to buckets outside the organization)",
      unset: "no perimeter SCP",
    },
  ),
  approvedAccountIds: doc(unique(accountId, "account ids").default([]), {
    description:
      "accounts outside the organization whose buckets the perimeter lets through as well (requires `organizationId`)",
  }),
});

// A Linux user name as useradd takes it portably: what Run As starts sessions with.
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// An Identity Store group's display name: 1-1024 characters, no control characters (Identity Store
// API, Group.DisplayName).
const GROUP_DISPLAY_NAME = /^[^\p{Cc}]{1,1024}$/u;
// An Identity Center user attribute path (`${path:<attribute>}`): dotted names such as
// enterprise.department or name.familyName.
const ATTRIBUTE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*){0,3}$/;

/** S3 Object Lock retention modes (PutObjectLockConfiguration, DefaultRetention.Mode). */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];
// AWS takes a positive whole number of days; 36500 (100 years) bounds a typo such as an extra zero.
const OBJECT_LOCK_MAX_DAYS = 36500;
/**
 * S3 Object Lock's default retention for an evidence bucket (`audit.objectLock`,
 * `ssm.sessionLogs.objectLock`): every new object version is kept unchanged for `retentionDays`.
 */
const objectLockSchema = z.strictObject(
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

const sessionLogsSchema = section({
  retentionDays: doc(retentionDays.default(365), {
    description: "retention of the session transcripts' CloudWatch Logs group, in days",
  }),
  s3KeyPrefix: doc(
    pattern(
      // No `*`: the instance role's grant is `<bucket>/<prefix>*`, where a `*` would widen it to any key.
      /^([A-Za-z0-9!_.'()-]+\/){1,8}$/,
      'use path segments of letters, digits and ! _ . \' ( ) - each ending in "/", such as session-logs/',
    )
      .refine((prefix) => prefix.split("/").every((segment) => segment !== "." && segment !== ".."), {
        error: 'use path segments other than "." and ".."',
      })
      .optional(),
    {
      description:
        "also upload each session's transcript to this prefix of a locked bucket the session-preferences stack creates (encrypted with the session key)",
      unset: "transcripts go to CloudWatch Logs only",
    },
  ),
  // Readers only: the bucket policy denies reading and listing transcripts to everyone else, the
  // instance roles and administrators included (lib/policies/session-logging.ts).
  readerArns: doc(userOrRoleArns.default([]), {
    description:
      "existing roles/users that alone may list and read the transcripts in the S3 bucket (bucket policy) and decrypt them through S3 (key policy); everyone else is denied, `audit.administratorArns` may still list keys (requires `s3KeyPrefix`)",
  }),
  objectLock: doc(objectLockSchema.optional(), {
    description:
      "S3 Object Lock default retention on the transcripts bucket (requires `s3KeyPrefix`; not with `audit.allowDestroy`); enabling it on an existing bucket is in place and cannot be undone",
    unset: "no Object Lock: the bucket policy alone denies deletes",
  }),
  idleTimeoutMinutes: doc(intFrom(1, 60, "use a whole number of minutes from 1 to 60").default(20), {
    description: "minutes without input after which Session Manager ends a session (`idleSessionTimeout`)",
  }),
  maxDurationMinutes: doc(intFrom(1, 1440, "use a whole number of minutes from 1 to 1440").default(60), {
    description: "the longest a session may last, in minutes (`maxSessionDuration`)",
  }),
  runAsDefaultUser: doc(
    pattern(
      LINUX_USER,
      "use a Linux user name: a lowercase letter or _, then up to 31 lowercase letters, digits, _ or -",
    )
      // Every session would be a root shell, logged or not: least privilege is the point of Run As.
      .refine((user) => user !== "root", {
        error: "use an unprivileged user: root would make every session a root shell",
      })
      .optional(),
    {
      description:
        "turn Run As on: Linux sessions start as this OS user (it must exist on the instances) instead of `ssm-user`",
      unset: "Run As off: sessions start as `ssm-user`",
    },
  ),
});

const identityCenterSchema = z.strictObject(
  {
    groupName: doc(
      pattern(
        GROUP_DISPLAY_NAME,
        "use the display name of an Identity Store group (1-1024 characters, no control characters)",
      ),
      {
        description:
          "the Identity Store group (display name) each pattern's permission set is assigned to on the workload account",
      },
    ),
    projectAttribute: doc(
      pattern(ATTRIBUTE_PATH, "use an Identity Center user attribute path such as enterprise.department").default(
        DEFAULT_PROJECT_ATTRIBUTE,
      ),
      {
        description:
          "the user attribute ssm-abac reads `Project` from (`${path:<attribute>}` in Identity Center's attributes for access control)",
      },
    ),
    permissionSetPrefix: doc(
      pattern(
        new RegExp(`^[\\w+=,.@-]{1,${PERMISSION_SET_PREFIX_MAX}}$`),
        `use 1-${PERMISSION_SET_PREFIX_MAX} letters, digits and + = , . @ _ - (the pattern's suffix ${code(Object.values(PERMISSION_SET_SUFFIXES))} follows; a permission set name has at most 32)`,
      ).default(DEFAULT_PERMISSION_SET_PREFIX),
      {
        description:
          "prepended to `instance-arn`, `fixed-tag` and `abac` to name the three permission sets; names are unique in the whole Identity Center instance, so a second deployment (another workload account or project) needs its own prefix",
      },
    ),
    manageAccessControlAttributes: doc(bool().default(false), {
      description:
        "let ssm-abac own the Identity Center instance's attributes for access control (one resource per instance: it replaces every attribute other teams set); off: an administrator maps `Project` by hand (see the README)",
    }),
    // IAM Identity Center keeps its instance, identity store, permission sets and assignments in the
    // Region it was enabled in, and permission sets and assignments are managed in that (primary)
    // Region only (IAM Identity Center User Guide, "Region availability" and "Availability of IAM
    // Identity Center use cases in the primary and additional Regions").
    region: doc(pattern(REGION, "use an AWS commercial region id such as eu-west-1").optional(), {
      description:
        "the Region IAM Identity Center is enabled in (its primary Region): the instance, group, permission sets and assignments are read and written there; the policies still name `region`",
      unset: "the configuration's `region`",
    }),
  },
  {
    error:
      'use an object { "groupName", "projectAttribute"?, "permissionSetPrefix"?, "manageAccessControlAttributes"?, "region"? }',
  },
);

const appendedSuffixes = Object.values(SSM_USER_SUFFIXES).filter(Boolean);
const ssmSchema = section({
  // The ssm-fixed-tag and ssm-abac users append SSM_USER_SUFFIXES to this name (IAM user names are
  // unique per account and at most 64 characters), so it may use 64 minus the longest suffix.
  userName: doc(
    pattern(
      iamUserName(SSM_USER_NAME_MAX),
      `use an IAM user name of 1-${SSM_USER_NAME_MAX} letters, digits, + = , . @ _ - (ssm-fixed-tag and ssm-abac append ${appendedSuffixes.join(" and ")})`,
    ).default("TestUserA"),
    {
      description: `the restricted Session Manager user of \`ssm-instance-arn\` (1–${SSM_USER_NAME_MAX} characters); \`ssm-fixed-tag\` and \`ssm-abac\` append ${code(appendedSuffixes).replace(", ", " and ")}`,
    },
  ),
  targetInstanceIds: doc(
    unique(pattern(INSTANCE_ID, "use an instance id such as i-0123456789abcdef0"), "instance ids").optional(),
    {
      description: "the instances `ssm-instance-arn` allows sessions on",
      unset: "the private-access instance, read through remote state",
    },
  ),
  userAccess: doc(oneOf(SSM_USER_ACCESS).default("session-only"), {
    description:
      "what the ssm-* users may read besides their sessions: `session-only`, the Describe/Get calls the Session Manager console needs; `read-only`, AWS's `ReadOnlyAccess` (every bucket, parameter and log: the article's choice)",
  }),
  ownSessions: doc(oneOf(SSM_OWN_SESSION_RULES).default("session-id-tag"), {
    description:
      "which sessions a user may terminate and resume: `session-id-tag`, those named `<user>-…` AND tagged by AWS with the user's unique id; `name-prefix`, every session named `<user>-…`, also those of a user `<user>-admin` (the article's rule)",
  }),
  sessionPreferences: doc(oneOf(SSM_SESSION_PREFERENCES).default("manage"), {
    description:
      "`manage`: the session-preferences stack owns `SSM-SessionManagerRunShell` (sessions encrypted with its KMS key and logged); `adopt`: the same, where the document already exists (saved once in the console): an `import` block takes it over on the first deploy (`npm run preflight` tells which); `existing`: the document is someone else's and is left alone (no key, log group or logging grants)",
  }),
  sessionLogs: doc(sessionLogsSchema.prefault({}), {
    description: 'what the managed preferences set (not with `sessionPreferences: "existing"`)',
  }),
  principals: doc(oneOf(SSM_PRINCIPALS).default("iam-user"), {
    description:
      "who gets each pattern: `iam-user`, the articles' IAM user, group and policy; `identity-center`, a permission set carrying the same policy, assigned to `ssm.identityCenter.groupName`",
  }),
  identityCenter: doc(identityCenterSchema.optional(), {
    description:
      'the Identity Center group and attributes (required with `principals: "identity-center"`, refused otherwise)',
    unset: "none",
  }),
});

const crossAccountSchema = section({
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

const auditSchema = section({
  alarmEmail: doc(pattern(EMAIL, "use an email address").optional(), {
    description:
      "email subscribed to the alarm topic (it must confirm the subscription); for accounts other than the shipped placeholders required unless `audit.noAlarmSubscriber` is true",
  }),
  // The opt-out of the subscriber requirement (auditAlarmIssues): a team that subscribes its own
  // endpoint (chat, paging, a queue) to the AlarmTopicArn output says so here, in the file a reviewer reads.
  noAlarmSubscriber: doc(bool().default(false), {
    description:
      "`true`: subscribe nobody to the alarm topic and accept it, because you subscribe your own endpoint (chat, paging, a queue) to the `AlarmTopicArn` output; not together with `audit.alarmEmail`",
  }),
  logRetentionDays: doc(retentionDays.default(365), { description: "CloudTrail log-group retention in days" }),
  // Off: the trail bucket, its key and the log group survive `cdktf destroy audit` (evidence).
  // On only for throwaway demo accounts; the bucket is still never force-destroyed.
  allowDestroy: doc(bool().default(false), {
    description:
      "let `cdktf destroy audit` delete the trail's bucket, key and log group, and `audit.administratorArns` (then required) empty the bucket first (throwaway demo accounts only; the bucket is still never force-destroyed)",
  }),
  logReaderArns: doc(userOrRoleArns.default([]), {
    description:
      "existing roles/users granted to list and read the trail's log files (bucket policy) and decrypt them (key policy); others read only if their IAM policies grant both `s3:GetObject` and `kms:Decrypt`",
  }),
  // Empty: the bucket-level changes Terraform makes stay open, or the next deploy that changes the
  // bucket policy would be denied; only expiry and replication rules are denied to everyone.
  objectLock: doc(objectLockSchema.optional(), {
    description:
      "S3 Object Lock default retention on the trail bucket (not with `audit.allowDestroy`); enabling it on an existing bucket is in place and cannot be undone",
    unset: "no Object Lock: the bucket policy alone denies deletes",
  }),
  administratorArns: doc(userOrRoleArns.default([]), {
    description:
      "existing roles/users that alone may change the trail bucket's policy, versioning, encryption, public access block, lifecycle or replication, or delete it, and disable, schedule the deletion of or replace the policy of the audit and alarm-topic keys (list the role that runs `cdktf deploy audit`: KMS refuses a key policy that locks its caller out), and with `audit.allowDestroy` alone delete its log files; empty (only for the shipped placeholder accounts): lifecycle and replication rules are denied to everyone, every other bucket and key change left to IAM (not allowed with `audit.allowDestroy`)",
  }),
});

/**
 * Retiring the audit stack deletes the trail bucket's log files first, and with `audit.allowDestroy` the
 * bucket policy lets only `audit.administratorArns` delete them (trailBucketProtections): with nobody
 * named, nobody can empty the bucket, the README's emptying loop never ends and `cdktf destroy audit`
 * stops at the non-empty bucket.
 */
function auditDestroyIssues(config: { audit: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const { allowDestroy, administratorArns } = config.audit;
  if (allowDestroy !== true || !Array.isArray(administratorArns) || administratorArns.length > 0) return;
  ctx.addIssue({
    code: "custom",
    path: ["audit", "administratorArns"],
    input: administratorArns,
    message:
      "list the role that runs `cdktf destroy audit` (and anyone else who empties the trail bucket) when audit.allowDestroy is true: only audit.administratorArns may then delete the trail's log files, so with none the bucket can never be emptied and the destroy stops at it; or set audit.allowDestroy to false",
  });
}

/**
 * Where the audit stack reaches a real account (its workload account is not a shipped placeholder):
 * - someone must receive the alarms: `audit.alarmEmail`, or the explicit opt-out `audit.noAlarmSubscriber`
 *   (an alarm topic without a subscriber fires into the void, and only a synth warning would say so);
 * - someone must be named to administer the audit keys: with `audit.administratorArns` empty the key
 *   policies cannot deny kms:DisableKey / ScheduleKeyDeletion / PutKeyPolicy to everyone else (the
 *   deploying role would be denied too, and KMS refuses a policy that locks its caller out), so any
 *   account administrator could silence the trail and its alarms by disabling one key.
 * Both fields together contradict each other wherever the accounts are.
 */
function auditAlarmIssues(
  config: { accounts: Record<string, unknown>; audit: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const { alarmEmail, noAlarmSubscriber, administratorArns, allowDestroy } = config.audit;
  if (alarmEmail !== undefined && noAlarmSubscriber === true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "noAlarmSubscriber"],
      input: noAlarmSubscriber,
      message:
        "remove it, or remove audit.alarmEmail: it says the alarm topic gets no subscriber, and audit.alarmEmail subscribes one",
    });
  }
  const workload = config.accounts.workload;
  if (!isObject(workload) || isPlaceholderAccount(workload.id)) return;
  const account = typeof workload.id === "string" ? workload.id : JSON.stringify(workload.id);
  if (alarmEmail === undefined && noAlarmSubscriber !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "alarmEmail"],
      input: undefined,
      message: `set the address that receives the audit alarms, or set audit.noAlarmSubscriber to true if you subscribe your own endpoint to the AlarmTopicArn output: accounts.workload.id ${account} is not one of the shipped placeholder accounts, and there an alarm topic with no subscriber fires alarms that reach no one`,
    });
  }
  // With allowDestroy the same empty list is already refused, with the reason that applies then.
  if (Array.isArray(administratorArns) && administratorArns.length === 0 && allowDestroy !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "administratorArns"],
      input: administratorArns,
      message: `list the role that runs \`cdktf deploy audit\` (and any break-glass role): accounts.workload.id ${account} is not one of the shipped placeholder accounts, and there the audit keys' policies deny kms:DisableKey, kms:ScheduleKeyDeletion and kms:PutKeyPolicy to everyone but audit.administratorArns; with nobody named, any account administrator could disable the keys and silence the trail and its alarms`,
    });
  }
}

/**
 * Object Lock keeps every object version until its retention ends, and `audit.allowDestroy` promises a
 * bucket that can be emptied and destroyed: with both, `cdktf destroy` stops at a bucket nobody may
 * empty (COMPLIANCE) or only by bypassing the lock the bucket policy denies to everyone (GOVERNANCE).
 */
function objectLockIssues(
  config: { audit: Record<string, unknown>; ssm: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  if (config.audit.allowDestroy !== true) return;
  const logs = isObject(config.ssm.sessionLogs) ? config.ssm.sessionLogs : {};
  for (const [path, lock] of [
    [["audit", "objectLock"], config.audit.objectLock],
    [["ssm", "sessionLogs", "objectLock"], logs.objectLock],
  ] as const) {
    if (lock === undefined) continue;
    ctx.addIssue({
      code: "custom",
      path: [...path],
      input: lock,
      message: `remove it, or set audit.allowDestroy to false: a bucket under Object Lock cannot be emptied before its retention ends, so the destroy audit.allowDestroy allows would stop at it`,
    });
  }
}

const keyPrefix = satisfying(
  (prefix) =>
    prefix.length <= KEY_PREFIX_MAX &&
    KEY_PREFIX.test(prefix) &&
    prefix.split("/").every((segment) => segment !== "." && segment !== ".."),
  `use "" or path segments of letters, digits and ! _ . * ' ( ) - each ending in "/", such as ${DEFAULT_STATE_KEY_PREFIX} (no leading "/", no "//", no "." or ".." segment, at most ${KEY_PREFIX_MAX} characters)`,
);
const cloudName = (what: string, max: number) =>
  pattern(CLOUD_NAME, `use ${what} of letters, digits, - and _`)
    .min(1, { error: `use ${what} of at least one character` })
    .max(max, { error: `use ${what} of at most ${max} characters` });

/**
 * Where every stack keeps its state: one key (s3) or one workspace (cloud) per stack. A stack reading
 * another's outputs reads the same backend at the source stack's key or workspace (cdktf copies the
 * source stack's backend settings into the reader's `terraform_remote_state`).
 */
const stateSchema = z.discriminatedUnion(
  "backend",
  [
    z.strictObject(
      {
        backend: doc(z.literal("local"), {
          description: "`local` (default): a state file per stack beside `cdktf.out` (`terraform.<stack-id>.tfstate`)",
        }),
      },
      { error: "use an object" },
    ),
    z.strictObject(
      {
        backend: doc(z.literal("s3"), {
          description:
            "`s3`: one object per stack in a shared bucket, always encrypted, locked by Terraform's S3 lock file (`use_lockfile`, no DynamoDB table)",
        }),
        bucket: doc(bucketName, { description: "the existing state bucket (enable versioning on it)" }),
        region: doc(pattern(REGION, "use an AWS commercial region id such as eu-west-1").optional(), {
          description: "the state bucket's region",
          unset: "the configuration's `region`",
        }),
        keyPrefix: doc(keyPrefix.default(DEFAULT_STATE_KEY_PREFIX), {
          description:
            'prepended to `<stack-id>.tfstate` to name each stack\'s state object: `""` or segments ending in `/`',
        }),
        kmsKeyId: doc(
          pattern(
            KMS_KEY_ARN,
            "use a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (…:alias/<name>)",
          ).optional(),
          {
            description: "a KMS key (ARN or alias ARN) in the bucket's region to encrypt the state with",
            unset: "S3-managed encryption (SSE-S3)",
          },
        ),
        roleArn: doc(
          pattern(ROLE_ARN, "use an IAM role ARN such as arn:aws:iam::123456789012:role/TerraformState").optional(),
          {
            description: "a role Terraform assumes to read and write the state (`assume_role.role_arn`)",
            unset: "none: the credentials Terraform runs with",
          },
        ),
      },
      { error: "use an object" },
    ),
    z.strictObject(
      {
        backend: doc(z.literal("cloud"), {
          description: "`cloud`: HCP Terraform or Terraform Enterprise, one workspace per stack",
        }),
        organization: doc(cloudName("an organization name", CLOUD_WORKSPACE_MAX), {
          description: "the HCP Terraform / Terraform Enterprise organization",
        }),
        workspacePrefix: doc(cloudName("a workspace name prefix", CLOUD_WORKSPACE_MAX - STACK_ID_MAX_LENGTH), {
          description: `prepended to the stack id to name each stack's workspace (\`<prefix><stack-id>\`, at most ${CLOUD_WORKSPACE_MAX} characters in all)`,
        }),
        hostname: doc(
          pattern(HOSTNAME, "use a host name such as app.terraform.io or tfe.example.com (optionally :port)").default(
            DEFAULT_CLOUD_HOSTNAME,
          ),
          { description: "the HCP Terraform or Terraform Enterprise host" },
        ),
      },
      { error: "use an object" },
    ),
  ],
  {
    // Also the message for a non-object `state`: the discriminator is the first thing it needs.
    error: (issue) =>
      isObject(issue.input)
        ? `use one of ${STATE_BACKENDS.join(", ")}`
        : `use an object whose backend is one of ${STATE_BACKENDS.join(", ")}`,
  },
);

export const configSchema = z
  .strictObject(
    {
      region: doc(pattern(REGION, "use an AWS commercial region id such as eu-west-1"), {
        description: "AWS commercial region of every stack",
      }),
      project: doc(
        pattern(TAG_VALUE, "use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @").default("test"),
        { description: "value of the `Project` tag; Session Manager's tag and ABAC patterns match on it" },
      ),
      credentials: doc(oneOf(CREDENTIAL_SOURCES).default("management"), {
        description:
          "whose credentials cdktf runs with: `management`, the management account's, and every other account is reached through its `OrganizationAccountAccessRole` unless it names a `profile` or `roleArn`; `per-stack`, each stack's own account's, and a provider for another account needs that account's `profile` or `roleArn` (see *Credentials each stack runs with*)",
      }),
      accounts: z.strictObject(
        {
          workload: accountSchema,
          management: accountSchema,
          data: accountSchema,
          identityCenter: doc(identityCenterAccountSchema.optional(), {
            description:
              'the account that administers IAM Identity Center when it is a delegated administrator (only with `ssm.principals: "identity-center"`)',
            unset: "`accounts.management`",
          }),
        },
        { error: "use an object with workload, management and data accounts, and optionally identityCenter" },
      ),
      network: networkSchema.prefault({}),
      instance: instanceSchema.prefault({}),
      eice: eiceSchema.prefault({}),
      privateAccess: privateAccessSchema.prefault({}),
      scp: scpSchema.prefault({}),
      orgPerimeter: orgPerimeterSchema.prefault({}),
      ssm: ssmSchema.prefault({}),
      crossAccount: crossAccountSchema.prefault({}),
      audit: auditSchema.prefault({}),
      state: doc(stateSchema.prefault({ backend: "local" }), {
        description: "where every stack keeps its state",
      }),
    },
    { error: "use a JSON object" },
  )
  .superRefine(
    (config, ctx) => {
      const { workload, management, data } = config.accounts;
      // Other fields may be invalid here (see crossFieldInputsReadable): read each one defensively.
      if (typeof data.id === "string" && data.id === workload.id) {
        ctx.addIssue({
          code: "custom",
          path: ["accounts", "data", "id"],
          input: data.id,
          message: `use an account other than accounts.workload.id (${workload.id}): the demo needs two accounts`,
        });
      }
      (Array.isArray(config.scp.targetIds) ? config.scp.targetIds : []).forEach((target, i) => {
        if (target === management.id) {
          ctx.addIssue({
            code: "custom",
            path: ["scp", "targetIds", i],
            input: target,
            message: `remove the management account (accounts.management.id): SCPs never apply to it`,
          });
        }
        // This stack adds one SCP, two with the S3 perimeter; a target already carrying five
        // (FullAWSAccess counts), or four with the perimeter, cannot take them.
        const counts: Record<string, unknown> = isObject(config.scp.attachedPolicyCounts)
          ? config.scp.attachedPolicyCounts
          : {};
        const attached = typeof target === "string" ? (counts[target] ?? 1) : 1;
        const perimeter = isObject(config.orgPerimeter) && config.orgPerimeter.organizationId !== undefined;
        const added = perimeter ? 2 : 1;
        if (typeof attached === "number" && attached + added > 5) {
          ctx.addIssue({
            code: "custom",
            path: ["scp", "targetIds", i],
            input: target,
            message: perimeter
              ? `choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has ${attached} SCPs (FullAWSAccess counts), this stack adds two (the EICE SCP and the orgPerimeter SCP), and a target takes at most 5`
              : `choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has ${attached} SCPs (FullAWSAccess counts), and a target takes at most 5`,
          });
        }
      });
      const exempt = Array.isArray(config.scp.exemptPrincipalArns) ? config.scp.exemptPrincipalArns : [];
      const administrators = config.scp.exemptionAdministratorArns;
      if (exempt.length > 0 && Array.isArray(administrators) && administrators.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["scp", "exemptionAdministratorArns"],
          input: administrators,
          message:
            "list at least one role ARN when scp.exemptPrincipalArns is set: only these roles may then create or change the exempt roles, otherwise any member-account administrator could create a role of an exempt name and claim the exemption",
        });
      }
      if (exempt.length === 0 && Array.isArray(administrators) && administrators.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["scp", "exemptionAdministratorArns"],
          input: administrators,
          message: "remove it, or set scp.exemptPrincipalArns: it only guards exempt roles",
        });
      }
      if (
        isObject(config.orgPerimeter) &&
        config.orgPerimeter.organizationId === undefined &&
        Array.isArray(config.orgPerimeter.approvedAccountIds) &&
        config.orgPerimeter.approvedAccountIds.length > 0
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["orgPerimeter", "approvedAccountIds"],
          input: config.orgPerimeter.approvedAccountIds,
          message: "remove it, or set orgPerimeter.organizationId: it only widens the organization's perimeter",
        });
      }
      if (config.crossAccount.pgpKey !== undefined && config.crossAccount.createAccessKey !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["crossAccount", "pgpKey"],
          input: config.crossAccount.pgpKey,
          message: "remove it, or set crossAccount.createAccessKey to true: it only encrypts a created key",
        });
      }
    },
    { when: ({ value }) => crossFieldInputsReadable(value) },
  )
  .superRefine((config, ctx) => principalIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.ssm),
  })
  .superRefine((config, ctx) => zoneRegionIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.network),
  })
  .superRefine((config, ctx) => stateRegionIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.state),
  })
  .superRefine((config, ctx) => credentialIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.accounts) && isObject(value.accounts.data),
  })
  .superRefine((config, ctx) => auditDestroyIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit),
  })
  .superRefine((config, ctx) => auditAlarmIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit) && isObject(value.accounts),
  })
  .superRefine((config, ctx) => objectLockIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit) && isObject(value.ssm),
  });

/** The validated configuration, every default filled in. */
export type Config = z.output<typeof configSchema>;
export type AccountConfig = Config["accounts"]["workload"];

/** The account that administers IAM Identity Center: `accounts.identityCenter`, else the management account. */
export function identityCenterAccount(config: Config): AccountConfig {
  return config.accounts.identityCenter ?? config.accounts.management;
}

/** The Region IAM Identity Center is enabled in: `ssm.identityCenter.region`, else `region`. */
export function identityCenterRegion(config: Config): string {
  return config.ssm.identityCenter?.region ?? config.region;
}
