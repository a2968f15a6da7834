/**
 * The network and instance that private-access and cross-account-s3 both build (lib/stack/workload.ts),
 * checked once for each of the two stacks.
 */
import { onlyResource, parsePolicy, statement, synthCached, testConfig } from "../helpers";
import { stackUnderTest } from "../helpers/stack-test";

/** Each stack with its instance's construct id. */
const WORKLOAD_STACKS = [
  ["private-access", "Target"],
  ["cross-account-s3", "Workload"],
] as const;

describe.each(WORKLOAD_STACKS)("%s workload", (id, instanceId) => {
  const stack = stackUnderTest(id);
  const instance = stack.only("aws_instance");

  test("the S3 endpoint is a gateway endpoint for the region's S3 on both private route tables", () => {
    const endpoint = stack.named("aws_vpc_endpoint", "Network_S3GatewayEndpoint");
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.eu-west-1.s3" });
    expect(endpoint.route_table_ids).toEqual([
      stack.ref("aws_route_table", "Network_PrivateRouteTable1", "id"),
      stack.ref("aws_route_table", "Network_PrivateRouteTable2", "id"),
    ]);
  });

  test("the flow log role is trusted by VPC Flow Logs of this account's flow logs only and writes only to the network's flow log group", () => {
    const role = stack.named("aws_iam_role", "Network_FlowLogRole");
    // Without the conditions VPC Flow Logs would assume the role for any account's flow log that names
    // it (the confused deputy).
    expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "VpcFlowLogsOfThisAccountOnly",
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:111111111111:vpc-flow-log/*" },
        },
      },
    ]);
    const rolePolicy = stack.named("aws_iam_role_policy", "Network_FlowLogRolePolicy");
    expect(rolePolicy.role).toBe(stack.ref("aws_iam_role", "Network_FlowLogRole", "id"));
    expect(parsePolicy(rolePolicy.policy).Statement).toEqual([
      {
        Sid: "WriteFlowLogRecords",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: `${stack.ref("aws_cloudwatch_log_group", "Network_FlowLogGroup", "arn")}:*`,
      },
    ]);
    expect(stack.only("aws_flow_log").iam_role_arn).toBe(stack.ref("aws_iam_role", "Network_FlowLogRole", "arn"));
  });

  test("the instance runs in the first private subnet with no public address, no key pair, IMDSv2 only and an encrypted root volume", () => {
    expect(instance.subnet_id).toBe(stack.ref("aws_subnet", "Network_PrivateSubnet1", "id"));
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance).not.toHaveProperty("key_name");
    expect(instance.metadata_options).toMatchObject({ http_tokens: "required", http_endpoint: "enabled" });
    expect(instance.root_block_device).toMatchObject({ encrypted: true });
  });

  test("the instance role is for EC2, with Session Manager core and its stack's S3 access", () => {
    const role = stack.named("aws_iam_role", `${instanceId}_Role`);
    expect(statement(parsePolicy(role.assume_role_policy), "Ec2AssumesInstanceRole")).toMatchObject({
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    expect(stack.named("aws_iam_role_policy_attachment", `${instanceId}_SsmCore`).policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    const s3 = stack.policyOf("aws_iam_role_policy", `${instanceId}_S3Access`);
    if (id === "cross-account-s3") {
      // The demonstration needs a role its own account does not stop (but the evidence stays denied).
      expect(statement(s3, "ListAllBuckets")).toMatchObject({ Action: "s3:ListAllMyBuckets", Resource: "*" });
      expect(statement(s3, "ArticleS3ReadWriteAnyBucket")).toMatchObject({
        Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
        Resource: "*",
      });
      expect(statement(s3, "DenyTrailAndStateBuckets")).toMatchObject({ Effect: "Deny", Action: "s3:*" });
    } else {
      // privateAccess.instanceS3Access "named" by default: no bucket of the account but the named ones.
      expect(s3.Statement.map((s) => s.Sid)).toEqual(["ReadAwsOwnedAgentBuckets", "DenyTrailAndStateBuckets"]);
      expect(statement(s3, "ReadAwsOwnedAgentBuckets")).toMatchObject({ Action: "s3:GetObject" });
    }
    expect(instance.iam_instance_profile).toBe(
      stack.ref("aws_iam_instance_profile", `${instanceId}_InstanceProfile`, "name"),
    );
  });

  test("the image comes from the Amazon Linux 2023 SSM parameter, read in the workload account, unless instance.amiId is set", () => {
    expect(instance.ami).toBe("${data.aws_ssm_parameter.Al2023Ami.insecure_value}");
    const parameter = stack.data?.aws_ssm_parameter?.Al2023Ami;
    expect(parameter?.name).toBe("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    expect(parameter).not.toHaveProperty("provider");
    const pinned = stackUnderTest(id, { config: testConfig({ instance: { amiId: "ami-0abcdef1234567890" } }) });
    expect(pinned.only("aws_instance").ami).toBe("ami-0abcdef1234567890");
    expect(pinned.data?.aws_ssm_parameter).toBeUndefined();
  });

  test("offline, every provider uses dummy credentials and skips every AWS call, and the image is a placeholder with a warning", () => {
    const result = synthCached({ offline: true });
    const offline = result.stacks[id];
    expect(offline.provider?.aws.length).toBeGreaterThan(0);
    for (const provider of offline.provider?.aws ?? []) {
      expect(provider).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
      });
      expect(provider).not.toHaveProperty("allowed_account_ids");
    }
    expect(offline.data?.aws_ssm_parameter).toBeUndefined();
    expect(onlyResource(offline, "aws_instance").ami).toBe("ami-00000000000000000");
    expect(result.annotations[id].map((a) => a.message)).toContainEqual(
      expect.stringContaining("Offline mode: AMI lookup"),
    );
  });
});
