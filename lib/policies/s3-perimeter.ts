import { assertPolicySize, policy, POLICY_SIZE_LIMITS, type PolicyDocument, type PolicyStatement } from "./document";

export interface S3ResourcePerimeterScpProps {
  /** The organization whose buckets are inside the perimeter (`o-…`). */
  readonly organizationId: string;
  /**
   * Accounts outside the organization whose buckets are trusted as well (a vendor, a partner).
   * @default - none: only the organization's buckets and the AWS-owned buckets below
   */
  readonly approvedAccountIds?: readonly string[];
  /** Region of the workloads: the AWS-owned buckets the agent and package manager read are regional. */
  readonly region: string;
}

/**
 * Buckets AWS owns that an instance in `region` reads with its own (signed) credentials once S3 goes
 * through a VPC endpoint: the Amazon Linux 2023 repositories and the SSM agent's buckets. Exact names, no
 * wildcards: a wildcard such as `amazon-ssm-*` would let anyone who creates a bucket of a matching name
 * (bucket names are global and first come, first served) receive data through the exception.
 * Sources: Systems Manager User Guide, "SSM Agent communications with AWS managed S3 buckets" (agent
 * updates, documents, Distributor, patching buckets) and "Reference: Amazon S3 buckets for patching
 * operations"; Amazon Linux 2023 User Guide (repositories served from `al2023-repos-<region>-de612dc2`).
 * These buckets are public and the agent reads them over plain HTTP by default (unsigned, so no SCP
 * applies); through an S3 endpoint it signs with the instance role, and then the SCP must let it read.
 */
export function awsOwnedReadBuckets(region: string): string[] {
  return [
    `al2023-repos-${region}-de612dc2`,
    `amazon-ssm-${region}`,
    `aws-ssm-${region}`,
    `aws-ssm-distributor-file-${region}`,
    `amazon-ssm-packages-${region}`,
    `${region}-birdwatcher-prod`,
    `patch-baseline-snapshot-${region}`,
    `aws-ssm-document-attachments-${region}`,
  ];
}

/** Read actions the AWS-owned buckets are exempt for; everything else on them stays denied. */
export const AWS_OWNED_BUCKET_READ_ACTIONS = ["s3:GetObject", "s3:ListBucket"] as const;

const bucketAndObjects = (bucket: string) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];

/**
 * The organization-level S3 resource perimeter: a service control policy that denies every S3 request
 * by the organization's principals to a bucket outside the organization (`aws:ResourceOrgID`) unless its
 * account is approved (`aws:ResourceAccount`). It is a principal-side control, so it holds on every
 * network path (NAT, internet gateway, another region's S3, another VPC), which the gateway endpoint
 * policy of private-access cannot: that one caps only traffic through its own endpoint.
 *
 * Shape after AWS's data perimeter examples (aws-samples/data-perimeter-policy-examples,
 * service_control_policies/resource_perimeter_scp.json, Sid EnforceResourcePerimeterAWSResources and
 * EnforceResourcePerimeterThirdPartyResources), narrowed to S3:
 * - `StringNotEqualsIfExists` with both keys in one block: the keys are ANDed, so the deny applies only
 *   when the bucket is neither in the organization nor in an approved account.
 * - `BoolIfExists aws:PrincipalIsAWSService = false`: a request an AWS service makes with its own service
 *   principal (CloudTrail writing logs, S3 replication) is never denied. SCPs do not govern service
 *   principals at all; the condition keeps the statement correct if it is ever reused as a resource
 *   control policy, where AWS's examples carry the same exception.
 * - The AWS-owned buckets the SSM agent and dnf read are exempt for reads only (second statement).
 * Like every SCP, it never restricts the management account or service-linked roles.
 */
export function s3ResourcePerimeterScp(props: S3ResourcePerimeterScpProps): PolicyDocument {
  const approved = props.approvedAccountIds ?? [];
  const awsOwned = awsOwnedReadBuckets(props.region).flatMap(bucketAndObjects);
  const outsidePerimeter = {
    StringNotEqualsIfExists: {
      "aws:ResourceOrgID": props.organizationId,
      ...(approved.length > 0 ? { "aws:ResourceAccount": [...approved] } : {}),
    },
    BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
  };
  const statements: PolicyStatement[] = [
    {
      Sid: "EnforceS3ResourcePerimeter",
      Effect: "Deny",
      Action: "s3:*",
      NotResource: awsOwned,
      Condition: outsidePerimeter,
    },
    {
      // The AWS-owned buckets: reading them is what the agent and package manager need; writing to
      // them is never needed, so it is denied like any bucket outside the perimeter.
      Sid: "EnforceS3ResourcePerimeterAwsOwnedBucketsReadOnly",
      Effect: "Deny",
      NotAction: [...AWS_OWNED_BUCKET_READ_ACTIONS],
      Resource: awsOwned,
      Condition: outsidePerimeter,
    },
  ];
  const document = policy(...statements);
  assertPolicySize(
    document,
    POLICY_SIZE_LIMITS.scp,
    (size) =>
      `Invalid orgPerimeter.approvedAccountIds (${approved.length} accounts): the S3 perimeter SCP would be ${size} characters and AWS accepts at most ${POLICY_SIZE_LIMITS.scp}. Approve fewer accounts or move them into the organization.`,
  );
  return document;
}
