import type { SessionLogging } from "../../lib/policies/session-logging";
import type { SynthResult } from "./synth";

/** The data source through which the workload stacks read the session-preferences stack's outputs. */
const REMOTE_STATE = "data.terraform_remote_state.cross-stack-reference-input-session-preferences";

/**
 * `${data.terraform_remote_state….outputs.<name>}` for the output of session-preferences whose value
 * is `${<address>}`: proves that a reference in another stack reads exactly that resource attribute.
 */
function remoteRef(result: SynthResult, address: string): string {
  const outputs = result.stacks["session-preferences"]?.output ?? {};
  const names = Object.entries(outputs)
    .filter(([name, o]) => name.startsWith("cross-stack-output-") && o.value === `\${${address}}`)
    .map(([name]) => name);
  if (names.length !== 1) throw new Error(`session-preferences has ${names.length} cross-stack outputs of ${address}`);
  return `\${${REMOTE_STATE}.outputs.${names[0]}}`;
}

/** The session-preferences resources as another stack of `result` references them. */
export function sessionLoggingRefs(result: SynthResult, keyPrefix?: string): SessionLogging {
  const prefs = result.stacks["session-preferences"];
  const bucket = Object.keys(prefs?.resource?.aws_s3_bucket ?? {})[0];
  return {
    keyArn: remoteRef(result, "aws_kms_key.SessionKey.arn"),
    logGroupArn: remoteRef(result, "aws_cloudwatch_log_group.SessionLogGroup.arn"),
    s3:
      keyPrefix !== undefined && bucket !== undefined
        ? { bucketArn: remoteRef(result, `aws_s3_bucket.${bucket}.arn`), keyPrefix }
        : undefined,
  };
}

/**
 * The instance role's session-logging policy written out by hand, as AWS receives it: the statements
 * the agent needs (Session Manager user guide, "custom IAM instance profile"), each on exactly the key,
 * the log group and the prefix; the key's Decrypt only for the sessions of `instanceId` (the reference
 * to the role's own instance) and, for uploads, only through S3 of eu-west-1 for the session bucket.
 */
export function expectedSessionLoggingPolicy(refs: SessionLogging, instanceId: string): unknown {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DecryptSessionData",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: refs.keyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:aws:ssm:TargetId": instanceId } },
      },
      {
        Sid: "WriteSessionLogStreams",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${refs.logGroupArn}:log-stream:*`,
      },
      {
        Sid: "DescribeSessionLogStreams",
        Effect: "Allow",
        Action: "logs:DescribeLogStreams",
        Resource: [refs.logGroupArn, `${refs.logGroupArn}:*`],
      },
      { Sid: "DescribeLogGroupsHasNoResourceType", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
      ...(refs.s3
        ? [
            {
              Sid: "UploadSessionTranscripts",
              Effect: "Allow",
              Action: "s3:PutObject",
              Resource: `${refs.s3.bucketArn}/${refs.s3.keyPrefix}*`,
            },
            {
              Sid: "CheckSessionBucketEncryption",
              Effect: "Allow",
              Action: "s3:GetEncryptionConfiguration",
              Resource: refs.s3.bucketArn,
            },
            {
              Sid: "EncryptSessionTranscriptUploads",
              Effect: "Allow",
              Action: ["kms:GenerateDataKey", "kms:Decrypt"],
              Resource: refs.keyArn,
              Condition: {
                StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
                StringLike: {
                  "kms:EncryptionContext:aws:s3:arn": [refs.s3.bucketArn, `${refs.s3.bucketArn}/${refs.s3.keyPrefix}*`],
                },
              },
            },
          ]
        : []),
    ],
  };
}
