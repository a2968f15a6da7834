import {
  asList,
  onlyResource,
  parsePolicy,
  resourcesOf,
  statement,
  synthCached,
  testConfig,
  type Block,
  type TfJson,
} from "../helpers";
import { evidenceConfig } from "../helpers/evidence";
import { expectedSessionLoggingPolicy, sessionLoggingRefs } from "../helpers/session-logging";
import { stackUnderTest, viewOf } from "../helpers/stack-test";
import { articleInstanceS3Policy } from "../../lib/policies/instance-role";

const stack = stackUnderTest("private-access");

const subnets = (tier: "public" | "private") =>
  Object.values(stack.all("aws_subnet")).filter((s) => (s.tags as Record<string, string>).Tier === tier);

describe("private-access network", () => {
  test("the VPC uses the configured CIDR with DNS support for private endpoints", () => {
    expect(stack.only("aws_vpc")).toMatchObject({
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  test.each(["public", "private"] as const)(
    "has one %s subnet in each of the first two zones the lookup finds, by zone ID",
    (tier) => {
      const found = subnets(tier);
      const zones = (i: number) =>
        `\${element(data.aws_availability_zones.${Object.keys(stack.data?.aws_availability_zones ?? {})[0]}.zone_ids, ${i})}`;
      expect(found.map((s) => s.availability_zone_id).sort()).toEqual([zones(0), zones(1)]);
      // A zone name maps to a different physical zone in each account: never used.
      for (const subnet of found) expect(subnet).not.toHaveProperty("availability_zone");
      // Numbered names: a looked-up zone is not known before plan.
      expect(found.map((s) => s.tags)).toContainEqual({ Name: `${tier}-1`, Tier: tier });
      // A later lookup listing another zone first must not replace subnets (and all they hold).
      for (const subnet of found) expect(subnet.lifecycle).toEqual({ ignore_changes: ["availability_zone_id"] });
    },
  );

  test("looks zones up among the available, opt-in-free zones, without constrained or excluded ones, and needs two", () => {
    const lookup = (config: Parameters<typeof testConfig>[0]) =>
      Object.values(
        resourcesOf(
          { resource: stackUnderTest("private-access", { config: testConfig(config) }).data } as TfJson,
          "aws_availability_zones",
        ),
      );
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
    const pinned = stackUnderTest("private-access", {
      config: testConfig({ region: "ap-northeast-1", network: { availabilityZoneIds: ["apne1-az4", "apne1-az1"] } }),
    });
    const ids = (tier: "public" | "private") =>
      Object.entries(pinned.all("aws_subnet"))
        .filter(([, s]) => (s.tags as Record<string, string>).Tier === tier)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, s]) => s.availability_zone_id);
    expect(ids("public")).toEqual(["apne1-az4", "apne1-az1"]);
    expect(ids("private")).toEqual(["apne1-az4", "apne1-az1"]);
    // Pinned zones are followed: changing the pin moves the subnets.
    for (const subnet of Object.values(pinned.all("aws_subnet"))) expect(subnet).not.toHaveProperty("lifecycle");
    expect(pinned.data?.aws_availability_zones).toBeUndefined();
  });

  test("offline, pinned zones are planned as given and unpinned ones get a placeholder with a warning", () => {
    const offline = synthCached({ offline: true });
    const zoneIds = Object.values(resourcesOf(offline.stacks["private-access"], "aws_subnet")).map(
      (s) => s.availability_zone_id,
    );
    expect([...new Set(zoneIds)].sort()).toEqual(["euw1-az1", "euw1-az2"]);
    expect(offline.stacks["private-access"].data?.aws_availability_zones).toBeUndefined();
    expect(offline.annotations["private-access"]).toContainEqual(
      expect.objectContaining({
        level: "@cdktf/warn",
        message: expect.stringContaining("zone lookup skipped, placeholder zones euw1-az1, euw1-az2"),
      }),
    );
    const pinned = synthCached(
      { offline: true, config: testConfig({ network: { availabilityZoneIds: ["euw1-az3", "euw1-az2"] } }) },
      ["private-access"],
    );
    const pinnedIds = Object.values(resourcesOf(pinned.stacks["private-access"], "aws_subnet")).map(
      (s) => s.availability_zone_id,
    );
    expect([...new Set(pinnedIds)].sort()).toEqual(["euw1-az2", "euw1-az3"]);
    expect(pinned.annotations["private-access"].map((a) => a.message)).not.toContainEqual(
      expect.stringContaining("zone lookup"),
    );
  });

  test("no subnet hands out public addresses on launch", () => {
    for (const subnet of Object.values(stack.all("aws_subnet"))) {
      expect(subnet.map_public_ip_on_launch).toBe(false);
    }
  });

  test("private subnets are /20 blocks in the upper half of the VPC", () => {
    expect(
      subnets("private")
        .map((s) => s.cidr_block)
        .sort(),
    ).toEqual(["10.0.128.0/20", "10.0.144.0/20"]);
  });

  test("public subnets route to the internet gateway, private subnets to the NAT gateway", () => {
    const routes = Object.values(stack.all("aws_route"));
    const igw = stack.ref("aws_internet_gateway", "Network_InternetGateway", "id");
    const nat = stack.ref("aws_nat_gateway", "Network_NatGateway1", "id");
    expect(routes.filter((r) => r.gateway_id === igw)).toHaveLength(1);
    expect(routes.filter((r) => r.nat_gateway_id === nat)).toHaveLength(2);
    expect(routes.every((r) => r.destination_cidr_block === "0.0.0.0/0")).toBe(true);
  });

  test.each([
    ["none", 0, 0],
    ["single", 1, 2],
    ["per-az", 2, 2],
  ] as const)("natGateways %s creates %i NAT gateways and %i private default routes", (mode, gateways, routes) => {
    const synth = stackUnderTest("private-access", { config: testConfig({ network: { natGateways: mode } }) });
    expect(Object.keys(synth.all("aws_nat_gateway"))).toHaveLength(gateways);
    expect(Object.keys(synth.all("aws_eip"))).toHaveLength(gateways);
    const privateRoutes = Object.values(synth.all("aws_route")).filter((r) => r.nat_gateway_id);
    expect(privateRoutes).toHaveLength(routes);
  });

  test("the default security group is emptied of rules", () => {
    const sg = stack.only("aws_default_security_group");
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  test("VPC flow logs record all traffic to CloudWatch Logs with the configured retention", () => {
    expect(stack.only("aws_flow_log")).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    expect(stack.only("aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });
});

describe("private-access instance role S3 access (privateAccess.instanceS3Access)", () => {
  const s3Access = (config = testConfig()) =>
    stackUnderTest("private-access", { config }).policyOf("aws_iam_role_policy", "Target_S3Access");
  const denies = (doc: ReturnType<typeof s3Access>) => doc.Statement.filter((s) => s.Effect === "Deny");
  const allows = (doc: ReturnType<typeof s3Access>) => doc.Statement.filter((s) => s.Effect === "Allow");
  const ALLOWED = {
    privateAccess: {
      allowedBuckets: [
        { bucket: "partner-drop", accountId: "444455556666" },
        { bucket: "other-drop", accountId: "777788889999" },
      ],
    },
  };

  test("named (the default) grants the allowed buckets, each pinned to its owner, and AWS's agent buckets: nothing account-wide", () => {
    const named = s3Access(testConfig(ALLOWED));
    expect(allows(named).map((s) => s.Sid)).toEqual([
      "ReadAwsOwnedAgentBuckets",
      "ReadWriteAllowedBucketsOf444455556666",
      "ReadWriteAllowedBucketsOf777788889999",
    ]);
    // No `*` resource anywhere among the grants: no ListAllMyBuckets, no own-account statement.
    expect(allows(named).flatMap((s) => asList(s.Resource))).not.toContain("*");
    expect(statement(named, "ReadWriteAllowedBucketsOf444455556666")).toMatchObject({
      Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
      Resource: ["arn:aws:s3:::partner-drop", "arn:aws:s3:::partner-drop/*"],
      Condition: { StringEquals: { "aws:ResourceAccount": "444455556666" } },
    });
    expect(statement(named, "ReadAwsOwnedAgentBuckets")).toMatchObject({ Action: "s3:GetObject" });
  });

  test("scoped keeps the own-account grant, pinned to the workload account", () => {
    const scoped = s3Access(testConfig({ privateAccess: { instanceS3Access: "scoped" } }));
    const writes = scoped.Statement.filter((s) => s.Effect === "Allow" && asList(s.Action).includes("s3:PutObject"));
    expect(writes.map((s) => [s.Sid, s.Condition])).toEqual([
      ["ReadWriteOwnAccountBuckets", { StringEquals: { "aws:ResourceAccount": "111111111111" } }],
    ]);
  });

  test("article reproduces the article's grant exactly, then the protected-bucket denies", () => {
    const article = viewOf(synthCached({ config: evidenceConfig() }).stacks["private-access"]).policyOf(
      "aws_iam_role_policy",
      "Target_S3Access",
    );
    expect(allows(article)).toEqual(articleInstanceS3Policy().Statement);
    expect(denies(article).map((s) => s.Sid)).toEqual(["DenyTrailAndStateBuckets", "DenySessionBucketExceptUploads"]);
  });

  // Syntheses the access proofs share: the default (named), transcripts in S3, scoped, and the
  // article's role beside transcripts in S3 and an S3 state backend.
  test.each([
    ["named (the default)", () => testConfig(), { session: false, state: false }],
    [
      "named, transcripts in S3",
      () => testConfig({ ssm: { sessionLogs: { s3KeyPrefix: "session-logs/" } } }),
      { session: true, state: false },
    ],
    ["scoped", () => testConfig({ privateAccess: { instanceS3Access: "scoped" } }), { session: false, state: false }],
    ["article, transcripts and state in S3", evidenceConfig, { session: true, state: true }],
  ])(
    "%s: denies the trail bucket by the audit stack's own prefix, the state bucket and the session bucket but the upload",
    (_mode, config, expected) => {
      const result = synthCached({ config: config() });
      const doc = viewOf(result.stacks["private-access"]).policyOf("aws_iam_role_policy", "Target_S3Access");
      // The prefix the audit stack really gives Terraform, read from its synthesized bucket.
      const trailPrefix = viewOf(result.stacks.audit).named("aws_s3_bucket", "TrailBucket").bucket_prefix;
      expect(statement(doc, "DenyTrailAndStateBuckets")).toEqual({
        Sid: "DenyTrailAndStateBuckets",
        Effect: "Deny",
        Action: "s3:*",
        Resource: [
          `arn:aws:s3:::${trailPrefix}*`,
          `arn:aws:s3:::${trailPrefix}*/*`,
          ...(expected.state ? ["arn:aws:s3:::team-terraform-state", "arn:aws:s3:::team-terraform-state/*"] : []),
        ],
      });
      const session = doc.Statement.find((s) => s.Sid === "DenySessionBucketExceptUploads");
      if (!expected.session) {
        expect(session).toBeUndefined();
        return;
      }
      const bucketArn = sessionLoggingRefs(result, "session-logs/").s3!.bucketArn;
      expect(session).toEqual({
        Sid: "DenySessionBucketExceptUploads",
        Effect: "Deny",
        NotAction: ["s3:PutObject", "s3:GetEncryptionConfiguration"],
        Resource: [bucketArn, `${bucketArn}/*`],
      });
    },
  );
});

describe("private-access S3 gateway endpoint", () => {
  const endpoint = stack.only("aws_vpc_endpoint");
  const doc = parsePolicy(endpoint.policy);

  test("allows the workload account's own buckets only through aws:ResourceAccount, to its own principals only", () => {
    expect(statement(doc, "OwnAccountBuckets")).toEqual({
      Sid: "OwnAccountBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": "111111111111", "aws:PrincipalAccount": "111111111111" } },
    });
  });

  test("allows reading objects, only, of the AWS-owned buckets the OS and SSM agent need in the region, by exact name", () => {
    const resources = asList(statement(doc, "AwsOwnedRepositoryAndAgentBuckets").Resource);
    expect(resources).toEqual(
      [
        "al2023-repos-eu-west-1-de612dc2",
        "amazon-ssm-eu-west-1",
        "aws-ssm-eu-west-1",
        "amazon-ssm-packages-eu-west-1",
        "eu-west-1-birdwatcher-prod",
        "patch-baseline-snapshot-eu-west-1",
        "aws-ssm-document-attachments-eu-west-1",
        "aws-ssm-distributor-file-eu-west-1",
      ].map((bucket) => `arn:aws:s3:::${bucket}/*`),
    );
    // No prefix: `al2023-repos-eu-west-1-*` would match a bucket anyone creates with that name.
    expect(resources.filter((arn) => arn.slice(0, -2).includes("*"))).toEqual([]);
    expect(statement(doc, "AwsOwnedRepositoryAndAgentBuckets").Action).toBe("s3:GetObject");
  });

  test("has no statement for other buckets unless an allow-list is configured", () => {
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["OwnAccountBuckets", "AwsOwnedRepositoryAndAgentBuckets"]);
    const configured = stackUnderTest("private-access", {
      config: testConfig({
        privateAccess: { allowedBuckets: [{ bucket: "partner-drop", accountId: "444455556666" }] },
      }),
    });
    const allowList = parsePolicy(configured.only("aws_vpc_endpoint").policy);
    expect(asList(statement(allowList, "ApprovedBucketsOf444455556666").Resource)).toEqual([
      "arn:aws:s3:::partner-drop",
      "arn:aws:s3:::partner-drop/*",
    ]);
  });

  test("stays within the 20,480-character endpoint policy limit", () => {
    expect((endpoint.policy as string).length).toBeLessThanOrEqual(20480);
  });
});

describe("private-access EC2 Instance Connect Endpoint", () => {
  const eice = stack.only("aws_ec2_instance_connect_endpoint");
  const endpointSg = stack.ref("aws_security_group", "EndpointSecurityGroup", "id");
  const instanceSg = stack.ref("aws_security_group", "Target_SecurityGroup", "id");

  test("sits in the first private subnet with its own security group", () => {
    expect(eice.subnet_id).toBe(stack.ref("aws_subnet", "Network_PrivateSubnet1", "id"));
    expect(eice.security_group_ids).toEqual([endpointSg]);
  });

  test("sets preserve_client_ip explicitly to false", () => {
    expect(eice).toHaveProperty("preserve_client_ip", false);
  });

  test("the endpoint security group reaches only the instance security group on port 22", () => {
    const egress = Object.values(stack.all("aws_vpc_security_group_egress_rule")).filter(
      (r) => r.security_group_id === endpointSg,
    );
    expect(egress).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 22,
        to_port: 22,
        referenced_security_group_id: instanceSg,
      }),
    ]);
    expect(egress[0]).not.toHaveProperty("cidr_ipv4");
  });

  test("the instance accepts port 22 only from the endpoint security group", () => {
    const ingress = Object.values(stack.all("aws_vpc_security_group_ingress_rule"));
    expect(ingress).toEqual([
      expect.objectContaining({
        security_group_id: instanceSg,
        from_port: 22,
        to_port: 22,
        referenced_security_group_id: endpointSg,
      }),
    ]);
  });

  test("no security group anywhere admits traffic from 0.0.0.0/0 or ::/0", () => {
    for (const rule of Object.values(stack.all("aws_vpc_security_group_ingress_rule"))) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    for (const sg of Object.values(stack.all("aws_security_group"))) expect(sg.ingress ?? []).toEqual([]);
  });

  test("configured ports each get a matching pair of rules and appear in the tunnel policy", () => {
    const synth = stackUnderTest("private-access", { config: testConfig({ eice: { ports: [22, 3389] } }) });
    const ports = (type: string) =>
      Object.values(synth.all(type))
        .map((r: Block) => r.from_port)
        .sort();
    expect(ports("aws_vpc_security_group_ingress_rule")).toEqual([22, 3389]);
    const tunnel = statement(synth.policyOf("aws_iam_policy", "EiceOperatorPolicy"), "OpenTunnelToPrivateInstances");
    expect(tunnel.Condition?.NumericEquals).toEqual({ "ec2-instance-connect:remotePort": ["22", "3389"] });
  });
});

