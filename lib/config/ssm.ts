import { z } from "zod";
import { isObject } from "../tfjson/json";
import {
  bool,
  code,
  doc,
  iamUserName,
  intFrom,
  objectLockSchema,
  oneOf,
  pattern,
  regionId,
  retentionDays,
  section,
  unique,
  userOrRoleArns,
} from "./fields";
import type { Config } from "./schema";

/** `ssm`: Session Manager, its three access patterns' principals and the session preferences. */

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
export function principalIssues(config: { ssm: Record<string, unknown> }, ctx: z.RefinementCtx): void {
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

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

// A Linux user name as useradd takes it portably: what Run As starts sessions with.
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// An Identity Store group's display name: 1-1024 characters, no control characters (Identity Store
// API, Group.DisplayName).
const GROUP_DISPLAY_NAME = /^[^\p{Cc}]{1,1024}$/u;
// An Identity Center user attribute path (`${path:<attribute>}`): dotted names such as
// enterprise.department or name.familyName.
const ATTRIBUTE_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*){0,3}$/;

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
        "let ssm-abac own the Identity Center instance's attributes for access control (one resource per instance: it replaces every attribute other teams set); off: an administrator maps `Project` by hand (see docs/stacks/session-manager.md)",
    }),
    // IAM Identity Center keeps its instance, identity store, permission sets and assignments in the
    // Region it was enabled in, and permission sets and assignments are managed in that (primary)
    // Region only (IAM Identity Center User Guide, "Region availability" and "Availability of IAM
    // Identity Center use cases in the primary and additional Regions").
    region: doc(regionId().optional(), {
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
export const ssmSchema = section({
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
