import { evaluateStack } from "../../lib/aspects/guardrails";
import { parsePolicy, stackJson, statement, synthCached, testConfig, type TfJson } from "../helpers";
import { evidenceConfig } from "../helpers/evidence";
import { stackUnderTest, viewOf, type StackUnderTest } from "../helpers/stack-test";

const LOG_GROUP = "/ec2-access-guardrails/session-manager/sessions";
const LOG_GROUP_ARN = `arn:aws:logs:eu-west-1:111111111111:log-group:${LOG_GROUP}`;

/** S3 transcripts, Run As, other minutes, and a throwaway account: every optional input set at once. */
const WITH_S3 = testConfig({
  ssm: {
    sessionLogs: {
      retentionDays: 30,
      s3KeyPrefix: "session-logs/",
      idleTimeoutMinutes: 15,
      maxDurationMinutes: 480,
      runAsDefaultUser: "operator",
    },
  },
  // audit.allowDestroy needs an administrator who empties the trail bucket.
  audit: { allowDestroy: true, administratorArns: ["arn:aws:iam::111111111111:role/Deployer"] },
});
const EXISTING = testConfig({ ssm: { sessionPreferences: "existing" } });
const ADOPT = testConfig({ ssm: { sessionPreferences: "adopt" } });

const preferences = () => stackUnderTest("session-preferences");
const withS3 = () => viewOf(synthCached({ config: WITH_S3 }).stacks["session-preferences"]);

/** The document's content parsed back, as Systems Manager receives it. */
const content = (stack: StackUnderTest) =>
  JSON.parse(stack.only("aws_ssm_document").content as string) as {
    schemaVersion: string;
    sessionType: string;
    inputs: Record<string, unknown>;
  };

