import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { Config } from "../lib/config";
import { accountProvider } from "../lib/constructs/account-provider";
import { instanceAmi } from "../lib/constructs/ami";
import { LockedBucket } from "../lib/constructs/locked-bucket";
import { PrivateInstance } from "../lib/constructs/private-instance";
import { PrivateNetwork } from "../lib/constructs/private-network";
import { crossAccountBucketGrants } from "../lib/policies/cross-account";
import { articleInstanceS3Policy } from "../lib/policies/instance-role";
import { s3EndpointPolicy } from "../lib/policies/s3-endpoint";

/** Provider alias of the data account (A); the workload account (B) is the stack's default provider. */
export const DATA_PROVIDER_ALIAS = "data";

export interface CrossAccountS3StackProps {
  readonly config: Config;
  /** Offline mode: dummy credentials, no AWS calls (see lib/config). */
  readonly offline: boolean;
}

/**
 * Stack `cross-account-s3` (data account A + workload account B): shows that whose credentials are used,
 * not where the code runs, decides whether an S3 request is cross-account, and how B's S3 gateway
 * endpoint policy stops B's data from leaving for buckets B has not approved, whatever the credentials.
 *
 * - A (provider alias `data`): an IAM user with no IAM policies, and a locked bucket whose policy grants
 *   that user `s3:*`; optionally an access key for it (opt-in: a long-lived secret).
 * - B (default provider): a private instance whose role may read and write any bucket (as in the
 *   article), in the shared PrivateNetwork whose S3 endpoint policy is the data perimeter.
 */
export class CrossAccountS3Stack extends TerraformStack {
  readonly workloadProvider: AwsProvider;
  readonly dataProvider: AwsProvider;
  readonly dataUser: IamUser;
  readonly dataBucket: LockedBucket;
  readonly network: PrivateNetwork;
  readonly workload: PrivateInstance;
  readonly accessKey?: IamAccessKey;

