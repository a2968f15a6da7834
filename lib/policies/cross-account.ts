import type { PolicyStatement } from "./document";
import { bucketAndObjectArns } from "./s3-bucket";

export interface CrossAccountBucketGrantsProps {
  /** ARN of the data account's bucket. */
  readonly bucketArn: string;
  /** ARN of the data account's IAM user, which has no IAM policies of its own. */
  readonly dataUserArn: string;
  /**
   * ARN of the workload account's instance role, to grant it the proper cross-account way.
   * @default - no grant: the role gets AccessDenied, which is what the demonstration starts from
   */
  readonly workloadRoleArn?: string;
}

/**
 * The data user's access, granted by the bucket alone. Same-account access needs an allow in the
 * principal's policy or the resource's policy, so this statement is enough for the user although it
 * has no IAM policy at all.
 */
export function dataUserBucketGrant(bucketArn: string, dataUserArn: string): PolicyStatement {
  return {
    Sid: "DataAccountUserFullAccess",
    Effect: "Allow",
    Principal: { AWS: dataUserArn },
    Action: "s3:*",
    Resource: bucketAndObjectArns(bucketArn),
  };
}

/**
 * The proper cross-account pattern: the bucket owner names the other account's role, and only for what
 * that role's own policy allows (list, read, write). A cross-account request needs both allows; the
 * role's identity policy in the workload account is the other half.
 */
export function workloadRoleBucketGrant(bucketArn: string, workloadRoleArn: string): PolicyStatement {
  return {
    Sid: "WorkloadRoleCrossAccountAccess",
    Effect: "Allow",
    Principal: { AWS: workloadRoleArn },
    Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
    Resource: bucketAndObjectArns(bucketArn),
  };
}

/** The grants of the data bucket's policy (after the TLS-only deny LockedBucket puts first). */
export function crossAccountBucketGrants(props: CrossAccountBucketGrantsProps): PolicyStatement[] {
  const grants = [dataUserBucketGrant(props.bucketArn, props.dataUserArn)];
  if (props.workloadRoleArn !== undefined) grants.push(workloadRoleBucketGrant(props.bucketArn, props.workloadRoleArn));
  return grants;
}