describe("session-preferences", () => {
  describe("the preferences document", () => {
    test("is SSM-SessionManagerRunShell, a Session document in JSON", () => {
      expect(preferences().only("aws_ssm_document")).toMatchObject({
        name: "SSM-SessionManagerRunShell",
        document_type: "Session",
        document_format: "JSON",
      });
    });

    test("encrypts with the session key and streams to the encrypted log group; no S3 by default", () => {
      const stack = preferences();
      const doc = content(stack);
      expect(doc.schemaVersion).toBe("1.0");
      expect(doc.sessionType).toBe("Standard_Stream");
      expect(doc.inputs).toEqual({
        s3BucketName: "",
        s3KeyPrefix: "",
        s3EncryptionEnabled: true,
        cloudWatchLogGroupName: stack.ref("aws_cloudwatch_log_group", "SessionLogGroup", "name"),
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: stack.ref("aws_kms_key", "SessionKey", "arn"),
        runAsEnabled: false,
        runAsDefaultUser: "",
        idleSessionTimeout: "20",
        maxSessionDuration: "60",
        shellProfile: { windows: "", linux: "" },
      });
    });

    test("input types follow AWS's schema: booleans for the switches, strings of minutes for the timeouts", () => {
      const { inputs } = content(withS3());
      for (const key of [
        "s3EncryptionEnabled",
        "cloudWatchEncryptionEnabled",
        "cloudWatchStreamingEnabled",
        "runAsEnabled",
      ]) {
        expect({ key, type: typeof inputs[key] }).toEqual({ key, type: "boolean" });
      }
      for (const key of ["idleSessionTimeout", "maxSessionDuration", "runAsDefaultUser", "s3KeyPrefix"]) {
        expect({ key, type: typeof inputs[key] }).toEqual({ key, type: "string" });
      }
    });

    test("takes the S3 prefix, the minutes and the Run As user from ssm.sessionLogs", () => {
      const stack = withS3();
      expect(content(stack).inputs).toMatchObject({
        s3BucketName: stack.ref("aws_s3_bucket", "SessionBucket", "bucket"),
        s3KeyPrefix: "session-logs/",
        s3EncryptionEnabled: true,
        idleSessionTimeout: "15",
        maxSessionDuration: "480",
        runAsEnabled: true,
        runAsDefaultUser: "operator",
      });
    });

    test("passes the guardrail pack, which flags it once a destination stops encrypting", () => {
      const json = synthCached().stacks["session-preferences"];
      expect(evaluateStack("session-preferences", json)).toEqual([]);
      const mutated = JSON.parse(JSON.stringify(json));
      const [doc] = Object.values<Record<string, string>>(mutated.resource.aws_ssm_document);
      doc.content = doc.content.replace('"cloudWatchEncryptionEnabled":true', '"cloudWatchEncryptionEnabled":false');
      expect(evaluateStack("session-preferences", mutated).map((f) => f.ruleId)).toEqual([
        "SSM_SESSION_DOCUMENT_ENCRYPTED",
      ]);
    });
  });

  describe("the session key", () => {
    test("rotates and has an alias", () => {
      const stack = preferences();
      expect(stack.only("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(stack.only("aws_kms_alias")).toMatchObject({
        name: "alias/ec2-access-guardrails-sessions",
        target_key_id: stack.ref("aws_kms_key", "SessionKey", "key_id"),
      });
    });

    test("delegates to IAM in the account and lets CloudWatch Logs of the region use it for this log group only", () => {
      const doc = preferences().policyOf("aws_kms_key", "SessionKey");
      expect(statement(doc, "AccountAdministersTheKey")).toMatchObject({
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "kms:*",
      });
      expect(statement(doc, "CloudWatchLogsEncryptsTheSessionLogGroup")).toEqual({
        Sid: "CloudWatchLogsEncryptsTheSessionLogGroup",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN } },
      });
      expect(doc.Statement).toHaveLength(2);
    });
  });

  describe("the log group", () => {
    test("is encrypted with the session key and kept for ssm.sessionLogs.retentionDays", () => {
      const stack = preferences();
      expect(stack.only("aws_cloudwatch_log_group")).toMatchObject({
        name: LOG_GROUP,
        kms_key_id: stack.ref("aws_kms_key", "SessionKey", "arn"),
        retention_in_days: 365,
      });
      expect(withS3().only("aws_cloudwatch_log_group").retention_in_days).toBe(30);
    });
  });

  describe("the S3 destination", () => {
    test("exists only with ssm.sessionLogs.s3KeyPrefix", () => {
      expect(preferences().all("aws_s3_bucket")).toEqual({});
      expect(Object.keys(withS3().all("aws_s3_bucket"))).toHaveLength(1);
    });

    test("goes before the session key and its alias on destroy, and the log group before the alias", () => {
      const tf = withS3();
      // depends_on holds addresses: the reference without `${`, `}` and the attribute.
      const address = (type: string, prefix: string) => tf.ref(type, prefix, "id").replace(/^\$\{(.*)\.id\}$/, "$1");
      const key = address("aws_kms_key", "SessionKey");
      const alias = address("aws_kms_alias", "SessionKeyAlias");
      expect(tf.only("aws_s3_bucket").depends_on).toEqual([key, alias]);
      expect(tf.only("aws_cloudwatch_log_group").depends_on).toEqual([alias]);
    });

    test("is a locked bucket encrypted with the session key", () => {
      const stack = withS3();
      expect(stack.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: stack.ref("aws_kms_key", "SessionKey", "arn"),
          },
          bucket_key_enabled: true,
        },
      ]);
      expect(stack.only("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(stack.only("aws_s3_bucket").force_destroy).toBe(false);
      expect(parsePolicy(stack.only("aws_s3_bucket_policy").policy).Statement).not.toHaveLength(0);
    });
  });

  describe("the transcripts bucket's policy", () => {
    const READER = "arn:aws:iam::111111111111:role/Investigator";
    const DEPLOYER = "arn:aws:iam::111111111111:role/Deployer";
    const evidence = () => viewOf(synthCached({ config: evidenceConfig() }).stacks["session-preferences"]);
    /** The bucket's ARN and the policy as AWS receives it. */
    const policyOf = (stack: StackUnderTest) => ({
      bucket: stack.ref("aws_s3_bucket", "SessionBucket", "arn"),
      doc: parsePolicy(stack.only("aws_s3_bucket_policy").policy),
    });

    test("denies reading transcripts to all but the readers, and lets the readers list versions, where an overwrite shows", () => {
      const { bucket, doc } = policyOf(evidence());
      expect(statement(doc, "DenyTranscriptReadsExceptReaders")).toEqual({
        Sid: "DenyTranscriptReadsExceptReaders",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:GetObject*", "s3:ListMultipartUploadParts"],
        Resource: `${bucket}/*`,
        Condition: { ArnNotLike: { "aws:PrincipalArn": [READER] } },
      });
      expect(statement(doc, "LogReadersRead")).toMatchObject({
        Principal: { AWS: [READER] },
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
      });
      expect(statement(doc, "TranscriptReadersListVersions")).toMatchObject({
        Effect: "Allow",
        Principal: { AWS: [READER] },
        Action: "s3:ListBucketVersions",
        Resource: bucket,
      });
    });

    test("denies listing to all but readers and administrators; with no administrator, s3:ListBucket stays (Terraform's HeadBucket)", () => {
      expect(statement(policyOf(evidence()).doc, "DenyTranscriptListingExceptReaders")).toMatchObject({
        Action: ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
        Condition: { ArnNotLike: { "aws:PrincipalArn": [READER, DEPLOYER] } },
      });
      const plain = viewOf(
        synthCached({ config: testConfig({ ssm: { sessionLogs: { s3KeyPrefix: "session-logs/" } } }) }).stacks[
          "session-preferences"
        ],
      );
      const { doc } = policyOf(plain);
      // Nobody named: the read deny applies to everyone, and listing versions too.
      expect(statement(doc, "DenyTranscriptReadsExceptReaders").Condition).toBeUndefined();
      expect(statement(doc, "DenyTranscriptListingExceptReaders")).toMatchObject({
        Action: ["s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
      });
      expect(statement(doc, "DenyTranscriptListingExceptReaders").Condition).toBeUndefined();
    });

    test("lets only EC2 instance credentials write, and nobody change or delete what was written", () => {
      const { bucket, doc } = policyOf(evidence());
      expect(statement(doc, "DenyTranscriptWritesWithoutInstanceCredentials")).toEqual({
        Sid: "DenyTranscriptWritesWithoutInstanceCredentials",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutObject*", "s3:RestoreObject"],
        Resource: `${bucket}/*`,
        Condition: { Null: { "aws:Ec2InstanceSourceVpc": "true" } },
      });
      expect(statement(doc, "DenyTranscriptChanges")).toMatchObject({
        Principal: "*",
        Action: expect.arrayContaining(["s3:PutObjectRetention", "s3:BypassGovernanceRetention", "s3:PutObjectAcl"]),
      });
      expect(statement(doc, "DenyTranscriptChanges").Condition).toBeUndefined();
      expect(statement(doc, "DenyTranscriptDeletes")).toEqual({
        Sid: "DenyTranscriptDeletes",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        Resource: `${bucket}/*`,
      });
      expect(statement(doc, "DenyTranscriptBucketChangesExceptAdministrators")).toMatchObject({
        Action: expect.arrayContaining(["s3:PutBucketPolicy", "s3:PutBucketObjectLockConfiguration"]),
        Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] } },
      });
    });

    test("with audit.allowDestroy the administrators alone may delete transcripts, which emptying the bucket needs", () => {
      const { doc } = policyOf(withS3());
      expect(statement(doc, "DenyTranscriptDeletes").Condition).toEqual({
        ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/Deployer"] },
      });
      expect(statement(doc, "DenyTranscriptChanges").Condition).toBeUndefined();
    });

    test("the session key lets the readers decrypt through S3 only", () => {
      const doc = evidence().policyOf("aws_kms_key", "SessionKey");
      expect(statement(doc, "TranscriptReadersDecryptThroughS3")).toEqual({
        Sid: "TranscriptReadersDecryptThroughS3",
        Effect: "Allow",
        Principal: { AWS: [READER] },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
      });
    });
  });

  describe("Object Lock (ssm.sessionLogs.objectLock)", () => {
    test("sets the default retention after versioning, in place: the bucket itself never carries object_lock_enabled, which would replace it", () => {
      const stack = viewOf(synthCached({ config: evidenceConfig() }).stacks["session-preferences"]);
      const lock = stack.only("aws_s3_bucket_object_lock_configuration");
      expect(lock).toMatchObject({
        bucket: stack.ref("aws_s3_bucket", "SessionBucket", "id"),
        rule: { default_retention: { mode: "GOVERNANCE", days: 365 } },
        lifecycle: { prevent_destroy: true },
      });
      expect(lock.depends_on).toEqual([
        `aws_s3_bucket_versioning.${Object.keys(stack.all("aws_s3_bucket_versioning"))[0]}`,
      ]);
      expect(stack.only("aws_s3_bucket")).not.toHaveProperty("object_lock_enabled");
    });

    test("is absent unless configured", () => {
      expect(withS3().all("aws_s3_bucket_object_lock_configuration")).toEqual({});
    });
  });

  describe("evidence", () => {
    const lifecycleOf = (resource: Record<string, unknown>) => resource.lifecycle;

    test("by default the key and the document refuse destroy, and the log group is forgotten, not deleted", () => {
      const stack = preferences();
      expect(lifecycleOf(stack.only("aws_kms_key"))).toEqual({ prevent_destroy: true });
      expect(lifecycleOf(stack.only("aws_ssm_document"))).toEqual({ prevent_destroy: true });
      expect(stack.only("aws_cloudwatch_log_group").skip_destroy).toBe(true);
    });

    test("the bucket and each of its protections refuse destroy unless audit.allowDestroy", () => {
      const kept = viewOf(
        synthCached({ config: testConfig({ ssm: { sessionLogs: { s3KeyPrefix: "session-logs/" } } }) }).stacks[
          "session-preferences"
        ],
      );
      for (const type of [
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_ownership_controls",
      ]) {
        expect({ type, lifecycle: lifecycleOf(kept.only(type)) }).toEqual({
          type,
          lifecycle: { prevent_destroy: true },
        });
      }
    });

    test("with audit.allowDestroy nothing refuses destroy", () => {
      const stack = withS3();
      for (const type of ["aws_kms_key", "aws_ssm_document", "aws_s3_bucket"])
        expect({ type, lifecycle: lifecycleOf(stack.only(type)) }).toEqual({ type, lifecycle: undefined });
      expect(stack.only("aws_cloudwatch_log_group").skip_destroy).toBe(false);
    });
  });

  test("outputs the key, the log group and the document name (besides the cross-stack outputs)", () => {
    const outputs = Object.keys(preferences().output ?? {}).filter((o) => !o.startsWith("cross-stack-output-"));
    expect(outputs.sort()).toEqual(["SessionDocumentName", "SessionKeyArn", "SessionLogGroupName"]);
    expect(Object.keys(withS3().output ?? {})).toContain("SessionBucketName");
  });

  test('does not exist with ssm.sessionPreferences "existing"', () => {
    expect(Object.keys(synthCached({ config: EXISTING }).stacks)).not.toContain("session-preferences");
  });
});

