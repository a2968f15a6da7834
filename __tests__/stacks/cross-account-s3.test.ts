import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { Testing } from "cdktf";
import { PrivateNetwork } from "../../lib/constructs/private-network";
import { CrossAccountS3Stack } from "../../stacks/cross-account-s3";
import { asList, parsePolicy, statement, synthCached, testConfig } from "../helpers";
import { expectedSessionLoggingPolicy, sessionLoggingRefs } from "../helpers/session-logging";
import { stackUnderTest, viewOf, type StackUnderTest } from "../helpers/stack-test";

const ID = "cross-account-s3";
const WORKLOAD = "111111111111";
const MANAGEMENT = "222222222222";
const DATA = "333333333333";
const organizationRole = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;

const stack = stackUnderTest(ID);
const withKey = stackUnderTest(ID, { config: testConfig({ crossAccount: { createAccessKey: true } }) });
const withPgpKey = stackUnderTest(ID, {
  config: testConfig({ crossAccount: { createAccessKey: true, pgpKey: "keybase:demo_operator" } }),
});
const withRoleGrant = stackUnderTest(ID, { config: testConfig({ crossAccount: { grantWorkloadRole: true } }) });

/** Every resource of a stack as [type, logical name, block]. */
const allResources = (tf: StackUnderTest) =>
  Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, block]) => [type, name, block as Record<string, unknown>] as const),
  );

/** The resource types that live in the data account (A); everything else belongs to the workload (B). */
const DATA_ACCOUNT_TYPES = [
  "aws_iam_access_key",
  "aws_iam_user",
  "aws_s3_bucket",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
];

describe("cross-account-s3 providers", () => {
  test("the default provider is pinned to the workload account and the data alias to the data account", () => {
    expect(stack.provider?.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: [WORKLOAD] }),
      expect.objectContaining({ region: "eu-west-1", alias: "data", allowed_account_ids: [DATA] }),
    ]);
    expect(stack.provider?.aws[0]).not.toHaveProperty("alias");
  });

  test("with the defaults, both providers work from one set of credentials, the management account's", () => {
    // Each provider assumes its account's OrganizationAccountAccessRole, which trusts the management
    // account: ambient management credentials reach both (the issue: with the workload provider on
    // ambient credentials one of the two always failed).
    const [workload, data] = stack.provider?.aws ?? [];
    for (const [provider, account] of [
      [workload, WORKLOAD],
      [data, DATA],
    ] as const) {
      expect(provider).not.toHaveProperty("profile");
      expect(provider.assume_role).toEqual([
        {
          role_arn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
          session_name: "ec2-access-guardrails",
        },
      ]);
    }
  });

  test("with the management account's profile, both assume their role from that profile", () => {
    const config = testConfig({ accounts: { management: { id: MANAGEMENT, profile: "org-admin" } } });
    const [workload, data] = stackUnderTest(ID, { config }).provider?.aws ?? [];
    expect(workload).toMatchObject({ profile: "org-admin", assume_role: [{ role_arn: organizationRole(WORKLOAD) }] });
    expect(data).toMatchObject({ profile: "org-admin", assume_role: [{ role_arn: organizationRole(DATA) }] });
  });

  test("with a role in the management account, each provider chains it to its account's OrganizationAccountAccessRole", () => {
    const managementRole = `arn:aws:iam::${MANAGEMENT}:role/OrgDeployer`;
    const config = testConfig({ accounts: { management: { id: MANAGEMENT, roleArn: managementRole } } });
    const [workload, data] = stackUnderTest(ID, { config }).provider?.aws ?? [];
    for (const [provider, account] of [
      [workload, WORKLOAD],
      [data, DATA],
    ] as const) {
      expect(provider).not.toHaveProperty("profile");
      expect(provider.assume_role).toEqual([
        { role_arn: managementRole, session_name: "ec2-access-guardrails" },
        { role_arn: organizationRole(account), session_name: "ec2-access-guardrails" },
      ]);
    }
  });

  test("a profile for the data account replaces the default role", () => {
    const config = testConfig({ accounts: { data: { id: DATA, profile: "data-admin" } } });
    const data = stackUnderTest(ID, { config }).provider?.aws[1];
    expect(data).toMatchObject({ alias: "data", profile: "data-admin" });
    expect(data).not.toHaveProperty("assume_role");
  });

  test("each account is reached through its own profile or role", () => {
    const config = testConfig({
      accounts: {
        workload: { id: WORKLOAD, profile: "workload-admin" },
        data: { id: DATA, roleArn: `arn:aws:iam::${DATA}:role/Deployer` },
      },
    });
    const [workload, data] = stackUnderTest(ID, { config }).provider?.aws ?? [];
    expect(workload).toMatchObject({ profile: "workload-admin" });
    expect(workload).not.toHaveProperty("assume_role");
    expect(data).toMatchObject({ alias: "data", assume_role: [{ role_arn: `arn:aws:iam::${DATA}:role/Deployer` }] });
    expect(data).not.toHaveProperty("profile");
  });

  test("with per-stack credentials, the workload provider takes the ambient credentials and the data provider its own way in", () => {
    const config = testConfig({
      credentials: "per-stack",
      accounts: { data: { id: DATA, roleArn: `arn:aws:iam::${DATA}:role/Deployer` } },
    });
    const [workload, data] = stackUnderTest(ID, { config }).provider?.aws ?? [];
    expect(workload).not.toHaveProperty("profile");
    expect(workload).not.toHaveProperty("assume_role");
    expect(data).toMatchObject({ alias: "data", assume_role: [{ role_arn: `arn:aws:iam::${DATA}:role/Deployer` }] });
  });

  test("in offline mode keeps both providers (each offline as workload.test.ts checks)", () => {
    expect(synthCached({ offline: true }).stacks[ID].provider?.aws.map((p) => p.alias)).toEqual([undefined, "data"]);
  });

  test.each([
    ["the default configuration", stack],
    ["an access key", withKey],
    ["the role grant", withRoleGrant],
  ])("with %s, every data-account resource uses the aliased provider and every other resource the default", (_, tf) => {
    const resources = allResources(tf);
    expect(resources.length).toBeGreaterThan(DATA_ACCOUNT_TYPES.length);
    for (const [type, name, block] of resources) {
      const expected = DATA_ACCOUNT_TYPES.includes(type) ? "aws.data" : undefined;
      expect({ address: `${type}.${name}`, provider: block.provider }).toEqual({
        address: `${type}.${name}`,
        provider: expected,
      });
    }
  });
});

