import {
  accountAdministersKey,
  policy,
  serviceTrustPolicy,
  type Conditions,
  type PolicyDocument,
  type PolicyStatement,
} from "./document";
import { bucketAndObjectArns, denyBucketActionsExcept, denyObjectWritesExceptService } from "./s3-bucket";

/** Where a trail lives; enough to name its ARN before the trail exists. */
export interface TrailLocation {
  readonly region: string;
  readonly accountId: string;
  readonly trailName: string;
}

/**
 * `arn:aws:cloudtrail:<region>:<account>:trail/<name>`, built from its parts: the bucket policy and the
 * key policy must name the trail before it exists (CloudTrail checks both when the trail is created),
 * and taking the ARN from the trail resource would make a dependency cycle.
 */
export function trailArn(trail: TrailLocation): string {
  return `arn:aws:cloudtrail:${trail.region}:${trail.accountId}:trail/${trail.trailName}`;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>`: the form KMS sees in the logs encryption context. */
export function logGroupArn(region: string, accountId: string, logGroupName: string): string {
  return `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`;
}

const CLOUDTRAIL = { Service: "cloudtrail.amazonaws.com" } as const;

/**
 * The confused deputy guard for the CloudWatch alarms service principal: only this account's alarms in
 * this region, whether they publish to the topic or use the key that encrypts it.
 */
function fromThisAccountsAlarms(region: string, accountId: string): Conditions {
  return {
    StringEquals: { "aws:SourceAccount": accountId },
    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
  };
}

/**
 * Bucket policy grants for CloudTrail, limited to this one trail with `aws:SourceArn` (the confused
 * deputy guard: another account's trail cannot write here through the service principal).
 */
export function cloudTrailBucketGrants(bucketArn: string, trail: TrailLocation): PolicyStatement[] {
  const sourceArn = { "aws:SourceArn": trailArn(trail) };
  return [
    {
      Sid: "CloudTrailAclCheck",
      Effect: "Allow",
      Principal: CLOUDTRAIL,
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: { StringEquals: sourceArn },
    },
    {
      Sid: "CloudTrailWrite",
      Effect: "Allow",
      Principal: CLOUDTRAIL,
      Action: "s3:PutObject",
      // Only this account's log prefix: CloudTrail writes AWSLogs/<account>/CloudTrail*/...
      Resource: `${bucketArn}/AWSLogs/${trail.accountId}/*`,
      Condition: { StringEquals: { ...sourceArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
    },
  ];
}

/**
 * Bucket-level changes that could erase or divert log files without touching an object: an expiration
 * rule or a replication rule acts as S3 itself, outside the object deny. Terraform never sets these on
 * the trail bucket, so they are denied to everyone (but the configured administrators) at no cost.
 */
export const TRAIL_BUCKET_EXPIRY_ACTIONS = ["s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"] as const;

/**
 * Bucket-level changes Terraform itself makes when the audit stack changes (policy, versioning,
 * encryption, ownership, public access block, deletion). Denied only when administrators are named:
 * denied to everyone, the next `cdktf deploy audit` that changes the bucket policy would fail.
 */
export const TRAIL_BUCKET_PROTECTION_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketPublicAccessBlock",
  // With audit.objectLock, shortening the default retention would unlock the next log files.
  "s3:PutBucketObjectLockConfiguration",
  "s3:DeleteBucket",
] as const;

