import { logReaderGrants, TRAIL_BUCKET_EXPIRY_ACTIONS, TRAIL_BUCKET_PROTECTION_ACTIONS } from "./cloudtrail";
import { accountAdministersKey, policy, type PolicyDocument, type PolicyStatement } from "./document";
import { bucketAndObjectArns, denyBucketActionsExcept } from "./s3-bucket";

/**
 * Where Session Manager sessions are logged and what encrypts them, as the stacks that grant access to
 * them see it: the session-preferences stack creates these (ssm.sessionPreferences: "manage") and the
 * instance roles (private-access, cross-account-s3) and the ssm-* principals are granted on exactly
 * these resources and no others. Values are Terraform references when they cross stacks.
 */
export interface SessionLogging {
  /** ARN of the customer managed KMS key that encrypts session data and the transcripts. */
  readonly keyArn: string;
  /** ARN of the transcripts' CloudWatch Logs group (the provider's `arn`, without `:*`). */
  readonly logGroupArn: string;
  /** The S3 destination, when `ssm.sessionLogs.s3KeyPrefix` is set. @default - none */
  readonly s3?: {
    /** ARN of the locked bucket the transcripts are uploaded to. */
    readonly bucketArn: string;
    /** The prefix of the transcripts' keys, ending in `/`. */
    readonly keyPrefix: string;
  };
}

/**
 * What a person starting sessions needs on the session key: with `kmsKeyId` set in the preferences,
 * the client asks KMS for the data key that encrypts the session's stream ("Turn on KMS key encryption
 * of session data", Session Manager user guide: users need kms:GenerateDataKey on the key).
 */
export function userSessionKeyStatement(keyArn: string): PolicyStatement {
  return {
    Sid: "EncryptSessionDataWithSessionKey",
    Effect: "Allow",
    Action: "kms:GenerateDataKey",
    Resource: keyArn,
  };
}

/** `s3.<region>.amazonaws.com`: the `kms:ViaService` of the KMS calls S3 makes for SSE-KMS objects. */
function s3ViaService(region: string): string {
  return `s3.${region}.amazonaws.com`;
}

/**
 * Key policy of the session key (session-preferences stack), as AWS's "Encrypt log data in CloudWatch
 * Logs using AWS KMS" gives its first two statements:
 * - the account administers the key, so IAM policies decide who uses it (the instance roles'
 *   kms:Decrypt / kms:GenerateDataKey and the users' kms:GenerateDataKey are IAM grants, scoped there);
 * - CloudWatch Logs of this region may use it only for the transcripts' log group: the service sets
 *   `kms:EncryptionContext:aws:logs:arn` to the group's ARN on every call.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * With `transcriptReaderArns`, those readers may decrypt through S3 only (`kms:ViaService`): reading a
 * transcript object needs Decrypt of its data key, and nothing else of the session key is theirs.
 */
