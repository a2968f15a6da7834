import {
  asList,
  onlyResource,
  parsePolicy,
  refTo,
  resourceNamed,
  resourcesOf,
  stackJson,
  statement,
  synthApp,
  testConfig,
  type Block,
  type TfJson,
} from "../helpers";

const stack = stackJson("private-access");

const subnets = (tier: "public" | "private") =>
  Object.values(resourcesOf(stack, "aws_subnet")).filter((s) => (s.tags as Record<string, string>).Tier === tier);

describe("private-access network", () => {
  test("the VPC uses the configured CIDR with DNS support for private endpoints", () => {
    expect(onlyResource(stack, "aws_vpc")).toMatchObject({
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  test.each(["public", "private"] as const)("has one %s subnet in each of the first two zones the lookup finds, by zone ID", (tier) => {
    const found = subnets(tier);
    const zones = (i: number) => `\${element(data.aws_availability_zones.${Object.keys(stack.data?.aws_availability_zones ?? {})[0]}.zone_ids, ${i})}`;
    expect(found.map((s) => s.availability_zone_id).sort()).toEqual([zones(0), zones(1)]);
    // A zone name maps to a different physical zone in each account: never used.
    for (const subnet of found) expect(subnet).not.toHaveProperty("availability_zone");
    // Numbered names: a looked-up zone is not known before plan.
    expect(found.map((s) => s.tags)).toContainEqual({ Name: `${tier}-1`, Tier: tier });
    // A later lookup listing another zone first must not replace subnets (and all they hold).
    for (const subnet of found) expect(subnet.lifecycle).toEqual({ ignore_changes: ["availability_zone_id"] });
  });

  test("looks zones up among the available, opt-in-free zones, without constrained or excluded ones, and needs two", () => {
    const lookup = (config: Parameters<typeof testConfig>[0]) =>
      Object.values(resourcesOf({ resource: synthApp({ config: testConfig(config) }).stacks["private-access"].data } as TfJson, "aws_availability_zones"));
    const [euWest] = lookup({});
    expect(euWest).toMatchObject({
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      exclude_zone_ids: [],
    });
    expect((euWest.lifecycle as Block).postcondition).toEqual([
      expect.objectContaining({ condition: "${length(self.zone_ids) >= 2}" }),
    ]);
    const [tokyo] = lookup({ region: "ap-northeast-1", network: { excludeZoneIds: ["apne1-az2"] } });
    expect(tokyo.exclude_zone_ids).toEqual(["apne1-az3", "apne1-az2"]);
    const [virginia] = lookup({ region: "us-east-1" });
    expect(virginia.exclude_zone_ids).toEqual(["use1-az3"]);
  });

  test("pinned zone IDs are used as given, with no lookup", () => {
    const pinned = synthApp({
      config: testConfig({ region: "ap-northeast-1", network: { availabilityZoneIds: ["apne1-az4", "apne1-az1"] } }),
    }).stacks["private-access"];
    const ids = (tier: "public" | "private") =>
      Object.entries(resourcesOf(pinned, "aws_subnet"))
        .filter(([, s]) => (s.tags as Record<string, string>).Tier === tier)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, s]) => s.availability_zone_id);
    expect(ids("public")).toEqual(["apne1-az4", "apne1-az1"]);
    expect(ids("private")).toEqual(["apne1-az4", "apne1-az1"]);
    // Pinned zones are followed: changing the pin moves the subnets.
    for (const subnet of Object.values(resourcesOf(pinned, "aws_subnet"))) expect(subnet).not.toHaveProperty("lifecycle");
    expect(pinned.data?.aws_availability_zones).toBeUndefined();
  });

  test("offline, pinned zones are planned as given and unpinned ones get a placeholder with a warning", () => {
    const offline = synthApp({ offline: true });
    const zoneIds = Object.values(resourcesOf(offline.stacks["private-access"], "aws_subnet")).map((s) => s.availability_zone_id);
    expect([...new Set(zoneIds)].sort()).toEqual(["euw1-az1", "euw1-az2"]);
    expect(offline.stacks["private-access"].data?.aws_availability_zones).toBeUndefined();
    expect(offline.annotations["private-access"]).toContainEqual(
      expect.objectContaining({ level: "@cdktf/warn", message: expect.stringContaining("zone lookup skipped, placeholder zones euw1-az1, euw1-az2") }),
    );
    const pinned = synthApp({ offline: true, config: testConfig({ network: { availabilityZoneIds: ["euw1-az3", "euw1-az2"] } }) });
    const pinnedIds = Object.values(resourcesOf(pinned.stacks["private-access"], "aws_subnet")).map((s) => s.availability_zone_id);
    expect([...new Set(pinnedIds)].sort()).toEqual(["euw1-az2", "euw1-az3"]);
    expect(pinned.annotations["private-access"].map((a) => a.message)).not.toContainEqual(expect.stringContaining("zone lookup"));
  });

  test("no subnet hands out public addresses on launch", () => {
    for (const subnet of Object.values(resourcesOf(stack, "aws_subnet"))) {
      expect(subnet.map_public_ip_on_launch).toBe(false);
    }
  });

  test("private subnets are /20 blocks in the upper half of the VPC", () => {
    expect(subnets("private").map((s) => s.cidr_block).sort()).toEqual(["10.0.128.0/20", "10.0.144.0/20"]);
  });

  test("public subnets route to the internet gateway, private subnets to the NAT gateway", () => {
    const routes = Object.values(resourcesOf(stack, "aws_route"));
    const igw = refTo(stack, "aws_internet_gateway", "Network_InternetGateway", "id");
    const nat = refTo(stack, "aws_nat_gateway", "Network_NatGateway1", "id");
    expect(routes.filter((r) => r.gateway_id === igw)).toHaveLength(1);
    expect(routes.filter((r) => r.nat_gateway_id === nat)).toHaveLength(2);
    expect(routes.every((r) => r.destination_cidr_block === "0.0.0.0/0")).toBe(true);
  });

  test.each([
    ["none", 0, 0],
    ["single", 1, 2],
    ["per-az", 2, 2],
  ] as const)("natGateways %s creates %i NAT gateways and %i private default routes", (mode, gateways, routes) => {
    const synth = synthApp({ config: testConfig({ network: { natGateways: mode } }) }).stacks["private-access"];
    expect(Object.keys(resourcesOf(synth, "aws_nat_gateway"))).toHaveLength(gateways);
    expect(Object.keys(resourcesOf(synth, "aws_eip"))).toHaveLength(gateways);
    const privateRoutes = Object.values(resourcesOf(synth, "aws_route")).filter((r) => r.nat_gateway_id);
    expect(privateRoutes).toHaveLength(routes);
  });

  test("the default security group is emptied of rules", () => {
    const sg = onlyResource(stack, "aws_default_security_group");
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  test("VPC flow logs record all traffic to CloudWatch Logs with the configured retention", () => {
    expect(onlyResource(stack, "aws_flow_log")).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    expect(onlyResource(stack, "aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });
});

describe("private-access S3 gateway endpoint", () => {
  const endpoint = onlyResource(stack, "aws_vpc_endpoint");
  const doc = parsePolicy(endpoint.policy);

  test("is a gateway endpoint for the region's S3 on the private route tables", () => {
    expect(endpoint).toMatchObject({ vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.eu-west-1.s3" });
    expect(asList(endpoint.route_table_ids as string[])).toHaveLength(2);
  });

  test("allows the workload account's own buckets only through aws:ResourceAccount", () => {
    expect(statement(doc, "OwnAccountBuckets")).toEqual({
      Sid: "OwnAccountBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": ["111111111111"] } },
    });
  });

  test("allows read access to the AWS-owned buckets the OS and SSM agent need in the region", () => {
    const resources = asList(statement(doc, "AwsOwnedRepositoryAndAgentBuckets").Resource);
    for (const bucket of [
      "al2023-repos-eu-west-1-*",
      "amazon-ssm-eu-west-1",
      "aws-ssm-eu-west-1",
      "amazon-ssm-packages-eu-west-1",
      "eu-west-1-birdwatcher-prod",
      "patch-baseline-snapshot-eu-west-1",
      "aws-ssm-document-attachments-eu-west-1",
    ]) {
      expect(resources).toContain(`arn:aws:s3:::${bucket}/*`);
    }
    expect(asList(statement(doc, "AwsOwnedRepositoryAndAgentBuckets").Action)).toEqual(["s3:GetObject", "s3:ListBucket"]);
  });

  test("has no statement for other buckets unless an allow-list is configured", () => {
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["OwnAccountBuckets", "AwsOwnedRepositoryAndAgentBuckets"]);
    const configured = synthApp({ config: testConfig({ privateAccess: { allowedBuckets: ["partner-drop"] } }) });
    const allowList = parsePolicy(onlyResource(configured.stacks["private-access"], "aws_vpc_endpoint").policy);
    expect(asList(statement(allowList, "ApprovedBuckets").Resource)).toEqual([
      "arn:aws:s3:::partner-drop",
      "arn:aws:s3:::partner-drop/*",
    ]);
  });

  test("stays within the 20,480-character endpoint policy limit", () => {
    expect((endpoint.policy as string).length).toBeLessThanOrEqual(20480);
  });
});

describe("private-access EC2 Instance Connect Endpoint", () => {
  const eice = onlyResource(stack, "aws_ec2_instance_connect_endpoint");
  const endpointSg = refTo(stack, "aws_security_group", "EndpointSecurityGroup", "id");
  const instanceSg = refTo(stack, "aws_security_group", "Target_SecurityGroup", "id");

  test("sits in the first private subnet with its own security group", () => {
    expect(eice.subnet_id).toBe(refTo(stack, "aws_subnet", "Network_PrivateSubnet1", "id"));
    expect(eice.security_group_ids).toEqual([endpointSg]);
  });

  test("sets preserve_client_ip explicitly to false", () => {
    expect(eice).toHaveProperty("preserve_client_ip", false);
  });

  test("the endpoint security group reaches only the instance security group on port 22", () => {
    const egress = Object.values(resourcesOf(stack, "aws_vpc_security_group_egress_rule")).filter(
      (r) => r.security_group_id === endpointSg,
    );
    expect(egress).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", from_port: 22, to_port: 22, referenced_security_group_id: instanceSg }),
    ]);
    expect(egress[0]).not.toHaveProperty("cidr_ipv4");
  });

  test("the instance accepts port 22 only from the endpoint security group", () => {
    const ingress = Object.values(resourcesOf(stack, "aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({ security_group_id: instanceSg, from_port: 22, to_port: 22, referenced_security_group_id: endpointSg }),
    ]);
  });

  test("no security group anywhere admits traffic from 0.0.0.0/0 or ::/0", () => {
    for (const rule of Object.values(resourcesOf(stack, "aws_vpc_security_group_ingress_rule"))) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    for (const sg of Object.values(resourcesOf(stack, "aws_security_group"))) expect(sg.ingress ?? []).toEqual([]);
  });

  test("configured ports each get a matching pair of rules and appear in the tunnel policy", () => {
    const synth = synthApp({ config: testConfig({ eice: { ports: [22, 3389] } }) }).stacks["private-access"];
    const ports = (type: string) => Object.values(resourcesOf(synth, type)).map((r: Block) => r.from_port).sort();
    expect(ports("aws_vpc_security_group_ingress_rule")).toEqual([22, 3389]);
    const tunnel = statement(parsePolicy(resourceNamed(synth, "aws_iam_policy", "EiceOperatorPolicy").policy), "OpenTunnelToPrivateInstances");
    expect(tunnel.Condition?.NumericEquals).toEqual({ "ec2-instance-connect:remotePort": ["22", "3389"] });
  });
});

describe("private-access target instance", () => {
  const instance = onlyResource(stack, "aws_instance");

  test("runs in a private subnet without a public address or key pair", () => {
    expect(instance.subnet_id).toBe(refTo(stack, "aws_subnet", "Network_PrivateSubnet1", "id"));
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance).not.toHaveProperty("key_name");
  });

  test("requires IMDSv2 and encrypts its root volume", () => {
    expect(instance.metadata_options).toMatchObject({ http_tokens: "required", http_endpoint: "enabled" });
    expect(instance.root_block_device).toMatchObject({ encrypted: true });
  });

  test("carries the Project tag that Session Manager patterns match on", () => {
    expect(instance.tags).toMatchObject({ Project: "test" });
    const other = synthApp({ config: testConfig({ project: "payments" }) }).stacks["private-access"];
    expect(onlyResource(other, "aws_instance").tags).toMatchObject({ Project: "payments" });
  });

  test("takes its AMI from the Amazon Linux 2023 SSM parameter by default", () => {
    expect(instance.ami).toBe("${data.aws_ssm_parameter.Al2023Ami.insecure_value}");
    expect(onlyResource({ resource: stack.data } as TfJson, "aws_ssm_parameter").name).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
  });

  test("uses a configured AMI id without the parameter lookup, and checks its architecture at plan time", () => {
    const synth = synthApp({ config: testConfig({ instance: { type: "t4g.small", amiId: "ami-0abcdef1234567890" } }) }).stacks["private-access"];
    expect(onlyResource(synth, "aws_instance").ami).toBe("ami-0abcdef1234567890");
    expect(synth.data?.aws_ssm_parameter).toBeUndefined();
    const image = onlyResource({ resource: synth.data } as TfJson, "aws_ami");
    expect(image.filter).toEqual([{ name: "image-id", values: ["ami-0abcdef1234567890"] }]);
    expect((image.lifecycle as Block).postcondition).toEqual([
      expect.objectContaining({ condition: '${self.architecture == "arm64"}', error_message: expect.stringContaining("instance.type t4g.small") }),
    ]);
  });

  test("offline, a configured AMI id is used unchecked, with a warning that says so", () => {
    const result = synthApp({ offline: true, config: testConfig({ instance: { amiId: "ami-0abcdef1234567890" } }) });
    expect(result.stacks["private-access"].data?.aws_ami).toBeUndefined();
    expect(onlyResource(result.stacks["private-access"], "aws_instance").ami).toBe("ami-0abcdef1234567890");
    expect(result.annotations["private-access"].map((a) => a.message)).toContainEqual(
      expect.stringContaining("the architecture of instance.amiId ami-0abcdef1234567890 cannot be checked"),
    );
  });

  test.each([
    ["t3.micro", "al2023-ami-kernel-default-x86_64", true],
    ["t4g.micro", "al2023-ami-kernel-default-arm64", true],
    ["m7g.large", "al2023-ami-kernel-default-arm64", true],
    ["c7gn.xlarge", "al2023-ami-kernel-default-arm64", true],
    ["m6i.large", "al2023-ami-kernel-default-x86_64", true],
    ["t2.micro", "al2023-ami-kernel-default-x86_64", undefined],
    ["m3.medium", "al2023-ami-kernel-default-x86_64", undefined],
    ["m3.xlarge", "al2023-ami-kernel-default-x86_64", true],
  ])("%s reads the image from %s, ebs_optimized %s", (type, parameter, ebsOptimized) => {
    const synth = synthApp({ config: testConfig({ instance: { type } }) }).stacks["private-access"];
    expect(synth.data?.aws_ssm_parameter?.Al2023Ami.name).toBe(`/aws/service/ami-amazon-linux-latest/${parameter}`);
    const instance = onlyResource(synth, "aws_instance");
    expect(instance.instance_type).toBe(type);
    expect(instance.ebs_optimized).toBe(ebsOptimized);
  });

  test("has a role for EC2 with Session Manager core and the article's S3 access", () => {
    const role = resourceNamed(stack, "aws_iam_role", "Target_Role");
    expect(statement(parsePolicy(role.assume_role_policy), "Ec2AssumesInstanceRole")).toMatchObject({
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    expect(resourceNamed(stack, "aws_iam_role_policy_attachment", "Target_SsmCore").policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    const s3 = parsePolicy(resourceNamed(stack, "aws_iam_role_policy", "Target_S3Access").policy);
    expect(statement(s3, "ListAllBuckets").Action).toBe("s3:ListAllMyBuckets");
    expect(statement(s3, "ArticleS3ReadWriteAnyBucket").Action).toEqual(["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
    expect(instance.iam_instance_profile).toBe(refTo(stack, "aws_iam_instance_profile", "Target_InstanceProfile", "name"));
  });
});

describe("private-access operator policies", () => {
  const eice = parsePolicy(resourceNamed(stack, "aws_iam_policy", "EiceOperatorPolicy").policy);
  const eic = parsePolicy(resourceNamed(stack, "aws_iam_policy", "EicOperatorPolicy").policy);

  test("OpenTunnel is allowed through this endpoint only, to port 22, the private subnets and at most 3600 s", () => {
    expect(statement(eice, "OpenTunnelToPrivateInstances")).toEqual({
      Sid: "OpenTunnelToPrivateInstances",
      Effect: "Allow",
      Action: "ec2-instance-connect:OpenTunnel",
      Resource: refTo(stack, "aws_ec2_instance_connect_endpoint", "InstanceConnectEndpoint", "arn"),
      Condition: {
        NumericEquals: { "ec2-instance-connect:remotePort": ["22"] },
        IpAddress: { "ec2-instance-connect:privateIpAddress": ["10.0.128.0/20", "10.0.144.0/20"] },
        NumericLessThanEquals: { "ec2-instance-connect:maxTunnelDuration": "3600" },
      },
    });
  });

  test("the two Describe actions the console and CLI need are allowed on *", () => {
    expect(statement(eice, "DescribeInstancesAndEndpoints")).toMatchObject({
      Effect: "Allow",
      Action: ["ec2:DescribeInstances", "ec2:DescribeInstanceConnectEndpoints"],
      Resource: "*",
    });
  });

  test("SendSSHPublicKey is allowed on the target instance for the configured OS users only", () => {
    expect(statement(eic, "SendSshPublicKeyAsAllowedOsUser")).toEqual({
      Sid: "SendSshPublicKeyAsAllowedOsUser",
      Effect: "Allow",
      Action: "ec2-instance-connect:SendSSHPublicKey",
      Resource: [refTo(stack, "aws_instance", "Target_Instance", "arn")],
      Condition: { StringEquals: { "ec2:osuser": ["ec2-user"] } },
    });
  });
});

describe("private-access outputs", () => {
  test("give ready-to-paste connect commands for the eice connection type and the tunnel form", () => {
    const instanceId = refTo(stack, "aws_instance", "Target_Instance", "id");
    expect(stack.output?.SshCommand.value).toBe(
      `aws ec2-instance-connect ssh --region eu-west-1 --instance-id ${instanceId} --os-user ec2-user --connection-type eice`,
    );
    expect(stack.output?.OpenTunnelCommand.value).toContain(`open-tunnel --region eu-west-1 --instance-id ${instanceId} --remote-port 22`);
  });
});

describe("private-access providers", () => {
  test("pin the workload account with allowed_account_ids", () => {
    expect(stack.provider?.aws).toEqual([expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["111111111111"] })]);
  });

  test("reach the account through the configured profile or role", () => {
    const viaRole = testConfig({ accounts: { workload: { id: "111111111111", roleArn: "arn:aws:iam::111111111111:role/Deployer" } } });
    const provider = synthApp({ config: viaRole }).stacks["private-access"].provider?.aws[0];
    expect(provider?.assume_role).toEqual([{ role_arn: "arn:aws:iam::111111111111:role/Deployer", session_name: "ec2-access-guardrails" }]);
    const viaProfile = testConfig({ accounts: { workload: { id: "111111111111", profile: "workload-admin" } } });
    expect(synthApp({ config: viaProfile }).stacks["private-access"].provider?.aws[0].profile).toBe("workload-admin");
  });

  test("in offline mode use dummy credentials, skip every AWS call and the AMI lookup", () => {
    const result = synthApp({ offline: true });
    const offline = result.stacks["private-access"];
    const provider = offline.provider?.aws[0];
    expect(provider).toMatchObject({
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
    });
    expect(provider).not.toHaveProperty("allowed_account_ids");
    expect(offline.data?.aws_ssm_parameter).toBeUndefined();
    expect(onlyResource(offline, "aws_instance").ami).toBe("ami-00000000000000000");
    expect(result.annotations["private-access"].map((a) => a.message)).toContainEqual(
      expect.stringContaining("Offline mode: AMI lookup"),
    );
  });
});