  constructor(scope: Construct, id: string, props: CrossAccountS3StackProps) {
    super(scope, id);
    const { config, offline } = props;
    const { region, project } = config;
    const settings = config.crossAccount;
    const workloadAccount = config.accounts.workload;
    const dataAccount = config.accounts.data;

    // Two providers, each pinned to its account: a plan with A's credentials in B's slot (or the
    // reverse) fails before it changes anything. Every resource in A passes `provider` explicitly.
    this.workloadProvider = accountProvider(this, "Aws", { account: workloadAccount, region, offline, project });
    this.dataProvider = accountProvider(this, "DataAws", {
      account: dataAccount,
      region,
      offline,
      project,
      alias: DATA_PROVIDER_ALIAS,
    });
    const provider = this.dataProvider;

    // ---- Workload account B ----------------------------------------------------------------------
    this.network = new PrivateNetwork(this, "Network", {
      name: "cross-account-workload",
      cidr: settings.vpcCidr,
      region,
      availabilityZoneIds: config.network.availabilityZoneIds,
      excludeZoneIds: config.network.excludeZoneIds,
      offline,
      // Session Manager is the only way in (no public IP, no inbound rule): the agent needs a path to
      // the ssm/ssmmessages/ec2messages endpoints, and one instance needs one NAT gateway.
      natGateways: "single",
      flowLogRetentionDays: config.network.flowLogRetentionDays,
      // The defence: through this endpoint, any credentials (B's role or A's stolen keys) reach only B's
      // own buckets, approved buckets and the AWS-owned buckets the OS and SSM agent need.
      s3EndpointPolicy: s3EndpointPolicy({
        region,
        ownAccountIds: [workloadAccount.id],
        allowedBuckets: settings.approvedBuckets,
      }),
    });

    this.workload = new PrivateInstance(this, "Workload", {
      vpcId: this.network.vpc.id,
      subnetId: this.network.privateSubnets[0].id,
      ami: instanceAmi(this, { instance: config.instance, offline }),
      instanceType: config.instance.type,
      project,
      name: "cross-account-workload",
      // Broad on purpose, as in the article: IAM in B does not stop the role, so what does is visible.
      s3Policy: articleInstanceS3Policy(),
    });

    // ---- Data account A --------------------------------------------------------------------------
    this.dataUser = new IamUser(this, "DataUser", {
      name: settings.userName,
      // No IAM policy, group or boundary: the bucket policy alone grants this user its access.
      // force_destroy also deletes keys created outside Terraform (the article creates one by hand).
      forceDestroy: true,
      // IAM tag values allow letters, digits, spaces and _ . : / = + - @ only: no comma (TAGS_VALID).
      tags: { Purpose: "cross-account-s3 demonstration - no IAM policies - granted by the bucket policy" },
      provider,
    });

    this.dataBucket = new LockedBucket(this, "DataBucket", {
      bucketPrefix: "cross-account-demo-",
      // A demo bucket: it holds only the test objects the CLI steps upload.
      forceDestroy: true,
      grants: (bucketArn) =>
        crossAccountBucketGrants({
          bucketArn,
          dataUserArn: this.dataUser.arn,
          workloadRoleArn: settings.grantWorkloadRole ? this.workload.role.arn : undefined,
        }),
      provider,
    });

    if (settings.createAccessKey) {
      // A long-lived secret: opt-in, never a plain output. Without a PGP key the secret is also in the
      // Terraform state in clear text; with one, only its encrypted form is.
      this.accessKey = new IamAccessKey(this, "DataUserAccessKey", {
        user: this.dataUser.name,
        pgpKey: settings.pgpKey,
        provider,
      });
      new TerraformOutput(this, "DataUserAccessKeyId", {
        description: "Access key id of A's user (an identifier, not a secret)",
        value: this.accessKey.id,
      });
      if (settings.pgpKey !== undefined) {
        new TerraformOutput(this, "DataUserEncryptedSecretAccessKey", {
          description: "A's secret access key, PGP-encrypted and base64-encoded: base64 -d | gpg --decrypt",
          value: this.accessKey.encryptedSecret,
          sensitive: true,
        });
      } else {
        new TerraformOutput(this, "DataUserSecretAccessKey", {
          description: "A's secret access key: terraform output -raw DataUserSecretAccessKey",
          value: this.accessKey.secret,
          sensitive: true,
        });
      }
    }

    // ---- Outputs ---------------------------------------------------------------------------------
    const bucket = this.dataBucket.bucket.bucket;
    const instanceId = this.workload.instance.id;
    new TerraformOutput(this, "DataBucketName", { value: bucket, description: "A's bucket" });
    new TerraformOutput(this, "DataUserArn", { value: this.dataUser.arn, description: "A's user (no IAM policies)" });
    new TerraformOutput(this, "WorkloadInstanceId", { value: instanceId, description: "B's private instance" });
    new TerraformOutput(this, "WorkloadRoleArn", { value: this.workload.role.arn, description: "B's instance role" });
    new TerraformOutput(this, "S3EndpointId", {
      value: this.network.s3Endpoint.id,
      description: "B's S3 gateway endpoint: the data perimeter",
    });

    const steps = demoSteps({
      region,
      bucket,
      instanceId,
      roleName: this.workload.role.name,
      endpointId: this.network.s3Endpoint.id,
      workloadAccountId: workloadAccount.id,
      dataAccountId: dataAccount.id,
      userName: settings.userName,
      accessKeyId: this.accessKey?.id,
      secretCommand: !settings.createAccessKey
        ? undefined
        : settings.pgpKey !== undefined
          ? "terraform output -raw DataUserEncryptedSecretAccessKey | base64 -d | gpg --decrypt"
          : "terraform output -raw DataUserSecretAccessKey",
      approvedBucket: settings.approvedBuckets[0],
      roleGranted: settings.grantWorkloadRole,
    });
    new TerraformOutput(this, "ReproduceArticleSteps", {
      description: "CLI steps reproducing the article: terraform output -raw ReproduceArticleSteps",
      value: steps.article,
    });
    new TerraformOutput(this, "DefenceSteps", {
      description: "CLI steps showing the S3 endpoint policy stop A's keys: terraform output -raw DefenceSteps",
      value: steps.defence,
    });
  }
}

interface DemoStepsProps {
  readonly region: string;
  readonly bucket: string;
  readonly instanceId: string;
  readonly roleName: string;
  readonly endpointId: string;
  readonly workloadAccountId: string;
  readonly dataAccountId: string;
  readonly userName: string;
  /** Set when the stack created the key. */
  readonly accessKeyId?: string;
  /** How to read the secret from the stack's outputs, when the stack created the key. */
  readonly secretCommand?: string;
  readonly approvedBucket?: string;
  readonly roleGranted: boolean;
}

/**
 * The article as shell steps, values filled in. No line contains `${` or `%{`: Terraform would read
 * them as interpolation or template directives inside an output string.
 */