describe("private-access target instance", () => {
  const instance = stack.only("aws_instance");

  test("carries the Project tag that Session Manager patterns match on", () => {
    expect(instance.tags).toMatchObject({ Project: "test" });
    const other = stackUnderTest("private-access", { config: testConfig({ project: "payments" }) });
    expect(other.only("aws_instance").tags).toMatchObject({ Project: "payments" });
  });

  test("uses a configured AMI id without the parameter lookup, and checks its architecture at plan time", () => {
    const synth = stackUnderTest("private-access", {
      config: testConfig({ instance: { type: "t4g.small", amiId: "ami-0abcdef1234567890" } }),
    });
    expect(synth.only("aws_instance").ami).toBe("ami-0abcdef1234567890");
    expect(synth.data?.aws_ssm_parameter).toBeUndefined();
    const image = onlyResource({ resource: synth.data } as TfJson, "aws_ami");
    expect(image.filter).toEqual([{ name: "image-id", values: ["ami-0abcdef1234567890"] }]);
    expect((image.lifecycle as Block).postcondition).toEqual([
      expect.objectContaining({
        condition: '${self.architecture == "arm64"}',
        error_message: expect.stringContaining("instance.type t4g.small"),
      }),
    ]);
  });

  test("offline, a configured AMI id is used unchecked, with a warning that says so", () => {
    const result = synthCached(
      { offline: true, config: testConfig({ instance: { amiId: "ami-0abcdef1234567890" } }) },
      ["private-access"],
    );
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
    const synth = stackUnderTest("private-access", { config: testConfig({ instance: { type } }) });
    expect(synth.data?.aws_ssm_parameter?.Al2023Ami.name).toBe(`/aws/service/ami-amazon-linux-latest/${parameter}`);
    const instance = synth.only("aws_instance");
    expect(instance.instance_type).toBe(type);
    expect(instance.ebs_optimized).toBe(ebsOptimized);
  });
});