describe("cross-account-s3 data account user", () => {
  const user = stack.named("aws_iam_user", "DataUser");
  const userRef = stack.ref("aws_iam_user", "DataUser", "");

  test("is named from crossAccount.userName", () => {
    expect(user.name).toBe("data-account-user");
    const renamed = stackUnderTest(ID, { config: testConfig({ crossAccount: { userName: "article-user" } }) });
    expect(renamed.named("aws_iam_user", "DataUser").name).toBe("article-user");
  });

  test.each([
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_group_membership",
    "aws_iam_group_membership",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
  ])("has no IAM policy of any kind: the stack declares no %s", (type) => {
    expect(stack.all(type)).toEqual({});
    expect(withKey.all(type)).toEqual({});
  });

  test("has no permissions boundary and is referenced only by the bucket policy and its access key", () => {
    expect(user).not.toHaveProperty("permissions_boundary");
    const referencing = allResources(withKey)
      .filter(([, , block]) => JSON.stringify(block).includes(userRef.slice(2, -2)))
      .map(([type]) => type)
      .sort();
    expect(referencing).toEqual(["aws_iam_access_key", "aws_s3_bucket_policy"]);
  });
});

describe("cross-account-s3 data bucket", () => {
  const bucketArn = stack.ref("aws_s3_bucket", "DataBucket", "arn");
  const bucketId = stack.ref("aws_s3_bucket", "DataBucket", "id");
  const doc = stack.policyOf("aws_s3_bucket_policy", "DataBucket_Policy");

  test("blocks every form of public access and disables ACLs", () => {
    expect(stack.only("aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(stack.only("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  test("is versioned and encrypted by default", () => {
    expect(stack.only("aws_s3_bucket_versioning")).toMatchObject({
      bucket: bucketId,
      versioning_configuration: { status: "Enabled" },
    });
    expect(stack.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }),
    ]);
  });

  test("denies every request without TLS", () => {
    expect(statement(doc, "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("grants exactly A's user s3:* on the bucket and its objects, and nobody else anything", () => {
    expect(doc.Statement.filter((s) => s.Effect === "Allow")).toEqual([
      {
        Sid: "DataAccountUserFullAccess",
        Effect: "Allow",
        Principal: { AWS: stack.ref("aws_iam_user", "DataUser", "arn") },
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
      },
    ]);
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DataAccountUserFullAccess"]);
  });

  test("with crossAccount.grantWorkloadRole, also grants B's instance role list, read and write only", () => {
    const granted = withRoleGrant.policyOf("aws_s3_bucket_policy", "DataBucket_Policy");
    const arn = withRoleGrant.ref("aws_s3_bucket", "DataBucket", "arn");
    expect(statement(granted, "WorkloadRoleCrossAccountAccess")).toEqual({
      Sid: "WorkloadRoleCrossAccountAccess",
      Effect: "Allow",
      Principal: { AWS: withRoleGrant.ref("aws_iam_role", "Workload_Role", "arn") },
      Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
      Resource: [arn, `${arn}/*`],
    });
    expect(granted.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DataAccountUserFullAccess",
      "WorkloadRoleCrossAccountAccess",
    ]);
  });
});

describe("cross-account-s3 access key", () => {
  const secretLike = (tf: StackUnderTest) =>
    Object.entries(tf.output ?? {}).filter(([, o]) =>
      /aws_iam_access_key\.[^.]+\.(secret|encrypted_secret|ses_smtp)/.test(JSON.stringify(o.value)),
    );

  test("does not exist unless crossAccount.createAccessKey is true", () => {
    expect(stack.all("aws_iam_access_key")).toEqual({});
    expect(withRoleGrant.all("aws_iam_access_key")).toEqual({});
    expect(Object.keys(stack.output ?? {}).filter((name) => /AccessKey/.test(name))).toEqual([]);
  });

  test("when asked for, belongs to A's user and its secret is only a sensitive output", () => {
    expect(withKey.only("aws_iam_access_key")).toMatchObject({
      user: withKey.ref("aws_iam_user", "DataUser", "name"),
      provider: "aws.data",
    });
    expect(withKey.only("aws_iam_access_key")).not.toHaveProperty("pgp_key");
    expect(secretLike(withKey)).toEqual([
      [
        "DataUserSecretAccessKey",
        expect.objectContaining({
          value: withKey.ref("aws_iam_access_key", "DataUserAccessKey", "secret"),
          sensitive: true,
        }),
      ],
    ]);
  });

  test("with crossAccount.pgpKey, is encrypted and only the encrypted secret is output, as sensitive", () => {
    expect(withPgpKey.only("aws_iam_access_key").pgp_key).toBe("keybase:demo_operator");
    expect(secretLike(withPgpKey)).toEqual([
      [
        "DataUserEncryptedSecretAccessKey",
        expect.objectContaining({
          value: withPgpKey.ref("aws_iam_access_key", "DataUserAccessKey", "encrypted_secret"),
          sensitive: true,
        }),
      ],
    ]);
  });

  test("the key id is output for the CLI steps, and no output other than the sensitive one names the secret", () => {
    expect(withKey.output?.DataUserAccessKeyId.value).toBe(
      withKey.ref("aws_iam_access_key", "DataUserAccessKey", "id"),
    );
    for (const tf of [withKey, withPgpKey]) {
      const plain = Object.entries(tf.output ?? {}).filter(([, o]) => !o.sensitive);
      for (const [name, output] of plain)
        expect({ name, value: JSON.stringify(output.value) }).not.toEqual({
          name,
          value: expect.stringMatching(/secret}/),
        });
    }
  });
});

describe("cross-account-s3 workload network", () => {
  test("is the shared PrivateNetwork construct, the only VPC in the stack", () => {
    const app = Testing.app();
    const built = new CrossAccountS3Stack(app, ID, { config: testConfig(), offline: false });
    expect(built.network).toBeInstanceOf(PrivateNetwork);
    expect(built.node.findAll().filter((c) => c instanceof Vpc)).toEqual([(built.network as PrivateNetwork).vpc]);
    expect(Object.keys(stack.all("aws_vpc"))).toEqual([expect.stringMatching(/^Network_Vpc_/)]);
  });

  test("uses crossAccount.vpcCidr, apart from private-access's VPC", () => {
    expect(stack.only("aws_vpc").cidr_block).toBe("10.1.0.0/16");
    const moved = stackUnderTest(ID, { config: testConfig({ crossAccount: { vpcCidr: "10.20.0.0/16" } }) });
    expect(moved.only("aws_vpc").cidr_block).toBe("10.20.0.0/16");
  });

  test("places its subnets by zone ID like private-access: looked up by default, pinned when configured", () => {
    const lookup = Object.keys(stack.data?.aws_availability_zones ?? {});
    expect(lookup).toHaveLength(1);
    for (const subnet of Object.values(stack.all("aws_subnet"))) {
      expect(subnet.availability_zone_id).toMatch(
        new RegExp(`^\\$\\{element\\(data\\.aws_availability_zones\\.${lookup[0]}\\.zone_ids, [01]\\)\\}$`),
      );
      expect(subnet).not.toHaveProperty("availability_zone");
    }
    const pinned = stackUnderTest(ID, {
      config: testConfig({ network: { availabilityZoneIds: ["euw1-az3", "euw1-az1"] } }),
    });
    expect(new Set(Object.values(pinned.all("aws_subnet")).map((s) => s.availability_zone_id))).toEqual(
      new Set(["euw1-az3", "euw1-az1"]),
    );
    expect(pinned.data?.aws_availability_zones).toBeUndefined();
  });

  test("has no NAT gateway or internet gateway: no path out but the endpoints (see network.test.ts)", () => {
    expect(Object.keys(stack.all("aws_nat_gateway"))).toEqual([]);
    expect(Object.keys(stack.all("aws_internet_gateway"))).toEqual([]);
    expect(Object.keys(stack.all("aws_route"))).toEqual([]);
  });
});

describe("cross-account-s3 S3 gateway endpoint policy", () => {
  const endpoint = stack.named("aws_vpc_endpoint", "Network_S3GatewayEndpoint");
  const doc = parsePolicy(endpoint.policy);

  test("allows the workload account's own buckets, the approved buckets and the AWS-owned buckets only", () => {
    expect(doc.Statement.map((s) => [s.Sid, s.Effect])).toEqual([
      ["OwnAccountBuckets", "Allow"],
      ["ApprovedBucketsOf444455556666", "Allow"],
      ["AwsOwnedRepositoryAndAgentBuckets", "Allow"],
    ]);
    expect(statement(doc, "OwnAccountBuckets")).toMatchObject({
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": WORKLOAD, "aws:PrincipalAccount": WORKLOAD } },
    });
    expect(statement(doc, "ApprovedBucketsOf444455556666")).toMatchObject({
      Resource: ["arn:aws:s3:::approved-reports-111111111111", "arn:aws:s3:::approved-reports-111111111111/*"],
      // The owner's own keys on B's instance must not pass: approved buckets are for B's principals.
      Condition: { StringEquals: { "aws:ResourceAccount": "444455556666", "aws:PrincipalAccount": WORKLOAD } },
    });
    const awsOwned = statement(doc, "AwsOwnedRepositoryAndAgentBuckets");
    expect(awsOwned.Action).toEqual("s3:GetObject");
    expect(asList(awsOwned.Resource).every((arn) => arn.includes("eu-west-1"))).toBe(true);
  });

  test("leaves A's account and A's bucket outside the perimeter", () => {
    expect(endpoint.policy).not.toContain(DATA);
    expect(endpoint.policy).not.toContain("aws_s3_bucket.");
    const granted = withRoleGrant.named("aws_vpc_endpoint", "Network_S3GatewayEndpoint").policy;
    expect(granted).toBe(endpoint.policy);
  });

  test("approvedBuckets become one statement per owner account, each pinned to that owner and to B's principals (none when empty)", () => {
    const approvedStatements = (approvedBuckets: { bucket: string; accountId: string }[]) =>
      parsePolicy(
        stackUnderTest(ID, { config: testConfig({ crossAccount: { approvedBuckets } }) }).named(
          "aws_vpc_endpoint",
          "Network_S3GatewayEndpoint",
        ).policy,
      ).Statement.filter((s) => s.Sid?.startsWith("ApprovedBuckets"));
    expect(approvedStatements([])).toEqual([]);
    const statements = approvedStatements([
      { bucket: "partner-a", accountId: "444455556666" },
      { bucket: "partner-b", accountId: "777788889999" },
      { bucket: "partner-c", accountId: "444455556666" },
    ]);
    expect(statements.map((s) => [s.Sid, s.Resource, s.Condition])).toEqual([
      [
        "ApprovedBucketsOf444455556666",
        ["arn:aws:s3:::partner-a", "arn:aws:s3:::partner-a/*", "arn:aws:s3:::partner-c", "arn:aws:s3:::partner-c/*"],
        { StringEquals: { "aws:ResourceAccount": "444455556666", "aws:PrincipalAccount": WORKLOAD } },
      ],
      [
        "ApprovedBucketsOf777788889999",
        ["arn:aws:s3:::partner-b", "arn:aws:s3:::partner-b/*"],
        { StringEquals: { "aws:ResourceAccount": "777788889999", "aws:PrincipalAccount": WORKLOAD } },
      ],
    ]);
  });
});

describe("cross-account-s3 workload instance", () => {
  test("accepts no inbound traffic at all: Session Manager is the way in", () => {
    // The one ingress rule is the interface endpoints' own (HTTPS from the VPC), never the instance's.
    expect(Object.keys(stack.all("aws_vpc_security_group_ingress_rule"))).toEqual([
      expect.stringMatching(/^SessionManagerEndpoints_HttpsFromVpc_/),
    ]);
    expect(stack.all("aws_ec2_instance_connect_endpoint")).toEqual({});
    for (const sg of Object.values(stack.all("aws_security_group"))) expect(sg.ingress ?? []).toEqual([]);
  });

  test("a Graviton type gets the arm64 image; a t2 type no ebs_optimized", () => {
    const graviton = stackUnderTest(ID, { config: testConfig({ instance: { type: "t4g.small" } }) });
    expect(graviton.data?.aws_ssm_parameter?.Al2023Ami.name).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
    expect(graviton.only("aws_instance")).toMatchObject({ instance_type: "t4g.small", ebs_optimized: true });
    const t2 = stackUnderTest(ID, { config: testConfig({ instance: { type: "t2.micro" } }) });
    expect(t2.only("aws_instance")).not.toHaveProperty("ebs_optimized");
  });
});

describe("cross-account-s3 CLI steps", () => {
  const article = stack.output?.ReproduceArticleSteps.value as string;
  const defence = stack.output?.DefenceSteps.value as string;
  const bucket = stack.ref("aws_s3_bucket", "DataBucket", "bucket");
  const instanceId = stack.ref("aws_instance", "Workload_Instance", "id");
  const commands = (text: string) => text.split("\n").filter((line) => !line.startsWith("#"));

  test("open a Session Manager shell on B's instance in the configured region, with the logged preferences document", () => {
    expect(commands(article)[0]).toBe(
      `aws ssm start-session --region eu-west-1 --target ${instanceId} --document-name SSM-SessionManagerRunShell`,
    );
  });

  test("check the caller identity before and after configuring A's keys, around the two uploads", () => {
    const lines = commands(article);
    const at = (prefix: string, from = 0) => lines.findIndex((l, i) => i >= from && l.startsWith(prefix));
    const firstIdentity = at("aws sts get-caller-identity");
    const roleUpload = at(`aws s3 cp /tmp/article.txt s3://${bucket}/from-workload-role.txt --region eu-west-1`);
    const configure = at("aws configure set aws_access_key_id");
    const secondIdentity = at("aws sts get-caller-identity", firstIdentity + 1);
    const keyUpload = at(`aws s3 cp /tmp/article.txt s3://${bucket}/from-data-user-keys.txt --region eu-west-1`);
    const outside = at("AWS_ACCESS_KEY_ID=");
    expect([firstIdentity, roleUpload, configure, secondIdentity, keyUpload, outside].every((i) => i > 0)).toBe(true);
    expect(firstIdentity < roleUpload && roleUpload < configure && configure < secondIdentity).toBe(true);
    expect(secondIdentity < keyUpload && keyUpload < outside).toBe(true);
  });

  test("state the expected identities and results with the real accounts", () => {
    expect(article).toContain(
      `arn:aws:sts::${WORKLOAD}:assumed-role/${stack.ref("aws_iam_role", "Workload_Role", "name")}/${instanceId}`,
    );
    expect(article).toContain(`arn:aws:iam::${DATA}:user/data-account-user`);
    expect(article).toMatch(/2\. B's role writes to A's bucket: AccessDenied/);
    expect(article).toMatch(/6\. The success with A's keys/);
  });

  test("without a key, tell how to create one instead of naming one", () => {
    expect(article).toContain("aws iam create-access-key --user-name data-account-user");
    expect(article).toContain("aws configure set aws_access_key_id <access key id>");
  });

  test("with a key, name its id and where to read the secret, never the secret itself", () => {
    const steps = withKey.output?.ReproduceArticleSteps.value as string;
    expect(steps).toContain(
      `aws configure set aws_access_key_id ${withKey.ref("aws_iam_access_key", "DataUserAccessKey", "id")}`,
    );
    expect(steps).toContain("terraform output -raw DataUserSecretAccessKey");
    expect(steps).not.toMatch(/\.secret}/);
    const pgpSteps = withPgpKey.output?.ReproduceArticleSteps.value as string;
    expect(pgpSteps).toContain("terraform output -raw DataUserEncryptedSecretAccessKey | base64 -d | gpg --decrypt");
    expect(pgpSteps).not.toMatch(/encrypted_secret}/);
  });

  test("show the defence: the upload with A's keys through B's endpoint, an approved bucket, the endpoint policy and no way around it", () => {
    expect(commands(defence)).toEqual([
      `aws s3 cp /tmp/article.txt s3://${bucket}/from-data-user-keys.txt --region eu-west-1`,
      "aws s3 cp /tmp/article.txt s3://approved-reports-111111111111/from-workload-role.txt --region eu-west-1",
      `aws ec2 describe-vpc-endpoints --region eu-west-1 --vpc-endpoint-ids ${stack.ref("aws_vpc_endpoint", "Network_S3GatewayEndpoint", "id")} --query "VpcEndpoints[0].PolicyDocument" --output text`,
      "aws s3 ls --region us-east-1 --cli-connect-timeout 5 || true",
      // The DNS Firewall (on: this network has no NAT): an AWS name resolves, any other gets no answer.
      "getent ahosts ssm.eu-west-1.amazonaws.com",
      `getent ahosts example.com || echo "no answer: blocked by B's DNS Firewall"`,
    ]);
    expect(defence).toMatch(/no NAT or internet gateway: the SSM agent reaches Session Manager through interface/);
  });

  test("contain no Terraform interpolation other than references to this stack's resources", () => {
    for (const text of [article, defence]) {
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) expect(m[1]).toMatch(/^aws_[a-z0-9_]+\.[A-Za-z0-9_]+\.[a-z_]+$/);
      expect(text).not.toContain("%{");
    }
  });
});

