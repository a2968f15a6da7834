import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { Config } from "../lib/config";
import { LockedBucket } from "../lib/constructs/locked-bucket";
import { logGroupArn } from "../lib/policies/cloudtrail";
import { toPolicyJson } from "../lib/policies/document";
import { SESSION_BUCKET_PREFIX } from "../lib/policies/s3-bucket";
import { sessionKeyPolicy, transcriptBucketStatements, type SessionLogging } from "../lib/policies/session-logging";
import { GuardrailsStack, type GuardrailsStackProps } from "../lib/stack/guardrails-stack";

/**
 * The name Session Manager reads its preferences from: one document per account and region, which
 * the console creates when someone saves preferences there.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-configure-preferences-cli.html
 */
export const SESSION_PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell";
/** Fixed so the key policy can name the log group before it exists (a reference would be a cycle). */
export const SESSION_LOG_GROUP_NAME = "/ec2-access-guardrails/session-manager/sessions";

/** Where the preferences send transcripts and what encrypts them: the document's `inputs`. */
export interface SessionPreferencesInputs {
  /** The session key (an ARN: KMS takes a key id, ARN or alias). */
  readonly kmsKeyId: string;
  readonly logGroupName: string;
  /** @default - no S3 destination */
  readonly s3?: { readonly bucketName: string; readonly keyPrefix: string };
}

/**
 * The content of `SSM-SessionManagerRunShell` (schemaVersion 1.0, sessionType Standard_Stream). Input
 * names and types as AWS's "Session document schema" gives them: the *EncryptionEnabled, streaming and
 * runAsEnabled inputs are booleans, idleSessionTimeout and maxSessionDuration strings of minutes, and
 * s3EncryptionEnabled, cloudWatchEncryptionEnabled and runAsEnabled are required even when unused.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export function sessionPreferencesContent(config: Config, inputs: SessionPreferencesInputs): string {
  const logs = config.ssm.sessionLogs;
  const runAs = logs.runAsDefaultUser;
  return JSON.stringify({
    schemaVersion: "1.0",
    description: "Session Manager preferences of ec2-access-guardrails: encrypted, logged sessions",
    sessionType: "Standard_Stream",
    inputs: {
      // Empty bucket name: no S3 upload. s3EncryptionEnabled stays true, so an upload is never plain.
      s3BucketName: inputs.s3?.bucketName ?? "",
      s3KeyPrefix: inputs.s3?.keyPrefix ?? "",
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: inputs.logGroupName,
      // The agent refuses to send to the group unless it is encrypted (it is, with the session key).
      cloudWatchEncryptionEnabled: true,
      // Streamed as it happens, not uploaded at the end: a session whose instance dies is still recorded.
      cloudWatchStreamingEnabled: true,
      kmsKeyId: inputs.kmsKeyId,
      runAsEnabled: runAs !== undefined,
      runAsDefaultUser: runAs ?? "",
      idleSessionTimeout: String(logs.idleTimeoutMinutes),
      maxSessionDuration: String(logs.maxDurationMinutes),
      shellProfile: { windows: "", linux: "" },
    },
  });
}

/**
 * Stack `session-preferences` (workload account, with `ssm.sessionPreferences` `manage` or `adopt`): the
 * Session Manager preferences document `SSM-SessionManagerRunShell` of the account and region, so every
 * session is encrypted with a customer managed key (rotated) and its transcript streamed to a
 * KMS-encrypted CloudWatch Logs group and, with `ssm.sessionLogs.s3KeyPrefix`, uploaded to a locked
 * bucket. `logging` is what the instance roles and the Session Manager principals are granted on.
 *
 * The document exists already wherever someone saved preferences in the console, and creating it then
 * fails: `adopt` imports it (an `import` block), or import it by hand once (docs/stacks/session-preferences.md, "A document that already exists").
 */