describe("private-access operator policies", () => {
  const eice = stack.policyOf("aws_iam_policy", "EiceOperatorPolicy");
  const eic = stack.policyOf("aws_iam_policy", "EicOperatorPolicy");

  test("OpenTunnel is allowed through this endpoint only, to port 22, the private subnets and at most 3600 s", () => {
    expect(statement(eice, "OpenTunnelToPrivateInstances")).toEqual({
      Sid: "OpenTunnelToPrivateInstances",
      Effect: "Allow",
      Action: "ec2-instance-connect:OpenTunnel",
      Resource: stack.ref("aws_ec2_instance_connect_endpoint", "InstanceConnectEndpoint", "arn"),
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
      Resource: [stack.ref("aws_instance", "Target_Instance", "arn")],
      Condition: { StringEquals: { "ec2:osuser": ["ec2-user"] } },
    });
  });
});

describe("private-access outputs", () => {
  test("give ready-to-paste connect commands for the eice connection type and the tunnel form", () => {
    const instanceId = stack.ref("aws_instance", "Target_Instance", "id");
    expect(stack.output?.SshCommand.value).toBe(
      `aws ec2-instance-connect ssh --region eu-west-1 --instance-id ${instanceId} --os-user ec2-user --connection-type eice`,
    );
    expect(stack.output?.OpenTunnelCommand.value).toContain(
      `open-tunnel --region eu-west-1 --instance-id ${instanceId} --remote-port 22`,
    );
  });
});

