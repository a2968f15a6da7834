import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Ec2InstanceConnectEndpoint } from "@cdktf/provider-aws/lib/ec2-instance-connect-endpoint";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamPolicyAttachment } from "@cdktf/provider-aws/lib/iam-policy-attachment";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { Instance, type InstanceConfig } from "@cdktf/provider-aws/lib/instance";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { SsoadminPermissionSet } from "@cdktf/provider-aws/lib/ssoadmin-permission-set";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint, type VpcEndpointConfig } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcEndpointPolicy } from "@cdktf/provider-aws/lib/vpc-endpoint-policy";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformStack } from "cdktf";
import { GUARDRAIL_RULES } from "../../../lib/aspects/rules";
import { LockedBucket } from "../../../lib/constructs/locked-bucket";
import { policy, toPolicyJson, type PolicyStatement } from "../../../lib/policies/document";
import { interfaceEndpointPolicy } from "../../../lib/policies/interface-endpoint";
import { denyInsecureTransport } from "../../../lib/policies/s3-bucket";
import { guardrailFixture } from "../../helpers/guardrails";

type Build = (stack: TerraformStack) => void;

/* Fixture pieces: compliant by default, each case changes one thing. */

/** A permission set of the given description in a literal Identity Center instance. */
function permissionSet(stack: TerraformStack, description: string): SsoadminPermissionSet {
  return new SsoadminPermissionSet(stack, "PermissionSet", {
    name: "guardrails-ssm-fixed-tag",
    instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
    description,
  });
}

/** A role EC2 may assume, with the given description. */
function role(stack: TerraformStack, description: string | undefined): IamRole {
  return new IamRole(stack, "Role", {
    assumeRolePolicy: toPolicyJson(
      policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ),
    description,
  });
}

function instance(stack: TerraformStack, overrides: Partial<InstanceConfig> = {}): Instance {
  return new Instance(stack, "Instance", {
    ami: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    associatePublicIpAddress: false,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true },
    ...overrides,
  });
}

interface BucketParts {
  readonly publicAccessBlock?:
    | Partial<Record<"blockPublicAcls" | "blockPublicPolicy" | "ignorePublicAcls" | "restrictPublicBuckets", boolean>>
    | false;
  readonly policy?: PolicyStatement[] | false;
  readonly versioning?: "Enabled" | "Suspended" | false;
  readonly encryption?: boolean;
}

