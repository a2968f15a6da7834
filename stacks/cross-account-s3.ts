import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { dnsFirewallOn } from "../lib/config";
import { LockedBucket } from "../lib/constructs/locked-bucket";
import type { PrivateInstance } from "../lib/constructs/private-instance";
import type { NetworkPlacement } from "../lib/constructs/network-placement";
import { crossAccountBucketGrants } from "../lib/policies/cross-account";
import { GuardrailsStack } from "../lib/stack/guardrails-stack";
import {
  warnExistingSessionPreferences,
  workloadInstance,
  workloadNetwork,
  type WorkloadStackProps,
} from "../lib/stack/workload";
import { crossAccountWalkthrough } from "../lib/walkthrough/cross-account-s3";

/** Provider alias of the data account (A); the workload account (B) is the stack's default provider. */
export const DATA_PROVIDER_ALIAS = "data";

/**
 * Stack `cross-account-s3` (data account A + workload account B): shows that whose credentials are used,
 * not where the code runs, decides whether an S3 request is cross-account, and how B's S3 gateway
 * endpoint policy stops B's data from leaving for buckets B has not approved, whatever the credentials.
 *
 * - A (provider alias `data`): an IAM user with no IAM policies, and a locked bucket whose policy grants
 *   that user `s3:*`; optionally an access key for it (opt-in: a long-lived secret).
 * - B (default provider): a private instance whose role may read and write any bucket (as in the
 *   article) but the evidence and state buckets (explicit denies, as for every instance role), in a
 *   fully private network (no NAT or internet gateway; Session Manager through interface
 *   endpoints) whose S3 endpoint policy is the data perimeter, and whose only HTTPS egress is that
 *   endpoint and the interface endpoints.
 */
export class CrossAccountS3Stack extends GuardrailsStack {
  /** The data account's provider (alias `data`); the workload account's is the default `provider`. */
  readonly dataProvider: AwsProvider;
  readonly dataUser: IamUser;
  readonly dataBucket: LockedBucket;
  readonly network: NetworkPlacement;
  readonly workload: PrivateInstance;
  readonly accessKey?: IamAccessKey;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props, "workload");
    const { config } = this;
    const { region } = config;
    const settings = config.crossAccount;
    const dataAccount = config.accounts.data;

    // Two providers, each pinned to its account: a plan with A's credentials in B's slot (or the
    // reverse) fails before it changes anything. Every resource in A passes `provider` explicitly.
    // Both reach their accounts from one set of credentials as `credentials` says (see wayIn): two
    // accounts cannot share ambient credentials, so one of the two always goes through a role.
    this.dataProvider = this.providerFor("DataAws", "data", { alias: DATA_PROVIDER_ALIAS });
    const provider = this.dataProvider;

    // ---- Workload account B ----------------------------------------------------------------------
    this.network = workloadNetwork(this, "Network", {
      name: "cross-account-workload",
      cidr: settings.vpcCidr,
      // Always fully private, whatever `network.natGateways` says: this stack's point is the S3
      // endpoint's defence, and a NAT would be a way around it (S3 of another region, or any S3
      // hostname, is reached through the NAT and never meets the endpoint policy). Session Manager, the
      // only way in, reaches its services through interface endpoints instead.
      natGateways: "none",
      // The defence: through this endpoint only B's principals reach B's own buckets and the approved
      // buckets (each while its configured owner owns it); any other credentials (A's stolen keys, or an
      // approved bucket's owner's) may only read the AWS-owned buckets the OS and SSM agent need.
      allowedBuckets: settings.approvedBuckets,
      // In a shared existing VPC, private-access owns the S3 and interface endpoints (one per VPC).
      sharedVpc: { role: "tenant", owner: "private-access" },
    });
    this.workload = workloadInstance(this, "Workload", this.network, {
      name: "cross-account-workload",
      // Its role may read and write any bucket, as in the article: IAM in B does not stop it, so what
      // does (A's bucket policy, B's endpoint policy) is visible. The explicit denies every instance
      // role carries (trail, session transcripts, state) are the one exception, and touch no bucket of
      // the demo.
      s3Access: { kind: "article" },
      // HTTPS only to the S3 gateway endpoint and the interface endpoints: no other path to S3.
      egress: "closed",
      // Logged sessions: the log group and key through the logs/kms interface endpoints, transcripts
      // to S3 through the gateway endpoint, whose policy lets the workload account's own bucket pass.
      sessionLogging: props.sessionLogging,
    });
    warnExistingSessionPreferences(this);

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
    const s3Endpoint = this.network.s3Endpoint;
    if (s3Endpoint) {
      new TerraformOutput(this, "S3EndpointId", {
        value: s3Endpoint.id,
        description: "B's S3 gateway endpoint: the data perimeter",
      });
    }

    const steps = crossAccountWalkthrough({
      region,
      bucket,
      instanceId,
      roleName: this.workload.role.name,
      // In a shared existing VPC the endpoint is private-access's: found by VPC and service instead.
      endpointId: s3Endpoint?.id,
      vpcId: this.network.vpcId,
      workloadAccountId: this.account.id,
      dataAccountId: dataAccount.id,
      userName: settings.userName,
      accessKeyId: this.accessKey?.id,
      secretCommand: !settings.createAccessKey
        ? undefined
        : settings.pgpKey !== undefined
          ? "terraform output -raw DataUserEncryptedSecretAccessKey | base64 -d | gpg --decrypt"
          : "terraform output -raw DataUserSecretAccessKey",
      approvedBucket: settings.approvedBuckets[0]?.bucket,
      roleGranted: settings.grantWorkloadRole,
      // This stack's network never has a NAT; in a shared existing VPC the owner's firewall is the VPC's.
      dnsFirewall: dnsFirewallOn(config.network, "none"),
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
