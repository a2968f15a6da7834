import { readFileSync } from "node:fs";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { evaluateStack } from "../../lib/aspects/guardrails";
import { isObject } from "../../lib/tfjson";
import { LockedBucket } from "../../lib/constructs/locked-bucket";
import { CLOUDTRAIL_ALARM_TOPIC_OWN_KEY } from "../../lib/aspects/rules/cloudtrail-alarm-topic-own-key";
import { AUDIT_KEY_PROTECTED_ACTIONS, trailBucketProtections } from "../../lib/policies/cloudtrail";
import { SCP_DENIED_ACTIONS } from "../../lib/policies/scp";
import { asList, parsePolicy, statement, synthCached, testConfig } from "../helpers";
import { stackUnderTest, type StackUnderTest } from "../helpers/stack-test";
import { filterPatternMatches } from "../helpers/filter-pattern";

const TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/ec2-access-guardrails";
const audit = () => stackUnderTest("audit");
/** The administrator of scenarios/audit.readers.json and audit.retire*.json, who runs the deploys. */
const DEPLOYER = "arn:aws:iam::111111111111:role/Deployer";
/** The administrator deploys the stack: its provider assumes that role (accounts.workload.roleArn). */
const DEPLOYED_BY_ADMINISTRATOR = { workload: { id: "111111111111", roleArn: DEPLOYER } };
/** Retiring the stack: scenarios/audit.retire.json's configuration, so the proofs reuse this synthesis. */
const RETIRING = testConfig({
  accounts: DEPLOYED_BY_ADMINISTRATOR,
  audit: { allowDestroy: true, administratorArns: [DEPLOYER] },
});
const retiring = () => stackUnderTest("audit", { config: RETIRING });
/** Log readers and an administrator, no allowDestroy: scenarios/audit.readers.json's configuration. */
const ADMINISTERED = testConfig({
  accounts: DEPLOYED_BY_ADMINISTRATOR,
  audit: { logReaderArns: ["arn:aws:iam::111111111111:role/SecurityAudit"], administratorArns: [DEPLOYER] },
});

/** The trail bucket's ARN reference and its policy as AWS receives it. */
const trailBucketPolicy = (stack: StackUnderTest) => ({
  bucketArn: stack.ref("aws_s3_bucket", "TrailBucket", "arn"),
  doc: parsePolicy(stack.only("aws_s3_bucket_policy").policy),
});

/** The metric filter of one audit event, by its construct id prefix. */
const filter = (stack: StackUnderTest, id: string) => stack.named("aws_cloudwatch_log_metric_filter", `${id}Filter`);