export function sessionKeyPolicy(props: {
  readonly region: string;
  readonly accountId: string;
  /** ARN of the transcripts' log group (`arn:aws:logs:<region>:<account>:log-group:<name>`). */
  readonly logGroupArn: string;
  /** `ssm.sessionLogs.readerArns`, with an S3 destination. @default - none */
  readonly transcriptReaderArns?: readonly string[];
}): PolicyDocument {
  const readers = props.transcriptReaderArns ?? [];
  return policy(
    accountAdministersKey(props.accountId),
    {
      Sid: "CloudWatchLogsEncryptsTheSessionLogGroup",
      Effect: "Allow",
      Principal: { Service: `logs.${props.region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": props.logGroupArn } },
    },
    ...(readers.length > 0
      ? [
          {
            Sid: "TranscriptReadersDecryptThroughS3",
            Effect: "Allow",
            Principal: { AWS: [...readers] },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": s3ViaService(props.region) } },
          } satisfies PolicyStatement,
        ]
      : []),
  );
}

/** What pins the instance role's session-key grants to its own instance and the session bucket. */
export interface InstanceSessionScope {
  /** Region of the session key and bucket (S3's `kms:ViaService`). */
  readonly region: string;
  /** The instance the role belongs to: the agent decrypts only its own sessions' data keys. */
  readonly instanceId: string;
}

/**
 * What the SSM agent on an instance needs to log and encrypt the sessions the managed preferences
 * describe, and nothing more ("Create a custom IAM instance profile for Session Manager", Session
 * Manager user guide), scoped to exactly that key, log group and prefix. Resource types per the Service
 * Authorization Reference (CloudWatch Logs, KMS, S3):
 * - kms:Decrypt on the session key for this instance's sessions only: the client generates each
 *   session's data key with the encryption context `aws:ssm:SessionId` and `aws:ssm:TargetId` (the
 *   instance id) and the agent decrypts it with the same context (aws/amazon-ssm-agent,
 *   agent/session/crypto/blockcipher.go, UpdateEncryptionKey). AWS's user guide names no context, so
 *   the agent's source is the reference; pinned to TargetId, a stolen session of this role cannot
 *   decrypt another instance's session keys, nor (no `kms:ViaService` here) any S3 object or log
 *   event encrypted with the key;
 * - logs:CreateLogStream and logs:PutLogEvents take a `log-stream` resource: the group's streams only;
 * - logs:DescribeLogStreams takes the `log-group` resource: the group, in both ARN forms (CloudWatch Logs
 *   checks the `:*` form for most actions, "CloudWatch Logs resources and operations");
 * - logs:DescribeLogGroups has no resource type, so `*` is the only Resource it accepts: it lists
 *   group names and settings (the agent checks the group's encryption), and reads no log event;
 * - with an S3 destination: s3:PutObject on `<bucket>/<prefix>*` only, s3:GetEncryptionConfiguration
 *   on the bucket (the agent refuses to upload to an unencrypted bucket when s3EncryptionEnabled is
 *   true), and the key's kms:GenerateDataKey and kms:Decrypt through S3 for this bucket only: SSE-KMS
 *   asks the uploader for a data key, and a multipart upload (the agent's uploader splits transcripts
 *   over 5 MiB) also for Decrypt ("Why do I need permission to decrypt the AWS KMS key when I run
 *   Amazon S3 multipart uploads with SSE-KMS?", AWS Knowledge Center). S3 sends the bucket's ARN as
 *   the encryption context with an S3 Bucket Key (LockedBucket turns it on), an object's ARN without
 *   one. Reading a transcript through S3 asks KMS the same, which is why the bucket policy, not this
 *   grant, is what denies the role GetObject.
 */
export function instanceSessionLoggingPolicy(logging: SessionLogging, scope: InstanceSessionScope): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "DecryptSessionData",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: logging.keyArn,
      Condition: { StringEquals: { "kms:EncryptionContext:aws:ssm:TargetId": scope.instanceId } },
    },
    {
      Sid: "WriteSessionLogStreams",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logging.logGroupArn}:log-stream:*`,
    },
    {
      Sid: "DescribeSessionLogStreams",
      Effect: "Allow",
      Action: "logs:DescribeLogStreams",
      Resource: [logging.logGroupArn, `${logging.logGroupArn}:*`],
    },
    {
      Sid: "DescribeLogGroupsHasNoResourceType",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: "*",
    },
  ];
  if (logging.s3) {
    const { bucketArn, keyPrefix } = logging.s3;
    statements.push(
      {
        Sid: "UploadSessionTranscripts",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${keyPrefix}*`,
      },
      {
        Sid: "CheckSessionBucketEncryption",
        Effect: "Allow",
        Action: "s3:GetEncryptionConfiguration",
        Resource: bucketArn,
      },
      {
        Sid: "EncryptSessionTranscriptUploads",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: logging.keyArn,
        Condition: {
          StringEquals: { "kms:ViaService": s3ViaService(scope.region) },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/${keyPrefix}*`] },
        },
      },
    );
  }
  return policy(...statements);
}

/** Who may do what with the transcripts bucket besides uploading (see transcriptBucketStatements). */
export interface TranscriptBucketAccess {
  /** `ssm.sessionLogs.readerArns`: the only principals that list and read transcripts. */
  readonly readerArns: readonly string[];
  /**
   * `audit.administratorArns`: the evidence buckets' administrators, who alone change the bucket's
   * configuration when named, may list its keys, and with `allowDestroy` delete transcripts.
   */
  readonly administratorArns: readonly string[];
  /** `audit.allowDestroy`: the administrators may delete transcripts and their versions. @default false */
  readonly allowDestroy?: boolean;
}

/** Object reads: every GetObject* (object, version, ACL, tags, attributes, retention, legal hold) and parts listings. */
export const TRANSCRIPT_READ_ACTIONS = ["s3:GetObject*", "s3:ListMultipartUploadParts"] as const;

/** Listings that name keys and versions. `s3:ListBucket` only with administrators: see transcriptBucketStatements. */
export const TRANSCRIPT_LIST_ACTIONS = ["s3:ListBucketVersions", "s3:ListBucketMultipartUploads"] as const;

/**
 * Everything that changes an uploaded transcript or one of its versions other than uploading it:
 * deleting, retagging, ACLs, retention and legal holds, replication and governance bypass. Denied to
 * everyone, the instance roles included (the agent's PutObjectAcl after an upload fails harmlessly:
 * it ignores that error, aws/amazon-ssm-agent agent/s3util/s3util.go).
 */
export const TRANSCRIPT_CHANGE_ACTIONS = [
  "s3:DeleteObjectTagging",
  "s3:DeleteObjectVersionTagging",
  "s3:PutObjectAcl",
  "s3:PutObjectVersionAcl",
  "s3:PutObjectTagging",
  "s3:PutObjectVersionTagging",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:Replicate*",
] as const;

