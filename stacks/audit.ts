import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { suppressGuardrail } from "../lib/aspects/suppressions";
import { AUDIT_EVENTS, AUDIT_METRIC_NAMESPACE } from "../lib/audit/metric-filters";
import { LockedBucket } from "../lib/constructs/locked-bucket";
import {
  alarmTopicPolicy,
  auditKeyPolicy,
  cloudTrailBucketGrants,
  cloudTrailLogsDeliveryPolicy,
  cloudTrailLogsTrustPolicy,
  logReaderGrants,
  trailBucketProtections,
  type TrailLocation,
} from "../lib/policies/cloudtrail";
import { toPolicyJson } from "../lib/policies/document";
import { TRAIL_BUCKET_PREFIX } from "../lib/policies/s3-bucket";
import { GuardrailsStack, type GuardrailsStackProps } from "../lib/stack/guardrails-stack";

/** Fixed so the trail's ARN can be named in the bucket and key policies before the trail exists. */
export const TRAIL_NAME = "ec2-access-guardrails";
/** Fixed for the same reason: the key policy names the log group it may encrypt. */
export const AUDIT_LOG_GROUP_NAME = "/aws/cloudtrail/ec2-access-guardrails";

/**
 * Stack `audit` (workload account): a multi-region CloudTrail trail with log file validation, encrypted
 * with a customer managed key, to a locked-down bucket and to CloudWatch Logs, where metric filters count
 * EICE tunnels, EIC key pushes, Session Manager sessions, endpoint changes and denied attempts, each
 * with an alarm to an encrypted SNS topic.
 */
