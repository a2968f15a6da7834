import { policy, serviceTrustPolicy, type Conditions, type PolicyDocument, type PolicyStatement } from "./document";

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

export interface AuditKeyPolicyProps extends TrailLocation {
  /** Log group the trail delivers to; CloudWatch Logs encrypts it with the key. */
  readonly logGroupName: string;
}

/**
 * Key policy of the audit key, which encrypts the trail's log files, the log group and the alarm topic.
 * Each service gets only what it uses, bound to this account's resources by ARN.
 */
export function auditKeyPolicy(props: AuditKeyPolicyProps): PolicyDocument {
  const { region, accountId } = props;
  // The encryption context CloudTrail sets names the trail: any trail of this account, in any region.
  const ownTrails = { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` };
  return policy(
    {
      // Without it the key is unmanageable: IAM policies in the account decide who administers it.
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
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
      // Reading log files back (and validating their digests) needs Decrypt; only this account may.
      Sid: "AccountDecryptsLogFiles",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": accountId },
        StringLike: ownTrails,
      },
    },
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
    {
      // CloudWatch alarms publish to the KMS-encrypted topic; the publisher needs the data key.
      Sid: "CloudWatchAlarmsPublishToTheTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: fromThisAccountsAlarms(region, accountId),
    },
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
