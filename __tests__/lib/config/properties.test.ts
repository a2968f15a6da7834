/**
 * Hostile and broken configuration, generated (fast-check).
 *
 * Generators:
 * - `validConfig`: a configuration every field of which is allowed: a commercial region, three distinct
 *   12-digit accounts (the shipped placeholders, or others, which then come with an alarm subscriber or
 *   its opt-out and at least one audit administrator), either credentials mode (with "per-stack", a profile for the data account), an
 *   Identity Center Region with Identity Center principals, a project tag value, an aligned /16-/24 VPC CIDR, a NAT mode, CloudWatch retention
 *   periods, zone IDs of the region (two pinned or none, one excluded or none), a real instance type of
 *   either architecture with no AMI parameter or its own architecture's, 1-3 distinct ports, Linux user
 *   names, valid S3 bucket names, SCP targets that are roots or OUs (never the management account) and
 *   deployer principal ARNs, exempt role ARNs with their administrator roles (or neither), an S3 resource
 *   perimeter (an organization id and approved accounts) or none, an IAM user name, either value of
 *   audit.allowDestroy (true only with audit administrators), an alarm email, the opt-out or neither
 *   (neither only with the placeholder accounts), session preferences existing (no
 *   sessionLogs) or managed with any allowed sessionLogs (retention, S3 prefix, idle and maximum minutes,
 *   Run As user; with the S3 prefix only, transcript readers and Object Lock), Object Lock of either
 *   mode on the trail and transcripts buckets (never with audit.allowDestroy), any instance S3 access.
 * - `mutation`: one bad field of a valid configuration, with the field path the error must name:
 *   - wrong types for every kind of field (numbers, booleans, null, lists, objects where a string, a number,
 *     a boolean or a list belongs);
 *   - out-of-range and malformed values: account ids with 1-11 or 13-15 digits, dashes or letters; regions
 *     outside the commercial pattern (GovCloud, China, typos, case); CIDRs with prefixes outside /16-/24,
 *     misaligned, octets over 255, IPv6, truncated; tag values empty, over 256 characters or with
 *     forbidden characters; bucket names with capitals, underscores, `..`, IP form, reserved prefixes and
 *     suffixes, too short or too long; ports 0, negative, over 65535 or fractional; tunnel durations
 *     outside 1-3600; retention days CloudWatch does not offer; unknown SCP variants and target ids;
 *     exempt or administrator ARNs that are not role ARNs (users, sts sessions, bare names); malformed
 *     organization ids;
 *   - session preferences: an unknown mode; sessionLogs with a retention CloudWatch does not offer, S3
 *     prefixes without their slash, with a leading slash, "//", "..", spaces or non-ASCII, minutes
 *     outside 1-60 / 1-1440 or written as strings, Run As users that are no Linux name, transcript
 *     readers that are no exact role or user ARN or are named without an S3 prefix; sessionLogs
 *     written beside existing preferences;
 *   - Object Lock (audit.objectLock, ssm.sessionLogs.objectLock): unknown modes, retention days outside
 *     1-36500 or of the wrong type, a section that is no object;
 *   - booleans written as strings or numbers ("true", "yes", 0, 1), e.g. for audit.allowDestroy;
 *   - zone IDs: zone names, malformed IDs, wrong counts of pinned zones; malformed instance types, Mac types;
 *   - duplicates in lists that must be unique (ports, OS users, bucket lists, target ids, zone IDs,
 *     deployer principals);
 *   - unknown keys at the top level and inside nested objects;
 *   - conflicting fields: profile together with roleArn, accounts.data.id equal to accounts.workload.id,
 *     the management account in scp.targetIds, exempt roles without an administrator, approved perimeter
 *     accounts without an organization id, crossAccount.pgpKey without createAccessKey, a pinned zone
 *     also excluded, an AMI parameter of the other architecture than instance.type's, audit.allowDestroy
 *     with no audit.administratorArns, a real workload account with no alarm subscriber or with no
 *     audit administrator, audit.noAlarmSubscriber together with audit.alarmEmail, audit.objectLock with audit.allowDestroy.
 *   An invalid configuration is a valid one with 1-5 mutations on distinct fields; conflicts are applied
 *   last because they copy values from other fields. Not generated: fractional numbers for integer
 *   fields. zod aborts the whole parse on them (explicit abort of z.int), so a conflict elsewhere is
 *   reported only on the next run; that single case is pinned in schema.test.ts instead.
 *
 * Properties: in-process, every invalid configuration is rejected by `parseConfig` with a message naming
 * every mutated field; through the real entrypoint (the cdktf.json `app` command), a sample exits non-zero,
 * names the fields and writes nothing; every valid configuration parses, and a sample synthesizes all
 * stacks (guardrails included): the fewest configurations of a seeded pool that between them hold every
 * value of every setting a synthesis branches on (`synthesisFeatures`). Runs are seeded so a failure
 * reproduces.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import {
  ConfigError,
  CREDENTIAL_SOURCES,
  isPlaceholderAccount,
  PLACEHOLDER_ACCOUNT_IDS,
  LOG_RETENTION_DAYS,
  NAT_GATEWAY_MODES,
  parseConfig,
  SCP_VARIANTS,
  INSTANCE_S3_ACCESS,
  OBJECT_LOCK_MODES,
  SSM_OWN_SESSION_RULES,
  SSM_PRINCIPALS,
  SSM_USER_ACCESS,
  STATE_BACKENDS,
} from "../../../lib/config";
import { AL2023_AMI_PARAMETERS, instanceArchitecture } from "../../../lib/config/instance-types";
import { zoneIdPrefix } from "../../../lib/config/zones";
import { synthApp } from "../../helpers";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..", "..");
const SEED = 7007;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated configurations are broken into any shape on purpose
type Raw = Record<string, any>;

/* ---------- valid values ---------- */

const region = fc.constantFrom(
  "eu-west-1",
  "eu-central-1",
  "us-east-1",
  "us-west-2",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
  "ca-central-1",
  "me-south-1",
  "af-south-1",
);
const accountId = fc.stringMatching(/^\d{12}$/);
const tagValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.:/=+@-]{0,30}$/);
const vpcCidr = fc
  .tuple(fc.integer({ min: 16, max: 24 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
  .map(([prefix, address]) => {
    const aligned = address - (address % 2 ** (32 - prefix));
    return `${[24, 16, 8, 0].map((s) => Math.floor(aligned / 2 ** s) % 256).join(".")}/${prefix}`;
  });
const bucketName = fc
  .stringMatching(/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/)
  .filter((n) => !n.startsWith("xn--") && !n.startsWith("sthree-"));
/** A bucket of another account, with its owner (owners may repeat: one endpoint statement each). */
const ownedBucket = fc.record({ bucket: bucketName, accountId: fc.constantFrom("444455556666", "777788889999") });
const ouId = fc.stringMatching(/^ou-[0-9a-z]{4}-[a-z0-9]{8}$/);
const rootId = fc.stringMatching(/^r-[0-9a-z]{4}$/);
const osUser = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/);
const iamUserName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,54}$/);
const principalArn = fc
  .tuple(fc.oneof(accountId, fc.constant("*")), fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,32}$/))
  .map(([account, role]) => `arn:aws:iam::${account}:role/${role}`);
/** Exact IAM role or user ARNs (bucket and key policies take no wildcards), with an optional path. */
const userOrRoleArn = fc
  .tuple(
    accountId,
    fc.constantFrom("role", "user"),
    fc.constantFrom("", "audit/", "a/b/"),
    fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,32}$/),
  )
  .map(([account, kind, path, name]) => `arn:aws:iam::${account}:${kind}/${path}${name}`);