/** Deleting a transcript or a version of it: the administrators' alone, and only with allowDestroy. */
export const TRANSCRIPT_DELETE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"] as const;

/**
 * The transcripts bucket's policy after the TLS-only deny (LockedBucket adds that). Any user who may
 * start a session can use the instance's role, so the role is no guard of other users' transcripts;
 * the bucket is:
 * - read and listed by `readerArns` alone (granted here too, with `logReaderGrants` of the trail
 *   bucket, plus version listing: an overwrite makes a new version, and a key with two versions is the
 *   sign of one); every other principal is denied, the instance roles, administrators and root user's
 *   IAM identities included. `s3:ListBucket` is denied to the others only when administrators are
 *   named: Terraform reads the bucket with HeadBucket, which S3 authorizes as s3:ListBucket (S3 API
 *   Reference, HeadBucket), so with nobody named the deploying principal must keep it; it lists keys,
 *   never contents;
 * - written only with EC2 instance credentials: the global key `aws:Ec2InstanceSourceVpc` is in the
 *   request context exactly when EC2 role credentials sign it ("AWS global condition context keys"),
 *   so no user's or administrator's own keys write a forged transcript. Which instance role is left to
 *   IAM (the preferences are the whole account's: every managed instance uploads with its own role),
 *   and which key too: S3 has no condition key for an object's key, so the prefix is held by the
 *   instance roles' grants (`<bucket>/<prefix>*`) and the transcripts readers read;
 * - never changed after upload: deletes, tags, ACLs, retention, legal holds, replication and
 *   governance bypass denied to everyone; with `allowDestroy` the administrators alone may delete
 *   objects and versions, which emptying the bucket needs;
 * - guarded at bucket level like the trail bucket: expiry and replication rules denied to all but the
 *   administrators, and with administrators named every other bucket change (Object Lock's default
 *   retention included) theirs alone.
 */
export function transcriptBucketStatements(bucketArn: string, access: TranscriptBucketAccess): PolicyStatement[] {
  const { readerArns, administratorArns } = access;
  const retiring = access.allowDestroy === true;
  if (retiring && administratorArns.length === 0) {
    // The configuration refuses this pair (audit.administratorArns); a caller of this builder gets the same reason.
    throw new Error(
      "transcriptBucketStatements: allowDestroy needs at least one administrator ARN: with none, nobody may delete the transcripts, so the bucket can never be emptied and destroyed.",
    );
  }
  const [bucket, objects] = bucketAndObjectArns(bucketArn);
  const exceptReaders =
    readerArns.length > 0 ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [...readerArns] } } } : {};
  const listers = [...readerArns, ...administratorArns];
  return [
    ...logReaderGrants(bucketArn, readerArns),
    ...(readerArns.length > 0
      ? [
          {
            Sid: "TranscriptReadersListVersions",
            Effect: "Allow",
            Principal: { AWS: [...readerArns] },
            Action: "s3:ListBucketVersions",
            Resource: bucket,
          } satisfies PolicyStatement,
        ]
      : []),
    {
      Sid: "DenyTranscriptReadsExceptReaders",
      Effect: "Deny",
      Principal: "*",
      Action: [...TRANSCRIPT_READ_ACTIONS],
      Resource: objects,
      ...exceptReaders,
    },
    denyBucketActionsExcept(
      bucketArn,
      administratorArns.length > 0 ? ["s3:ListBucket", ...TRANSCRIPT_LIST_ACTIONS] : [...TRANSCRIPT_LIST_ACTIONS],
      listers,
      "DenyTranscriptListingExceptReaders",
    ),
    {
      Sid: "DenyTranscriptWritesWithoutInstanceCredentials",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject*", "s3:RestoreObject"],
      Resource: objects,
      Condition: { Null: { "aws:Ec2InstanceSourceVpc": "true" } },
    },
    {
      Sid: "DenyTranscriptChanges",
      Effect: "Deny",
      Principal: "*",
      Action: [...TRANSCRIPT_CHANGE_ACTIONS],
      Resource: objects,
    },
    {
      Sid: "DenyTranscriptDeletes",
      Effect: "Deny",
      Principal: "*",
      Action: [...TRANSCRIPT_DELETE_ACTIONS],
      Resource: objects,
      ...(retiring ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [...administratorArns] } } } : {}),
    },
    denyBucketActionsExcept(
      bucketArn,
      TRAIL_BUCKET_EXPIRY_ACTIONS,
      administratorArns,
      "DenyTranscriptExpiryAndReplication",
    ),
    ...(administratorArns.length > 0
      ? [
          denyBucketActionsExcept(
            bucketArn,
            [...TRAIL_BUCKET_PROTECTION_ACTIONS],
            administratorArns,
            "DenyTranscriptBucketChangesExceptAdministrators",
          ),
        ]
      : []),
  ];
}
