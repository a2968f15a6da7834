import { policy, type PolicyDocument, type PolicyStatement } from "./document";

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

/**
 * Key policy of the session key (session-preferences stack). Two statements, as AWS's "Encrypt log
 * data in CloudWatch Logs using AWS KMS" gives them:
 * - the account administers the key, so IAM policies decide who uses it (the instance roles'
 *   kms:Decrypt / kms:GenerateDataKey and the users' kms:GenerateDataKey are IAM grants, scoped there);
 * - CloudWatch Logs of this region may use it only for the transcripts' log group: the service sets
 *   `kms:EncryptionContext:aws:logs:arn` to the group's ARN on every call.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function sessionKeyPolicy(props: {
  readonly region: string;
  readonly accountId: string;
  /** ARN of the transcripts' log group (`arn:aws:logs:<region>:<account>:log-group:<name>`). */
  readonly logGroupArn: string;
}): PolicyDocument {
  return policy(
    {
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchLogsEncryptsTheSessionLogGroup",
      Effect: "Allow",
      Principal: { Service: `logs.${props.region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": props.logGroupArn } },
    },
  );
}

/**
 * What the SSM agent on an instance needs to log and encrypt the sessions the managed preferences
 * describe, and nothing more ("Create a custom IAM instance profile for Session Manager", Session
 * Manager user guide), scoped to exactly that key, log group and prefix. Resource types per the Service
 * Authorization Reference (CloudWatch Logs, KMS, S3):
 * - kms:Decrypt on the session key: the agent decrypts the session's data key;
 * - logs:CreateLogStream and logs:PutLogEvents take a `log-stream` resource: the group's streams only;
 * - logs:DescribeLogStreams takes the `log-group` resource: the group, in both ARN forms (CloudWatch Logs
 *   checks the `:*` form for most actions, "CloudWatch Logs resources and operations");
 * - logs:DescribeLogGroups has no resource type, so `*` is the only Resource it accepts: it lists
 *   group names and settings (the agent checks the group's encryption), and reads no log event;
 * - with an S3 destination: s3:PutObject on `<bucket>/<prefix>*` only, s3:GetEncryptionConfiguration
 *   on the bucket (the agent refuses to upload to an unencrypted bucket when s3EncryptionEnabled is
 *   true), and kms:GenerateDataKey on the key, which SSE-KMS asks of the uploader.
 */
export function instanceSessionLoggingPolicy(logging: SessionLogging): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "DecryptSessionData",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: logging.keyArn,
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
        Action: "kms:GenerateDataKey",
        Resource: logging.keyArn,
      },
    );
  }
  return policy(...statements);
}