const organizationId = fc.stringMatching(/^o-[a-z0-9]{10,32}$/);
const instanceType = fc.constantFrom(
  "t3.micro",
  "t3a.small",
  "t2.micro",
  "m6i.large",
  "g4dn.xlarge",
  "t4g.micro",
  "m7g.large",
  "c7gn.xlarge",
  "a1.medium",
  "im4gn.large",
);
const awsId = (prefix: string) => fc.stringMatching(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`));
/** An organisation's own network: the VPC, one or two subnets, their route tables (required). */
const existingNetwork = fc.record({
  vpcId: awsId("vpc"),
  subnetIds: fc.uniqueArray(awsId("subnet"), { minLength: 1, maxLength: 2 }),
  routeTableIds: fc.uniqueArray(awsId("rtb"), { minLength: 1, maxLength: 3 }),
});

/** Zone numbers of pinned zones: never 3, which is constrained in ap-northeast-1 and us-east-1. */
const zoneNumbers = fc.uniqueArray(fc.constantFrom(1, 2, 4, 5, 6), { minLength: 3, maxLength: 3 });

/**
 * A state section of each backend. An s3 KMS key is generated as its ARN's tail (`kms`) and placed in
 * the bucket's region by {@link withKmsKey}: that region may be the configuration's.
 */
const validState: fc.Arbitrary<Raw> = fc.oneof(
  fc.constant({ backend: "local" }),
  fc.record(
    {
      backend: fc.constant("s3"),
      bucket: bucketName,
      region,
      keyPrefix: fc.stringMatching(/^([a-z0-9_.-]{1,8}\/){0,3}$/).filter((p) => !/(^|\/)\.{1,2}\//.test(p)),
      kms: fc.constantFrom("key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/terraform-state"),
      roleArn: fc.constant("arn:aws:iam::444444444444:role/TerraformState"),
    },
    { requiredKeys: ["backend", "bucket"] },
  ),
  fc.record(
    {
      backend: fc.constant("cloud"),
      organization: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
      workspacePrefix: fc.stringMatching(/^[A-Za-z0-9_-]{1,71}$/),
      hostname: fc.constantFrom("app.terraform.io", "tfe.example.com", "tfe.internal.example:8443"),
    },
    { requiredKeys: ["backend", "organization", "workspacePrefix"] },
  ),
);
function withKmsKey({ kms, ...state }: Raw, home: string): Raw {
  return kms ? { ...state, kmsKeyId: `arn:aws:kms:${state.region ?? home}:444444444444:${kms}` } : state;
}

/** An Object Lock default retention of either mode. */
const objectLock = fc.record({
  mode: fc.constantFrom(...OBJECT_LOCK_MODES),
  retentionDays: fc.integer({ min: 1, max: 36500 }),
});

/**
 * Session preferences: someone else's (no sessionLogs may be written then), or managed (written or
 * the default) with any allowed sessionLogs; readers and Object Lock are kept only beside an S3 prefix
 * (see sessionSettings).
 */
const validSession: fc.Arbitrary<Raw> = fc.oneof(
  fc.constant({ sessionPreferences: "existing" }),
  fc.record(
    {
      sessionPreferences: fc.constantFrom("manage", "adopt"),
      sessionLogs: fc.record(
        {
          retentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
          s3KeyPrefix: fc.stringMatching(/^([a-z0-9_.-]{1,8}\/){1,3}$/).filter((p) => !/(^|\/)\.{1,2}\//.test(p)),
          idleTimeoutMinutes: fc.integer({ min: 1, max: 60 }),
          maxDurationMinutes: fc.integer({ min: 1, max: 1440 }),
          // Any OS user but root, which Run As refuses.
          runAsDefaultUser: osUser.filter((u) => u !== "root"),
          readerArns: fc.uniqueArray(userOrRoleArn, { maxLength: 2 }),
          objectLock,
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
);

/** The alarm address of generated configurations; the conflicts below remove exactly this one. */
const VALID_ALARM_EMAIL = "security@example.com";

/**
 * The generated session section as a valid file has it: transcript readers and Object Lock only with
 * an S3 prefix (there is no bucket without one), Object Lock never beside audit.allowDestroy.
 */
function sessionSettings(session: Raw, allowDestroy: boolean): Raw {
  if (session.sessionLogs === undefined) return session;
  const { readerArns, objectLock: lock, ...logs } = session.sessionLogs;
  const withBucket = logs.s3KeyPrefix !== undefined;
  return {
    ...session,
    sessionLogs: {
      ...logs,
      ...(withBucket && readerArns !== undefined ? { readerArns } : {}),
      ...(withBucket && !allowDestroy && lock !== undefined ? { objectLock: lock } : {}),
    },
  };
}

const validConfig: fc.Arbitrary<Raw> = fc
  .record({
    region,
    project: tagValue,
    // The shipped placeholders (no alarm subscriber or audit administrator needed) or other accounts.
    ids: fc.oneof(
      { arbitrary: fc.constant([...PLACEHOLDER_ACCOUNT_IDS]), weight: 1 },
      { arbitrary: fc.uniqueArray(accountId, { minLength: 3, maxLength: 3 }), weight: 3 },
    ),
    // "per-stack" needs a way into the data account for cross-account-s3's data provider.
    credentials: fc.constantFrom(...CREDENTIAL_SOURCES),
    network: fc.record({
      vpcCidr,
      natGateways: fc.constantFrom(...NAT_GATEWAY_MODES),
      flowLogRetentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
    }),
    // Unset, true or false; false only where a NAT gateway or an existing VPC gives another way out.
    interfaceEndpoints: fc.option(fc.boolean(), { nil: undefined }),
    // Unset (on without NAT, off otherwise), true or false, with any network.
    dnsFirewall: fc.option(fc.boolean(), { nil: undefined }),
    existing: fc.option(existingNetwork, { nil: undefined, freq: 2 }),
    eice: fc.record({
      preserveClientIp: fc.boolean(),
      ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
      maxTunnelDurationSeconds: fc.integer({ min: 1, max: 3600 }),
      osUsers: fc.uniqueArray(osUser, { minLength: 1, maxLength: 2 }),
    }),
    allowedBuckets: fc.uniqueArray(ownedBucket, { maxLength: 2, selector: (b) => b.bucket }),
    instanceS3Access: fc.option(fc.constantFrom(...INSTANCE_S3_ACCESS), { nil: undefined }),
    approvedBuckets: fc.uniqueArray(ownedBucket, { maxLength: 3, selector: (b) => b.bucket }),
    scp: fc.record({
      variant: fc.constantFrom(...SCP_VARIANTS),
      targetIds: fc.uniqueArray(fc.oneof(ouId, rootId), { maxLength: 2 }),
      deployerPrincipalArns: fc.uniqueArray(principalArn, { maxLength: 2 }),
    }),
    // Exempt roles come with their administrators (the configuration requires both or neither).
    exemption: fc.option(
      fc.record({
        exemptPrincipalArns: fc.uniqueArray(principalArn, { minLength: 1, maxLength: 2 }),
        exemptionAdministratorArns: fc.uniqueArray(principalArn, { minLength: 1, maxLength: 2 }),
      }),
    ),
    orgPerimeter: fc.option(
      fc.record({ organizationId, approvedAccountIds: fc.uniqueArray(accountId, { maxLength: 3 }) }),
    ),
    userName: iamUserName,
    ssmRules: fc.record({
      userAccess: fc.constantFrom(...SSM_USER_ACCESS),
      ownSessions: fc.constantFrom(...SSM_OWN_SESSION_RULES),
    }),
    session: validSession,
    // Identity Center principals: any display name without control characters (`${`, `%{`, quotes
    // and non-Latin letters included: the stacks escape them for Terraform), optionally a delegated
    // administrator account.
    identityCenter: fc.option(
      fc.record(
        {
          groupName: fc.string({ minLength: 1, maxLength: 24, unit: "grapheme" }).filter((n) => !/\p{Cc}/u.test(n)),
          projectAttribute: fc.constantFrom("enterprise.department", "name.familyName", "costCenter"),
          permissionSetPrefix: fc.stringMatching(/^[\w+=,.@-]{1,20}$/),
          manageAccessControlAttributes: fc.boolean(),
          region,
          delegated: accountId,
        },
        { requiredKeys: ["groupName"] },
      ),
    ),
    logRetentionDays: fc.constantFrom(...LOG_RETENTION_DAYS),
    allowDestroy: fc.boolean(),
    auditObjectLock: fc.option(objectLock, { nil: undefined }),
    logReaderArns: fc.uniqueArray(userOrRoleArn, { maxLength: 2 }),
    administratorArns: fc.uniqueArray(userOrRoleArn, { maxLength: 2 }),
    alarm: fc.constantFrom("none", "email", "opt-out"),
    zones: fc.record({ numbers: zoneNumbers, pin: fc.boolean(), exclude: fc.boolean() }),
    instance: fc.record({ type: instanceType, withParameter: fc.boolean() }),
    state: validState,
  })
  .map((v) => {
    // Other accounts need a subscriber (or the opt-out) and an administrator of the audit keys.
    const real = !isPlaceholderAccount(v.ids[0]);
    const alarm = real && v.alarm === "none" ? "email" : v.alarm;
    const administratorArns =
      real && v.administratorArns.length === 0 ? [`arn:aws:iam::${v.ids[0]}:role/Deployer`] : v.administratorArns;
    return { ...v, alarm, administratorArns };
  })
  .map((v) => ({
    region: v.region,
    project: v.project,
    credentials: v.credentials,
    accounts: {
      workload: { id: v.ids[0] },
      management: { id: v.ids[1] },
      data: v.credentials === "per-stack" ? { id: v.ids[2], profile: "data-admin" } : { id: v.ids[2] },
      ...(v.identityCenter?.delegated === undefined ? {} : { identityCenter: { id: v.identityCenter.delegated } }),
    },
    // With an existing network, nothing a built network is made of may be written.
    network: v.existing
      ? {
          existing: v.existing,
          ...(v.interfaceEndpoints === undefined ? {} : { interfaceEndpoints: v.interfaceEndpoints }),
          ...(v.dnsFirewall === undefined ? {} : { dnsFirewall: v.dnsFirewall }),
        }
      : {
          ...v.network,
          ...(v.dnsFirewall === undefined ? {} : { dnsFirewall: v.dnsFirewall }),
          ...(v.interfaceEndpoints === undefined
            ? {}
            : { interfaceEndpoints: v.interfaceEndpoints || v.network.natGateways === "none" }),
          ...(v.zones.pin
            ? { availabilityZoneIds: v.zones.numbers.slice(0, 2).map((n) => `${zoneIdPrefix(v.region)}-az${n}`) }
            : {}),
          excludeZoneIds: v.zones.exclude ? [`${zoneIdPrefix(v.region)}-az${v.zones.numbers[2]}`] : [],
        },
    instance: {
      type: v.instance.type,
      ...(v.instance.withParameter
        ? { amiSsmParameter: AL2023_AMI_PARAMETERS[instanceArchitecture(v.instance.type)] }
        : {}),
    },
    eice: v.eice,
    privateAccess: {
      allowedBuckets: v.allowedBuckets,
      ...(v.instanceS3Access === undefined ? {} : { instanceS3Access: v.instanceS3Access }),
    },
    scp: { ...v.scp, ...(v.exemption ?? { exemptPrincipalArns: [], exemptionAdministratorArns: [] }) },
    orgPerimeter: v.orgPerimeter ?? { approvedAccountIds: [] },
    ssm: {
      userName: v.userName,
      ...v.ssmRules,
      ...sessionSettings(v.session, v.allowDestroy && v.administratorArns.length > 0),
      ...(v.identityCenter === null
        ? {}
        : {
            principals: "identity-center",
            // Role sessions own their sessions by the session-id tag only (the name prefix is refused).
            ownSessions: "session-id-tag",
            identityCenter: (({ delegated: _, ...section }) => section)(v.identityCenter),
          }),
    },
    crossAccount: { createAccessKey: false, approvedBuckets: v.approvedBuckets },
    audit: {
      logRetentionDays: v.logRetentionDays,
      // Nobody could empty the trail bucket without an administrator: that pair is refused.
      allowDestroy: v.allowDestroy && v.administratorArns.length > 0,
      logReaderArns: v.logReaderArns,
      administratorArns: v.administratorArns,
      ...(v.alarm === "email" ? { alarmEmail: VALID_ALARM_EMAIL } : {}),
      ...(v.alarm === "opt-out" ? { noAlarmSubscriber: true } : {}),
      // A bucket under Object Lock cannot be emptied: never beside allowDestroy.
      ...(v.auditObjectLock !== undefined && !(v.allowDestroy && v.administratorArns.length > 0)
        ? { objectLock: v.auditObjectLock }
        : {}),
    },
    state: withKmsKey(v.state, v.region),
  }));

/* ---------- bad values ---------- */

/** JSON values of the wrong type for a field expecting `kind`. */
const wrongType = (kind: "string" | "number" | "boolean" | "list"): fc.Arbitrary<unknown> => {
  const options: Array<fc.Arbitrary<unknown>> = [
    fc.constant(null),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.integer(), { maxKeys: 2 }),
  ];
  if (kind !== "string") options.push(fc.string({ maxLength: 8 }));
  if (kind !== "number") options.push(fc.integer());
  if (kind !== "boolean") options.push(fc.boolean());
  if (kind !== "list") options.push(fc.array(fc.integer(), { maxLength: 2 }));
  return fc.oneof(...options);
};

const badAccountId = fc.oneof(
  wrongType("string"),
  fc.stringMatching(/^\d{1,11}$/),
  fc.stringMatching(/^\d{13,15}$/),
  fc.stringMatching(/^\d{4}-\d{4}-\d{4}$/),
  fc.stringMatching(/^[0-9a-z]{12}$/).filter((s) => /[a-z]/.test(s)),
  fc.integer({ min: 100000000000, max: 999999999999 }),
);
const badRegion = fc.oneof(
  wrongType("string"),
  fc.constantFrom("eu-west-0", "EU-WEST-1", "us-gov-west-1", "cn-north-1", "eu-west", "eu-west-1 ", "mars-east-1", ""),
  fc.string({ maxLength: 12 }).filter((s) => !/^[a-z]{2}-[a-z]+-[1-9]$/.test(s)),
);
const badTagValue = fc.oneof(
  wrongType("string"),
  fc.constant(""),
  fc.string({ minLength: 257, maxLength: 300, unit: fc.constantFrom("a", "b", "1") }),
  fc.stringMatching(/^[a-z]{0,5}[!#$%^&*<>?;"'\\|~`][a-z]{0,5}$/),
);
const badCidr = fc.oneof(
  wrongType("string"),
  fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 25, max: 32 })).map((p) => `10.0.0.0/${p}`),
  fc
    .tuple(fc.integer({ min: 16, max: 24 }), fc.integer({ min: 1, max: 255 }))
    .map(([p, last]) => `10.0.0.${last}/${p}`),
  fc.integer({ min: 256, max: 999 }).map((o) => `10.${o}.0.0/16`),
  fc.constantFrom("10.0.0/16", "10.0.0.0", "10.0.0.0/16/1", "fd00::/48", "10.0.0.0/a", " 10.0.0.0/16"),
);
const badBucket = fc.oneof(
  wrongType("string"),
  fc.stringMatching(/^[a-z]{1,10}[A-Z_][a-z]{1,10}$/),
  fc.stringMatching(/^[a-z0-9]{0,2}$/),
  fc.stringMatching(/^[a-z]{64,70}$/),
  fc.stringMatching(/^[a-z]{1,5}\.\.[a-z]{1,5}$/),
  fc.constantFrom(
    "192.168.1.1",
    "xn--bucket",
    "sthree-bucket",
    "bucket-s3alias",
    "bucket--ol-s3",
    "-bucket",
    "bucket-",
  ),
);
const badPort = fc.oneof(
  fc.integer({ min: -65535, max: 0 }),
  fc.integer({ min: 65536, max: 10 ** 6 }),
  wrongType("number"),
);
const badDuration = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 3601 }), wrongType("number"));
const badRetention = fc.oneof(
  fc.integer({ min: -10, max: 4000 }).filter((d) => !(LOG_RETENTION_DAYS as readonly number[]).includes(d)),
  wrongType("number"),
);
const notOneOf = (allowed: readonly string[]) =>
  fc.oneof(
    wrongType("string"),
    fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s)),
    fc.constant("deny-all"),
  );