/** A bucket with each companion resource present and locked down unless `parts` says otherwise. */
function bucket(stack: TerraformStack, parts: BucketParts = {}): S3Bucket {
  const b = new S3Bucket(stack, "Bucket", { bucketPrefix: "fixture-" });
  if (parts.publicAccessBlock !== false) {
    new S3BucketPublicAccessBlock(stack, "PublicAccessBlock", {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      ...parts.publicAccessBlock,
    });
  }
  if (parts.policy !== false) {
    new S3BucketPolicy(stack, "Policy", {
      bucket: b.id,
      policy: toPolicyJson(policy(...(parts.policy ?? [denyInsecureTransport(b.arn)]))),
    });
  }
  if (parts.versioning !== false) {
    new S3BucketVersioningA(stack, "Versioning", {
      bucket: b.id,
      versioningConfiguration: { status: parts.versioning ?? "Enabled" },
    });
  }
  if (parts.encryption !== false) {
    new S3BucketServerSideEncryptionConfigurationA(stack, "Encryption", {
      bucket: b.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
  }
  return b;
}

const ingress22 =
  (cidr: { cidrIpv4?: string; cidrIpv6?: string; referencedSecurityGroupId?: string }, port = 22): Build =>
  (stack) =>
    new VpcSecurityGroupIngressRule(stack, "Ingress", {
      securityGroupId: "sg-12345678",
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      ...cidr,
    });

const adminPolicy = (statement: Partial<PolicyStatement>) =>
  toPolicyJson(policy({ Effect: "Allow", Action: "*", Resource: "*", ...statement } as PolicyStatement));

const trail =
  (multiRegion: boolean | undefined, validation: boolean | undefined): Build =>
  (stack) =>
    new Cloudtrail(stack, "Trail", {
      name: "trail",
      s3BucketName: "logs",
      isMultiRegionTrail: multiRegion,
      enableLogFileValidation: validation,
    });

const trustEc2 = toPolicyJson(
  policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
);
/** A role created through a second provider whose default tags are `defaultTags`. */
const roleUnderDefaultTags =
  (defaultTags: Record<string, string>): Build =>
  (stack) => {
    const tagged = new AwsProvider(stack, "Tagged", {
      region: "eu-west-1",
      alias: "tagged",
      defaultTags: [{ tags: defaultTags }],
    });
    new IamRole(stack, "Role", { name: "r", assumeRolePolicy: trustEc2, provider: tagged });
  };

interface TrailEvidence {
  readonly bucket?: { readonly preventDestroy?: boolean; readonly forceDestroy?: boolean };
  readonly keyPreventDestroy?: boolean;
  readonly logGroup?: { readonly skipDestroy?: boolean; readonly preventDestroy?: boolean };
  /** Condition of the delivery role's trust statement. */
  readonly trustCondition?: PolicyStatement["Condition"];
  /** Name the bucket by its literal name instead of a reference. */
  readonly literalBucketName?: boolean;
  /** Encrypt the log group with a key of its own (`TrailLogGroupKey`). */
  readonly logGroupKey?: boolean;
}

/** A trail with its bucket, key, log group and delivery role, each kept on destroy unless `parts` says otherwise. */
const trailWithEvidence =
  (parts: TrailEvidence = {}): Build =>
  (stack) => {
    const lifecycle = (prevent: boolean | undefined) => (prevent === false ? undefined : { preventDestroy: true });
    const b = new S3Bucket(stack, "TrailBucket", {
      bucket: "trail-evidence",
      forceDestroy: parts.bucket?.forceDestroy,
      lifecycle: lifecycle(parts.bucket?.preventDestroy),
    });
    const key = new KmsKey(stack, "TrailKey", { lifecycle: lifecycle(parts.keyPreventDestroy) });
    const logGroup = new CloudwatchLogGroup(stack, "TrailLogGroup", {
      name: "/aws/cloudtrail/fixture",
      kmsKeyId: parts.logGroupKey ? new KmsKey(stack, "TrailLogGroupKey", {}).arn : undefined,
      skipDestroy: parts.logGroup?.skipDestroy ?? true,
      lifecycle: parts.logGroup?.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const role = new IamRole(stack, "TrailRole", {
      assumeRolePolicy: toPolicyJson(
        policy({
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "sts:AssumeRole",
          ...(parts.trustCondition ? { Condition: parts.trustCondition } : {}),
        }),
      ),
    });
    new Cloudtrail(stack, "Trail", {
      name: "trail",
      s3BucketName: parts.literalBucketName ? "trail-evidence" : b.bucket,
      kmsKeyId: key.arn,
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
    });
  };

/**
 * A trail with its evidence (its log group encrypted with a key of its own) and an alarm notifying a
 * topic encrypted with one of: a key of its own, the trail's key, the trail log group's key, or the key
 * of a log group no trail delivers to.
 */
const alarmedTrail =
  (topicKey: "own" | "trail" | "trail-log-group" | "other-log-group", actions = "alarm_actions"): Build =>
  (stack) => {
    trailWithEvidence({ logGroupKey: true })(stack);
    const key = (id: string) => (stack.node.findChild(id) as KmsKey).arn;
    const otherKey = new KmsKey(stack, "OtherKey", {});
    new CloudwatchLogGroup(stack, "OtherLogGroup", { name: "/other", kmsKeyId: otherKey.arn });
    const topic = new SnsTopic(stack, "Topic", {
      name: "alarms",
      kmsMasterKeyId: {
        own: () => new KmsKey(stack, "TopicKey", {}).arn,
        trail: () => key("TrailKey"),
        "trail-log-group": () => key("TrailLogGroupKey"),
        "other-log-group": () => otherKey.arn,
      }[topicKey](),
    });
    new CloudwatchMetricAlarm(stack, "Alarm", {
      alarmName: "a",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      ...(actions === "ok_actions" ? { okActions: [topic.arn] } : { alarmActions: [topic.arn] }),
    });
  };

/** A Session document whose `inputs` are the managed preferences' with `overrides` applied. */
function sessionDocument(
  stack: TerraformStack,
  overrides: Record<string, unknown> = {},
  extra: { content?: string; documentFormat?: string; sessionType?: string } = {},
): SsmDocument {
  const inputs = {
    s3BucketName: "",
    s3KeyPrefix: "",
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: "/sessions",
    cloudWatchEncryptionEnabled: true,
    cloudWatchStreamingEnabled: true,
    kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    runAsEnabled: false,
    ...overrides,
  };
  return new SsmDocument(stack, "Document", {
    name: "SSM-SessionManagerRunShell",
    documentType: "Session",
    documentFormat: extra.documentFormat ?? "JSON",
    content:
      extra.content ??
      JSON.stringify({ schemaVersion: "1.0", sessionType: extra.sessionType ?? "Standard_Stream", inputs }),
  });
}

/** An endpoint of the given type to `service` in a literal VPC. */
const endpoint = (s: TerraformStack, service: string, config: Partial<VpcEndpointConfig> = {}) =>
  new VpcEndpoint(s, "Endpoint", {
    vpcId: "vpc-12345678",
    serviceName: `com.amazonaws.eu-west-1.${service}`,
    ...config,
  });
const ownAccountOnly = toPolicyJson(
  interfaceEndpointPolicy({ service: "logs", region: "eu-west-1", ownAccountId: "111111111111" }),
);

/** [rule id, what the fixture holds, fixture] */
const compliant: Array<[string, string, Build]> = [
  ["EC2_NO_PUBLIC_IP", "an instance with associate_public_ip_address = false", (s) => instance(s)],
  [
    "EC2_NO_PUBLIC_IP",
    "a launch template whose interfaces get no public address",
    (s) =>
      new LaunchTemplate(s, "Template", {
        networkInterfaces: [{ associatePublicIpAddress: "false" }],
        metadataOptions: { httpTokens: "required" },
      }),
  ],
  [
    "EC2_SUBNET_NO_AUTO_PUBLIC_IP",
    "a subnet with map_public_ip_on_launch = false",
    (s) => new Subnet(s, "Subnet", { vpcId: "vpc-12345678", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false }),
  ],
  ["EC2_IMDSV2_REQUIRED", 'an instance with http_tokens = "required"', (s) => instance(s)],
  [
    "EC2_IMDSV2_REQUIRED",
    "an instance with the metadata endpoint disabled",
    (s) => instance(s, { metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } }),
  ],
  ["EC2_EBS_ENCRYPTED", "an instance with an encrypted root volume", (s) => instance(s)],
  [
    "EC2_EBS_ENCRYPTED",
    "an encrypted aws_ebs_volume",
    (s) => new EbsVolume(s, "Volume", { availabilityZone: "eu-west-1a", size: 8, encrypted: true }),
  ],
  [
    "EC2_EBS_ENCRYPTED",
    "an unencrypted root volume in a stack enabling EBS encryption by default",
    (s) => {
      new EbsEncryptionByDefault(s, "EncryptionByDefault", { enabled: true });
      instance(s, { rootBlockDevice: { encrypted: false } });
    },
  ],
  [
    "EC2_NO_OPEN_ADMIN_PORTS",
    "SSH ingress from a security group",
    ingress22({ referencedSecurityGroupId: "sg-87654321" }),
  ],
  ["EC2_NO_OPEN_ADMIN_PORTS", "SSH ingress from a private CIDR", ingress22({ cidrIpv4: "10.0.0.0/8" })],
  ["EC2_NO_OPEN_ADMIN_PORTS", "HTTPS ingress from anywhere", ingress22({ cidrIpv4: "0.0.0.0/0" }, 443)],
  [
    "EC2_NO_OPEN_ADMIN_PORTS",
    "an inline rule for ports 80-443 from ::/0",
    (s) =>
      new SecurityGroup(s, "Group", {
        ingress: [{ protocol: "tcp", fromPort: 80, toPort: 443, ipv6CidrBlocks: ["::/0"] }],
      }),
  ],
  [
    "EICE_PRESERVE_CLIENT_IP_SET",
    "an endpoint with preserve_client_ip = false",
    (s) => new Ec2InstanceConnectEndpoint(s, "Endpoint", { subnetId: "subnet-12345678", preserveClientIp: false }),
  ],
  ["S3_PUBLIC_ACCESS_BLOCKED", "a bucket with all four public access block settings", (s) => bucket(s)],
  [
    "S3_PUBLIC_ACCESS_BLOCKED",
    "a bucket in a stack blocking public access account-wide",
    (s) => {
      new S3AccountPublicAccessBlock(s, "AccountBlock", {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      bucket(s, { publicAccessBlock: false });
    },
  ],
  ["S3_PUBLIC_ACCESS_BLOCKED", "a LockedBucket", (s) => new LockedBucket(s, "Locked", { bucketPrefix: "locked-" })],
  ["S3_TLS_ONLY", "a bucket whose policy denies aws:SecureTransport false", (s) => bucket(s)],
  ["S3_TLS_ONLY", "a LockedBucket", (s) => new LockedBucket(s, "Locked", { bucketPrefix: "locked-" })],
  ["S3_VERSIONING_ENABLED", "a bucket with versioning Enabled", (s) => bucket(s)],
  ["S3_DEFAULT_ENCRYPTION", "a bucket with AES256 default encryption", (s) => bucket(s)],
  [
    "S3_DEFAULT_ENCRYPTION",
    "a LockedBucket with a KMS key",
    (s) =>
      new LockedBucket(s, "Locked", {
        bucketPrefix: "locked-",
        kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/abc",
      }),
  ],
  ["CLOUDTRAIL_MULTI_REGION", "a multi-region trail", trail(true, true)],
  ["CLOUDTRAIL_LOG_VALIDATION", "a trail with log file validation", trail(true, true)],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail whose bucket and key prevent destroy and whose log group skips it",
    trailWithEvidence(),
  ],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail whose log group prevents destroy instead of skipping it",
    trailWithEvidence({ logGroup: { skipDestroy: false, preventDestroy: true } }),
  ],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a bucket, key and log group no trail uses",
    (s) => {
      new S3Bucket(s, "Bucket", { bucketPrefix: "scratch-" });
      new KmsKey(s, "Key", {});
      new CloudwatchLogGroup(s, "LogGroup", { name: "/scratch" });
    },
  ],
  [
    "CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY",
    "a trail bucket with force_destroy = false",
    trailWithEvidence({ bucket: { forceDestroy: false } }),
  ],
  [
    "CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY",
    "a force-destroy bucket no trail writes to",
    (s) => new S3Bucket(s, "Bucket", { bucketPrefix: "scratch-", forceDestroy: true }),
  ],
  [
    "CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION",
    "a delivery role trusting cloudtrail.amazonaws.com plainly",
    trailWithEvidence(),
  ],
  ["CLOUDTRAIL_ALARM_TOPIC_OWN_KEY", "an alarm topic with a key of its own", alarmedTrail("own")],
  [
    "CLOUDTRAIL_ALARM_TOPIC_OWN_KEY",
    "an alarm topic sharing the key of a log group no trail delivers to",
    alarmedTrail("other-log-group"),
  ],
  [
    "CLOUDTRAIL_ALARM_TOPIC_OWN_KEY",
    "a topic with the trail's key that no alarm notifies",
    (s) => {
      trailWithEvidence()(s);
      new SnsTopic(s, "Topic", { name: "news", kmsMasterKeyId: (s.node.findChild("TrailKey") as KmsKey).arn });
    },
  ],
  [
    "CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION",
    "a role with aws:SourceArn that no trail delivers through",
    (s) =>
      new IamRole(s, "FlowLogRole", {
        assumeRolePolicy: toPolicyJson(
          policy({
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
          }),
        ),
      }),
  ],
  [
    "IAM_NO_USER_POLICIES",
    "a policy attached to a group",
    (s) =>
      new IamGroupPolicyAttachment(s, "GroupAttachment", {
        group: "operators",
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      }),
  ],
  [
    "IAM_NO_USER_POLICIES",
    "an aws_iam_policy_attachment to groups and roles only",
    (s) =>
      new IamPolicyAttachment(s, "Attachment", {
        name: "a",
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        groups: ["operators"],
        roles: ["r"],
      }),
  ],
  [
    "IAM_NO_ADMIN_STAR",
    "a policy allowing s3:GetObject on *",
    (s) => new IamPolicy(s, "Policy", { policy: adminPolicy({ Action: "s3:GetObject" }) }),
  ],
  [
    "IAM_NO_ADMIN_STAR",
    "a policy denying *:*",
    (s) => new IamPolicy(s, "Policy", { policy: adminPolicy({ Effect: "Deny" }) }),
  ],
  [
    "IAM_NO_ADMIN_STAR",
    "an SCP shaped like FullAWSAccess (SCPs only filter)",
    (s) => new OrganizationsPolicy(s, "Scp", { name: "full", content: adminPolicy({}) }),
  ],
  [
    "TAGS_VALID",
    "an IAM user tagged with every character IAM allows",
    (s) =>
      new IamUser(s, "User", {
        name: "u",
        tags: { "Purpose_1 .:/=+-@": "demo - no policies: granted by/the bucket=policy+ é @x" },
      }),
  ],
  [
    "TAGS_VALID",
    "an instance tag with a comma (EC2 accepts it; IAM would not)",
    (s) => instance(s, { tags: { Note: "a, b" } }),
  ],
  [
    "TAGS_VALID",
    "an IAM role under default tags IAM accepts",
    roleUnderDefaultTags({ Project: "test", ManagedBy: "ec2-access-guardrails" }),
  ],
  [
    "VPC_FLOW_LOGS_ENABLED",
    "a VPC with a flow log",
    (s) => {
      const vpc = new Vpc(s, "Vpc", { cidrBlock: "10.0.0.0/16" });
      new FlowLog(s, "FlowLog", {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestination: "arn:aws:s3:::logs",
        logDestinationType: "s3",
      });
    },
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document with a key and an encrypted log group",
    (s) => sessionDocument(s),
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document logging to an encrypted bucket only",
    (s) => sessionDocument(s, { cloudWatchLogGroupName: "", cloudWatchEncryptionEnabled: false, s3BucketName: "b" }),
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a port-forwarding Session document (not preferences: no log inputs)",
    (s) => sessionDocument(s, { kmsKeyId: "", cloudWatchLogGroupName: "" }, { sessionType: "Port" }),
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Command document (not a Session document)",
    (s) =>
      new SsmDocument(s, "Document", {
        name: "RunSomething",
        documentType: "Command",
        content: JSON.stringify({ schemaVersion: "2.2", mainSteps: [] }),
      }),
  ],
  [
    "LOGS_GROUP_KMS_ENCRYPTED",
    "a log group encrypted with a customer managed key",
    (s) => new CloudwatchLogGroup(s, "LogGroup", { name: "/sessions", kmsKeyId: new KmsKey(s, "Key", {}).arn }),
  ],
  ["KMS_KEY_ROTATION_ENABLED", "a key with rotation on", (s) => new KmsKey(s, "Key", { enableKeyRotation: true })],
  [
    "KMS_KEY_ROTATION_ENABLED",
    "an asymmetric signing key (cannot rotate)",
    (s) => new KmsKey(s, "Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
  ],
  [
    "DESCRIPTION_CHARACTERS",
    "a permission set described in Latin-1 (accents included)",
    (s) => permissionSet(s, "Session Manager on instances tagged Project=équipe only"),
  ],
  ["DESCRIPTION_CHARACTERS", "a role without a description", (s) => role(s, undefined)],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "an interface endpoint with a policy",
    (s) => endpoint(s, "logs", { vpcEndpointType: "Interface", policy: ownAccountOnly }),
  ],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "an interface endpoint whose policy is a separate aws_vpc_endpoint_policy",
    (s) => {
      const e = endpoint(s, "logs", { vpcEndpointType: "Interface" });
      new VpcEndpointPolicy(s, "EndpointPolicy", { vpcEndpointId: e.id, policy: ownAccountOnly });
    },
  ],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "a Gateway Load Balancer endpoint (it takes no policy)",
    (s) => endpoint(s, "vpce-svc-0123456789abcdef0", { vpcEndpointType: "GatewayLoadBalancer" }),
  ],
];

