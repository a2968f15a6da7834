import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, isPlaceholderAccount, parseConfig, PLACEHOLDER_ACCOUNT_IDS } from "../../../lib/config";
import { testConfig } from "../../helpers";
import { problemsOf } from "./problems";

/**
 * A configuration as a test edits it: any field may be set to any value, valid or not, which is the
 * point of these tests, so the type cannot be narrower.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile edits reach any depth with any value
type Editable = Record<string, any>;

/** Identity Center principals with `identityCenter` as their section. */
const withIdentityCenter = (c: Editable, identityCenter: unknown) =>
  Object.assign(c.ssm, { principals: "identity-center", identityCenter });

/** The shipped configuration changed by `edit`; returns the problems ([] when valid). */
function problems(edit: (config: Editable) => void): readonly string[] {
  const config = structuredClone(testConfig()) as Editable;
  edit(config);
  return problemsOf(config, "config/test.json");
}

describe("configuration schema", () => {
  test("pins the full message for an unknown SCP variant", () => {
    expect(() =>
      parseConfig({ ...testConfig(), scp: { ...testConfig().scp, variant: "deny-all" } }, "config/test.json"),
    ).toThrow(
      new ConfigError("config/test.json", [
        'Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic, deny-all-instance-connect.',
      ]).message,
    );
  });

  test.each([
    [
      "an 11-digit account id",
      // The data account: a workload id that is no placeholder also asks for the audit fields (below).
      (c: Editable) => (c.accounts.data.id = "12345678901"),
      'Invalid accounts.data.id "12345678901": use a 12-digit AWS account id.',
    ],
    [
      "a numeric account id",
      (c: Editable) => (c.accounts.management.id = 222222222222),
      'Invalid accounts.management.id 222222222222: it is a number; write it as a string in quotes, "222222222222": JSON numbers lose leading zeros.',
    ],
    [
      "a numeric account id that lost its leading zero",
      (c: Editable) => (c.accounts.data.id = 12345678901),
      'Invalid accounts.data.id 12345678901: it is a number; write it as a string in quotes with all 12 digits, "012345678901" if the missing digits were leading zeros: JSON numbers lose them.',
    ],
    [
      "a number that cannot be an account id",
      (c: Editable) => (c.accounts.data.id = 1234567890123),
      "Invalid accounts.data.id 1234567890123: use a 12-digit AWS account id.",
    ],
    [
      "a numeric bucket owner",
      (c: Editable) => (c.privateAccess.allowedBuckets = [{ bucket: "reports", accountId: 444455556666 }]),
      'Invalid privateAccess.allowedBuckets[0].accountId 444455556666: it is a number; write it as a string in quotes, "444455556666": JSON numbers lose leading zeros.',
    ],
    [
      "a numeric SCP target account",
      (c: Editable) => (c.scp.targetIds = [444455556666]),
      'Invalid scp.targetIds[0] 444455556666: it is a number; write it as a string in quotes, "444455556666": JSON numbers lose leading zeros.',
    ],
    [
      "a numeric approved account",
      (c: Editable) => (c.orgPerimeter = { organizationId: "o-abcdefghij", approvedAccountIds: [444455556666] }),
      'Invalid orgPerimeter.approvedAccountIds[0] 444455556666: it is a number; write it as a string in quotes, "444455556666": JSON numbers lose leading zeros.',
    ],
    [
      // A placeholder written as a number stays a placeholder: only the quotes are asked for, not the
      // alarm subscriber and key administrators a real account needs.
      "the workload placeholder written as a number",
      (c: Editable) => (c.accounts.workload.id = 111111111111),
      'Invalid accounts.workload.id 111111111111: it is a number; write it as a string in quotes, "111111111111": JSON numbers lose leading zeros.',
    ],
    [
      "a GovCloud region",
      (c: Editable) => (c.region = "us-gov-west-1"),
      'Invalid region "us-gov-west-1": use an AWS commercial region id such as eu-west-1.',
    ],
    [
      "a /8 VPC",
      (c: Editable) => (c.network.vpcCidr = "10.0.0.0/8"),
      'Invalid network.vpcCidr "10.0.0.0/8": use an IPv4 CIDR with a prefix from /16 to /24, aligned to its prefix (e.g. 10.0.0.0/16).',
    ],
    [
      "a bucket name with capitals",
      (c: Editable) => (c.privateAccess.allowedBuckets = [{ bucket: "Reports", accountId: "444455556666" }]),
      'Invalid privateAccess.allowedBuckets[0].bucket "Reports": use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens).',
    ],
    [
      "an allowed bucket by name alone (no owner account)",
      (c: Editable) => (c.privateAccess.allowedBuckets = ["reports"]),
      'Invalid privateAccess.allowedBuckets[0] "reports": use an object { "bucket": "<S3 bucket name>", "accountId": "<12-digit owner account id>" }.',
    ],
    [
      "an approved bucket without its owner",
      (c: Editable) => (c.crossAccount.approvedBuckets = [{ bucket: "reports" }]),
      "Missing crossAccount.approvedBuckets[0].accountId: use the 12-digit id of the AWS account that owns the bucket.",
    ],
    [
      "an approved bucket whose owner is not an account id",
      (c: Editable) => (c.crossAccount.approvedBuckets = [{ bucket: "reports", accountId: "4444-5555-6666" }]),
      'Invalid crossAccount.approvedBuckets[0].accountId "4444-5555-6666": use the 12-digit id of the AWS account that owns the bucket.',
    ],
    [
      "an approved bucket with an unknown field",
      (c: Editable) =>
        (c.crossAccount.approvedBuckets = [{ bucket: "reports", accountId: "444455556666", owner: "x" }]),
      "Unknown field crossAccount.approvedBuckets[0].owner: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "one bucket listed twice with two owners",
      (c: Editable) =>
        (c.crossAccount.approvedBuckets = [
          { bucket: "reports", accountId: "444455556666" },
          { bucket: "reports", accountId: "777788889999" },
        ]),
      'Invalid crossAccount.approvedBuckets[1].bucket "reports": list each bucket once (a bucket has one owner account).',
    ],
    [
      "an unknown instance S3 access",
      (c: Editable) => (c.privateAccess.instanceS3Access = "everything"),
      'Invalid privateAccess.instanceS3Access "everything": use one of named, scoped, article.',
    ],
    [
      "duplicate ports",
      (c: Editable) => (c.eice.ports = [22, 22]),
      "Invalid eice.ports [22,22]: list each of TCP ports once (duplicates found).",
    ],
    [
      "an unknown key",
      (c: Editable) => (c.network.cidr = "10.0.0.0/16"),
      "Unknown field network.cidr: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "profile and roleArn together",
      (c: Editable) => Object.assign(c.accounts.data, { profile: "p", roleArn: "arn:aws:iam::333333333333:role/D" }),
      'Invalid accounts.data.roleArn "arn:aws:iam::333333333333:role/D": set either profile or roleArn, not both.',
    ],
    [
      "an ssm.userName too long for the suffixed users of the other patterns",
      (c: Editable) => (c.ssm.userName = "u".repeat(55)),
      `Invalid ssm.userName "${"u".repeat(55)}": use an IAM user name of 1-54 letters, digits, + = , . @ _ - (ssm-fixed-tag and ssm-abac append _fixed-tag and _abac).`,
    ],
    [
      "an ssm.userAccess naming the managed policy instead of the mode",
      (c: Editable) => (c.ssm.userAccess = "ReadOnlyAccess"),
      'Invalid ssm.userAccess "ReadOnlyAccess": use one of session-only, read-only.',
    ],
    [
      "an ssm.userAccess as a boolean",
      (c: Editable) => (c.ssm.userAccess = true),
      "Invalid ssm.userAccess true: use one of session-only, read-only.",
    ],
    [
      "an ssm.ownSessions written as the policy variable",
      (c: Editable) => (c.ssm.ownSessions = "${aws:username}-*"),
      'Invalid ssm.ownSessions "${aws:username}-*": use one of session-id-tag, name-prefix.',
    ],
    [
      "an ssm.ownSessions as a list",
      (c: Editable) => (c.ssm.ownSessions = ["name-prefix"]),
      'Invalid ssm.ownSessions ["name-prefix"]: use one of session-id-tag, name-prefix.',
    ],
    [
      "an ssm.principals that is not a principal kind",
      (c: Editable) => (c.ssm.principals = "sso"),
      'Invalid ssm.principals "sso": use one of iam-user, identity-center.',
    ],
    [
      "identity-center principals without ssm.identityCenter",
      (c: Editable) => (c.ssm.principals = "identity-center"),
      'Missing ssm.identityCenter: set it to { "groupName": "<Identity Store group>" } with ssm.principals "identity-center": the permission sets are assigned to that group.',
    ],
    [
      "ssm.identityCenter beside IAM-user principals",
      (c: Editable) => (c.ssm.identityCenter = { groupName: "G" }),
      'Invalid ssm.identityCenter {"groupName":"G"}: remove it, or set ssm.principals to "identity-center": IAM users ignore it.',
    ],
    [
      "accounts.identityCenter beside IAM-user principals",
      (c: Editable) => (c.accounts.identityCenter = { id: "555555555555" }),
      'Invalid accounts.identityCenter {"id":"555555555555"}: remove it, or set ssm.principals to "identity-center": only the permission sets are created there.',
    ],
    [
      "an ssm.identityCenter written as the group name alone",
      (c: Editable) => withIdentityCenter(c, "Platform"),
      'Invalid ssm.identityCenter "Platform": use an object { "groupName", "projectAttribute"?, "permissionSetPrefix"?, "manageAccessControlAttributes"?, "region"? }.',
    ],
    [
      "an empty Identity Store group name",
      (c: Editable) => withIdentityCenter(c, { groupName: "" }),
      'Invalid ssm.identityCenter.groupName "": use the display name of an Identity Store group (1-1024 characters, no control characters).',
    ],
    [
      "a group name with a line break",
      (c: Editable) => withIdentityCenter(c, { groupName: "a\nb" }),
      'Invalid ssm.identityCenter.groupName "a\\nb": use the display name of an Identity Store group (1-1024 characters, no control characters).',
    ],
    [
      "a project attribute written as Identity Center's ${path:…} source",
      (c: Editable) =>
        Object.assign(c.ssm, {
          principals: "identity-center",
          identityCenter: { groupName: "G", projectAttribute: "${path:enterprise.department}" },
        }),
      'Invalid ssm.identityCenter.projectAttribute "${path:enterprise.department}": use an Identity Center user attribute path such as enterprise.department.',
    ],
    [
      "manageAccessControlAttributes as a word",
      (c: Editable) => withIdentityCenter(c, { groupName: "G", manageAccessControlAttributes: "yes" }),
      'Invalid ssm.identityCenter.manageAccessControlAttributes "yes": use true or false.',
    ],
    [
      "a misspelt ssm.identityCenter field",
      (c: Editable) => withIdentityCenter(c, { groupName: "G", group: "x" }),
      "Unknown field ssm.identityCenter.group: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "a short accounts.identityCenter id",
      (c: Editable) => {
        withIdentityCenter(c, { groupName: "G" });
        c.accounts.identityCenter = { id: "12" };
      },
      'Invalid accounts.identityCenter.id "12": use a 12-digit AWS account id.',
    ],
    [
      "identity-center principals owning sessions by name prefix",
      (c: Editable) =>
        Object.assign(c.ssm, {
          principals: "identity-center",
          identityCenter: { groupName: "G" },
          ownSessions: "name-prefix",
        }),
      'Invalid ssm.ownSessions "name-prefix": remove it: role sessions have no ${aws:username} to prefix, so Identity Center principals always own their sessions by the session-id tag.',
    ],
    [
      "an id object that cannot be printed, next to a roleArn",
      (c: Editable) =>
        Object.assign(c.accounts.data, { id: { toString: 1 }, roleArn: "arn:aws:iam::333333333333:role/D" }),
      'Invalid accounts.data.id {"toString":1}: use a 12-digit AWS account id.',
    ],
    [
      "audit.allowDestroy as a string",
      (c: Editable) => (c.audit.allowDestroy = "true"),
      'Invalid audit.allowDestroy "true": use true or false.',
    ],
    [
      "audit.allowDestroy as a number",
      (c: Editable) => (c.audit.allowDestroy = 1),
      "Invalid audit.allowDestroy 1: use true or false.",
    ],
    [
      "an audit.logReaderArns entry with a wildcard",
      (c: Editable) => (c.audit.logReaderArns = ["arn:aws:iam::*:role/SecurityAudit"]),
      'Invalid audit.logReaderArns[0] "arn:aws:iam::*:role/SecurityAudit": use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit.',
    ],
    [
      "an audit.logReaderArns entry that is a role session",
      (c: Editable) => (c.audit.logReaderArns = ["arn:aws:sts::111111111111:assumed-role/Audit/alice"]),
      'Invalid audit.logReaderArns[0] "arn:aws:sts::111111111111:assumed-role/Audit/alice": use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit.',
    ],
    [
      "audit.logReaderArns listing one role twice",
      (c: Editable) =>
        (c.audit.logReaderArns = ["arn:aws:iam::111111111111:role/Audit", "arn:aws:iam::111111111111:role/Audit"]),
      'Invalid audit.logReaderArns ["arn:aws:iam::111111111111:role/Audit","arn:aws:iam::111111111111:role/Audit"]: list each of role or user ARNs once (duplicates found).',
    ],
    [
      "audit.administratorArns as a string",
      (c: Editable) => (c.audit.administratorArns = "arn:aws:iam::111111111111:role/Deployer"),
      'Invalid audit.administratorArns "arn:aws:iam::111111111111:role/Deployer": use a list of role or user ARNs.',
    ],
    [
      "an audit.administratorArns entry naming a group",
      (c: Editable) => (c.audit.administratorArns = ["arn:aws:iam::111111111111:group/Admins"]),
      'Invalid audit.administratorArns[0] "arn:aws:iam::111111111111:group/Admins": use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit.',
    ],
    [
      "audit.allowDestroy without an administrator to empty the trail bucket",
      (c: Editable) => (c.audit.allowDestroy = true),
      "Invalid audit.administratorArns []: list the role that runs `cdktf destroy audit` (and anyone else who empties the trail bucket) when audit.allowDestroy is true: only audit.administratorArns may then delete the trail's log files, so with none the bucket can never be emptied and the destroy stops at it; or set audit.allowDestroy to false.",
    ],
    [
      "an unknown key in audit",
      (c: Editable) => (c.audit.allowDestory = true),
      "Unknown field audit.allowDestory: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "a tag value with forbidden characters",
      (c: Editable) => (c.project = "a<b>"),
      'Invalid project "a<b>": use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @.',
    ],
    [
      "a zone name where a zone ID belongs",
      (c: Editable) => (c.network.availabilityZoneIds = ["eu-west-1a", "euw1-az2"]),
      'Invalid network.availabilityZoneIds[0] "eu-west-1a": use an Availability Zone ID such as apne1-az1 or use1-az6 (an ID, not a zone name such as ap-northeast-1a).',
    ],
    [
      "one pinned zone",
      (c: Editable) => (c.network.availabilityZoneIds = ["euw1-az1"]),
      'Invalid network.availabilityZoneIds ["euw1-az1"]: list exactly two distinct zone IDs, such as ["apne1-az1", "apne1-az4"].',
    ],
    [
      "three pinned zones",
      (c: Editable) => (c.network.availabilityZoneIds = ["euw1-az1", "euw1-az2", "euw1-az3"]),
      'Invalid network.availabilityZoneIds ["euw1-az1","euw1-az2","euw1-az3"]: list exactly two distinct zone IDs, such as ["apne1-az1", "apne1-az4"].',
    ],
    [
      "a pinned zone twice",
      (c: Editable) => (c.network.availabilityZoneIds = ["euw1-az1", "euw1-az1"]),
      'Invalid network.availabilityZoneIds ["euw1-az1","euw1-az1"]: list each of zone IDs once (duplicates found).',
    ],
    [
      "a pinned zone of another region",
      (c: Editable) => (c.network.availabilityZoneIds = ["euw1-az1", "use1-az2"]),
      'Invalid network.availabilityZoneIds[1] "use1-az2": use a zone ID of region eu-west-1 (euw1-az…), the configured region.',
    ],
    [
      "a pinned zone that is also excluded",
      (c: Editable) =>
        Object.assign(c.network, { availabilityZoneIds: ["euw1-az1", "euw1-az2"], excludeZoneIds: ["euw1-az2"] }),
      'Invalid network.availabilityZoneIds[1] "euw1-az2": remove it from network.excludeZoneIds or pin another zone: it is listed in both.',
    ],
    [
      "a pinned constrained zone",
      (c: Editable) =>
        Object.assign(c, {
          region: "ap-northeast-1",
          network: { ...c.network, availabilityZoneIds: ["apne1-az3", "apne1-az1"] },
        }),
      'Invalid network.availabilityZoneIds[0] "apne1-az3": pin another zone: AWS has constrained or retired apne1-az3 (new subnets, NAT gateways or current instance types fail there).',
    ],
    [
      "a malformed excluded zone",
      (c: Editable) => (c.network.excludeZoneIds = ["euw1-az1", "euw1 az2"]),
      'Invalid network.excludeZoneIds[1] "euw1 az2": use an Availability Zone ID such as apne1-az1 or use1-az6 (an ID, not a zone name such as ap-northeast-1a).',
    ],
    [
      "an excluded zone twice",
      (c: Editable) => (c.network.excludeZoneIds = ["euw1-az1", "euw1-az1"]),
      'Invalid network.excludeZoneIds ["euw1-az1","euw1-az1"]: list each of zone IDs once (duplicates found).',
    ],
    [
      "an excluded zone of another region",
      (c: Editable) => (c.network.excludeZoneIds = ["apne1-az3"]),
      'Invalid network.excludeZoneIds[0] "apne1-az3": use a zone ID of region eu-west-1 (euw1-az…), the configured region.',
    ],
    [
      "an x86_64 image parameter for a Graviton type",
      (c: Editable) =>
        Object.assign(c.instance, {
          type: "t4g.micro",
          amiSsmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        }),
      'Invalid instance.amiSsmParameter "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": use an arm64 image parameter for instance.type "t4g.micro" (x86_64 images do not boot on it), such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64, or remove it to use that one.',
    ],
    [
      "an arm64 image parameter for an x86_64 type",
      (c: Editable) => Object.assign(c.instance, { type: "m6i.large", amiSsmParameter: "/images/ubuntu/arm64/ami-id" }),
      'Invalid instance.amiSsmParameter "/images/ubuntu/arm64/ami-id": use an x86_64 image parameter for instance.type "m6i.large" (arm64 images do not boot on it), such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64, or remove it to use that one.',
    ],
    [
      "a Mac instance type",
      (c: Editable) => (c.instance.type = "mac2.metal"),
      'Invalid instance.type "mac2.metal": use a type that runs Amazon Linux: mac instances need macOS and a Dedicated Host.',
    ],
    [
      "a malformed instance type",
      (c: Editable) => (c.instance.type = "T3 micro"),
      'Invalid instance.type "T3 micro": use an EC2 instance type such as t3.micro or t4g.micro.',
    ],
    [
      "an ssm.sessionPreferences that is neither mode",
      (c: Editable) => (c.ssm.sessionPreferences = "managed"),
      'Invalid ssm.sessionPreferences "managed": use one of manage, adopt, existing.',
    ],
    [
      "an ssm.sessionPreferences as a boolean",
      (c: Editable) => (c.ssm.sessionPreferences = true),
      "Invalid ssm.sessionPreferences true: use one of manage, adopt, existing.",
    ],
    [
      "ssm.sessionLogs written beside existing preferences (would be ignored), even empty",
      (c: Editable) => {
        c.ssm.sessionPreferences = "existing";
        c.ssm.sessionLogs = {};
      },
      'Invalid ssm.sessionLogs {}: remove it, or set ssm.sessionPreferences to "manage" or "adopt": with "existing" this project leaves the preferences document alone, so ssm.sessionLogs would be ignored.',
    ],
    [
      "an ssm.sessionLogs.retentionDays CloudWatch Logs does not offer",
      (c: Editable) => (c.ssm.sessionLogs.retentionDays = 10),
      "Invalid ssm.sessionLogs.retentionDays 10: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch Logs retention periods).",
    ],
    [
      "an ssm.sessionLogs.s3KeyPrefix without its closing slash",
      (c: Editable) => (c.ssm.sessionLogs.s3KeyPrefix = "session-logs"),
      'Invalid ssm.sessionLogs.s3KeyPrefix "session-logs": use path segments of letters, digits and ! _ . \' ( ) - each ending in "/", such as session-logs/.',
    ],
    [
      "an ssm.sessionLogs.s3KeyPrefix with a leading slash",
      (c: Editable) => (c.ssm.sessionLogs.s3KeyPrefix = "/session-logs/"),
      'Invalid ssm.sessionLogs.s3KeyPrefix "/session-logs/": use path segments of letters, digits and ! _ . \' ( ) - each ending in "/", such as session-logs/.',
    ],
    [
      "an ssm.sessionLogs.s3KeyPrefix with a wildcard (the role's grant is <prefix>*: it would reach every key)",
      (c: Editable) => (c.ssm.sessionLogs.s3KeyPrefix = "*/"),
      'Invalid ssm.sessionLogs.s3KeyPrefix "*/": use path segments of letters, digits and ! _ . \' ( ) - each ending in "/", such as session-logs/.',
    ],
    [
      "an ssm.sessionLogs.s3KeyPrefix climbing out with ..",
      (c: Editable) => (c.ssm.sessionLogs.s3KeyPrefix = "../"),
      'Invalid ssm.sessionLogs.s3KeyPrefix "../": use path segments other than "." and "..".',
    ],
    [
      "an ssm.sessionLogs.readerArns entry that is a role session (bucket policies name roles, not sessions)",
      (c: Editable) => {
        c.ssm.sessionLogs.s3KeyPrefix = "session-logs/";
        c.ssm.sessionLogs.readerArns = ["arn:aws:sts::111111111111:assumed-role/Audit/alice"];
      },
      'Invalid ssm.sessionLogs.readerArns[0] "arn:aws:sts::111111111111:assumed-role/Audit/alice": use an IAM role or user ARN such as arn:aws:iam::123456789012:role/SecurityAudit.',
    ],
    [
      "ssm.sessionLogs.readerArns without s3KeyPrefix (there is no transcripts bucket to read)",
      (c: Editable) => (c.ssm.sessionLogs.readerArns = ["arn:aws:iam::111111111111:role/Investigator"]),
      'Invalid ssm.sessionLogs.readerArns ["arn:aws:iam::111111111111:role/Investigator"]: remove it, or set ssm.sessionLogs.s3KeyPrefix: without it there is no transcripts bucket, so ssm.sessionLogs.readerArns would be ignored.',
    ],
    [
      "ssm.sessionLogs.objectLock without s3KeyPrefix",
      (c: Editable) => (c.ssm.sessionLogs.objectLock = { mode: "GOVERNANCE", retentionDays: 30 }),
      'Invalid ssm.sessionLogs.objectLock {"mode":"GOVERNANCE","retentionDays":30}: remove it, or set ssm.sessionLogs.s3KeyPrefix: without it there is no transcripts bucket, so ssm.sessionLogs.objectLock would be ignored.',
    ],
    [
      "an Object Lock mode S3 does not have",
      (c: Editable) => (c.audit.objectLock = { mode: "LEGAL_HOLD", retentionDays: 30 }),
      'Invalid audit.objectLock.mode "LEGAL_HOLD": use one of GOVERNANCE, COMPLIANCE.',
    ],
    [
      "an Object Lock retention of 0 days",
      (c: Editable) => (c.audit.objectLock = { mode: "COMPLIANCE", retentionDays: 0 }),
      "Invalid audit.objectLock.retentionDays 0: use a whole number of days from 1 to 36500.",
    ],
    [
      "an Object Lock retention in years beside the days (the field is days alone)",
      (c: Editable) => (c.audit.objectLock = { mode: "COMPLIANCE", retentionDays: 30, years: 1 }),
      "Unknown field audit.objectLock.years: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "Object Lock on a bucket audit.allowDestroy means to empty",
      (c: Editable) => {
        c.audit.allowDestroy = true;
        c.audit.administratorArns = ["arn:aws:iam::111111111111:role/Deployer"];
        c.audit.objectLock = { mode: "GOVERNANCE", retentionDays: 1 };
      },
      'Invalid audit.objectLock {"mode":"GOVERNANCE","retentionDays":1}: remove it, or set audit.allowDestroy to false: a bucket under Object Lock cannot be emptied before its retention ends, so the destroy audit.allowDestroy allows would stop at it.',
    ],
    [
      "Object Lock on the transcripts bucket with audit.allowDestroy",
      (c: Editable) => {
        c.audit.allowDestroy = true;
        c.audit.administratorArns = ["arn:aws:iam::111111111111:role/Deployer"];
        c.ssm.sessionLogs.s3KeyPrefix = "session-logs/";
        c.ssm.sessionLogs.objectLock = { mode: "COMPLIANCE", retentionDays: 365 };
      },
      'Invalid ssm.sessionLogs.objectLock {"mode":"COMPLIANCE","retentionDays":365}: remove it, or set audit.allowDestroy to false: a bucket under Object Lock cannot be emptied before its retention ends, so the destroy audit.allowDestroy allows would stop at it.',
    ],
    [
      "an ssm.sessionLogs.idleTimeoutMinutes of 0",
      (c: Editable) => (c.ssm.sessionLogs.idleTimeoutMinutes = 0),
      "Invalid ssm.sessionLogs.idleTimeoutMinutes 0: use a whole number of minutes from 1 to 60.",
    ],
    [
      "an ssm.sessionLogs.idleTimeoutMinutes over AWS's 60",
      (c: Editable) => (c.ssm.sessionLogs.idleTimeoutMinutes = 61),
      "Invalid ssm.sessionLogs.idleTimeoutMinutes 61: use a whole number of minutes from 1 to 60.",
    ],
    [
      "an ssm.sessionLogs.idleTimeoutMinutes written as the document's string",
      (c: Editable) => (c.ssm.sessionLogs.idleTimeoutMinutes = "20"),
      'Invalid ssm.sessionLogs.idleTimeoutMinutes "20": use a whole number of minutes from 1 to 60.',
    ],
    [
      "an ssm.sessionLogs.maxDurationMinutes over AWS's 1440",
      (c: Editable) => (c.ssm.sessionLogs.maxDurationMinutes = 1441),
      "Invalid ssm.sessionLogs.maxDurationMinutes 1441: use a whole number of minutes from 1 to 1440.",
    ],
    [
      "an ssm.sessionLogs.runAsDefaultUser with a capital",
      (c: Editable) => (c.ssm.sessionLogs.runAsDefaultUser = "Root"),
      'Invalid ssm.sessionLogs.runAsDefaultUser "Root": use a Linux user name: a lowercase letter or _, then up to 31 lowercase letters, digits, _ or -.',
    ],
    [
      "Run As root (every session a root shell)",
      (c: Editable) => (c.ssm.sessionLogs.runAsDefaultUser = "root"),
      'Invalid ssm.sessionLogs.runAsDefaultUser "root": use an unprivileged user: root would make every session a root shell.',
    ],
    [
      "an empty ssm.sessionLogs.runAsDefaultUser (Run As off is the field left out)",
      (c: Editable) => (c.ssm.sessionLogs.runAsDefaultUser = ""),
      'Invalid ssm.sessionLogs.runAsDefaultUser "": use a Linux user name: a lowercase letter or _, then up to 31 lowercase letters, digits, _ or -.',
    ],
    [
      "a document input written into ssm.sessionLogs",
      (c: Editable) => (c.ssm.sessionLogs.cloudWatchStreamingEnabled = false),
      "Unknown field ssm.sessionLogs.cloudWatchStreamingEnabled: remove it or correct its spelling (unknown fields are rejected).",
    ],
  ])("rejects %s", (_what, edit, expected) => {
    expect(problems(edit)).toEqual([expected]);
  });

  test.each([
    [
      "a Graviton type with its arm64 parameter",
      { type: "m7g.large", amiSsmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" },
    ],
    ["a Graviton type with no parameter (derived)", { type: "t4g.micro" }],
    ["a parameter that names no architecture", { type: "t4g.micro", amiSsmParameter: "/company/golden-image" }],
    ["a fixed AMI id (checked at plan time)", { type: "c7gn.large", amiId: "ami-0123456789abcdef0" }],
  ])("accepts %s", (_what, instance) => {
    expect(problems((c) => (c.instance = instance))).toEqual([]);
  });

  test("accepts audit.allowDestroy with an administrator who empties the trail bucket", () => {
    expect(
      problems((c) => {
        c.audit.allowDestroy = true;
        c.audit.administratorArns = ["arn:aws:iam::111111111111:role/Deployer"];
      }),
    ).toEqual([]);
  });

  test("accepts existing session preferences with no ssm.sessionLogs", () => {
    expect(
      problems((c) => {
        c.ssm.sessionPreferences = "existing";
        delete c.ssm.sessionLogs;
      }),
    ).toEqual([]);
  });

  test("accepts adopted session preferences with ssm.sessionLogs: adopt manages the document like manage", () => {
    expect(
      problems((c) => {
        c.ssm.sessionPreferences = "adopt";
        c.ssm.sessionLogs = { retentionDays: 30, s3KeyPrefix: "session-logs/" };
      }),
    ).toEqual([]);
  });

  test("accepts two pinned zone IDs of the region and exclusions besides them", () => {
    expect(
      problems((c) => {
        c.region = "ap-northeast-1";
        c.network.availabilityZoneIds = ["apne1-az4", "apne1-az1"];
        c.network.excludeZoneIds = ["apne1-az2"];
      }),
    ).toEqual([]);
  });

  // Cross-field checks run even when an unrelated field is invalid, so one pass reports both; only a
  // fractional number stops zod before them.
  test.each([
    [
      "reports a zone of another region together with an unrelated invalid field",
      (c: Editable) => {
        c.network.excludeZoneIds = ["use1-az1"];
        c.project = "";
      },
      [
        'Invalid project "": use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @.',
        'Invalid network.excludeZoneIds[0] "use1-az1": use a zone ID of region eu-west-1 (euw1-az…), the configured region.',
      ],
    ],
    [
      "reports a cross-field conflict together with an unrelated invalid field",
      (c: Editable) => {
        c.region = "mars-east-1";
        c.accounts.data.id = c.accounts.workload.id;
      },
      [
        'Invalid region "mars-east-1": use an AWS commercial region id such as eu-west-1.',
        'Invalid accounts.data.id "111111111111": use an account other than accounts.workload.id (111111111111): the demo needs two accounts.',
      ],
    ],
    [
      "a fractional port stops zod before the cross-field checks (the conflict shows on the next run)",
      (c: Editable) => {
        c.eice.ports = [22.5];
        c.accounts.data.id = c.accounts.workload.id;
      },
      ["Invalid eice.ports[0] 22.5: use a TCP port from 1 to 65535."],
    ],
  ])("%s", (_what, edit, expected) => {
    expect(problems(edit)).toEqual(expected);
  });
});

describe("configuration schema: state", () => {
  const S3 = { backend: "s3", bucket: "team-state" };
  const CLOUD = { backend: "cloud", organization: "acme", workspacePrefix: "guardrails-" };
  const withState = (state: unknown) => (c: Editable) => (c.state = state);

  test.each([
    ["local", { backend: "local" }],
    ["s3 with only its bucket", S3],
    [
      "s3 with every field",
      {
        ...S3,
        region: "eu-central-1",
        keyPrefix: "platform/guardrails/",
        kmsKeyId: "arn:aws:kms:eu-central-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        roleArn: "arn:aws:iam::444444444444:role/TerraformState",
      },
    ],
    [
      "s3 with an empty key prefix and a multi-Region key",
      { ...S3, keyPrefix: "", kmsKeyId: "arn:aws:kms:eu-west-1:444444444444:key/mrk-1234567890abcdef1234567890abcdef" },
    ],
    ["cloud", CLOUD],
    ["cloud on Terraform Enterprise", { ...CLOUD, hostname: "tfe.example.com:8443" }],
    ["cloud with the longest prefix", { ...CLOUD, workspacePrefix: "p".repeat(71) }],
  ])("accepts %s", (_what, state) => {
    expect(problems(withState(state))).toEqual([]);
  });

  test.each([
    ["an unknown backend", { backend: "gcs" }, 'Invalid state.backend "gcs": use one of local, s3, cloud.'],
    ["a state without backend", {}, "Missing state.backend: use one of local, s3, cloud."],
    [
      "a state that is not an object",
      "s3",
      'Invalid state "s3": use an object whose backend is one of local, s3, cloud.',
    ],
    [
      "s3 without bucket",
      { backend: "s3" },
      "Missing state.bucket: use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens).",
    ],
    [
      "an s3 bucket name with capitals",
      { ...S3, bucket: "Team_State" },
      'Invalid state.bucket "Team_State": use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens).',
    ],
    [
      "cloud without organization",
      { backend: "cloud", workspacePrefix: "guardrails-" },
      "Missing state.organization: use an organization name of letters, digits, - and _.",
    ],
    [
      "cloud without workspace prefix",
      { backend: "cloud", organization: "acme" },
      "Missing state.workspacePrefix: use a workspace name prefix of letters, digits, - and _.",
    ],
    [
      "a field of cloud under s3",
      { ...S3, organization: "acme" },
      "Unknown field state.organization: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "a field of s3 under cloud",
      { ...CLOUD, bucket: "team-state" },
      "Unknown field state.bucket: remove it or correct its spelling (unknown fields are rejected).",
    ],
    [
      "a field of s3 under local",
      { backend: "local", keyPrefix: "x/" },
      "Unknown field state.keyPrefix: remove it or correct its spelling (unknown fields are rejected).",
    ],
    ...["/guardrails/", "guardrails", "a//b/", "a/../", "./", "team state/"].map(
      (keyPrefix): [string, unknown, string] => [
        `the key prefix ${JSON.stringify(keyPrefix)}`,
        { ...S3, keyPrefix },
        `Invalid state.keyPrefix ${JSON.stringify(keyPrefix)}: use "" or path segments of letters, digits and ! _ . * ' ( ) - each ending in "/", such as ec2-access-guardrails/ (no leading "/", no "//", no "." or ".." segment, at most 512 characters).`,
      ],
    ),
    [
      "a bad state region",
      { ...S3, region: "eu-west" },
      'Invalid state.region "eu-west": use an AWS commercial region id such as eu-west-1.',
    ],
    [
      "a KMS key id instead of an ARN",
      { ...S3, kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" },
      'Invalid state.kmsKeyId "1234abcd-12ab-34cd-56ef-1234567890ab": use a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (…:alias/<name>).',
    ],
    [
      "a KMS key of another region than the bucket's",
      { ...S3, region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-west-1:444444444444:alias/state" },
      "Invalid state.kmsKeyId \"arn:aws:kms:eu-west-1:444444444444:alias/state\": use a key in eu-central-1, the state bucket's region (state.region): S3 encrypts only with a KMS key of the bucket's own region.",
    ],
    [
      "a KMS key of another region than the configuration's, with no state region",
      { ...S3, kmsKeyId: "arn:aws:kms:us-east-1:444444444444:alias/state" },
      "Invalid state.kmsKeyId \"arn:aws:kms:us-east-1:444444444444:alias/state\": use a key in eu-west-1, the state bucket's region (region): S3 encrypts only with a KMS key of the bucket's own region.",
    ],
    [
      "a user ARN as state role",
      { ...S3, roleArn: "arn:aws:iam::444444444444:user/terraform" },
      'Invalid state.roleArn "arn:aws:iam::444444444444:user/terraform": use an IAM role ARN such as arn:aws:iam::123456789012:role/TerraformState.',
    ],
    [
      "an organization name with a space",
      { ...CLOUD, organization: "acme corp" },
      'Invalid state.organization "acme corp": use an organization name of letters, digits, - and _.',
    ],
    [
      "a workspace prefix with a dot",
      { ...CLOUD, workspacePrefix: "guardrails." },
      'Invalid state.workspacePrefix "guardrails.": use a workspace name prefix of letters, digits, - and _.',
    ],
    [
      "a workspace prefix that leaves no room for the stack id",
      { ...CLOUD, workspacePrefix: "p".repeat(72) },
      `Invalid state.workspacePrefix "${"p".repeat(72)}": use a workspace name prefix of at most 71 characters.`,
    ],
    [
      "an empty workspace prefix",
      { ...CLOUD, workspacePrefix: "" },
      'Invalid state.workspacePrefix "": use a workspace name prefix of at least one character.',
    ],
    [
      "a URL as host name",
      { ...CLOUD, hostname: "https://app.terraform.io" },
      'Invalid state.hostname "https://app.terraform.io": use a host name such as app.terraform.io or tfe.example.com (optionally :port).',
    ],
  ])("rejects %s", (_what, state, expected) => {
    expect(problems(withState(state))).toEqual([expected]);
  });
});

describe("configuration schema: credentials", () => {
  test("pins the full message for per-stack credentials that cannot reach the data account", () => {
    expect(problems((c) => (c.credentials = "per-stack"))).toEqual([
      'Invalid accounts.data {"id":"333333333333"}: set accounts.data.profile or accounts.data.roleArn, or set credentials to "management": with credentials "per-stack" cross-account-s3 runs with the workload account\'s credentials, its data provider reaches accounts.data only through a profile or a role those credentials may assume, and OrganizationAccountAccessRole trusts only the management account.',
    ]);
  });

  test.each([
    [
      "an unknown mode",
      (c: Editable) => (c.credentials = "ambient"),
      'Invalid credentials "ambient": use one of management, per-stack.',
    ],
    [
      "an Identity Center Region that is a zone name",
      (c: Editable) => withIdentityCenter(c, { groupName: "G", region: "us-east-1a" }),
      'Invalid ssm.identityCenter.region "us-east-1a": use an AWS commercial region id such as eu-west-1.',
    ],
    [
      "an Identity Center Region beside IAM-user principals",
      (c: Editable) => (c.ssm.identityCenter = { groupName: "G", region: "us-east-1" }),
      'Invalid ssm.identityCenter {"groupName":"G","region":"us-east-1"}: remove it, or set ssm.principals to "identity-center": IAM users ignore it.',
    ],
  ])("rejects %s", (_what, edit, expected) => {
    expect(problems(edit)).toEqual([expected]);
  });

  test("reports per-stack credentials without a way into the data account together with an unrelated invalid field", () => {
    const found = problems((c) => {
      c.credentials = "per-stack";
      c.region = "mars-east-1";
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^Invalid region "mars-east-1"/);
    expect(found[1]).toMatch(/^Invalid accounts\.data \{"id":"333333333333"\}: set accounts\.data\.profile/);
  });

  test.each([
    [
      "per-stack with a profile for the data account",
      (c: Editable) => {
        c.credentials = "per-stack";
        c.accounts.data.profile = "data-admin";
      },
    ],
    [
      "per-stack with a role in the data account",
      (c: Editable) => {
        c.credentials = "per-stack";
        c.accounts.data.roleArn = "arn:aws:iam::333333333333:role/Deployer";
      },
    ],
    // hashicorp/aws >= 5.67 chains assume_role blocks: the management role, then each member's
    // OrganizationAccountAccessRole (proved by terraform validate in __tests__/terraform).
    [
      "management credentials through a role in the management account",
      (c: Editable) => (c.accounts.management.roleArn = "arn:aws:iam::222222222222:role/OrgDeployer"),
    ],
    [
      "an Identity Center in another Region",
      (c: Editable) => withIdentityCenter(c, { groupName: "G", region: "us-east-1" }),
    ],
  ])("accepts %s", (_what, edit) => {
    expect(problems(edit)).toEqual([]);
  });
});

describe("configuration schema: accounts other than the shipped placeholders", () => {
  const REAL = "444455556666";
  const DEPLOYER = `arn:aws:iam::${REAL}:role/Deployer`;
  /** The shipped file moved to a real workload account, its audit section replaced by `audit`. */
  const realWorkload = (audit: Editable) => (c: Editable) => {
    c.accounts.workload.id = REAL;
    c.audit = { logRetentionDays: 365, ...audit };
  };

  test("pins the full report for a real workload account with neither an alarm subscriber nor an administrator", () => {
    expect(() =>
      parseConfig(
        { ...testConfig(), accounts: { ...testConfig().accounts, workload: { id: REAL } } },
        "config/prod.json",
      ),
    ).toThrow(
      new ConfigError("config/prod.json", [
        "Missing audit.alarmEmail: set the address that receives the audit alarms, or set audit.noAlarmSubscriber to true if you subscribe your own endpoint to the AlarmTopicArn output: accounts.workload.id 444455556666 is not one of the shipped placeholder accounts, and there an alarm topic with no subscriber fires alarms that reach no one.",
        "Invalid audit.administratorArns []: list the role that runs `cdktf deploy audit` (and any break-glass role): accounts.workload.id 444455556666 is not one of the shipped placeholder accounts, and there the audit keys' policies deny kms:DisableKey, kms:ScheduleKeyDeletion and kms:PutKeyPolicy to everyone but audit.administratorArns; with nobody named, any account administrator could disable the keys and silence the trail and its alarms.",
      ]).message,
    );
  });

  test.each([
    [
      "a real workload account with an administrator and no alarm subscriber",
      realWorkload({ administratorArns: [DEPLOYER] }),
      [
        /^Missing audit\.alarmEmail: set the address that receives the audit alarms, or set audit\.noAlarmSubscriber to true/,
      ],
    ],
    [
      "a real workload account with an alarm email and no administrator",
      realWorkload({ alarmEmail: "security@example.com" }),
      [/^Invalid audit\.administratorArns \[\]: list the role that runs `cdktf deploy audit`/],
    ],
    [
      "audit.allowDestroy without administrators in a real account: one problem, the retire procedure's",
      realWorkload({ alarmEmail: "security@example.com", allowDestroy: true }),
      [/^Invalid audit\.administratorArns \[\]: list the role that runs `cdktf destroy audit`/],
    ],
    [
      "a mistyped workload account id: not a placeholder, so the audit fields are reported with it",
      (c: Editable) => (c.accounts.workload.id = "11111111111"),
      [
        /^Invalid accounts\.workload\.id "11111111111": use a 12-digit AWS account id\.$/,
        /^Missing audit\.alarmEmail: .* accounts\.workload\.id 11111111111 is not one of the shipped placeholder accounts/,
        /^Invalid audit\.administratorArns \[\]: /,
      ],
    ],
    [
      "audit.noAlarmSubscriber together with audit.alarmEmail (placeholder accounts too)",
      (c: Editable) => Object.assign(c.audit, { alarmEmail: "security@example.com", noAlarmSubscriber: true }),
      [
        /^Invalid audit\.noAlarmSubscriber true: remove it, or remove audit\.alarmEmail: it says the alarm topic gets no subscriber, and audit\.alarmEmail subscribes one\.$/,
      ],
    ],
    [
      "audit.noAlarmSubscriber as a string",
      (c: Editable) => (c.audit.noAlarmSubscriber = "yes"),
      [/^Invalid audit\.noAlarmSubscriber "yes": use true or false\.$/],
    ],
  ])("refuses %s", (_what, edit, expected) => {
    const found = problems(edit);
    expect(found).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(found[i]).toMatch(pattern));
  });

  test.each([
    [
      "an alarm email and an administrator",
      realWorkload({ alarmEmail: "a@example.com", administratorArns: [DEPLOYER] }),
    ],
    [
      "the named opt-out and an administrator",
      realWorkload({ noAlarmSubscriber: true, administratorArns: [DEPLOYER] }),
    ],
    [
      "real management and data accounts beside the placeholder workload account (the audit stack deploys there)",
      (c: Editable) => Object.assign(c.accounts, { management: { id: "555555555555" }, data: { id: "666666666666" } }),
    ],
  ])("accepts %s", (_what, edit) => {
    expect(problems(edit)).toEqual([]);
  });

  test.each(["config/default.json", "config/examples/state-s3.json", "config/examples/state-cloud.json"])(
    "%s names only placeholder accounts and parses without an alarm subscriber or administrator",
    (file) => {
      const raw = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "..", file), "utf8")) as Editable;
      const ids = Object.values(raw.accounts as Record<string, { id: string }>).map((a) => a.id);
      expect(ids.filter((id) => !isPlaceholderAccount(id))).toEqual([]);
      expect(raw.audit?.alarmEmail).toBeUndefined();
      expect(problemsOf(raw, file)).toEqual([]);
    },
  );

  test("the placeholders are exactly the shipped files' accounts", () => {
    expect([...PLACEHOLDER_ACCOUNT_IDS]).toEqual(["111111111111", "222222222222", "333333333333"]);
  });
});