describe("audit", () => {
  describe("trail", () => {
    test("records every region, global services and validates its log files", () => {
      expect(audit().only("aws_cloudtrail")).toMatchObject({
        name: "ec2-access-guardrails",
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
      });
    });

    test("encrypts with the audit key and delivers to the locked bucket", () => {
      const stack = audit();
      const trail = stack.only("aws_cloudtrail");
      expect(trail.kms_key_id).toBe(stack.ref("aws_kms_key", "AuditKey", "arn"));
      expect(trail.s3_bucket_name).toBe(stack.ref("aws_s3_bucket", "TrailBucket", "bucket"));
    });

    test("delivers to the log group through the log-stream wildcard ARN and its own role", () => {
      const stack = audit();
      const trail = stack.only("aws_cloudtrail");
      expect(trail.cloud_watch_logs_group_arn).toBe(
        `${stack.ref("aws_cloudwatch_log_group", "TrailLogGroup", "arn")}:*`,
      );
      expect(trail.cloud_watch_logs_role_arn).toBe(stack.ref("aws_iam_role", "TrailToLogsRole", "arn"));
    });

    test("is created after the bucket policy and the delivery role policy it is checked against", () => {
      const trail = audit().only("aws_cloudtrail");
      const dependsOn = trail.depends_on as string[];
      expect(dependsOn).toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\.TrailBucket_Policy/)]),
      );
      expect(dependsOn).toContain("aws_iam_role_policy.TrailToLogsPolicy");
    });
  });

  describe("bucket", () => {
    test("is private, versioned and encrypted with the audit key", () => {
      const stack = audit();
      expect(stack.only("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(stack.only("aws_s3_bucket_versioning")).toMatchObject({
        versioning_configuration: { status: "Enabled" },
      });
      const encryption = stack.only("aws_s3_bucket_server_side_encryption_configuration") as {
        rule: Array<{ apply_server_side_encryption_by_default: Record<string, string> }>;
      };
      expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: stack.ref("aws_kms_key", "AuditKey", "arn"),
      });
    });

    test("denies requests without TLS", () => {
      const doc = parsePolicy(audit().only("aws_s3_bucket_policy").policy);
      expect(statement(doc, "DenyInsecureTransport")).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });

    test("lets CloudTrail check its ACL and write only for this trail, by aws:SourceArn", () => {
      const { bucketArn, doc } = trailBucketPolicy(audit());
      expect(statement(doc, "CloudTrailAclCheck")).toEqual({
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
      expect(statement(doc, "CloudTrailWrite")).toEqual({
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/111111111111/*`,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control" } },
      });
      // Nothing else is granted to anyone: the bucket is readable only through the account's own IAM.
      expect(doc.Statement.filter((s) => s.Effect === "Allow").map((s) => s.Sid)).toEqual([
        "CloudTrailAclCheck",
        "CloudTrailWrite",
      ]);
    });

    test("denies every object write, overwrite, retag and delete to all but the CloudTrail service", () => {
      const { bucketArn, doc } = trailBucketPolicy(audit());
      expect(statement(doc, "DenyLogFileChangesExceptCloudTrail")).toEqual({
        Sid: "DenyLogFileChangesExceptCloudTrail",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutObject*", "s3:DeleteObject*", "s3:Replicate*", "s3:BypassGovernanceRetention"],
        Resource: `${bucketArn}/*`,
        Condition: { StringNotEqualsIfExists: { "aws:PrincipalServiceName": "cloudtrail.amazonaws.com" } },
      });
    });

    test("denies expiry and replication rules to everyone by default, and leaves the changes Terraform makes open", () => {
      const { bucketArn, doc } = trailBucketPolicy(audit());
      expect(statement(doc, "DenyLogExpiryAndReplication")).toEqual({
        Sid: "DenyLogExpiryAndReplication",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"],
        Resource: bucketArn,
      });
      expect(doc.Statement.map((s) => s.Sid)).not.toContain("DenyBucketChangesExceptAdministrators");
    });

    test("with audit.administratorArns only they may change the bucket's protections or add expiry rules", () => {
      const admins = ["arn:aws:iam::111111111111:role/Deployer"];
      const stack = stackUnderTest("audit", { config: testConfig({ audit: { administratorArns: admins } }) });
      const doc = parsePolicy(stack.only("aws_s3_bucket_policy").policy);
      expect(statement(doc, "DenyBucketChangesExceptAdministrators")).toMatchObject({
        Effect: "Deny",
        Principal: "*",
        Action: [
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketObjectLockConfiguration",
          "s3:DeleteBucket",
        ],
        Condition: { ArnNotLike: { "aws:PrincipalArn": admins } },
      });
      expect(statement(doc, "DenyLogExpiryAndReplication").Condition).toEqual({
        ArnNotLike: { "aws:PrincipalArn": admins },
      });
    });

    test("grants the configured log readers listing and reading, and nothing else", () => {
      const readers = ["arn:aws:iam::111111111111:role/SecurityAudit"];
      const stack = stackUnderTest("audit", { config: testConfig({ audit: { logReaderArns: readers } }) });
      const { bucketArn, doc } = trailBucketPolicy(stack);
      expect(statement(doc, "LogReadersList")).toMatchObject({
        Principal: { AWS: readers },
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: bucketArn,
      });
      expect(statement(doc, "LogReadersRead")).toMatchObject({
        Principal: { AWS: readers },
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: `${bucketArn}/*`,
      });
    });
  });

  describe("key", () => {
    test("rotates", () => {
      expect(audit().named("aws_kms_key", "AuditKey")).toMatchObject({ enable_key_rotation: true });
    });

    test("lets CloudTrail encrypt only for this trail and only with a trail encryption context", () => {
      const doc = parsePolicy(audit().named("aws_kms_key", "AuditKey").policy);
      expect(statement(doc, "CloudTrailEncryptsLogFiles")).toMatchObject({
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Condition: {
          StringEquals: { "aws:SourceArn": TRAIL_ARN },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*" },
        },
      });
      expect(statement(doc, "CloudTrailDescribesKey").Condition).toEqual({
        StringEquals: { "aws:SourceArn": TRAIL_ARN },
      });
    });

    test("lets CloudTrail decrypt for this trail only: the trail bucket's S3 Bucket Key needs it to create the trail", () => {
      const stack = audit();
      const encryption = stack.only("aws_s3_bucket_server_side_encryption_configuration") as {
        rule: Array<{ bucket_key_enabled: boolean }>;
      };
      expect(encryption.rule[0].bucket_key_enabled).toBe(true);
      // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are
      // required to create or update a trail with SSE-KMS encryption enabled" (CloudTrail User Guide).
      expect(
        statement(parsePolicy(stack.named("aws_kms_key", "AuditKey").policy), "CloudTrailDecryptsForTheBucketKey"),
      ).toEqual({
        Sid: "CloudTrailDecryptsForTheBucketKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
    });

    test("lets CloudWatch Logs use it for the audit log group only", () => {
      const doc = parsePolicy(audit().named("aws_kms_key", "AuditKey").policy);
      expect(statement(doc, "CloudWatchLogsEncryptsTheLogGroup")).toMatchObject({
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Condition: {
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn":
              "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/cloudtrail/ec2-access-guardrails",
          },
        },
      });
    });

    test("grants CloudWatch alarms nothing: the alarm topic has a key of its own", () => {
      const doc = parsePolicy(audit().named("aws_kms_key", "AuditKey").policy);
      expect(JSON.stringify(doc)).not.toContain("cloudwatch.amazonaws.com");
    });
  });

  describe("alarm topic key", () => {
    test("encrypts the topic: a key of its own, not the audit key, so one disabled key cannot stop both the trail and its alarms", () => {
      const stack = audit();
      const topicKey = stack.ref("aws_kms_key", "AlarmTopicKey", "arn");
      expect(stack.only("aws_sns_topic").kms_master_key_id).toBe(topicKey);
      expect(topicKey).not.toBe(stack.ref("aws_kms_key", "AuditKey", "arn"));
      // Nothing of the trail uses it.
      expect(JSON.stringify([stack.only("aws_cloudtrail"), stack.only("aws_cloudwatch_log_group")])).not.toContain(
        topicKey.slice(2, -1),
      );
    });

    test("the synthesized stack passes CLOUDTRAIL_ALARM_TOPIC_OWN_KEY, which flags a topic sharing the trail's key", () => {
      const findings = evaluateStack("audit", audit(), [CLOUDTRAIL_ALARM_TOPIC_OWN_KEY]);
      expect(findings).toEqual([]);
    });

    test("rotates, has its own alias and is not kept on destroy (a topic holds no evidence)", () => {
      const stack = audit();
      const key = stack.named("aws_kms_key", "AlarmTopicKey");
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
      expect(key.lifecycle).toBeUndefined();
      expect(stack.named("aws_kms_alias", "AlarmTopicKeyAlias")).toMatchObject({
        name: "alias/ec2-access-guardrails-alarms",
        target_key_id: stack.ref("aws_kms_key", "AlarmTopicKey", "key_id"),
      });
    });

    test("lets the account administer it and only this account's CloudWatch alarms make and read its data keys", () => {
      const doc = parsePolicy(audit().named("aws_kms_key", "AlarmTopicKey").policy);
      expect(doc.Statement).toEqual([
        {
          Sid: "AccountAdministersTheKey",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchAlarmsPublishToTheTopic",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "111111111111" },
            ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*" },
          },
        },
      ]);
    });
  });

  describe("key protections (audit.administratorArns)", () => {
    const keys = ["AuditKey", "AlarmTopicKey"] as const;
    const DENY_KEY_DISABLING = {
      Sid: "DenyKeyDisablingExceptAuditAdministrators",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] } },
    };

    test.each(keys)(
      "the %s policy denies disabling, deletion and policy changes to all but the administrators, last",
      (key) => {
        const doc = stackUnderTest("audit", { config: ADMINISTERED }).policyOf("aws_kms_key", key);
        expect(doc.Statement.at(-1)).toEqual(DENY_KEY_DISABLING);
        expect(doc.Statement.filter((s) => s.Effect === "Deny")).toHaveLength(1);
      },
    );

    test.each(keys)(
      "no service grant of the %s policy is caught by the deny (CloudTrail, CloudWatch Logs, alarms)",
      (key) => {
        // The simulator cannot evaluate the encryption-context conditions of these grants
        // (scenarios/audit.keys.json), so this compares the actions: IAM matches `*` in an action name.
        const matches = (pattern: string, action: string) =>
          new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);
        const doc = stackUnderTest("audit", { config: ADMINISTERED }).policyOf("aws_kms_key", key);
        const services = doc.Statement.filter(
          (s) => s.Effect === "Allow" && isObject(s.Principal) && "Service" in s.Principal,
        );
        expect(services.length).toBeGreaterThan(0);
        const denied = [...AUDIT_KEY_PROTECTED_ACTIONS];
        const caught = services.flatMap((s) =>
          asList(s.Action).flatMap((pattern) =>
            denied.filter((action) => matches(pattern, action)).map((a) => `${s.Sid}: ${a}`),
          ),
        );
        expect(caught).toEqual([]);
      },
    );

    test.each(keys)("the %s policy keeps the same deny when retiring the stack", (key) => {
      expect(retiring().policyOf("aws_kms_key", key).Statement.at(-1)).toEqual(DENY_KEY_DISABLING);
    });

    test.each(keys)(
      "with the placeholder accounts and no administrators the %s policy has no deny (it would deny the deployer too)",
      (key) => {
        expect(
          audit()
            .policyOf("aws_kms_key", key)
            .Statement.filter((s) => s.Effect === "Deny"),
        ).toEqual([]);
      },
    );
  });

  describe("log group", () => {
    test("keeps events for the configured retention, encrypted with the audit key", () => {
      const stack = stackUnderTest("audit", { config: testConfig({ audit: { logRetentionDays: 90 } }) });
      expect(stack.only("aws_cloudwatch_log_group")).toEqual(
        expect.objectContaining({
          name: "/aws/cloudtrail/ec2-access-guardrails",
          retention_in_days: 90,
          kms_key_id: stack.ref("aws_kms_key", "AuditKey", "arn"),
        }),
      );
    });

    test("defaults to a year of retention", () => {
      expect(audit().only("aws_cloudwatch_log_group").retention_in_days).toBe(365);
    });

    test("is written by a role CloudTrail assumes without source conditions, only into its streams", () => {
      const stack = audit();
      const trust = parsePolicy(stack.only("aws_iam_role").assume_role_policy);
      // AWS does not support aws:SourceArn / aws:SourceAccount on this role and CreateTrail fails on them
      // (CloudTrail User Guide, "Role policy document for CloudTrail to use CloudWatch Logs").
      expect(trust.Statement).toEqual([
        {
          Sid: "CloudTrailAssumesTheRole",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      expect(trust.Statement.every((s) => s.Condition === undefined)).toBe(true);
      const delivery = parsePolicy(stack.only("aws_iam_role_policy").policy);
      expect(delivery.Statement).toEqual([
        {
          Sid: "DeliverToTheAuditLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${stack.ref("aws_cloudwatch_log_group", "TrailLogGroup", "arn")}:log-stream:*`,
        },
      ]);
    });
  });

  describe("evidence on destroy", () => {
    const allowDestroy = retiring;
    const lifecycle = (resource: Record<string, unknown>) =>
      resource.lifecycle as { prevent_destroy?: boolean } | undefined;
    /** Every resource of the trail bucket (the bucket and each one holding its protection). */
    const bucketParts = (stack: StackUnderTest) =>
      [
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_policy",
      ].map((type) => [type, stack.only(type)] as const);

    test("by default the trail bucket and every resource holding its protection refuse destroy", () => {
      for (const [type, resource] of bucketParts(audit())) {
        expect({ type, lifecycle: lifecycle(resource) }).toEqual({ type, lifecycle: { prevent_destroy: true } });
      }
    });

    test("by default the audit key refuses destroy (its deletion would make every log file unreadable)", () => {
      expect(lifecycle(audit().named("aws_kms_key", "AuditKey"))).toEqual({ prevent_destroy: true });
    });

    test("by default destroy forgets the log group instead of deleting its events", () => {
      expect(audit().only("aws_cloudwatch_log_group").skip_destroy).toBe(true);
    });

    test("with audit.allowDestroy nothing refuses destroy and the log group is deleted", () => {
      const stack = allowDestroy();
      for (const [type, resource] of [
        ...bucketParts(stack),
        ["aws_kms_key", stack.named("aws_kms_key", "AuditKey")] as const,
      ]) {
        expect({ type, lifecycle: lifecycle(resource) }).toEqual({ type, lifecycle: undefined });
      }
      expect(stack.only("aws_cloudwatch_log_group").skip_destroy).toBe(false);
    });

    test.each([
      ["the default configuration", audit],
      ["audit.allowDestroy", allowDestroy],
    ])("with %s the trail bucket is never force-destroyed", (_what, stack) => {
      expect(stack().only("aws_s3_bucket").force_destroy).toBe(false);
    });

    test("with audit.allowDestroy the evidence rule is suppressed on exactly the bucket, key and log group, with the reason", () => {
      const findings = evaluateStack("audit", allowDestroy());
      expect(findings.map((f) => [f.ruleId, f.address.split(".")[0], f.suppressedBecause])).toEqual(
        ["aws_cloudwatch_log_group", "aws_kms_key", "aws_s3_bucket"].map((type) => [
          "CLOUDTRAIL_EVIDENCE_RETAINED",
          type,
          "audit.allowDestroy is true: a throwaway demo account whose audit evidence may be destroyed.",
        ]),
      );
    });

    test("a LockedBucket refuses preventDestroy together with forceDestroy", () => {
      const stack = new TerraformStack(Testing.app(), "fixture");
      expect(
        () =>
          new LockedBucket(stack, "Evidence", { bucketPrefix: "evidence-", preventDestroy: true, forceDestroy: true }),
      ).toThrow(
        "LockedBucket fixture/Evidence: preventDestroy and forceDestroy contradict each other; a bucket kept for evidence is never emptied by destroy. Set at most one of them.",
      );
    });

    test("with audit.allowDestroy the stack still synthesizes without error annotations", () => {
      const { annotations } = synthCached({ config: RETIRING });
      expect(annotations.audit.filter((a) => a.level === "@cdktf/error")).toEqual([]);
    });
  });

  describe("retiring the stack (audit.allowDestroy)", () => {
    /** The object statements of a bucket that keeps its evidence, written out by hand. */
    const keptEvidence = (bucketArn: string) => [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/111111111111/*`,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    ];
    const objectDeny = (bucketArn: string) => ({
      Sid: "DenyLogFileChangesExceptCloudTrail",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject*", "s3:DeleteObject*", "s3:Replicate*", "s3:BypassGovernanceRetention"],
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { "aws:PrincipalServiceName": "cloudtrail.amazonaws.com" } },
    });
    const administeredBucketChanges = (bucketArn: string) => [
      {
        Sid: "DenyLogExpiryAndReplication",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"],
        Resource: bucketArn,
        Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] } },
      },
      {
        Sid: "DenyBucketChangesExceptAdministrators",
        Effect: "Deny",
        Principal: "*",
        Action: [
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketObjectLockConfiguration",
          "s3:DeleteBucket",
        ],
        Resource: bucketArn,
        Condition: { ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] } },
      },
    ];

    test("without it the trail bucket policy is the one that keeps the evidence, statement for statement", () => {
      const byDefault = trailBucketPolicy(audit());
      expect(byDefault.doc.Statement).toEqual([
        ...keptEvidence(byDefault.bucketArn),
        objectDeny(byDefault.bucketArn),
        {
          Sid: "DenyLogExpiryAndReplication",
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"],
          Resource: byDefault.bucketArn,
        },
      ]);
      const administered = trailBucketPolicy(stackUnderTest("audit", { config: ADMINISTERED }));
      const readers = ["arn:aws:iam::111111111111:role/SecurityAudit"];
      expect(administered.doc.Statement).toEqual([
        ...keptEvidence(administered.bucketArn),
        {
          Sid: "LogReadersList",
          Effect: "Allow",
          Principal: { AWS: readers },
          Action: ["s3:ListBucket", "s3:GetBucketLocation"],
          Resource: administered.bucketArn,
        },
        {
          Sid: "LogReadersRead",
          Effect: "Allow",
          Principal: { AWS: readers },
          Action: ["s3:GetObject", "s3:GetObjectVersion"],
          Resource: `${administered.bucketArn}/*`,
        },
        objectDeny(administered.bucketArn),
        ...administeredBucketChanges(administered.bucketArn),
      ]);
    });

    test("with it the administrators alone may delete log files and their versions, and nothing else of a log file", () => {
      const { bucketArn, doc } = trailBucketPolicy(retiring());
      expect(doc.Statement).toEqual([
        ...keptEvidence(bucketArn),
        {
          ...objectDeny(bucketArn),
          // Denied unless the CloudTrail service or an administrator: everyone else exactly as before.
          Condition: {
            StringNotEqualsIfExists: { "aws:PrincipalServiceName": "cloudtrail.amazonaws.com" },
            ArnNotLike: { "aws:PrincipalArn": [DEPLOYER] },
          },
        },
        {
          Sid: "DenyLogFileWritesEvenToAdministrators",
          Effect: "Deny",
          Principal: "*",
          Action: [
            "s3:PutObject*",
            "s3:DeleteObjectTagging",
            "s3:DeleteObjectVersionTagging",
            "s3:Replicate*",
            "s3:BypassGovernanceRetention",
          ],
          Resource: `${bucketArn}/*`,
          Condition: { ArnLike: { "aws:PrincipalArn": [DEPLOYER] } },
        },
        ...administeredBucketChanges(bucketArn),
      ]);
    });

    test("the builder refuses it without an administrator, as the configuration does", () => {
      expect(() =>
        trailBucketProtections("arn:aws:s3:::trail", { logReaderArns: [], administratorArns: [], allowDestroy: true }),
      ).toThrow(/allowDestroy needs at least one administrator ARN/);
    });

    test.each([
      ["by default", audit],
      ["with it", retiring],
    ])("%s the key and its alias are destroyed last: the bucket and the log group depend on them", (_what, stack) => {
      const tf = stack();
      // depends_on holds addresses: the reference without `${`, `}` and the attribute.
      const address = (type: string, prefix: string) => tf.ref(type, prefix, "id").replace(/^\$\{(.*)\.id\}$/, "$1");
      const key = address("aws_kms_key", "AuditKey");
      const alias = address("aws_kms_alias", "AuditKeyAlias");
      expect(tf.only("aws_s3_bucket").depends_on).toEqual([key, alias]);
      const group = tf.only("aws_cloudwatch_log_group");
      expect(group.depends_on).toEqual([alias]);
      // The group reaches the key through its own argument.
      expect(group.kms_key_id).toBe(tf.ref("aws_kms_key", "AuditKey", "arn"));
      expect(tf.named("aws_kms_alias", "AuditKeyAlias").target_key_id).toBe(
        tf.ref("aws_kms_key", "AuditKey", "key_id"),
      );
    });

    /**
     * What each command of the README's retire procedure asks of IAM. DeleteObjects is authorized per
     * key, as s3:DeleteObjectVersion when a version id is given (the loop always gives one) and
     * s3:DeleteObject otherwise; destroying the bucket's resources calls DeleteBucketPolicy,
     * PutBucketVersioning (versioning suspended), DeleteBucketEncryption, DeleteBucketOwnershipControls
     * and DeletePublicAccessBlock (authorized as the Put actions), DeleteBucket, then ScheduleKeyDeletion.
     */
    const RETIRE_CALLS: Record<string, readonly string[]> = {
      "aws cloudtrail stop-logging": ["cloudtrail:StopLogging"],
      "aws s3api list-object-versions": ["s3:ListBucketVersions"],
      "aws s3api delete-objects": ["s3:DeleteObjectVersion", "s3:DeleteObject"],
      "cdktf destroy audit": [
        "s3:DeleteBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPublicAccessBlock",
        "s3:DeleteBucket",
        "kms:ScheduleKeyDeletion",
      ],
    };
    const scenarioRows = (file: string) =>
      (
        JSON.parse(readFileSync(path.join(__dirname, "..", "..", "scenarios", file), "utf8")) as {
          config: unknown;
          scenarios: Array<{ principal: string; action: string; expect: string }>;
        }
      ).scenarios;
    const byDeployer = (rows: ReturnType<typeof scenarioRows>, expected: string) =>
      rows.filter((r) => r.principal.includes(":assumed-role/Deployer/") && r.expect === expected).map((r) => r.action);

    test("every call of the README's retire procedure is proven allowed to the administrator (scenarios/audit.retire.json)", () => {
      const readme = readFileSync(path.join(__dirname, "..", "..", "docs", "stacks", "audit.md"), "utf8");
      const block = /To retire the audit stack[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
      const commands = [...block.matchAll(/\b(aws [a-z0-9-]+ [a-z0-9-]+|cdktf destroy audit)\b/g)].map((m) => m[1]);
      // A command added to the procedure must be added to RETIRE_CALLS and proven.
      expect([...new Set(commands)].sort()).toEqual(Object.keys(RETIRE_CALLS).sort());
      const allowed = byDeployer(scenarioRows("audit.retire.json"), "Allowed");
      expect(allowed).toEqual(expect.arrayContaining(Object.values(RETIRE_CALLS).flat()));
    });

    test("without it the same administrator is proven denied every deletion of a log file (scenarios/audit.retire-refused.json)", () => {
      const denied = byDeployer(scenarioRows("audit.retire-refused.json"), "ExplicitlyDenied");
      expect(denied).toEqual(expect.arrayContaining(RETIRE_CALLS["aws s3api delete-objects"]));
    });
  });

  describe("metric filters", () => {
    // Pinned by hand: a change to a pattern must be a deliberate change to this table.
    test.each([
      ["OpenTunnel", '{ ($.eventSource = "ec2-instance-connect.amazonaws.com") && ($.eventName = "OpenTunnel") }'],
      [
        "SendSshPublicKey",
        '{ ($.eventSource = "ec2-instance-connect.amazonaws.com") && ($.eventName = "SendSSHPublicKey") }',
      ],
      ["StartSession", '{ ($.eventSource = "ssm.amazonaws.com") && ($.eventName = "StartSession") }'],
      [
        "InstanceConnectEndpointChange",
        '{ ($.eventSource = "ec2.amazonaws.com") && (($.eventName = "CreateInstanceConnectEndpoint") || ($.eventName = "DeleteInstanceConnectEndpoint") || ($.eventName = "ModifyInstanceConnectEndpoint")) }',
      ],
      [
        "SerialConsoleSshPublicKey",
        '{ ($.eventSource = "ec2-instance-connect.amazonaws.com") && ($.eventName = "SendSerialConsoleSSHPublicKey") }',
      ],
      [
        "SerialConsoleAccessEnabled",
        '{ ($.eventSource = "ec2.amazonaws.com") && ($.eventName = "EnableSerialConsoleAccess") }',
      ],
      [
        "SessionPreferencesChange",
        '{ ($.eventSource = "ssm.amazonaws.com") && (($.eventName = "CreateDocument") || ($.eventName = "UpdateDocument") || ($.eventName = "DeleteDocument") || ($.eventName = "UpdateDocumentDefaultVersion")) && (($.requestParameters.name = "SSM-SessionManagerRunShell") || ($.requestParameters.name = "arn:*:document/SSM-SessionManagerRunShell") || ($.requestParameters.documentType = "Session") || ($.responseElements.documentDescription.documentType = "Session")) }',
      ],
      [
        "DeniedAccessAttempt",
        '{ (($.eventSource = "ec2-instance-connect.amazonaws.com") || (($.eventSource = "ec2.amazonaws.com") && (($.eventName = "*InstanceConnectEndpoint*") || ($.eventName = "EnableSerialConsoleAccess"))) || (($.eventSource = "ssm.amazonaws.com") && (($.eventName = "StartSession") || ($.eventName = "ResumeSession") || ($.eventName = "TerminateSession")))) && (($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) }',
      ],
      // The CIS AWS Foundations patterns, character for character (CloudTrail configuration changes;
      // disabling or scheduled deletion of customer created CMKs).
      [
        "TrailConfigurationChange",
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
      ],
      [
        "TrailEventSelectorChange",
        '{ ($.eventSource = "cloudtrail.amazonaws.com") && ($.eventName = "PutEventSelectors") }',
      ],
      [
        "KeyDisabledOrScheduledForDeletion",
        "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
      ],
    ])("pins the %s filter pattern on the trail's log group", (id, pattern) => {
      const stack = audit();
      expect(filter(stack, id)).toEqual(
        expect.objectContaining({
          pattern,
          log_group_name: stack.ref("aws_cloudwatch_log_group", "TrailLogGroup", "name"),
          metric_transformation: { namespace: "Ec2AccessGuardrails", name: id, value: "1", default_value: "0" },
        }),
      );
      // CloudWatch Logs accepts patterns of at most 1024 characters.
      expect(pattern.length).toBeLessThanOrEqual(1024);
    });

    test("there are exactly eleven filters", () => {
      expect(Object.keys(audit().all("aws_cloudwatch_log_metric_filter"))).toHaveLength(11);
    });

    const sample = (file: string): unknown =>
      JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "cloudtrail", file), "utf8"));

    test.each(SCP_DENIED_ACTIONS["deny-all-instance-connect"])(
      "a call to %s the SCP denies trips DeniedAccessAttempt",
      (action) => {
        const [prefix, eventName] = action.split(":");
        // How each service records a denial: EC2 as Client.UnauthorizedOperation, the others AccessDenied.
        const record = {
          ...(sample(
            prefix === "ec2" ? "describe-instance-connect-endpoints-denied.json" : "open-tunnel-denied.json",
          ) as object),
          eventSource: `${prefix}.amazonaws.com`,
          eventName,
        };
        expect(filterPatternMatches(filter(audit(), "DeniedAccessAttempt").pattern as string, record)).toBe(true);
      },
    );

    // Which filters each sample CloudTrail record must trip; every other filter must stay silent.
    test.each([
      ["open-tunnel.json", ["OpenTunnel"]],
      ["open-tunnel-denied.json", ["OpenTunnel", "DeniedAccessAttempt"]],
      ["send-ssh-public-key.json", ["SendSshPublicKey"]],
      ["start-session.json", ["StartSession"]],
      ["start-session-denied.json", ["StartSession", "DeniedAccessAttempt"]],
      ["create-instance-connect-endpoint.json", ["InstanceConnectEndpointChange"]],
      ["delete-instance-connect-endpoint.json", ["InstanceConnectEndpointChange"]],
      ["describe-instance-connect-endpoints-denied.json", ["DeniedAccessAttempt"]],
      ["describe-instances.json", []],
      ["s3-get-object-denied.json", []],
      ["stop-logging.json", ["TrailConfigurationChange"]],
      ["delete-trail.json", ["TrailConfigurationChange"]],
      ["update-trail.json", ["TrailConfigurationChange"]],
      ["put-event-selectors.json", ["TrailEventSelectorChange"]],
      ["get-trail-status.json", []],
      ["disable-key.json", ["KeyDisabledOrScheduledForDeletion"]],
      ["schedule-key-deletion.json", ["KeyDisabledOrScheduledForDeletion"]],
      ["kms-decrypt.json", []],
      ["send-serial-console-ssh-public-key.json", ["SerialConsoleSshPublicKey"]],
      ["send-serial-console-ssh-public-key-denied.json", ["SerialConsoleSshPublicKey", "DeniedAccessAttempt"]],
      ["enable-serial-console-access.json", ["SerialConsoleAccessEnabled"]],
      ["enable-serial-console-access-denied.json", ["SerialConsoleAccessEnabled", "DeniedAccessAttempt"]],
      ["disable-serial-console-access.json", []],
      ["get-serial-console-access-status.json", []],
      ["ssm-update-session-preferences.json", ["SessionPreferencesChange"]],
      ["ssm-update-session-preferences-denied.json", ["SessionPreferencesChange"]],
      ["ssm-update-session-preferences-default-version.json", ["SessionPreferencesChange"]],
      ["ssm-delete-session-preferences.json", ["SessionPreferencesChange"]],
      ["ssm-create-session-document.json", ["SessionPreferencesChange"]],
      ["ssm-get-session-preferences.json", []],
      ["ssm-create-command-document.json", []],
      ["ssm-update-command-document.json", []],
      ["ssm-delete-command-document.json", []],
    ])("the record %s trips exactly the filters %j", (file, expected) => {
      const stack = audit();
      const record = sample(file);
      const tripped = Object.values(stack.all("aws_cloudwatch_log_metric_filter"))
        .filter((f) => filterPatternMatches(f.pattern as string, record))
        .map((f) => (f.metric_transformation as { name: string }).name)
        .sort();
      expect(tripped).toEqual([...expected].sort());
    });
  });

  describe("alarms", () => {
    test.each([
      "OpenTunnel",
      "SendSshPublicKey",
      "StartSession",
      "InstanceConnectEndpointChange",
      "DeniedAccessAttempt",
      "TrailConfigurationChange",
      "TrailEventSelectorChange",
      "KeyDisabledOrScheduledForDeletion",
      "SerialConsoleSshPublicKey",
      "SerialConsoleAccessEnabled",
      "SessionPreferencesChange",
    ])("the %s alarm fires on the first event in five minutes and notifies the topic", (id) => {
      const stack = audit();
      expect(stack.named("aws_cloudwatch_metric_alarm", `${id}Alarm`)).toEqual(
        expect.objectContaining({
          namespace: "Ec2AccessGuardrails",
          metric_name: id,
          statistic: "Sum",
          period: 300,
          evaluation_periods: 1,
          threshold: 1,
          comparison_operator: "GreaterThanOrEqualToThreshold",
          treat_missing_data: "notBreaching",
          alarm_actions: [stack.ref("aws_sns_topic", "AlarmTopic", "arn")],
        }),
      );
    });

    test("only CloudWatch alarms of this account may publish to the topic", () => {
      const stack = audit();
      const topicArn = stack.ref("aws_sns_topic", "AlarmTopic", "arn");
      const topicPolicy = stack.only("aws_sns_topic_policy");
      expect(topicPolicy.arn).toBe(topicArn);
      const [publish, ...others] = parsePolicy(topicPolicy.policy).Statement;
      expect(others).toEqual([]);
      expect(Object.keys(publish).sort()).toEqual(["Action", "Condition", "Effect", "Principal", "Resource", "Sid"]);
      expect(publish).toMatchObject({
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
      });
      // Only this account's alarms in this region: the confused deputy guard for the service principal.
      expect(Object.keys(publish.Condition ?? {}).sort()).toEqual(["ArnLike", "StringEquals"]);
      expect(publish.Condition?.StringEquals).toEqual({ "aws:SourceAccount": "111111111111" });
      expect(publish.Condition?.ArnLike).toEqual({
        "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*",
      });
      // The key that encrypts the topic trusts the same alarms, no others.
      const key = stack.policyOf("aws_kms_key", "AlarmTopicKey");
      expect(statement(key, "CloudWatchAlarmsPublishToTheTopic").Condition).toEqual(publish.Condition);
    });

    test("subscribes no email by default", () => {
      expect(audit().all("aws_sns_topic_subscription")).toEqual({});
    });

    const auditWarnings = (settings = {}) =>
      synthCached(settings, ["audit"])
        .annotations.audit.filter((a) => a.level === "@cdktf/warn")
        .map((a) => a.message);

    test("says at synth, one line each, that alarms reach no one and any admin may disable the keys (placeholder accounts)", () => {
      expect(auditWarnings()).toEqual([
        "audit.administratorArns is empty: any account administrator may disable the audit keys, schedule their deletion or replace their policies, which stops the trail's delivery and silences its alarms; list the role that runs `cdktf deploy audit` in audit.administratorArns (required for accounts other than the shipped placeholders).",
        "audit.alarmEmail is not set: the alarm topic has no subscriber, so no alarm reaches anyone; set audit.alarmEmail, or subscribe your own endpoint to the AlarmTopicArn output and set audit.noAlarmSubscriber to true.",
      ]);
    });

    test("says nothing once audit.alarmEmail and audit.administratorArns (with the deploying role) are set", () => {
      const config = testConfig({
        accounts: DEPLOYED_BY_ADMINISTRATOR,
        audit: { alarmEmail: "security@example.com", administratorArns: [DEPLOYER] },
      });
      expect(auditWarnings({ config })).toEqual([]);
    });

    test("names the role the provider deploys as when audit.administratorArns leaves it out", () => {
      // The default credentials reach the workload account through its OrganizationAccountAccessRole.
      const config = testConfig({ audit: { alarmEmail: "security@example.com", administratorArns: [DEPLOYER] } });
      expect(auditWarnings({ config })).toEqual([
        "audit.administratorArns does not list arn:aws:iam::111111111111:role/OrganizationAccountAccessRole, the role this stack's provider assumes to deploy it: KMS refuses key policies that deny their caller kms:PutKeyPolicy, so the apply fails at the audit keys, and the trail bucket's policy would deny that role its next change. Add it to audit.administratorArns, or deploy as a listed role (accounts.workload.roleArn).",
      ]);
    });

    test("names the role assumed after a profile: the management profile, then OrganizationAccountAccessRole", () => {
      const config = testConfig({
        accounts: { management: { id: "222222222222", profile: "org-admin" } },
        audit: { alarmEmail: "security@example.com", administratorArns: [DEPLOYER] },
      });
      expect(auditWarnings({ config })).toEqual([
        expect.stringMatching(
          /^audit\.administratorArns does not list arn:aws:iam::111111111111:role\/OrganizationAccountAccessRole, /,
        ),
      ]);
    });

    test("cannot name the deploying role when the provider uses the workload account's own profile, and stays silent", () => {
      const config = testConfig({
        accounts: { workload: { id: "111111111111", profile: "workload-admin" } },
        audit: { alarmEmail: "security@example.com", administratorArns: [DEPLOYER] },
      });
      expect(auditWarnings({ config })).toEqual([]);
    });

    test("with audit.noAlarmSubscriber subscribes nobody and no longer warns about it: the choice is in the file", () => {
      const deployer = "arn:aws:iam::444455556666:role/Deployer";
      const config = testConfig({
        accounts: { workload: { id: "444455556666", roleArn: deployer } },
        audit: { noAlarmSubscriber: true, administratorArns: [deployer] },
      });
      expect(stackUnderTest("audit", { config }).all("aws_sns_topic_subscription")).toEqual({});
      expect(auditWarnings({ config })).toEqual([]);
    });

    test("subscribes the configured email address to the topic", () => {
      const stack = stackUnderTest("audit", { config: testConfig({ audit: { alarmEmail: "security@example.com" } }) });
      expect(stack.only("aws_sns_topic_subscription")).toEqual(
        expect.objectContaining({
          protocol: "email",
          endpoint: "security@example.com",
          topic_arn: stack.ref("aws_sns_topic", "AlarmTopic", "arn"),
        }),
      );
    });
  });

  test("deploys with a provider pinned to the workload account", () => {
    expect(audit().provider?.aws?.[0]).toMatchObject({ allowed_account_ids: ["111111111111"] });
  });

  test.each([
    ["audit key (administrators named, no log readers)", RETIRING, "AuditKey"],
    ["alarm topic key (administrators and log readers named)", ADMINISTERED, "AlarmTopicKey"],
    ["audit key (the default configuration)", undefined, "AuditKey"],
  ])(
    'grants the %s to no principal "*": decrypting log files is not granted to every principal of the account',
    (_what, config, key) => {
      const doc = stackUnderTest("audit", config ? { config } : {}).policyOf("aws_kms_key", key);
      const grants = doc.Statement.filter((s) => s.Effect === "Allow");
      expect(grants.filter((s) => JSON.stringify(s.Principal).includes('"*"'))).toEqual([]);
      // Only the account itself (delegating to IAM) and services are named; no principal reads by default.
      const awsPrincipals = grants
        .filter((s) => s.Principal !== undefined && typeof s.Principal === "object")
        .map((s) => (s.Principal as { AWS?: unknown }).AWS)
        .filter((p) => p !== undefined);
      expect(awsPrincipals).toEqual(["arn:aws:iam::111111111111:root"]);
    },
  );

  test("lets exactly the configured log readers decrypt log files, only with a trail encryption context", () => {
    const readers = ["arn:aws:iam::111111111111:role/SecurityAudit", "arn:aws:iam::444455556666:role/LogArchive"];
    const stack = stackUnderTest("audit", { config: testConfig({ audit: { logReaderArns: readers } }) });
    const doc = parsePolicy(stack.named("aws_kms_key", "AuditKey").policy);
    expect(statement(doc, "LogReadersDecryptLogFiles")).toEqual({
      Sid: "LogReadersDecryptLogFiles",
      Effect: "Allow",
      Principal: { AWS: readers },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*" },
      },
    });
  });
});