describe("private-access providers", () => {
  test("pin the workload account with allowed_account_ids", () => {
    expect(stack.provider?.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["111111111111"] }),
    ]);
  });

  test("reach the account through the configured profile or role", () => {
    const viaRole = testConfig({
      accounts: { workload: { id: "111111111111", roleArn: "arn:aws:iam::111111111111:role/Deployer" } },
    });
    const provider = stackUnderTest("private-access", { config: viaRole }).provider?.aws[0];
    expect(provider?.assume_role).toEqual([
      { role_arn: "arn:aws:iam::111111111111:role/Deployer", session_name: "ec2-access-guardrails" },
    ]);
    const viaProfile = testConfig({ accounts: { workload: { id: "111111111111", profile: "workload-admin" } } });
    expect(stackUnderTest("private-access", { config: viaProfile }).provider?.aws[0].profile).toBe("workload-admin");
  });
});

describe("private-access with managed session preferences (the default)", () => {
  const loggingPolicyOf = (result: ReturnType<typeof synthCached>) =>
    viewOf(result.stacks["private-access"]).policyOf("aws_iam_role_policy", "Target_SessionLogging");

  test("the target's role may write its session log and use the session key, and nothing else for it", () => {
    expect(loggingPolicyOf(synthCached())).toEqual(
      expectedSessionLoggingPolicy(
        sessionLoggingRefs(synthCached()),
        stack.ref("aws_instance", "Target_Instance", "id"),
      ),
    );
    expect(stack.named("aws_iam_role_policy", "Target_SessionLogging").role).toBe(
      stack.ref("aws_iam_role", "Target_Role", "id"),
    );
  });

  test("with an S3 prefix it may also upload under that prefix of the session bucket, encrypted with the key", () => {
    const result = synthCached({ config: testConfig({ ssm: { sessionLogs: { s3KeyPrefix: "session-logs/" } } }) });
    expect(loggingPolicyOf(result)).toEqual(
      expectedSessionLoggingPolicy(
        sessionLoggingRefs(result, "session-logs/"),
        stack.ref("aws_instance", "Target_Instance", "id"),
      ),
    );
  });

  test("depends on session-preferences, whose outputs it reads", () => {
    expect(synthCached().manifest.stacks["private-access"].dependencies).toEqual(["session-preferences"]);
  });

  test('with ssm.sessionPreferences "existing" the role gets no logging grant and synth says what the owner must grant', () => {
    const result = synthCached({ config: testConfig({ ssm: { sessionPreferences: "existing" } }) });
    const tf = viewOf(result.stacks["private-access"]);
    expect(Object.keys(tf.all("aws_iam_role_policy")).filter((n) => n.includes("SessionLogging"))).toEqual([]);
    expect(result.manifest.stacks["private-access"].dependencies).toEqual([]);
    expect(result.annotations["private-access"]).toContainEqual(
      expect.objectContaining({
        level: "@cdktf/warn",
        message: expect.stringMatching(
          /^ssm\.sessionPreferences is "existing": this stack grants the instance role nothing/,
        ),
      }),
    );
  });
});