export interface TrailBucketAccess {
  /** Principals granted to read log files (bucket policy) and decrypt them (key policy). */
  readonly logReaderArns: readonly string[];
  /** Principals that may still change the bucket's configuration; none: only what Terraform needs stays open. */
  readonly administratorArns: readonly string[];
  /**
   * The stack is being retired (`audit.allowDestroy`): the administrators may delete log files and their
   * versions, which emptying the versioned bucket before `cdktf destroy audit` needs. Needs at least one
   * administrator.
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * Object actions the administrators stay denied while retiring the stack: every object write of
 * `denyObjectWritesExceptService` except deleting an object or one of its versions. Retiring empties
 * the bucket; it never rewrites, retags or replicates a log file.
 */
export const TRAIL_OBJECT_WRITES_DENIED_TO_ADMINISTRATORS = [
  "s3:PutObject*",
  "s3:DeleteObjectTagging",
  "s3:DeleteObjectVersionTagging",
  "s3:Replicate*",
  "s3:BypassGovernanceRetention",
] as const;

/**
 * What keeps the trail's evidence as CloudTrail wrote it: nobody but the CloudTrail service writes,
 * overwrites, retags or deletes an object (the instance role's `s3:PutObject` on `*`, an account admin,
 * the root user alike); expiry and replication rules are denied to all but the administrators; with
 * administrators named, every other bucket-level change is theirs alone.
 *
 * With `allowDestroy` the administrators alone may also delete objects and object versions (the
 * emptying loop of docs/stacks/audit.md: `DeleteObjects` with version ids is authorized as `s3:DeleteObjectVersion`
 * per key), and still nothing else of an object: the object deny exempts them, and a second deny gives
 * them back every other write. Everyone else is denied exactly as before. Without `allowDestroy` the
 * statements are those of a bucket that keeps its evidence, unchanged.
 */
export function trailBucketProtections(bucketArn: string, access: TrailBucketAccess): PolicyStatement[] {
  const { administratorArns } = access;
  const retiring = access.allowDestroy === true;
  if (retiring && administratorArns.length === 0) {
    // The configuration refuses this pair (audit.administratorArns); a caller of this builder gets the same reason.
    throw new Error(
      "trailBucketProtections: allowDestroy needs at least one administrator ARN: with none, nobody may delete the log files, so the bucket can never be emptied and destroyed.",
    );
  }
  const objectWrites = denyObjectWritesExceptService(
    bucketArn,
    CLOUDTRAIL.Service,
    "DenyLogFileChangesExceptCloudTrail",
  );
  return [
    retiring
      ? {
          ...objectWrites,
          // Both must hold for the deny to apply: neither the CloudTrail service nor an administrator.
          Condition: { ...objectWrites.Condition, ArnNotLike: { "aws:PrincipalArn": [...administratorArns] } },
        }
      : objectWrites,
    ...(retiring
      ? [
          {
            Sid: "DenyLogFileWritesEvenToAdministrators",
            Effect: "Deny",
            Principal: "*",
            Action: [...TRAIL_OBJECT_WRITES_DENIED_TO_ADMINISTRATORS],
            Resource: `${bucketArn}/*`,
            Condition: { ArnLike: { "aws:PrincipalArn": [...administratorArns] } },
          } satisfies PolicyStatement,
        ]
      : []),
    denyBucketActionsExcept(bucketArn, TRAIL_BUCKET_EXPIRY_ACTIONS, administratorArns, "DenyLogExpiryAndReplication"),
    ...(administratorArns.length > 0
      ? [
          denyBucketActionsExcept(
            bucketArn,
            TRAIL_BUCKET_PROTECTION_ACTIONS,
            administratorArns,
            "DenyBucketChangesExceptAdministrators",
          ),
        ]
      : []),
  ];
}

/**
 * Lets the configured readers list the bucket and read log files and their digests; nobody else is
 * granted by the bucket policy. Reading a file also needs `kms:Decrypt` on the audit key, which the key
 * policy grants to the same readers (`auditKeyPolicy`).
 */
export function logReaderGrants(bucketArn: string, logReaderArns: readonly string[]): PolicyStatement[] {
  if (logReaderArns.length === 0) return [];
  const [bucket, objects] = bucketAndObjectArns(bucketArn);
  return [
    {
      Sid: "LogReadersList",
      Effect: "Allow",
      Principal: { AWS: [...logReaderArns] },
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: bucket,
    },
    {
      Sid: "LogReadersRead",
      Effect: "Allow",
      Principal: { AWS: [...logReaderArns] },
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: objects,
    },
  ];
}

/**
 * What silences the audit through a key: a disabled key, or one pending deletion, can no longer encrypt,
 * so CloudTrail stops delivering log files, CloudWatch Logs refuses new events (the metric filters see
 * nothing, no alarm fires) and alarms cannot publish to the topic; a replaced key policy can drop the
 * services' grants or this very deny. These three are denied to all but the audit administrators.
 *
 * Not denied, each on purpose: alias changes (kms:UpdateAlias / DeleteAlias), since the trail, the log
 * group and the topic name their key by ARN, never by alias; kms:DisableKeyRotation, which weakens the
 * key material's hygiene but stops nothing (Terraform sets rotation back on the next deploy, and guardrail
 * KMS_KEY_ROTATION_ENABLED holds the code to it); kms:CreateGrant, since a grant "allows Amazon Web Services
 * principals to use KMS keys in cryptographic operations. It also can allow them to view a KMS key
 * (DescribeKey) and create and manage grants" (KMS API Reference, CreateGrant): never DisableKey,
 * ScheduleKeyDeletion or PutKeyPolicy. Denying more than these would also deny the deploying role's
 * ordinary changes whenever it is not an administrator.
 */
export const AUDIT_KEY_PROTECTED_ACTIONS = ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"] as const;

/**
 * The deny that keeps one account administrator from silencing the audit by disabling a key: the
 * AUDIT_KEY_PROTECTED_ACTIONS to every principal (the account root user, account admins, the instance
 * role alike) but `administratorArns`, matched by `aws:PrincipalArn` (a role session's ARN is its role's).
 *
 * With no administrators there is no statement: denied to everyone, it would deny the deploying role's own
 * PutKeyPolicy, and KMS refuses such a policy outright (the key policy lockout safety check: "the key
 * policy must allow the principal that is making the PutKeyPolicy request to make a subsequent
 * PutKeyPolicy request", KMS API Reference, PutKeyPolicy and CreateKey). The configuration refuses an
 * empty list for accounts other than the shipped placeholders (audit.administratorArns), and the audit
 * stack warns at synth for the placeholders. The same check makes a list without the deploying role fail
 * the apply safely: CreateKey / PutKeyPolicy is refused, the key never locks its deployer out.
 *
 * The deny is as strong as the named roles are protected: an account administrator who may change their
 * trust policies, or delete one and create a role of the same name, becomes an administrator too. An
 * organisation trail in a log-archive account (docs/stacks/audit.md) takes the keys out of the account.
 */
export function keyProtections(administratorArns: readonly string[]): PolicyStatement[] {
  if (administratorArns.length === 0) return [];
  return [
    {
      Sid: "DenyKeyDisablingExceptAuditAdministrators",
      Effect: "Deny",
      Principal: "*",
      Action: [...AUDIT_KEY_PROTECTED_ACTIONS],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": [...administratorArns] } },
    },
  ];
}

export interface AuditKeyPolicyProps extends TrailLocation {
  /** Log group the trail delivers to; CloudWatch Logs encrypts it with the key. */
  readonly logGroupName: string;
  /**
   * Principals that may decrypt log files.
   * @default - none: only principals whose IAM policies grant kms:Decrypt (through AccountAdministersTheKey)
   */
  readonly logReaderArns?: readonly string[];
  /**
   * Principals that alone may disable the key, schedule its deletion or replace its policy (see
   * `keyProtections`); the role that deploys the audit stack must be one of them.
   * @default - none: no deny, IAM decides (only for the shipped placeholder accounts)
   */
  readonly administratorArns?: readonly string[];
}

/**
 * Key policy of the audit key, which encrypts the trail's log files and the log group (the alarm topic
 * has its own key, `alarmTopicKeyPolicy`). Each service gets only what it uses, bound to this account's
 * resources by ARN; with administrators named, only they may disable the key, schedule its deletion or
 * replace this policy.
 */
export function auditKeyPolicy(props: AuditKeyPolicyProps): PolicyDocument {
  const { region, accountId } = props;
  // The encryption context CloudTrail sets names the trail: any trail of this account, in any region.
  const ownTrails = { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` };
  const readers = props.logReaderArns && props.logReaderArns.length > 0 ? [[...props.logReaderArns]] : [];
  return policy(
    accountAdministersKey(accountId),
    {
      Sid: "CloudTrailEncryptsLogFiles",
      Effect: "Allow",
      Principal: CLOUDTRAIL,
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": trailArn(props) },
        StringLike: ownTrails,
      },
    },
    {
      // CloudTrail checks the key when the trail is created or updated.
      Sid: "CloudTrailDescribesKey",
      Effect: "Allow",
      Principal: CLOUDTRAIL,
      Action: "kms:DescribeKey",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": trailArn(props) } },
    },
    {
      // The trail bucket encrypts with an S3 Bucket Key (LockedBucket turns it on with a KMS key), and
      // then CloudTrail itself needs Decrypt: "If you are using an existing S3 bucket with an S3 Bucket
      // Key, kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption
      // enabled" (CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail", which gives
      // this grant to the cloudtrail.amazonaws.com principal). Without it CreateTrail fails with
      // InsufficientEncryptionPolicyException. Bound to this trail by aws:SourceArn like the statements
      // above; no encryption-context condition, since with a Bucket Key S3 sends the bucket's ARN as the
      // context, not the trail's (S3 User Guide, "Configuring your bucket to use an S3 Bucket Key").
      Sid: "CloudTrailDecryptsForTheBucketKey",
      Effect: "Allow",
      Principal: CLOUDTRAIL,
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": trailArn(props) } },
    },
    // Reading log files back (and validating their digests) needs Decrypt. Granted to the configured
    // readers only, not to `"*"` with kms:CallerAccount: that grant needed no IAM permission at all, so
    // every principal of the account (the instance role included) could read the trail.
    ...readers.map((arns): PolicyStatement => ({
      Sid: "LogReadersDecryptLogFiles",
      Effect: "Allow",
      Principal: { AWS: arns },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringLike: ownTrails },
    })),
    {
      Sid: "CloudWatchLogsEncryptsTheLogGroup",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(region, accountId, props.logGroupName) },
      },
    },
    ...keyProtections(props.administratorArns ?? []),
  );
}

export interface AlarmTopicKeyPolicyProps {
  readonly region: string;
  readonly accountId: string;
  /**
   * Principals that alone may disable the key, schedule its deletion or replace its policy (see
   * `keyProtections`): a disabled topic key silences every alarm as surely as a disabled audit key.
   * @default - none: no deny, IAM decides (only for the shipped placeholder accounts)
   */
  readonly administratorArns?: readonly string[];
}

/**
 * Key policy of the alarm topic's own key. Apart from the audit key, so that the key policy that
 * CloudWatch alarms need does not sit on the key of the log files, and so that the KMS events of the
 * audit key are reported through a topic that key does not encrypt. The account administers it through
 * IAM; CloudWatch alarms of this account and region may make and read the data key, which publishing to
 * an encrypted topic needs (SNS Developer Guide, "Enable compatibility between event sources from AWS
 * services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * bound by aws:SourceAccount and aws:SourceArn like the topic policy.
 */
export function alarmTopicKeyPolicy(props: AlarmTopicKeyPolicyProps): PolicyDocument {
  const { region, accountId } = props;
  return policy(
    accountAdministersKey(accountId),
    {
      Sid: "CloudWatchAlarmsPublishToTheTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: fromThisAccountsAlarms(region, accountId),
    },
    ...keyProtections(props.administratorArns ?? []),
  );
}

/**
 * Trust policy of the role CloudTrail uses to write to CloudWatch Logs: the service principal, plainly.
 * No `aws:SourceArn` / `aws:SourceAccount` here: AWS documents that confused deputy prevention "is not
 * applicable to the role policy for CloudWatch Logs monitoring" and that it "doesn't support" those keys
 * (CloudTrail User Guide, "Role policy document for CloudTrail to use CloudWatch Logs for monitoring",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
 * CreateTrail checks that it can assume the role, so a source condition fails the apply. The source
 * conditions stay where they hold: the trail bucket's and the audit key's policies. What the role may
 * do is limited to the one log group (`cloudTrailLogsDeliveryPolicy`).
 * The guardrail CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION keeps them from coming back.
 */
export function cloudTrailLogsTrustPolicy(): PolicyDocument {
  return serviceTrustPolicy(CLOUDTRAIL.Service, "CloudTrailAssumesTheRole");
}

/** What that role may do: create streams and put events in the one log group. */
export function cloudTrailLogsDeliveryPolicy(logGroupArnValue: string): PolicyDocument {
  return policy({
    Sid: "DeliverToTheAuditLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArnValue}:log-stream:*`,
  });
}

/**
 * Topic policy of the alarm topic: CloudWatch alarms of this account may publish, nothing else is
 * granted to a service; same-account principals still need an identity policy.
 */
export function alarmTopicPolicy(topicArn: string, region: string, accountId: string): PolicyDocument {
  return policy({
    Sid: "CloudWatchAlarmsPublish",
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: "sns:Publish",
    Resource: topicArn,
    Condition: fromThisAccountsAlarms(region, accountId),
  });
}