export class SessionPreferencesStack extends GuardrailsStack {
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly bucket?: LockedBucket;
  readonly document: SsmDocument;
  readonly logging: SessionLogging;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props, "workload");
    const { config } = this;
    const { region } = config;
    const settings = config.ssm.sessionLogs;
    // Transcripts are evidence, kept as the audit stack keeps its own (audit.allowDestroy decides).
    const retainEvidence = !config.audit.allowDestroy;
    const lifecycle = retainEvidence ? { preventDestroy: true } : undefined;
    const keyPrefix = settings.s3KeyPrefix;

    this.key = new KmsKey(this, "SessionKey", {
      description: "Encrypts ec2-access-guardrails Session Manager sessions and their transcripts",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toPolicyJson(
        sessionKeyPolicy({
          region,
          accountId: this.account.id,
          logGroupArn: logGroupArn(region, this.account.id, SESSION_LOG_GROUP_NAME),
          transcriptReaderArns: keyPrefix !== undefined ? settings.readerArns : [],
        }),
      ),
      // A key scheduled for deletion takes every transcript it encrypted with it.
      lifecycle,
    });
    const alias = new KmsAlias(this, "SessionKeyAlias", {
      name: "alias/ec2-access-guardrails-sessions",
      targetKeyId: this.key.keyId,
    });

    this.logGroup = new CloudwatchLogGroup(this, "SessionLogGroup", {
      name: SESSION_LOG_GROUP_NAME,
      retentionInDays: settings.retentionDays,
      kmsKeyId: this.key.arn,
      // Destroy forgets the group instead of deleting it and its transcripts (provider 5.x).
      skipDestroy: retainEvidence,
      // kms_key_id orders it before the key; the alias goes after it too, as in the audit stack.
      dependsOn: [alias],
    });

    if (keyPrefix !== undefined) {
      this.bucket = new LockedBucket(this, "SessionBucket", {
        bucketPrefix: SESSION_BUCKET_PREFIX,
        kmsKeyArn: this.key.arn,
        // Every session user can use an instance's role, so the bucket, not the role, keeps one user
        // from reading or rewriting another's transcript: readers alone read, instances alone write,
        // nobody changes what was written. The evidence administrators are the audit stack's.
        grants: (bucketArn) =>
          transcriptBucketStatements(bucketArn, {
            readerArns: settings.readerArns,
            administratorArns: config.audit.administratorArns,
            allowDestroy: config.audit.allowDestroy,
          }),
        preventDestroy: retainEvidence,
        // Destroyed before the key and its alias (the audit stack's trail bucket says why): a destroy
        // that stops at a bucket still holding transcripts must not have scheduled their key's deletion.
        dependsOn: [this.key, alias],
        // Never force_destroy: deleting transcripts stays a deliberate step, as for the trail bucket.
        forceDestroy: false,
        objectLock: settings.objectLock,
      });
    }

    this.document = new SsmDocument(this, "SessionPreferences", {
      name: SESSION_PREFERENCES_DOCUMENT,
      documentType: "Session",
      documentFormat: "JSON",
      content: sessionPreferencesContent(config, {
        kmsKeyId: this.key.arn,
        logGroupName: this.logGroup.name,
        s3: this.bucket && keyPrefix !== undefined ? { bucketName: this.bucket.bucket.bucket, keyPrefix } : undefined,
      }),
      // Deleting the document silently returns the account to AWS's defaults: sessions unencrypted and
      // unlogged, while the principals' policies still name this document. Kept like the evidence.
      lifecycle,
    });
    if (config.ssm.sessionPreferences === "adopt") {
      // The console created the document (it exists wherever preferences were once saved), so creating
      // it fails with DocumentAlreadyExists: an `import` block (Terraform >= 1.5) takes it over on the
      // next apply and the update replaces its content. The import ID of aws_ssm_document is its name.
      // Opt-in: the block fails the plan in an account where the document does not exist.
      // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/ssm_document#import
      this.document.importFrom(SESSION_PREFERENCES_DOCUMENT);
    }

    this.logging = {
      keyArn: this.key.arn,
      logGroupArn: this.logGroup.arn,
      s3: this.bucket && keyPrefix !== undefined ? { bucketArn: this.bucket.bucket.arn, keyPrefix } : undefined,
    };

    new TerraformOutput(this, "SessionKeyArn", { value: this.key.arn });
    new TerraformOutput(this, "SessionLogGroupName", { value: this.logGroup.name });
    new TerraformOutput(this, "SessionDocumentName", {
      value: this.document.name,
      description: "Name it in every session: aws ssm start-session --target <id> --document-name <this>",
    });
    if (this.bucket) new TerraformOutput(this, "SessionBucketName", { value: this.bucket.bucket.bucket });
  }
}