const badScpTarget = fc.oneof(
  wrongType("string"),
  fc.constantFrom("ou-123", "r-", "12345", "OU-ABCD-12345678", "root", "ou-abcd-1234567"),
);
const badOsUser = fc.oneof(wrongType("string"), fc.constantFrom("Root", "1abc", "a b", "x".repeat(33), ""));
const badGroupName = fc.oneof(
  wrongType("string"),
  fc.constant(""),
  fc.constantFrom("Ops\nTeam", "Ops\tTeam", "\u0000"),
  fc.constant("g".repeat(1025)),
);
const badAttributePath = fc.oneof(
  wrongType("string"),
  fc.constantFrom(
    "",
    "${path:enterprise.department}",
    "enterprise..department",
    "1st.attribute",
    "a.b.c.d.e",
    "dept name",
  ),
);
const badUserName = fc.oneof(
  wrongType("string"),
  fc.constantFrom("", "a b", "user#1", "u".repeat(55), "u".repeat(65), "名前"),
);
const badPrincipalArn = fc.oneof(
  wrongType("string"),
  fc.constantFrom("BreakGlass", "arn:aws:iam::1234:role/x", "arn:aws:s3:::bucket", "arn:aws:iam::*:role/a b", ""),
);
const badUserOrRoleArn = fc.oneof(
  wrongType("string"),
  fc.constantFrom(
    "SecurityAudit",
    "arn:aws:iam::*:role/SecurityAudit",
    "arn:aws:iam::123456789012:role/Audit*",
    "arn:aws:sts::123456789012:assumed-role/Audit/s",
    "arn:aws:iam::123456789012:group/Auditors",
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::1234:role/x",
    "",
  ),
);
const badRoleArn = fc.oneof(
  badPrincipalArn,
  fc.constantFrom(
    "arn:aws:iam::*:user/BreakGlass",
    "arn:aws:sts::111111111111:assumed-role/BreakGlass/s",
    "arn:aws:sts::111111111111:federated-user/BreakGlass",
    "arn:aws:iam::*:*",
  ),
);
const badOrganizationId = fc.oneof(
  wrongType("string"),
  fc.constantFrom("o-abc", "o-A1B2C3D4E5", "r-ab12", "a1b2c3d4e5", `o-${"a".repeat(33)}`, "o-a1b2c3d4e5 ", ""),
);
const badZoneId = fc.oneof(
  wrongType("string"),
  fc.constantFrom("eu-west-1a", "az1", "euw1-az0", "euw1-az", "use1-bos1-az1", "EUW1-AZ1", "euw1_az1", ""),
);
const badZoneList = fc.oneof(
  fc.constant(null),
  fc.constantFrom([], ["euw1-az1"], ["euw1-az1", "euw1-az2", "euw1-az4"], "euw1-az1", { a: 1 }, 7),
);
const badVpcId = fc.oneof(
  wrongType("string"),
  fc.constantFrom("vpc-123", "vpc-0123456789ABCDEF0", "subnet-0123456789abcdef0", "0123456789abcdef0", "vpc-", ""),
);
const badSubnetId = fc.oneof(
  wrongType("string"),
  fc.constantFrom("subnet-123", "subnet-0123456789ABCDEF0", "vpc-0123456789abcdef0", "subnet-", ""),
);
/** Subnet lists of a bad length, with a duplicate, or not a list: errors on the list itself. */
const badSubnetList = fc.oneof(
  wrongType("list"),
  fc.constantFrom(
    [],
    ["subnet-00000001", "subnet-00000002", "subnet-00000003"],
    ["subnet-00000001", "subnet-00000001"],
  ),
);
const badRouteTableList = fc.oneof(wrongType("list"), fc.constantFrom([], ["rtb-00000001", "rtb-00000001"]));
const badRouteTableId = fc.oneof(wrongType("string"), fc.constantFrom("rtb-xyz", "subnet-00000001", "RTB-00000001"));