function demoSteps(p: DemoStepsProps): { article: string; defence: string } {
  const s3 = `--region ${p.region}`;
  const keyId = p.accessKeyId ?? "<access key id>";
  const secret = p.secretCommand ? `<secret from: ${p.secretCommand}>` : "<secret access key>";
  // On the workstation the outputs can be read in place (from cdktf.out/stacks/cross-account-s3).
  const workstationKeyId = p.accessKeyId ? `"$(terraform output -raw DataUserAccessKeyId)"` : keyId;
  const workstationSecret = p.secretCommand ? `"$(${p.secretCommand})"` : secret;
  const keySource = p.accessKeyId
    ? `# A's key was created by this stack (crossAccount.createAccessKey); read its secret on your workstation.`
    : `# No key exists (crossAccount.createAccessKey is false). To run this step, create one in account A and delete it afterwards:\n#   aws iam create-access-key --user-name ${p.userName}   (with account ${p.dataAccountId} credentials)`;
  const roleStep = p.roleGranted
    ? `# 2. B's role writes to A's bucket. A's bucket policy grants this role (crossAccount.grantWorkloadRole), so IAM allows it;\n#    B's S3 endpoint still refuses it unless A's bucket is in crossAccount.approvedBuckets: AccessDenied here.`
    : `# 2. B's role writes to A's bucket: AccessDenied. A cross-account request needs an allow on both sides, and A's\n#    bucket policy grants only A's user. (B's S3 endpoint policy would refuse it too: A's bucket is not approved.)`;

  const article = [
    `# Reproduces the article. Expected results are what this stack's policies decide (scenarios/cross-account-s3.json).`,
    `# 0. On your workstation, with account ${p.workloadAccountId} (B) credentials: a shell on the instance through`,
    `#    Session Manager (no public IP, no inbound port, no key pair).`,
    `aws ssm start-session --region ${p.region} --target ${p.instanceId}`,
    `# 1. On the instance: whose credentials? Expect arn:aws:sts::${p.workloadAccountId}:assumed-role/${p.roleName}/${p.instanceId}`,
    `aws sts get-caller-identity`,
    roleStep,
    `echo "written from account ${p.workloadAccountId}" > /tmp/article.txt`,
    `aws s3 cp /tmp/article.txt s3://${p.bucket}/from-workload-role.txt ${s3}`,
    `# 3. Configure A's user keys on the instance, as the article (or an intruder holding A's keys) does.`,
    keySource,
    `aws configure set aws_access_key_id ${keyId}`,
    `aws configure set aws_secret_access_key ${secret}`,
    `# 4. Whose credentials now? Expect arn:aws:iam::${p.dataAccountId}:user/${p.userName}: same instance, same command,`,
    `#    but the request to A's bucket is now same-account, and A's bucket policy alone allows it.`,
    `aws sts get-caller-identity`,
    `# 5. The same upload. In the article (no endpoint policy) it succeeds. Here it goes through B's S3 gateway`,
    `#    endpoint, whose policy refuses A's bucket: AccessDenied (see DefenceSteps).`,
    `aws s3 cp /tmp/article.txt s3://${p.bucket}/from-data-user-keys.txt ${s3}`,
    `# 6. The success with A's keys, outside B's VPC (your workstation: the keys are valid anywhere): upload succeeds.`,
    `echo "written with ${p.userName}'s keys" > article.txt`,
    `AWS_ACCESS_KEY_ID=${workstationKeyId} AWS_SECRET_ACCESS_KEY=${workstationSecret} aws s3 cp article.txt s3://${p.bucket}/from-data-user-keys.txt ${s3}`,
    `# 7. On the instance, remove A's keys: the instance role is used again (check with aws sts get-caller-identity).`,
    `rm -f ~/.aws/credentials`,
  ].join("\n");

  const approved = p.approvedBucket
    ? [
        `# 2. With the instance role (A's keys removed: rm -f ~/.aws/credentials), an approved bucket is reachable`,
        `#    through the endpoint; its owner's bucket policy must still grant B's role.`,
        `aws s3 cp /tmp/article.txt s3://${p.approvedBucket}/from-workload-role.txt ${s3}`,
      ]
    : [`# 2. (No crossAccount.approvedBuckets configured: only B's own buckets and AWS-owned buckets pass the endpoint.)`];
  const defence = [
    `# The defence: B's S3 gateway endpoint lets any credentials reach only buckets owned by ${p.workloadAccountId},`,
    `# the approved buckets (crossAccount.approvedBuckets) and the AWS-owned buckets the OS and SSM agent need.`,
    `# 1. On the instance with A's keys configured (article step 3): AccessDenied, because no VPC endpoint policy`,
    `#    allows it: A's bucket belongs to ${p.dataAccountId}, not ${p.workloadAccountId}, and is not approved.`,
    `aws s3 cp /tmp/article.txt s3://${p.bucket}/from-data-user-keys.txt ${s3}`,
    ...approved,
    `# 3. The perimeter itself:`,
    `aws ec2 describe-vpc-endpoints --region ${p.region} --vpc-endpoint-ids ${p.endpointId} --query "VpcEndpoints[0].PolicyDocument" --output text`,
    `# Limits: only S3 traffic through this endpoint is capped. Buckets in other regions are reached through the`,
    `# NAT gateway, and other services or hosts can carry data out too: pair it with egress filtering.`,
  ].join("\n");
  return { article, defence };
}
