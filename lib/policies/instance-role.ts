import { policy, serviceTrustPolicy, type PolicyDocument } from "./document";

/** Trust policy letting EC2 assume a role for an instance profile. */
export function ec2TrustPolicy(): PolicyDocument {
  return serviceTrustPolicy("ec2.amazonaws.com", "Ec2AssumesInstanceRole");
}

/**
 * The instance role's S3 access as the article grants it: list every bucket, read and write objects in
 * any bucket. Broad on purpose: the cross-account demonstration needs a role that IAM in its own account
 * does not stop, so that what stops it (the bucket owner's policy, the VPC endpoint policy) is visible.
 * The Sid is the key under which policy lint records this reason.
 */
export function articleInstanceS3Policy(): PolicyDocument {
  return policy(
    {
      Sid: "ListAllBuckets",
      Effect: "Allow",
      Action: "s3:ListAllMyBuckets",
      Resource: "*",
    },
    {
      Sid: "ArticleS3ReadWriteAnyBucket",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
      Resource: "*",
    },
  );
}

/** AWS managed policy that lets the SSM agent register the instance and carry sessions. */
export const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