const badInstanceType = fc.oneof(
  wrongType("string"),
  fc.constantFrom("t3", "T3.micro", "t3 micro", ".micro", "mac2.metal", "mac1.metal", ""),
);
const badKeyPrefix = fc.oneof(
  wrongType("string"),
  fc.constantFrom("/guardrails/", "guardrails", "a//b/", "a/../", "../", "./", "a b/", "ü/", `${"p".repeat(513)}/`),
);
const badKmsKey = fc.oneof(
  wrongType("string"),
  fc.constantFrom(
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/terraform-state",
    "arn:aws:kms:eu-west-1:4444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:s3:::state",
    "",
  ),
);
const badCloudName = fc.oneof(wrongType("string"), fc.constantFrom("", "acme corp", "acme.io", "a/b", "ü"));
const badHostname = fc.oneof(
  wrongType("string"),
  fc.constantFrom("https://app.terraform.io", "app.terraform.io/", "localhost", "APP.TERRAFORM.IO", "a..io", ""),
);
/** A valid state section of `backend`, so a mutation breaks exactly one of its fields. */
const STATE_BASES: Record<string, Raw> = {
  s3: { backend: "s3", bucket: "team-state" },
  cloud: { backend: "cloud", organization: "acme", workspacePrefix: "guardrails-" },
};

const unknownKey = fc.stringMatching(/^[a-z][a-zA-Z]{2,10}$/).filter((k) => !KNOWN_KEYS.has(k));
const KNOWN_KEYS = new Set([
  "region",
  "project",
  "credentials",
  "accounts",
  "network",
  "instance",
  "eice",
  "privateAccess",
  "scp",
  "ssm",
  "crossAccount",
  "audit",
  "workload",
  "management",
  "data",
  "id",
  "profile",
  "roleArn",
  "vpcCidr",
  "natGateways",
  "flowLogRetentionDays",
  "type",
  "amiSsmParameter",
  "amiId",
  "preserveClientIp",
  "ports",
  "maxTunnelDurationSeconds",
  "osUsers",
  "allowedBuckets",
  "instanceS3Access",
  "accountId",
  "variant",
  "targetIds",
  "attachedPolicyCounts",
  "exemptPrincipalArns",
  "deployerPrincipalArns",
  "exemptionAdministratorArns",
  "orgPerimeter",
  "organizationId",
  "approvedAccountIds",
  "userName",
  "targetInstanceIds",
  "createAccessKey",
  "pgpKey",
  "approvedBuckets",
  "alarmEmail",
  "noAlarmSubscriber",
  "logRetentionDays",
  "allowDestroy",
  "availabilityZoneIds",
  "excludeZoneIds",
  "existing",
  "interfaceEndpoints",
  "dnsFirewall",
  "vpcId",
  "subnetIds",
  "routeTableIds",
  "state",
  "backend",
  "bucket",
  "keyPrefix",
  "kmsKeyId",
  "organization",
  "workspacePrefix",
  "hostname",
]);

/** One bad field: `group` keeps two mutations off the same field; `late` ones copy other fields. */
interface Mutation {
  readonly group: string;
  readonly late?: boolean;
  /** Changes the configuration; returns the field path the error message must name. */
  readonly apply: (config: Raw) => string;
}