export class AuditStack extends GuardrailsStack {
  readonly trail: Cloudtrail;
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly topic: SnsTopic;
  readonly bucket: LockedBucket;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props, "workload");
    const { region, audit: settings } = this.config;
    const accountId = this.account.id;
    const location: TrailLocation = { region, accountId, trailName: TRAIL_NAME };
    // Evidence survives `cdktf destroy audit` unless the configuration says the account is throwaway:
    // prevent_destroy makes Terraform refuse the whole destroy plan before it deletes anything.
    const retainEvidence = !settings.allowDestroy;

    this.key = new KmsKey(this, "AuditKey", {
      description: "Encrypts the ec2-access-guardrails trail, its log group and its alarm topic",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toPolicyJson(
        auditKeyPolicy({ ...location, logGroupName: AUDIT_LOG_GROUP_NAME, logReaderArns: settings.logReaderArns }),
      ),
      // A key scheduled for deletion takes every log file and log event it encrypted with it.
      lifecycle: retainEvidence ? { preventDestroy: true } : undefined,
    });
    const alias = new KmsAlias(this, "AuditKeyAlias", {
      name: "alias/ec2-access-guardrails-audit",
      targetKeyId: this.key.keyId,
    });

    this.bucket = new LockedBucket(this, "TrailBucket", {
      // Shared with the instance roles, which deny this bucket by its prefix.
      bucketPrefix: TRAIL_BUCKET_PREFIX,
      kmsKeyArn: this.key.arn,
      grants: (bucketArn) => [
        ...cloudTrailBucketGrants(bucketArn, location),
        ...logReaderGrants(bucketArn, settings.logReaderArns),
        // Evidence nobody in the account can rewrite: only CloudTrail writes objects.
        ...trailBucketProtections(bucketArn, settings),
      ],
      // Also on the policy, encryption and public access block: a destroy never strips the locks first.
      preventDestroy: retainEvidence,
      // Never force_destroy, even with audit.allowDestroy: deleting log files stays a deliberate step.
      forceDestroy: false,
      // CloudTrail delivers as before: default retention asks nothing of the writer's permissions, and
      // S3's checksum requirement on uploads to a bucket with default retention is met by the service.
      objectLock: settings.objectLock,
      // Destroyed before the key and its alias: the bucket references neither (only its encryption
      // configuration names the key), so without the edge Terraform schedules the key's deletion in
      // parallel, and a destroy that stops at a bucket still holding log files (BucketNotEmpty) has
      // already put every log file's key on its way out.
      dependsOn: [this.key, alias],
    });

    this.logGroup = new CloudwatchLogGroup(this, "TrailLogGroup", {
      name: AUDIT_LOG_GROUP_NAME,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: this.key.arn,
      // Destroy forgets the group instead of deleting it and its events (provider 5.x `skip_destroy`).
      skipDestroy: retainEvidence,
      // kms_key_id already orders it before the key; the alias goes after it too, so the key is the
      // last of the audit's encryption to go.
      dependsOn: [alias],
    });

    const deliveryRole = new IamRole(this, "TrailToLogsRole", {
      namePrefix: "ec2-access-guardrails-trail-",
      description: "Lets the ec2-access-guardrails trail write to its CloudWatch Logs group",
      // No source conditions: AWS does not support them on this role (see cloudTrailLogsTrustPolicy).
      assumeRolePolicy: toPolicyJson(cloudTrailLogsTrustPolicy()),
    });
    const deliveryPolicy = new IamRolePolicy(this, "TrailToLogsPolicy", {
      role: deliveryRole.id,
      name: "deliver-to-audit-log-group",
      policy: toPolicyJson(cloudTrailLogsDeliveryPolicy(this.logGroup.arn)),
    });

    this.trail = new Cloudtrail(this, "Trail", {
      name: TRAIL_NAME,
      s3BucketName: this.bucket.bucket.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.key.arn,
      // CloudTrail wants the log-stream wildcard form; the provider's `arn` attribute has no `:*`.
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: deliveryRole.arn,
      // CloudTrail checks the bucket policy and the role when the trail is created.
      dependsOn: [this.bucket.policy, deliveryPolicy],
    });

    if (!retainEvidence) {
      const reason = "audit.allowDestroy is true: a throwaway demo account whose audit evidence may be destroyed.";
      for (const resource of [this.key, this.bucket.bucket, this.logGroup]) {
        suppressGuardrail(resource, "CLOUDTRAIL_EVIDENCE_RETAINED", reason);
      }
    }

    this.topic = new SnsTopic(this, "AlarmTopic", {
      name: "ec2-access-guardrails-alarms",
      // A customer managed key, not aws/sns: CloudWatch alarms cannot use the AWS managed key.
      kmsMasterKeyId: this.key.arn,
    });
    new SnsTopicPolicy(this, "AlarmTopicPolicy", {
      arn: this.topic.arn,
      policy: toPolicyJson(alarmTopicPolicy(this.topic.arn, region, accountId)),
    });
    if (settings.alarmEmail === undefined) {
      // Not an error: a team may subscribe its own endpoint to the AlarmTopicArn output. But an alarm
      // nobody receives is silent, and nothing else would say so.
      Annotations.of(this).addWarning(
        "audit.alarmEmail is not set: the alarm topic has no subscriber, so no alarm reaches anyone; set audit.alarmEmail or subscribe an endpoint to the AlarmTopicArn output.",
      );
    } else {
      // Stays "pending confirmation" until the recipient follows the link AWS mails.
      new SnsTopicSubscription(this, "AlarmEmail", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: settings.alarmEmail,
      });
    }

    for (const event of AUDIT_EVENTS) {
      new CloudwatchLogMetricFilter(this, `${event.id}Filter`, {
        name: `ec2-access-guardrails-${event.id}`,
        logGroupName: this.logGroup.name,
        pattern: event.pattern,
        metricTransformation: { namespace: AUDIT_METRIC_NAMESPACE, name: event.id, value: "1", defaultValue: "0" },
      });
      new CloudwatchMetricAlarm(this, `${event.id}Alarm`, {
        alarmName: `ec2-access-guardrails-${event.id}`,
        alarmDescription: event.description,
        namespace: AUDIT_METRIC_NAMESPACE,
        metricName: event.id,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // No event in a period is the normal state, not missing data.
        treatMissingData: "notBreaching",
        alarmActions: [this.topic.arn],
      });
    }

    new TerraformOutput(this, "TrailArn", { value: this.trail.arn });
    new TerraformOutput(this, "TrailBucketName", { value: this.bucket.bucket.bucket });
    new TerraformOutput(this, "AlarmTopicArn", { value: this.topic.arn });
  }
}