describe("cross-account-s3 with managed session preferences (the default)", () => {
  const S3_LOGS = testConfig({ ssm: { sessionLogs: { s3KeyPrefix: "session-logs/" } } });
  const loggingPolicy = (tf: StackUnderTest) => tf.policyOf("aws_iam_role_policy", "Workload_SessionLogging");

  test("the workload role may write its session log and use the session key, and nothing else for it", () => {
    expect(loggingPolicy(stack)).toEqual(
      expectedSessionLoggingPolicy(
        sessionLoggingRefs(synthCached()),
        stack.ref("aws_instance", "Workload_Instance", "id"),
      ),
    );
    expect(stack.named("aws_iam_role_policy", "Workload_SessionLogging").role).toBe(
      stack.ref("aws_iam_role", "Workload_Role", "id"),
    );
  });

  test("with an S3 prefix it may also upload under that prefix of the session bucket, encrypted with the key", () => {
    const result = synthCached({ config: S3_LOGS });
    const tf = viewOf(result.stacks[ID]);
    expect(loggingPolicy(tf)).toEqual(
      expectedSessionLoggingPolicy(
        sessionLoggingRefs(result, "session-logs/"),
        stack.ref("aws_instance", "Workload_Instance", "id"),
      ),
    );
  });

  test("the S3 endpoint policy lets the role upload its transcript to the session bucket (same account)", async () => {
    const result = synthCached({ config: S3_LOGS });
    const tf = viewOf(result.stacks[ID]);
    const bucket = "ec2-access-guardrails-sessions-20260101000000000000000001";
    const refs = sessionLoggingRefs(result, "session-logs/");
    const concrete = JSON.stringify(loggingPolicy(tf))
      .split(refs.s3!.bucketArn)
      .join(`arn:aws:s3:::${bucket}`)
      .split(refs.keyArn)
      .join(`arn:aws:kms:eu-west-1:${WORKLOAD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)
      .split(refs.logGroupArn)
      .join(`arn:aws:logs:eu-west-1:${WORKLOAD}:log-group:/ec2-access-guardrails/session-manager/sessions`);
    const upload = (key: string, resourceAccount: string) =>
      runSimulation(
        {
          request: {
            principal: `arn:aws:sts::${WORKLOAD}:assumed-role/cross-account-workload-role/i-0123456789abcdef0`,
            action: "s3:PutObject",
            resource: { resource: `arn:aws:s3:::${bucket}/${key}`, accountId: resourceAccount },
            // The simulator derives no context key: the endpoint policy's two are passed as AWS sets them.
            contextVariables: { "aws:PrincipalAccount": WORKLOAD, "aws:ResourceAccount": resourceAccount },
          },
          identityPolicies: [{ name: "session-logging", policy: JSON.parse(concrete) }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          vpcEndpointPolicies: [
            { name: "s3-endpoint", policy: tf.policyOf("aws_vpc_endpoint", "Network_S3GatewayEndpoint") },
          ],
        },
        {},
      );
    const allowed = await upload("session-logs/alice-0123456789abcdef0.log", WORKLOAD);
    expect(allowed).toMatchObject({
      resultType: "single",
      overallResult: "Allowed",
      result: { ignoredContextKeys: [] },
    });
    // The same bucket name owned by another account is outside the perimeter.
    const foreign = await upload("session-logs/alice-0123456789abcdef0.log", DATA);
    expect(foreign).toMatchObject({ resultType: "single", overallResult: "ImplicitlyDenied" });
  });

  test("its fully private network reaches logs and kms through endpoints its closed egress admits", () => {
    const group = stack.ref("aws_security_group", "SessionManagerEndpoints_SecurityGroup", "id");
    for (const service of ["logs", "kms"]) {
      expect(
        stack.named(
          "aws_vpc_endpoint",
          `SessionManagerEndpoints_${service[0].toUpperCase()}${service.slice(1)}Endpoint`,
        ),
      ).toMatchObject({
        service_name: `com.amazonaws.eu-west-1.${service}`,
        security_group_ids: [group],
        private_dns_enabled: true,
      });
    }
    expect(stack.named("aws_vpc_security_group_egress_rule", "Workload_HttpsEgressInterfaceEndpoints")).toMatchObject({
      referenced_security_group_id: group,
      from_port: 443,
      to_port: 443,
    });
  });

  test('with ssm.sessionPreferences "existing" the role gets no logging grant and synth says what the owner must grant', () => {
    const config = testConfig({ ssm: { sessionPreferences: "existing" } });
    const result = synthCached({ config });
    expect(
      Object.keys(viewOf(result.stacks[ID]).all("aws_iam_role_policy")).filter((n) => n.includes("SessionLogging")),
    ).toEqual([]);
    expect(result.annotations[ID].map((a) => a.message)).toContainEqual(
      expect.stringMatching(
        /^ssm\.sessionPreferences is "existing": .*kms:Decrypt.*logs:PutLogEvents.*s3:PutObject.*interface endpoints for logs and kms/,
      ),
    );
  });
});