function at(config: Raw, dotted: string): Raw {
  return dotted.split(".").reduce((obj, key) => obj[key], config);
}

/** `field` set to a value from `bad`. */
const setField = (field: string, bad: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  bad.map((value) => ({
    group: field,
    apply: (config) => {
      const parts = field.split(".");
      const parent = parts.length > 1 ? at(config, parts.slice(0, -1).join(".")) : config;
      parent[parts[parts.length - 1]] = value;
      return field;
    },
  }));

/**
 * A field of the Identity Center settings set to a value from `bad`, with the principals switched to
 * Identity Center and the section created when the generated configuration had IAM users. One group
 * with `ssm.principals`: each of these writes it, which would hide that field's own mutation.
 */
const identityCenterField = (field: string, bad: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  bad.map((value) => ({
    group: "ssm.principals",
    apply: (config) => {
      config.ssm.principals = "identity-center";
      config.ssm.identityCenter ??= { groupName: "Platform Engineers" };
      if (field.startsWith("accounts.")) config.accounts.identityCenter ??= { id: "555555555555" };
      const parts = field.split(".");
      at(config, parts.slice(0, -1).join("."))[parts[parts.length - 1]] = value;
      return field;
    },
  }));

/** The list at `field`, created empty when the generated configuration left it out. */
function listAt(config: Raw, field: string): unknown[] {
  const parts = field.split(".");
  const parent = at(config, parts.slice(0, -1).join("."));
  return (parent[parts[parts.length - 1]] ??= []);
}

/** One element of the list at `field` replaced (or appended) by a value from `bad`. */
const setElement = (field: string, bad: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  fc.tuple(bad, fc.nat()).map(([value, n]) => ({
    group: field,
    apply: (config) => {
      const list = listAt(config, field);
      const i = n % (list.length + 1);
      list[i] = value;
      return `${field}[${i}]`;
    },
  }));

/** The list at `field` given a duplicate of one of its elements (or of `fallback`). */
const duplicate = (field: string, fallback: unknown): fc.Arbitrary<Mutation> =>
  fc.nat().map((n) => ({
    group: field,
    apply: (config) => {
      const list = listAt(config, field);
      const item = list.length > 0 ? list[n % list.length] : fallback;
      list.push(item, item);
      return field;
    },
  }));

/**
 * One entry of a `{ bucket, accountId }` list replaced (or appended): a bad bucket name, a bad owner
 * account id, or not an object at all; the message names the entry's bad field, or the entry.
 */
const badOwnedBucket = (field: string): fc.Arbitrary<Mutation> =>
  fc
    .tuple(
      fc.oneof(
        badBucket.map((bucket) => ({ entry: { bucket, accountId: "444455556666" } as unknown, sub: ".bucket" })),
        badAccountId.map((accountId) => ({
          entry: { bucket: "bad-owner-bucket", accountId } as unknown,
          sub: ".accountId",
        })),
        fc
          .oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.integer(), fc.array(fc.integer(), { maxLength: 2 }))
          .map((entry) => ({ entry, sub: "" })),
      ),
      fc.nat(),
    )
    .map(([{ entry, sub }, n]) => ({
      group: field,
      apply: (config) => {
        const list = listAt(config, field);
        const i = n % (list.length + 1);
        list[i] = entry;
        return `${field}[${i}]${sub}`;
      },
    }));

/** A second entry for a bucket already listed (a bucket has one owner): named at the repeated entry. */
const duplicateBucket = (field: string): fc.Arbitrary<Mutation> =>
  fc.nat().map((n) => ({
    group: field,
    apply: (config) => {
      const list = listAt(config, field) as Array<{ bucket: string; accountId: string }>;
      const { bucket } = list.length > 0 ? list[n % list.length] : { bucket: "some-bucket" };
      if (list.length === 0) list.push({ bucket, accountId: "444455556666" });
      list.push({ bucket, accountId: "777788889999" });
      return `${field}[${list.length - 1}].bucket`;
    },
  }));

const unknownKeyIn = (container: string): fc.Arbitrary<Mutation> =>
  fc.tuple(unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => ({
    group: `unknown:${container}`,
    apply: (config) => {
      (container === "" ? config : at(config, container))[key] = value;
      return container === "" ? key : `${container}.${key}`;
    },
  }));

/**
 * `state` replaced by a section of `backend` whose `field` holds a value from `bad` (or lacks `field`,
 * with `missing`). One group: every state mutation rewrites the whole section.
 */
const stateField = (backend: string, field: string, bad: fc.Arbitrary<unknown>, missing = false) =>
  bad.map<Mutation>((value) => ({
    group: "state",
    apply: (config) => {
      const state = structuredClone(STATE_BASES[backend]);
      if (missing) delete state[field];
      else state[field] = value;
      config.state = state;
      return `state.${field}`;
    },
  }));

const stateMutations: Array<fc.Arbitrary<Mutation>> = [
  setField("state.backend", notOneOf(STATE_BACKENDS)).map((m) => ({ ...m, group: "state" })),
  stateField("s3", "bucket", badBucket),
  stateField("s3", "bucket", fc.constant(undefined), true),
  stateField("s3", "region", badRegion),
  stateField("s3", "keyPrefix", badKeyPrefix),
  stateField("s3", "kmsKeyId", badKmsKey),
  stateField("s3", "roleArn", badPrincipalArn),
  stateField("cloud", "organization", badCloudName),
  stateField("cloud", "organization", fc.constant(undefined), true),
  stateField("cloud", "workspacePrefix", fc.oneof(badCloudName, fc.constant("p".repeat(75)))),
  stateField("cloud", "hostname", badHostname),
  // Fields of the other backend (the sections are strict).
  stateField("s3", "organization", fc.constant("acme")),
  stateField("cloud", "bucket", fc.constant("team-state")),
  stateField("s3", "workspacePrefix", fc.constant("guardrails-")),
  unknownKeyIn("state").map((m) => ({ ...m, group: "state" })),
  // SSE-KMS takes a key of the bucket's own region.
  fc.constant<Mutation>({
    group: "state",
    apply: (config) => {
      config.state = {
        ...STATE_BASES.s3,
        region: "eu-central-1",
        kmsKeyId: "arn:aws:kms:eu-west-1:444444444444:alias/terraform-state",
      };
      return "state.kmsKeyId";
    },
  }),
];

const ACCOUNTS = ["workload", "management", "data"] as const;

const conflicts: Array<fc.Arbitrary<Mutation>> = [
  ...ACCOUNTS.map((name) =>
    fc.constant<Mutation>({
      group: `accounts.${name}.roleArn`,
      late: true,
      apply: (config) => {
        const account = config.accounts[name];
        account.profile = "deployer";
        // The id may itself be mutated, even into a null-prototype object that String() cannot print.
        const id = typeof account.id === "string" && /^\d{12}$/.test(account.id) ? account.id : "111111111111";
        account.roleArn = `arn:aws:iam::${id}:role/Deployer`;
        return `accounts.${name}.roleArn`;
      },
    }),
  ),
  fc.constant<Mutation>({
    group: "accounts.data.id",
    late: true,
    apply: (config) => {
      config.accounts.data.id = config.accounts.workload.id;
      return "accounts.data.id";
    },
  }),
  fc.constant<Mutation>({
    group: "scp.targetIds",
    late: true,
    apply: (config) => {
      const targets = config.scp.targetIds as unknown[];
      targets.push(config.accounts.management.id);
      return `scp.targetIds[${targets.length - 1}]`;
    },
  }),
  fc.constant<Mutation>({
    // Also appends to excludeZoneIds: one group, so no other mutation of either list is lost.
    group: "network.zones",
    late: true,
    apply: (config) => {
      const prefix = typeof config.region === "string" ? (zoneIdPrefix(config.region) ?? "euw1") : "euw1";
      const pinned = [`${prefix}-az1`, `${prefix}-az2`];
      config.network.availabilityZoneIds = pinned;
      config.network.excludeZoneIds = [
        ...(config.network.excludeZoneIds ?? []).filter((id: string) => id !== pinned[0]),
        pinned[0],
      ];
      return "network.availabilityZoneIds[0]";
    },
  }),
  fc.constant<Mutation>({
    // Interface endpoints turned off with no NAT; next to network.existing, natGateways is refused instead.
    group: "network.natGateways",
    late: true,
    apply: (config) => {
      const { network } = config;
      network.natGateways = "none";
      if (network.existing !== undefined) return "network.natGateways";
      if (network.interfaceEndpoints === undefined || network.interfaceEndpoints === true)
        network.interfaceEndpoints = false;
      return "network.interfaceEndpoints";
    },
  }),
  fc.constant<Mutation>({
    group: "instance.type",
    apply: (config) => {
      const other = instanceArchitecture(config.instance.type) === "arm64" ? "x86_64" : "arm64";
      config.instance.amiSsmParameter = AL2023_AMI_PARAMETERS[other];
      return "instance.amiSsmParameter";
    },
  }),
  fc.constant<Mutation>({
    group: "scp.exemptionAdministratorArns",
    late: true,
    apply: (config) => {
      if (config.scp.exemptPrincipalArns === undefined || config.scp.exemptPrincipalArns.length === 0)
        config.scp.exemptPrincipalArns = ["arn:aws:iam::*:role/BreakGlass"];
      config.scp.exemptionAdministratorArns = [];
      return "scp.exemptionAdministratorArns";
    },
  }),
  fc.constant<Mutation>({
    group: "orgPerimeter",
    late: true,
    apply: (config) => {
      delete config.orgPerimeter.organizationId;
      config.orgPerimeter.approvedAccountIds = ["444444444444"];
      return "orgPerimeter.approvedAccountIds";
    },
  }),
  fc.constant<Mutation>({
    group: "audit.destroy",
    apply: (config) => {
      config.audit.allowDestroy = true;
      config.audit.administratorArns = [];
      return "audit.administratorArns";
    },
  }),
  // The workload account made a real one (if it was a placeholder; a mutated id is not one either).
  fc.constant<Mutation>({
    group: "audit.alarm",
    apply: (config) => {
      if (isPlaceholderAccount(config.accounts.workload.id)) config.accounts.workload.id = "444444444444";
      if (config.audit.alarmEmail === VALID_ALARM_EMAIL) delete config.audit.alarmEmail;
      if (config.audit.noAlarmSubscriber === true) delete config.audit.noAlarmSubscriber;
      return "audit.alarmEmail";
    },
  }),
  fc.constant<Mutation>({
    group: "audit.alarm",
    apply: (config) => {
      config.audit.alarmEmail = VALID_ALARM_EMAIL;
      config.audit.noAlarmSubscriber = true;
      return "audit.noAlarmSubscriber";
    },
  }),
  fc.constant<Mutation>({
    group: "audit.destroy",
    apply: (config) => {
      if (isPlaceholderAccount(config.accounts.workload.id)) config.accounts.workload.id = "444444444444";
      config.audit.administratorArns = [];
      return "audit.administratorArns";
    },
  }),
  fc.constant<Mutation>({
    // Object Lock on a bucket allowDestroy means to empty.
    group: "audit.destroy",
    apply: (config) => {
      config.audit.allowDestroy = true;
      config.audit.administratorArns = ["arn:aws:iam::123456789012:role/Deployer"];
      config.audit.objectLock = { mode: "GOVERNANCE", retentionDays: 7 };
      return "audit.objectLock";
    },
  }),
  fc.constant<Mutation>({
    group: "crossAccount.pgpKey",
    apply: (config) => {
      config.crossAccount.pgpKey = "keybase:someone";
      return "crossAccount.pgpKey";
    },
  }),
];

/**
 * A field of `network.existing` set to a bad value; a built network gets a valid `existing` first (its
 * own fields are then refused too, which the message may add).
 */
const setExisting = (field: string, bad: fc.Arbitrary<unknown>, element = false): fc.Arbitrary<Mutation> =>
  fc.tuple(bad, fc.nat()).map(([value, n]) => ({
    group: "network.existing",
    apply: (config) => {
      const { network } = config;
      if (typeof network.existing !== "object" || network.existing === null)
        network.existing = { vpcId: "vpc-00000001", subnetIds: ["subnet-00000001"], routeTableIds: ["rtb-00000001"] };
      if (!element) {
        network.existing[field] = value;
        return `network.existing.${field}`;
      }
      const list: unknown[] = (network.existing[field] ??= []);
      const i = n % (list.length + 1);
      list[i] = value;
      return `network.existing.${field}[${i}]`;
    },
  }));

/**
 * A field of `ssm.sessionLogs` set to a bad value, the preferences managed (so the value is judged,
 * not the section refused). One group for every session-preferences mutation.
 */
const setSessionLog = (field: string, bad: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  bad.map((value) => ({
    group: "ssm.session",
    apply: (config) => {
      config.ssm.sessionPreferences = "manage";
      config.ssm.sessionLogs = { ...(config.ssm.sessionLogs ?? {}), [field]: value };
      return `ssm.sessionLogs.${field}`;
    },
  }));
const badMinutes = (max: number) =>
  fc.oneof(
    fc.integer({ min: -60, max: 0 }),
    fc.integer({ min: max + 1, max: max * 10 }),
    fc.constant(String(Math.min(20, max))),
    wrongType("number"),
  );
/** Bad Object Lock sections: by field (`""`: the section itself, which must be an object). */
const badObjectLocks: Array<[string, fc.Arbitrary<unknown>]> = [
  ["", fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.array(fc.integer()))],
  ["mode", notOneOf(OBJECT_LOCK_MODES)],
  [
    "retentionDays",
    fc.oneof(
      fc.integer({ min: -30, max: 0 }),
      fc.integer({ min: 36501, max: 400000 }),
      fc.constant("30"),
      wrongType("number"),
    ),
  ],
];

const sessionMutations: Array<fc.Arbitrary<Mutation>> = [
  setField("ssm.sessionPreferences", notOneOf(["manage", "adopt", "existing"])).map((m) => ({
    ...m,
    group: "ssm.session",
  })),
  setSessionLog("retentionDays", badRetention),
  setSessionLog(
    "s3KeyPrefix",
    fc.oneof(
      wrongType("string"),
      fc.constantFrom(
        "",
        "session-logs",
        "/session-logs/",
        "a//b/",
        "../",
        "./x/",
        "a b/",
        "logs/x",
        "ü/",
        "*/",
        "logs*/",
      ),
    ),
  ),
  setSessionLog("idleTimeoutMinutes", badMinutes(60)),
  setSessionLog("maxDurationMinutes", badMinutes(1440)),
  setSessionLog(
    "runAsDefaultUser",
    fc.oneof(wrongType("string"), fc.constantFrom("", "Root", "root", "1admin", "ssm user", "x".repeat(33), "-x")),
  ),
  // A transcript reader that is no exact role or user ARN, beside the S3 prefix it needs.
  badUserOrRoleArn.map<Mutation>((value) => ({
    group: "ssm.session",
    apply: (config) => {
      config.ssm.sessionPreferences = "manage";
      config.ssm.sessionLogs = { ...(config.ssm.sessionLogs ?? {}), s3KeyPrefix: "session-logs/", readerArns: [value] };
      return "ssm.sessionLogs.readerArns[0]";
    },
  })),
  // Readers written without the S3 prefix (no bucket to read) would be silently ignored: refused raw.
  fc.constant<Mutation>({
    group: "ssm.session",
    apply: (config) => {
      config.ssm.sessionPreferences = "manage";
      const { s3KeyPrefix: _, objectLock: __, ...logs } = config.ssm.sessionLogs ?? {};
      config.ssm.sessionLogs = { ...logs, readerArns: ["arn:aws:iam::123456789012:role/Investigator"] };
      return "ssm.sessionLogs.readerArns";
    },
  }),
  ...badObjectLocks.map(([field, bad]) =>
    bad.map<Mutation>((value) => ({
      group: "ssm.session",
      apply: (config) => {
        config.ssm.sessionPreferences = "manage";
        const logs = { ...(config.ssm.sessionLogs ?? {}), s3KeyPrefix: "session-logs/" };
        logs.objectLock = field === "" ? value : { mode: "GOVERNANCE", retentionDays: 30, [field]: value };
        config.ssm.sessionLogs = logs;
        return field === "" ? "ssm.sessionLogs.objectLock" : `ssm.sessionLogs.objectLock.${field}`;
      },
    })),
  ),
  // Logs written beside a document that is someone else's would be silently ignored: refused raw.
  fc.constant<Mutation>({
    group: "ssm.session",
    apply: (config) => {
      config.ssm.sessionPreferences = "existing";
      config.ssm.sessionLogs = { retentionDays: 30 };
      return "ssm.sessionLogs";
    },
  }),
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  setField("region", badRegion),
  setField("project", badTagValue),
  ...ACCOUNTS.map((name) => setField(`accounts.${name}.id`, badAccountId)),
  setField("network.vpcCidr", badCidr),
  setField("network.natGateways", notOneOf(NAT_GATEWAY_MODES)),
  setField("network.flowLogRetentionDays", badRetention),
  setField("network.availabilityZoneIds", badZoneList).map((m) => ({ ...m, group: "network.zones" })),
  setElement("network.excludeZoneIds", badZoneId).map((m) => ({ ...m, group: "network.zones" })),
  duplicate("network.excludeZoneIds", "euw1-az4").map((m) => ({ ...m, group: "network.zones" })),
  // Not an object (an object reports its own missing or unknown fields instead).
  setField(
    "network.existing",
    wrongType("string").filter((v) => typeof v !== "object" || Array.isArray(v)),
  ).map((m) => ({
    ...m,
    group: "network.existing",
  })),
  setExisting("vpcId", badVpcId),
  setExisting("subnetIds", badSubnetList),
  setExisting("subnetIds", badSubnetId, true),
  setExisting("routeTableIds", badRouteTableList),
  setExisting("routeTableIds", badRouteTableId, true),
  // No route tables: cross-account-s3's perimeter would not exist (refused by name).
  setExisting("routeTableIds", fc.constant(undefined)),
  setField("network.interfaceEndpoints", wrongType("boolean")),
  setField("network.dnsFirewall", fc.oneof(wrongType("boolean"), fc.constantFrom("true", "on", 0, 1))),
  setField("instance.type", badInstanceType),
  setField("eice.preserveClientIp", wrongType("boolean")),
  setElement("eice.ports", badPort),
  duplicate("eice.ports", 22),
  setField("eice.ports", fc.oneof(fc.constant([]), wrongType("list"))),
  setField("eice.maxTunnelDurationSeconds", badDuration),
  setElement("eice.osUsers", badOsUser),
  duplicate("eice.osUsers", "ec2-user"),
  ...["privateAccess.allowedBuckets", "crossAccount.approvedBuckets"].flatMap((field) => [
    badOwnedBucket(field),
    duplicateBucket(field),
    setField(field, fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.integer(), fc.boolean())),
  ]),
  setField("privateAccess.instanceS3Access", notOneOf(INSTANCE_S3_ACCESS)),
  setField("crossAccount.vpcCidr", badCidr),
  setField("crossAccount.createAccessKey", wrongType("boolean")),
  setField("scp.variant", notOneOf(SCP_VARIANTS)),
  setElement("scp.targetIds", badScpTarget),
  duplicate("scp.targetIds", "r-ab12"),
  setField("ssm.userName", badUserName),
  setField("ssm.userAccess", notOneOf(SSM_USER_ACCESS)),
  setField("ssm.ownSessions", notOneOf(SSM_OWN_SESSION_RULES)),
  setField("ssm.principals", notOneOf(SSM_PRINCIPALS)),
  setField("credentials", notOneOf(CREDENTIAL_SOURCES)),
  identityCenterField("ssm.identityCenter.region", badRegion),
  identityCenterField("ssm.identityCenter.groupName", badGroupName),
  identityCenterField("ssm.identityCenter.projectAttribute", badAttributePath),
  identityCenterField(
    "ssm.identityCenter.permissionSetPrefix",
    fc.oneof(wrongType("string"), fc.constantFrom("", "x".repeat(21), "team a-", "équipe-", "team/a-")),
  ),
  identityCenterField(
    "ssm.identityCenter.manageAccessControlAttributes",
    fc.oneof(wrongType("boolean"), fc.constantFrom("true", "yes", 0, 1)),
  ),
  identityCenterField("accounts.identityCenter.id", badAccountId),
  // Not an object (an object lacking groupName is reported at ssm.identityCenter.groupName).
  identityCenterField(
    "ssm.identityCenter",
    fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.array(fc.integer())),
  ),
  setElement("scp.deployerPrincipalArns", badPrincipalArn),
  duplicate("scp.deployerPrincipalArns", "arn:aws:iam::*:role/Deployer"),
  // Exempt ARNs must be roles; a bad one also leaves the list without administrators when it was empty,
  // which is reported too (a second problem on another field is fine, a missing one is not).
  setElement("scp.exemptPrincipalArns", badRoleArn).map((m) => ({ ...m, group: "scp.exemptionAdministratorArns" })),
  setField("orgPerimeter.organizationId", badOrganizationId).map((m) => ({ ...m, group: "orgPerimeter" })),
  setElement("orgPerimeter.approvedAccountIds", badAccountId).map((m) => ({ ...m, group: "orgPerimeter" })),
  duplicate("orgPerimeter.approvedAccountIds", "444444444444").map((m) => ({ ...m, group: "orgPerimeter" })),
  setField("audit.logRetentionDays", badRetention),
  setField(
    "audit.alarmEmail",
    fc.oneof(wrongType("string"), fc.constantFrom("not-an-email", "a@b", "@x.io", "a b@x.io")),
  ).map((m) => ({ ...m, group: "audit.alarm" })),
  setField("audit.noAlarmSubscriber", fc.oneof(wrongType("boolean"), fc.constantFrom("true", "yes", 0, 1))).map(
    (m) => ({ ...m, group: "audit.alarm" }),
  ),
  // One group with the allowDestroy/administratorArns conflict, which writes both fields.
  setField("audit.allowDestroy", fc.oneof(wrongType("boolean"), fc.constantFrom("true", "false", "yes", 0, 1))).map(
    (m) => ({ ...m, group: "audit.destroy" }),
  ),
  ...badObjectLocks.map(([field, bad]) =>
    bad.map<Mutation>((value) => ({
      group: "audit.destroy",
      apply: (config) => {
        config.audit.objectLock = field === "" ? value : { mode: "COMPLIANCE", retentionDays: 365, [field]: value };
        return field === "" ? "audit.objectLock" : `audit.objectLock.${field}`;
      },
    })),
  ),
  setElement("audit.logReaderArns", badUserOrRoleArn),
  duplicate("audit.logReaderArns", "arn:aws:iam::123456789012:role/SecurityAudit"),
  setElement("audit.administratorArns", badUserOrRoleArn).map((m) => ({ ...m, group: "audit.destroy" })),
  duplicate("audit.administratorArns", "arn:aws:iam::123456789012:role/Deployer").map((m) => ({
    ...m,
    group: "audit.destroy",
  })),
  ...[
    "",
    "network",
    "instance",
    "eice",
    "scp",
    "ssm",
    "orgPerimeter",
    "accounts",
    "accounts.workload",
    "crossAccount",
    "audit",
    "privateAccess",
  ].map(unknownKeyIn),
  ...stateMutations,
  ...sessionMutations,
  ...conflicts,
);

