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
import { wayIn } from "../lib/constructs/account-provider";
import { AUDIT_EVENTS, AUDIT_METRIC_NAMESPACE } from "../lib/audit/metric-filters";
import { LockedBucket } from "../lib/constructs/locked-bucket";
import {
  alarmTopicKeyPolicy,
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
 * with an alarm to an SNS topic encrypted with a key of its own. Only `audit.administratorArns` may
 * disable either key, schedule its deletion or replace its policy.
 */
export class AuditStack extends GuardrailsStack {
  readonly trail: Cloudtrail;
  readonly key: KmsKey;
  /** The alarm topic's own key: disabling the audit key no longer also silences the alarm meant to report it. */
  readonly topicKey: KmsKey;
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

    const { administratorArns } = settings;
    this.key = new KmsKey(this, "AuditKey", {
      description: "Encrypts the ec2-access-guardrails trail and its log group",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toPolicyJson(
        auditKeyPolicy({
          ...location,
          logGroupName: AUDIT_LOG_GROUP_NAME,
          logReaderArns: settings.logReaderArns,
          administratorArns,
        }),
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

    if (administratorArns.length === 0) {
      // Only the shipped placeholder accounts get here: lib/config refuses an empty list for any other.
      Annotations.of(this).addWarning(
        "audit.administratorArns is empty: any account administrator may disable the audit keys, schedule their deletion or replace their policies, which stops the trail's delivery and silences its alarms; list the role that runs `cdktf deploy audit` in audit.administratorArns (required for accounts other than the shipped placeholders).",
      );
    } else {
      this.warnUnlessDeployerAdministers(administratorArns);
    }

    // Not evidence (a topic keeps no messages), so no prevent_destroy: it goes with the topic.
    this.topicKey = new KmsKey(this, "AlarmTopicKey", {
      description: "Encrypts the ec2-access-guardrails alarm topic",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toPolicyJson(alarmTopicKeyPolicy({ region, accountId, administratorArns })),
    });
    new KmsAlias(this, "AlarmTopicKeyAlias", {
      name: "alias/ec2-access-guardrails-alarms",
      targetKeyId: this.topicKey.keyId,
    });

    this.topic = new SnsTopic(this, "AlarmTopic", {
      name: "ec2-access-guardrails-alarms",
      // A customer managed key, not aws/sns: CloudWatch alarms cannot use the AWS managed key. Its own key,
      // not the audit key: one disabled key must not stop both the trail and the alarm reporting it.
      // Moving an existing topic to this key is an in-place update (kms_master_key_id is not ForceNew in
      // the provider's aws_sns_topic schema; SetTopicAttributes changes it).
      kmsMasterKeyId: this.topicKey.arn,
    });
    new SnsTopicPolicy(this, "AlarmTopicPolicy", {
      arn: this.topic.arn,
      policy: toPolicyJson(alarmTopicPolicy(this.topic.arn, region, accountId)),
    });
    if (settings.alarmEmail !== undefined) {
      // Stays "pending confirmation" until the recipient follows the link AWS mails.
      new SnsTopicSubscription(this, "AlarmEmail", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: settings.alarmEmail,
      });
    } else if (!settings.noAlarmSubscriber) {
      // Only the shipped placeholder accounts get here (lib/config refuses it for any other): an alarm
      // nobody receives is silent, and nothing else would say so. audit.noAlarmSubscriber says it was meant.
      Annotations.of(this).addWarning(
        "audit.alarmEmail is not set: the alarm topic has no subscriber, so no alarm reaches anyone; set audit.alarmEmail, or subscribe your own endpoint to the AlarmTopicArn output and set audit.noAlarmSubscriber to true.",
      );
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

  /**
   * The role this stack's provider assumes last is the principal that puts the key and bucket policies.
   * KMS refuses a key policy that denies its caller kms:PutKeyPolicy (the lockout safety check, KMS API
   * Reference, CreateKey / PutKeyPolicy), so such an apply fails at the audit key, and nothing is locked:
   * the trail bucket (and so its policy, which S3 would accept) is ordered after the key. A warning, then,
   * that names the role before the apply fails; known only when the provider assumes a role (not with a
   * profile or the ambient credentials), and docs/stacks/audit.md says whom to list otherwise.
   */
  private warnUnlessDeployerAdministers(administratorArns: readonly string[]): void {
    const { config } = this;
    // A profile or the ambient credentials start the way in; only an assumed role names the deployer.
    const { roleArns } = wayIn({
      credentials: config.credentials,
      target: this.account,
      home: this.account,
      management: config.accounts.management,
    });
    const deployer = roleArns.at(-1);
    if (deployer === undefined || administratorArns.includes(deployer)) return;
    Annotations.of(this).addWarning(
      `audit.administratorArns does not list ${deployer}, the role this stack's provider assumes to deploy it: KMS refuses key policies that deny their caller kms:PutKeyPolicy, so the apply fails at the audit keys, and the trail bucket's policy would deny that role its next change. Add it to audit.administratorArns, or deploy as a listed role (accounts.workload.roleArn).`,
    );
  }
}
