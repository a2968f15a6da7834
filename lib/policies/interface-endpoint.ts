import { assertPolicySize, policy, POLICY_SIZE_LIMITS, type PolicyDocument, type PolicyStatement } from "./document";

/**
 * The services the project reaches through interface endpoints: Session Manager's three, plus CloudWatch
 * Logs and KMS for logged, encrypted sessions (SPEC §6, "Session Manager without NAT").
 */
export const INTERFACE_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs", "kms"] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/**
 * What an endpoint policy can pin, per service. Every one of these services accepts an endpoint policy:
 * the PrivateLink Guide's table of integrated services ("AWS services that integrate with AWS
 * PrivateLink", VPC endpoint policies column; awsdocs/amazon-vpc-user-guide
 * doc_source/integrated-services-vpce-list.md) marks AWS Systems Manager, Amazon CloudWatch Logs and AWS
 * KMS "Yes", linking to each service's page: Systems Manager "Create an interface VPC endpoint policy"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html#sysman-endpoint-policies,
 * the same page that names `ssm`, `ssmmessages` and `ec2messages` as Systems Manager's endpoints; release
 * history: "Systems Manager now supports VPC endpoint policies", 2020-11-18),
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html#CloudWatchLogs-VPC-endpoint-policy
 * and https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html#vpce-policy.
 *
 * `resources` says whether the service's actions name resources (Service Authorization Reference):
 * `ssmmessages` and `ec2messages` define no resource type at all, so no request through them carries a
 * resource owner and only the caller's account can be pinned. `ssm`, `logs` and `kms` name parameters,
 * documents, instances, log groups and keys, whose owner `aws:ResourceAccount` gives ("included in the
 * request context for most service actions"; none of the three is among the exceptions, IAM User Guide
 * "AWS global condition context keys", aws:ResourceAccount).
 */
const SERVICES: Readonly<Record<InterfaceEndpointService, { readonly resources: boolean }>> = {
  ssm: { resources: true },
  ssmmessages: { resources: false },
  ec2messages: { resources: false },
  logs: { resources: true },
  kms: { resources: true },
};

export interface InterfaceEndpointPolicyProps {
  /** The service behind the endpoint (`com.amazonaws.<region>.<service>`). */
  readonly service: InterfaceEndpointService;
  /** Region of the endpoint: AWS-owned Systems Manager documents and parameters are regional. */
  readonly region: string;
  /** The workload account: only its principals, and where the service names resources only its resources, pass. */
  readonly ownAccountId: string;
}

/**
 * The endpoint policy of one interface endpoint. Like the S3 data perimeter it grants nothing by itself;
 * it caps what any credentials can do through this VPC's private path to the service, where AWS's
 * default policy lets anything through (another account's keys writing to that account's log group,
 * parameter or key, or streaming a session to it):
 * - the workload account's principals only (`aws:PrincipalAccount`, present in every request). The SSM
 *   agent calls with the instance role, a role of the workload account (with Default Host Management
 *   Configuration its role and the instance's identity credentials are the workload account's too);
 *   operators start sessions from their own machines, through the public endpoints, not through these.
 * - for `ssm`, `logs` and `kms`, only resources of the workload account (`aws:ResourceAccount`), with
 *   `StringEqualsIfExists`: an action with no resource type (`logs:DescribeLogGroups`, which the agent
 *   calls before streaming a session; `ssm:GetManifest`, `ssm:PutInventory`) acts in the caller's own
 *   account, and a strict `StringEquals` would refuse it if the key is absent; wherever a resource has an
 *   owner, the key is present and must be the workload account. AWS's own resource perimeter SCP pins
 *   `aws:ResourceOrgID` the same way (`StringNotEqualsIfExists`, aws-samples/data-perimeter-policy-examples
 *   service_control_policies/resource_perimeter_scp.json).
 * - for `ssm`, reads of the AWS-owned documents and public parameters of the region (their ARNs carry no
 *   account: `arn:aws:ssm:<region>::document/*`), which the agent reads for associations and scripts read
 *   for AMI ids; as in AWS's SSM endpoint policy example (same repository,
 *   vpc_endpoint_policies/ssm_endpoint_policy.json), read actions only.
 *
 * The own-account statement pins the account, not `orgPerimeter.organizationId`, as the S3 perimeter does:
 * every instance behind these endpoints belongs to the workload account.
 */
export function interfaceEndpointPolicy(props: InterfaceEndpointPolicyProps): PolicyDocument {
  const { service, ownAccountId } = props;
  const ownPrincipals = { "aws:PrincipalAccount": ownAccountId };
  const statements: PolicyStatement[] = [
    SERVICES[service].resources
      ? {
          Sid: "OwnAccountPrincipalsAndResources",
          Effect: "Allow",
          Principal: "*",
          Action: `${service}:*`,
          Resource: "*",
          Condition: {
            StringEquals: ownPrincipals,
            StringEqualsIfExists: { "aws:ResourceAccount": ownAccountId },
          },
        }
      : {
          Sid: "OwnAccountPrincipals",
          Effect: "Allow",
          Principal: "*",
          Action: `${service}:*`,
          Resource: "*",
          Condition: { StringEquals: ownPrincipals },
        },
  ];
  if (service === "ssm") {
    statements.push({
      Sid: "OwnAccountPrincipalsReadAwsOwnedSsm",
      Effect: "Allow",
      Principal: "*",
      Action: ["ssm:Describe*", "ssm:Get*", "ssm:List*"],
      Resource: [`arn:aws:ssm:${props.region}::document/*`, `arn:aws:ssm:${props.region}::parameter/aws/*`],
      Condition: { StringEquals: ownPrincipals },
    });
  }
  const document = policy(...statements);
  assertPolicySize(document, POLICY_SIZE_LIMITS.vpcEndpoint, `The ${service} endpoint policy`);
  return document;
}