/** A valid configuration broken in 1-5 distinct fields, with the paths the error must name. */
const invalidConfig: fc.Arbitrary<{ config: Raw; paths: string[] }> = fc
  .tuple(validConfig, fc.uniqueArray(mutation, { minLength: 1, maxLength: 5, selector: (m) => m.group }))
  .map(([valid, mutations]) => {
    // A copy: fast-check reuses generated values while shrinking, and mutations edit in place.
    const config = structuredClone(valid);
    const ordered = [...mutations.filter((m) => !m.late), ...mutations.filter((m) => m.late)];
    return { config, paths: ordered.map((m) => m.apply(config)) };
  });

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The message names `field` as the subject of a problem, not as a prefix of a longer path. */
function namesField(message: string, field: string): boolean {
  return new RegExp(`(Invalid|Missing|Unknown field) ${escapeRegExp(field)}[ :]`).test(message);
}

function rejection(config: unknown): string {
  try {
    parseConfig(config, "generated.json");
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error(`accepted an invalid configuration: ${JSON.stringify(config)}`);
}

/**
 * What a synthesis branches on, read off a generated valid configuration: one `setting=value` per
 * setting whose value changes which resources, statements or providers the stacks declare.
 */
function synthesisFeatures(config: Raw): string[] {
  const { network, ssm, audit, scp } = config;
  const logs = ssm.sessionLogs;
  return [
    `state=${config.state.backend}`,
    `credentials=${config.credentials}`,
    `accounts=${isPlaceholderAccount(config.accounts.workload.id) ? "placeholders" : "others"}`,
    `identityCenterAccount=${config.accounts.identityCenter !== undefined}`,
    `network=${network.existing ? "existing" : network.natGateways}`,
    `interfaceEndpoints=${network.interfaceEndpoints}`,
    `dnsFirewall=${network.dnsFirewall}`,
    `zonesPinned=${network.availabilityZoneIds !== undefined}`,
    `zonesExcluded=${(network.excludeZoneIds ?? []).length > 0}`,
    `architecture=${instanceArchitecture(config.instance.type)}`,
    `amiParameter=${config.instance.amiSsmParameter !== undefined}`,
    `allowedBuckets=${config.privateAccess.allowedBuckets.length > 0}`,
    `instanceS3Access=${config.privateAccess.instanceS3Access}`,
    `approvedBuckets=${config.crossAccount.approvedBuckets.length > 0}`,
    `scp=${scp.variant}`,
    `scpTargets=${scp.targetIds.length > 0}`,
    `exemption=${scp.exemptPrincipalArns.length > 0}`,
    `orgPerimeter=${config.orgPerimeter.organizationId !== undefined}`,
    `userAccess=${ssm.userAccess}`,
    `ownSessions=${ssm.ownSessions}`,
    `principals=${ssm.principals ?? "default"}`,
    `manageAccessControlAttributes=${ssm.identityCenter?.manageAccessControlAttributes}`,
    `sessionPreferences=${ssm.sessionPreferences}`,
    `sessionLogsToS3=${logs?.s3KeyPrefix !== undefined}`,
    `transcriptReaders=${(logs?.readerArns ?? []).length > 0}`,
    `transcriptObjectLock=${logs?.objectLock?.mode}`,
    `allowDestroy=${audit.allowDestroy}`,
    `auditObjectLock=${audit.objectLock?.mode}`,
    `logReaders=${audit.logReaderArns.length > 0}`,
    `alarm=${audit.alarmEmail ? "email" : audit.noAlarmSubscriber ? "opt-out" : "none"}`,
  ];
}

/**
 * The configurations to synthesize: from a seeded pool of `size` valid configurations, greedily the one
 * adding the most values not yet covered, until every value in the pool is. Six syntheses cover the 75
 * values of the seeded pool, where twelve drawn at random covered 70; a synthesis is the costly part.
 */
function coveringSample(size: number, seed: number): { configs: Raw[]; pool: Raw[]; covered: Set<string> } {
  const pool = fc.sample(validConfig, { numRuns: size, seed });
  const features = pool.map(synthesisFeatures);
  const all = new Set(features.flat());
  const covered = new Set<string>();
  const configs: Raw[] = [];
  while (covered.size < all.size) {
    const gain = (i: number) => features[i].filter((f) => !covered.has(f)).length;
    const best = features.reduce((b, _, i) => (gain(i) > gain(b) ? i : b), 0);
    configs.push(pool[best]);
    for (const f of features[best]) covered.add(f);
  }
  return { configs, pool, covered };
}

describe("generated valid configurations", () => {
  test("always parse", () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        parseConfig(config, "generated.json");
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  test("always synthesize every stack, guardrails included", () => {
    const { configs, pool, covered } = coveringSample(200, SEED);
    // Every value the pool holds is synthesized at least once (12 random ones missed 5 of the 75).
    expect(covered).toEqual(new Set(pool.flatMap(synthesisFeatures)));
    for (const config of configs) {
      const { stacks } = synthApp({ config: parseConfig(config, "generated.json") });
      // session-preferences exists only when the preferences are managed.
      expect(Object.keys(stacks)).toHaveLength(config.ssm.sessionPreferences === "existing" ? 7 : 8);
    }
  });
});

describe("generated invalid configurations", () => {
  test("are rejected in-process with a message naming every bad field", () => {
    fc.assert(
      fc.property(invalidConfig, ({ config, paths }) => {
        const message = rejection(config);
        for (const field of paths) {
          if (!namesField(message, field)) throw new Error(`message does not name ${field}:\n${message}`);
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  test("a wrong top-level type is rejected as a whole", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer())), (value) => {
        expect(rejection(value)).toContain("Invalid configuration");
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

describe("the real entrypoint (the cdktf.json app command)", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "guardrails-hostile-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs the app command on a config file with its own output folder; returns exit code, stderr and what was written. */
  async function entrypoint(name: string, write?: (file: string) => void) {
    const file = path.join(work, `${name}.json`);
    const outdir = path.join(work, `${name}.out`);
    write?.(file);
    const env = { ...process.env, ACCESS_GUARDRAILS_CONFIG: file, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
    try {
      await run(process.execPath, [path.join("scripts", "run-app.js")], { cwd: ROOT, env });
      return { code: 0, stderr: "", file, written: existsSync(outdir) ? readdirSync(outdir) : [] };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr, file, written: existsSync(outdir) ? readdirSync(outdir) : [] };
    }
  }

  test("a sample of invalid configurations exits non-zero, names every bad field and writes nothing", async () => {
    // The message is parseConfig's, proven above on 3000 configurations; what the entrypoint adds is the
    // exit code, stderr and writing nothing, the same for any refused file: four processes, not twelve.
    const samples = fc.sample(invalidConfig, { numRuns: 4, seed: SEED + 1 });
    const results = await Promise.all(
      samples.map((s, i) => entrypoint(`invalid-${i}`, (file) => writeFileSync(file, JSON.stringify(s.config)))),
    );
    results.forEach((result, i) => {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Configuration ${result.file} is not valid:`);
      for (const field of samples[i].paths) expect(namesField(result.stderr, field)).toBe(true);
      expect(result.written).toEqual([]);
    });
  });

  test.each([
    ["a missing file", undefined, "Cannot read {file}: the file does not exist."],
    ["unreadable JSON", '{ "region": ', "Unreadable JSON in {file}:"],
    ["an empty file", "  \n", "Empty configuration file {file}:"],
  ])("%s fails with a message naming the path and writes nothing", async (name, content, expected) => {
    const result = await entrypoint(
      name.replace(/\W+/g, "-"),
      content === undefined ? undefined : (file) => writeFileSync(file, content),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected.replace("{file}", result.file));
    expect(result.written).toEqual([]);
  });
});
