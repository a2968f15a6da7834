import type { PolicyStatement } from "./document";

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