/** [rule id, what the fixture holds, fixture, construct id the error must be attached to] */
const nonCompliant: Array<[string, string, Build, string]> = [
  [
    "EC2_NO_PUBLIC_IP",
    "an instance with associate_public_ip_address = true",
    (s) => instance(s, { associatePublicIpAddress: true }),
    "Instance",
  ],
  [
    "EC2_NO_PUBLIC_IP",
    "an instance leaving the address to the subnet",
    (s) => instance(s, { associatePublicIpAddress: undefined }),
    "Instance",
  ],
  [
    "EC2_NO_PUBLIC_IP",
    "a launch template with a public interface",
    (s) =>
      new LaunchTemplate(s, "Template", {
        networkInterfaces: [{ associatePublicIpAddress: "true" }],
        metadataOptions: { httpTokens: "required" },
      }),
    "Template",
  ],
  [
    "EC2_SUBNET_NO_AUTO_PUBLIC_IP",
    "a subnet with map_public_ip_on_launch = true",
    (s) => new Subnet(s, "Subnet", { vpcId: "vpc-12345678", cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }),
    "Subnet",
  ],
  [
    "EC2_IMDSV2_REQUIRED",
    'an instance with http_tokens = "optional"',
    (s) => instance(s, { metadataOptions: { httpTokens: "optional" } }),
    "Instance",
  ],
  [
    "EC2_IMDSV2_REQUIRED",
    "an instance without metadata_options",
    (s) => instance(s, { metadataOptions: undefined }),
    "Instance",
  ],
  [
    "EC2_IMDSV2_REQUIRED",
    "a launch template without metadata_options",
    (s) => new LaunchTemplate(s, "Template", {}),
    "Template",
  ],
  [
    "EC2_EBS_ENCRYPTED",
    "an instance with encrypted = false on the root volume",
    (s) => instance(s, { rootBlockDevice: { encrypted: false } }),
    "Instance",
  ],
  [
    "EC2_EBS_ENCRYPTED",
    "an instance without a root_block_device block",
    (s) => instance(s, { rootBlockDevice: undefined }),
    "Instance",
  ],
  [
    "EC2_EBS_ENCRYPTED",
    "an instance with an unencrypted extra volume",
    (s) => instance(s, { ebsBlockDevice: [{ deviceName: "/dev/sdb", encrypted: false }] }),
    "Instance",
  ],
  [
    "EC2_EBS_ENCRYPTED",
    "an aws_ebs_volume without encryption",
    (s) => new EbsVolume(s, "Volume", { availabilityZone: "eu-west-1a", size: 8 }),
    "Volume",
  ],
  ["EC2_NO_OPEN_ADMIN_PORTS", "SSH ingress from 0.0.0.0/0", ingress22({ cidrIpv4: "0.0.0.0/0" }), "Ingress"],
  ["EC2_NO_OPEN_ADMIN_PORTS", "RDP ingress from ::/0", ingress22({ cidrIpv6: "::/0" }, 3389), "Ingress"],
  [
    "EC2_NO_OPEN_ADMIN_PORTS",
    "an inline TCP 0-65535 rule from 0.0.0.0/0",
    (s) =>
      new SecurityGroup(s, "Group", {
        ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }],
      }),
    "Group",
  ],
  [
    "EC2_NO_OPEN_ADMIN_PORTS",
    "an all-protocols aws_security_group_rule from ::/0",
    (s) =>
      new SecurityGroupRule(s, "Rule", {
        type: "ingress",
        securityGroupId: "sg-12345678",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        ipv6CidrBlocks: ["::/0"],
      }),
    "Rule",
  ],
  [
    "EICE_PRESERVE_CLIENT_IP_SET",
    "an endpoint leaving preserve_client_ip to the provider default",
    (s) => new Ec2InstanceConnectEndpoint(s, "Endpoint", { subnetId: "subnet-12345678" }),
    "Endpoint",
  ],
  [
    "S3_PUBLIC_ACCESS_BLOCKED",
    "a bucket whose block leaves restrict_public_buckets false",
    (s) => bucket(s, { publicAccessBlock: { restrictPublicBuckets: false } }),
    "Bucket",
  ],
  [
    "S3_PUBLIC_ACCESS_BLOCKED",
    "a bucket without a public access block",
    (s) => bucket(s, { publicAccessBlock: false }),
    "Bucket",
  ],
  [
    "S3_PUBLIC_ACCESS_BLOCKED",
    "a bucket whose only public access block belongs to another bucket",
    (s) => {
      bucket(s, { publicAccessBlock: false });
      const other = new S3Bucket(s, "OtherBucket", { bucketPrefix: "other-" });
      new S3BucketPublicAccessBlock(s, "OtherBlock", {
        bucket: other.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    },
    "Bucket",
  ],
  [
    "S3_TLS_ONLY",
    "a bucket policy with grants but no TLS deny",
    (s) =>
      bucket(s, {
        policy: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111111111111:root" },
            Action: "s3:GetObject",
            Resource: "*",
          },
        ],
      }),
    "Bucket",
  ],
  ["S3_TLS_ONLY", "a bucket without a policy", (s) => bucket(s, { policy: false }), "Bucket"],
  [
    "S3_VERSIONING_ENABLED",
    "a bucket with versioning Suspended",
    (s) => bucket(s, { versioning: "Suspended" }),
    "Bucket",
  ],
  ["S3_VERSIONING_ENABLED", "a bucket without versioning", (s) => bucket(s, { versioning: false }), "Bucket"],
  [
    "S3_DEFAULT_ENCRYPTION",
    "a bucket without an encryption configuration",
    (s) => bucket(s, { encryption: false }),
    "Bucket",
  ],
  ["CLOUDTRAIL_MULTI_REGION", "a single-region trail", trail(false, true), "Trail"],
  ["CLOUDTRAIL_LOG_VALIDATION", "a trail leaving log file validation unset", trail(true, undefined), "Trail"],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail bucket without prevent_destroy",
    trailWithEvidence({ bucket: { preventDestroy: false } }),
    "TrailBucket",
  ],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail bucket named literally, without prevent_destroy",
    trailWithEvidence({ bucket: { preventDestroy: false }, literalBucketName: true }),
    "TrailBucket",
  ],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail key without prevent_destroy",
    trailWithEvidence({ keyPreventDestroy: false }),
    "TrailKey",
  ],
  [
    "CLOUDTRAIL_EVIDENCE_RETAINED",
    "a trail log group with neither skip_destroy nor prevent_destroy",
    trailWithEvidence({ logGroup: { skipDestroy: false } }),
    "TrailLogGroup",
  ],
  [
    "CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY",
    "a trail bucket with force_destroy = true",
    trailWithEvidence({ bucket: { forceDestroy: true } }),
    "TrailBucket",
  ],
  [
    "CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION",
    "a delivery role trusting CloudTrail only for aws:SourceArn",
    trailWithEvidence({
      trustCondition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111111111111:trail/trail" } },
    }),
    "TrailRole",
  ],
  ["CLOUDTRAIL_ALARM_TOPIC_OWN_KEY", "an alarm topic encrypted with the trail's key", alarmedTrail("trail"), "Topic"],
  [
    "CLOUDTRAIL_ALARM_TOPIC_OWN_KEY",
    "an alarm topic encrypted with the key of the trail's log group",
    alarmedTrail("trail-log-group"),
    "Topic",
  ],
  [
    "CLOUDTRAIL_ALARM_TOPIC_OWN_KEY",
    "a topic with the trail's key that an alarm notifies only on OK",
    alarmedTrail("trail", "ok_actions"),
    "Topic",
  ],
  [
    "CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION",
    "a delivery role with AWS:SourceAccount (keys are case-insensitive)",
    trailWithEvidence({
      trustCondition: { StringEquals: { "AWS:SourceAccount": "111111111111" } },
    }),
    "TrailRole",
  ],
  [
    "IAM_NO_USER_POLICIES",
    "an inline aws_iam_user_policy",
    (s) => new IamUserPolicy(s, "UserPolicy", { user: "alice", policy: adminPolicy({ Action: "s3:GetObject" }) }),
    "UserPolicy",
  ],
  [
    "IAM_NO_USER_POLICIES",
    "an aws_iam_user_policy_attachment",
    (s) =>
      new IamUserPolicyAttachment(s, "UserAttachment", {
        user: "alice",
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      }),
    "UserAttachment",
  ],
  [
    "IAM_NO_USER_POLICIES",
    "an aws_iam_policy_attachment naming users",
    (s) =>
      new IamPolicyAttachment(s, "Attachment", {
        name: "a",
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        users: ["alice"],
      }),
    "Attachment",
  ],
  [
    "IAM_NO_ADMIN_STAR",
    "a managed policy allowing *:*",
    (s) => new IamPolicy(s, "Policy", { policy: adminPolicy({}) }),
    "Policy",
  ],
  [
    "IAM_NO_ADMIN_STAR",
    "a role policy allowing [*] on [*] next to an IAM variable (read back from $${)",
    (s) =>
      new IamRolePolicy(s, "RolePolicy", {
        role: "r",
        policy: toPolicyJson(
          policy(
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/*" },
            { Effect: "Allow", Action: ["*"], Resource: ["*"] },
          ),
        ),
      }),
    "RolePolicy",
  ],
  [
    "TAGS_VALID",
    "an IAM user whose tag value has a comma (CreateUser fails)",
    (s) =>
      new IamUser(s, "User", {
        name: "u",
        tags: { Purpose: "demonstration: no IAM policies, granted by the bucket policy" },
      }),
    "User",
  ],
  [
    "TAGS_VALID",
    "an IAM role whose provider's default tag has a comma",
    roleUnderDefaultTags({ Owner: "platform, security" }),
    "Role",
  ],
  [
    "TAGS_VALID",
    "a tag key with the reserved aws: prefix",
    (s) => instance(s, { tags: { "aws:owner": "me" } }),
    "Instance",
  ],
  ["TAGS_VALID", "a tag value of 257 characters", (s) => instance(s, { tags: { Note: "x".repeat(257) } }), "Instance"],
  ["TAGS_VALID", "a tag key of 129 characters", (s) => instance(s, { tags: { ["k".repeat(129)]: "v" } }), "Instance"],
  [
    "TAGS_VALID",
    "51 tags on one resource",
    (s) => instance(s, { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`Tag${i}`, "v"])) }),
    "Instance",
  ],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "an interface endpoint left to AWS's full-access default",
    (s) => endpoint(s, "ssmmessages", { vpcEndpointType: "Interface" }),
    "Endpoint",
  ],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "an S3 endpoint of the provider's default type (Gateway) without a policy",
    (s) => endpoint(s, "s3"),
    "Endpoint",
  ],
  [
    "VPC_ENDPOINT_POLICY_SET",
    "an interface endpoint whose separate aws_vpc_endpoint_policy belongs to another endpoint",
    (s) => {
      endpoint(s, "logs", { vpcEndpointType: "Interface" });
      const other = new VpcEndpoint(s, "OtherEndpoint", {
        vpcId: "vpc-12345678",
        serviceName: "com.amazonaws.eu-west-1.kms",
        vpcEndpointType: "Interface",
      });
      new VpcEndpointPolicy(s, "EndpointPolicy", { vpcEndpointId: other.id, policy: ownAccountOnly });
    },
    "Endpoint",
  ],
  ["VPC_FLOW_LOGS_ENABLED", "a VPC without a flow log", (s) => new Vpc(s, "Vpc", { cidrBlock: "10.0.0.0/16" }), "Vpc"],
  [
    "VPC_FLOW_LOGS_ENABLED",
    "a VPC whose only flow log watches another VPC",
    (s) => {
      new Vpc(s, "Vpc", { cidrBlock: "10.0.0.0/16" });
      const other = new Vpc(s, "OtherVpc", { cidrBlock: "10.1.0.0/16" });
      new FlowLog(s, "FlowLog", {
        vpcId: other.id,
        trafficType: "ALL",
        logDestination: "arn:aws:s3:::logs",
        logDestinationType: "s3",
      });
    },
    "Vpc",
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document without kmsKeyId",
    (s) => sessionDocument(s, { kmsKeyId: "" }),
    "Document",
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document logging to a log group with cloudWatchEncryptionEnabled false",
    (s) => sessionDocument(s, { cloudWatchEncryptionEnabled: false }),
    "Document",
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document logging to a bucket with s3EncryptionEnabled false",
    (s) => sessionDocument(s, { s3BucketName: "b", s3EncryptionEnabled: false }),
    "Document",
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document with no log destination at all",
    (s) => sessionDocument(s, { cloudWatchLogGroupName: "", s3BucketName: "" }),
    "Document",
  ],
  [
    "SSM_SESSION_DOCUMENT_ENCRYPTED",
    "a Session document in YAML, which the pack cannot read",
    (s) =>
      sessionDocument(
        s,
        {},
        { documentFormat: "YAML", content: "schemaVersion: '1.0'\nsessionType: Standard_Stream\n" },
      ),
    "Document",
  ],
  [
    "LOGS_GROUP_KMS_ENCRYPTED",
    "a log group without kms_key_id",
    (s) => new CloudwatchLogGroup(s, "LogGroup", { name: "/sessions" }),
    "LogGroup",
  ],
  ["KMS_KEY_ROTATION_ENABLED", "a key without rotation", (s) => new KmsKey(s, "Key", {}), "Key"],
  [
    "KMS_KEY_ROTATION_ENABLED",
    "a key with rotation explicitly off",
    (s) => new KmsKey(s, "Key", { enableKeyRotation: false }),
    "Key",
  ],
  [
    "DESCRIPTION_CHARACTERS",
    "a permission set whose description names a project in another script",
    (s) => permissionSet(s, "Session Manager on instances tagged Project=プロジェクト only"),
    "PermissionSet",
  ],
  ["DESCRIPTION_CHARACTERS", "a role description over 1000 characters", (s) => role(s, "x".repeat(1001)), "Role"],
];

describe("guardrail rules", () => {
  test.each(compliant)("%s passes %s", (ruleId, _what, build) => {
    const { errors } = guardrailFixture(build);
    expect(errors.filter((e) => e.ruleId === ruleId)).toEqual([]);
  });

  test.each(nonCompliant)("%s flags %s", (ruleId, _what, build, constructId) => {
    const { errors } = guardrailFixture(build);
    expect(errors.filter((e) => e.ruleId === ruleId).map((e) => e.path)).toEqual([`fixture/${constructId}`]);
  });

  test("every rule in the pack has at least one compliant and one non-compliant fixture", () => {
    const ids = GUARDRAIL_RULES.map((r) => r.id);
    expect(new Set(compliant.map(([id]) => id))).toEqual(new Set(ids));
    expect(new Set(nonCompliant.map(([id]) => id))).toEqual(new Set(ids));
  });

  test.each(GUARDRAIL_RULES.map((r) => [r.id, r] as const))(
    "%s has a readable id, a one-line reason and a fix",
    (id, rule) => {
      expect(id).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+)+$/);
      for (const text of [rule.reason, rule.fix]) {
        expect(text).toMatch(/^[A-Z].{20,200}\.$/);
        expect(text).not.toContain("\n");
      }
      for (const mirror of rule.mirrors) expect(mirror).toMatch(/^(CKV2?_AWS_\d+|[A-Za-z0-9]+\.\d+)$/);
    },
  );

  test("rule ids are unique", () => {
    const ids = GUARDRAIL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("a finding reads [id (mirrors)] reason, fix and Terraform address", () => {
    const { errors } = guardrailFixture((s) => instance(s, { metadataOptions: { httpTokens: "optional" } }));
    expect(errors.map((e) => e.message)).toEqual([
      "[EC2_IMDSV2_REQUIRED (CKV_AWS_79 / EC2.8)] Instance metadata without IMDSv2 lets a server-side request forgery read the instance role's credentials. " +
        'Fix: Set metadata_options { http_tokens = "required" } (or http_endpoint = "disabled"). (aws_instance.Instance)',
    ]);
  });
});
