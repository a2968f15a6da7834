import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { ObjectLockSettings } from "../config";
import { toPolicyJson, type PolicyStatement } from "../policies/document";
import { lockedBucketPolicy } from "../policies/s3-bucket";

export interface LockedBucketProps {
  /**
   * Prefix of the bucket name; Terraform appends a unique suffix so names never collide globally.
   */
  readonly bucketPrefix: string;
  /**
   * Statements added after the TLS-only deny, built with the bucket's ARN.
   * @default - no grants: only the owning account's identity policies reach the bucket
   */
  readonly grants?: (bucketArn: string) => PolicyStatement[];
  /**
   * KMS key for default encryption.
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /**
   * Let `terraform destroy` delete a bucket that still holds objects (demo buckets only).
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Make Terraform refuse any plan that would destroy the bucket or a resource holding its protection
   * (public access block, ownership controls, encryption, versioning, policy): `lifecycle {
   * prevent_destroy = true }` on each. For buckets that hold evidence. A destroy plan that includes one of
   * them fails at plan time, before anything is deleted; a `-target`ed destroy of the policy or the
   * encryption fails the same way instead of stripping the bucket's locks. Cannot be combined with
   * `forceDestroy`.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Resources the bucket is created after and, what matters, destroyed before (Terraform destroys
   * dependants first): the key that encrypts it, so that a destroy stopping at a bucket that still holds
   * objects has not yet scheduled the key's deletion.
   * @default - none besides what the bucket's arguments reference
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * S3 Object Lock default retention: every new object version is kept, unchanged, for
   * `retentionDays` in `mode`. Set by an `aws_s3_bucket_object_lock_configuration` (ObjectLock) after
   * versioning, never by `object_lock_enabled` on the bucket, which forces the bucket's replacement in
   * provider 5.x (an existing evidence bucket would be destroyed, or with preventDestroy the plan
   * refuses): AWS enables Object Lock on an existing versioned bucket with PutObjectLockConfiguration,
   * which this resource calls. Irreversible: Object Lock and versioning can never be turned off again.
   * @default - no Object Lock
   */
  readonly objectLock?: ObjectLockSettings;
  /**
   * Provider to create the bucket with, for stacks that span two accounts.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An S3 bucket with every public path closed: public access block (all four), bucket-owner-enforced
 * ownership (no ACLs), default encryption, versioning, and a policy that denies non-TLS requests.
 */
export class LockedBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LockedBucketProps) {
    super(scope, id);
    const provider = props.provider;
    const preventDestroy = props.preventDestroy ?? false;
    if (preventDestroy && props.forceDestroy) {
      throw new Error(
        `LockedBucket ${this.node.path}: preventDestroy and forceDestroy contradict each other; a bucket kept for evidence is never emptied by destroy. Set at most one of them.`,
      );
    }
    // Only when asked: an absent lifecycle block leaves the other stacks' JSON as it was.
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;

    this.bucket = new S3Bucket(this, "Bucket", {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle,
      dependsOn: props.dependsOn,
      provider,
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      lifecycle,
      provider,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      lifecycle,
      provider,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
      lifecycle,
      provider,
    });
    const versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
      lifecycle,
      provider,
    });
    if (props.objectLock) {
      // "You can enable Object Lock for new or existing buckets" (S3 API Reference,
      // PutObjectLockConfiguration); versioning must be on first (S3 User Guide, "Configuring S3 Object
      // Lock"). The resource enables it for new and existing buckets alike:
      // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_object_lock_configuration
      new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.retentionDays } },
        dependsOn: [versioning],
        lifecycle,
        provider,
      });
    }
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: toPolicyJson(lockedBucketPolicy(this.bucket.arn, props.grants?.(this.bucket.arn) ?? [])),
      // S3 rejects a policy put while the public access block is still being applied.
      dependsOn: [publicAccessBlock],
      lifecycle,
      provider,
    });
  }
}