describe('session-preferences with ssm.sessionPreferences "adopt"', () => {
  /** The stacks that read the session key and log group, and their producer, synthesized for adopt. */
  const adopted = () => synthCached({ config: ADOPT }, ["private-access"]).stacks;
  /** What must match the managed synthesis: providers, backend and resources (outputs depend on the readers declared). */
  const built = (stack: TfJson) => ({ provider: stack.provider, terraform: stack.terraform, resource: stack.resource });

  test("imports the existing SSM-SessionManagerRunShell into the document resource, by its name", () => {
    const stack = viewOf(adopted()["session-preferences"]);
    const document = Object.keys(stack.all("aws_ssm_document"));
    // aws_ssm_document's import ID is the document name (provider 5.100.0 docs, "Import").
    expect(stack.import).toEqual([{ to: `aws_ssm_document.${document[0]}`, id: "SSM-SessionManagerRunShell" }]);
    expect(stack.only("aws_ssm_document").name).toBe("SSM-SessionManagerRunShell");
  });

  test("is otherwise the managed stack, resource for resource: the same key, log group and document", () => {
    expect(built(adopted()["session-preferences"])).toEqual(built(stackJson("session-preferences")));
  });

  test('with "manage" no import block is written: it would fail where the document does not exist', () => {
    expect(preferences().import).toBeUndefined();
  });

  test("its readers get the logging grants of the managed preferences", () => {
    const role = viewOf(adopted()["private-access"]).named("aws_iam_role_policy", "Target_SessionLogging");
    expect(parsePolicy(role.policy)).toEqual(
      parsePolicy(viewOf(stackJson("private-access")).named("aws_iam_role_policy", "Target_SessionLogging").policy),
    );
  });
});
