import { App, Testing } from "cdktf";
import { OFFLINE_IDENTITY_CENTER } from "../../lib/constructs/identity-center";
import type { SessionLogging } from "../../lib/policies/session-logging";
import { SsmAbacStack } from "../../stacks/ssm-abac";
import { SsmFixedTagStack } from "../../stacks/ssm-fixed-tag";
import { SsmInstanceArnStack } from "../../stacks/ssm-instance-arn";
import { asList, statement, synthCached, testConfig, type PolicyJson, type TfJson } from "../helpers";
import {
  DELEGATED_ACCOUNT as DELEGATED,
  delegatedIdentityCenterSettings,
  IDENTITY_CENTER,
  IDENTITY_CENTER_GROUP as GROUP,
  IDENTITY_CENTER_REGION,
  identityCenterSettings,
} from "../helpers/identity-center";
import { stackUnderTest, viewOf, type StackUnderTest } from "../helpers/stack-test";

const SSM_STACKS = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"] as const;
type SsmStackId = (typeof SSM_STACKS)[number];

/** The default configuration's region and accounts (config/default.json). */
const REGION = "eu-west-1";
const WORKLOAD = "111111111111";
const MANAGEMENT = "222222222222";
const DOCUMENT_CHECK = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } };
const ALL_SESSIONS = `arn:aws:ssm:${REGION}:${WORKLOAD}:session/*`;

type Overrides = Parameters<typeof testConfig>[0];

/** The permission set names with the default prefix, as people see them in the access portal. */
const DEFAULT_NAMES: Record<SsmStackId, string> = {
  "ssm-instance-arn": "guardrails-ssm-instance-arn",
  "ssm-fixed-tag": "guardrails-ssm-fixed-tag",
  "ssm-abac": "guardrails-ssm-abac",
};

/** The stack's AWS provider blocks. */
const providersOf = (tf: TfJson): Array<Record<string, unknown>> => [tf.provider?.aws ?? []].flat() as never;
/** Every resource and data source of a stack as [address, provider], data sources as `data.<type>.<name>`. */
const providerOfEachBlock = (tf: TfJson): Array<[string, unknown]> => [
  ...Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, block]): [string, unknown] => [`${type}.${name}`, block.provider]),
  ),
  ...Object.entries(tf.data ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, block]): [string, unknown] => [`data.${type}.${name}`, block.provider]),
  ),
];
/** Identity Center's own resource and data source types: they exist in its Region only. */
const isIdentityCenterType = (address: string) => /^(data\.)?aws_(ssoadmin|identitystore)_/.test(address);
// Whole syntheses, shared with the other files that read these configurations (helpers/identity-center.ts).
const icStack = (id: SsmStackId) => viewOf(synthCached(identityCenterSettings()).stacks[id]);
const delegatedStack = (id: SsmStackId) => viewOf(synthCached(delegatedIdentityCenterSettings()).stacks[id]);
const inlinePolicy = (tf: StackUnderTest): PolicyJson =>
  tf.policyOf("aws_ssoadmin_permission_set_inline_policy", "SessionPermissionSet_InlinePolicy", "inline_policy");
const rawInlinePolicy = (tf: StackUnderTest): string =>
  tf.named("aws_ssoadmin_permission_set_inline_policy", "SessionPermissionSet_InlinePolicy").inline_policy as string;

describe.each(SSM_STACKS)("%s with ssm.principals identity-center", (id: SsmStackId) => {
  test("creates nothing in the workload account: no IAM user, group or policy, and no provider for that account", () => {
    const tf = icStack(id);
    const types = Object.keys(tf.resource ?? {});
    expect(types.filter((t) => t.startsWith("aws_iam_"))).toEqual([]);
    const providers = providersOf(tf);
    expect(providers.map((p) => [p.alias, p.allowed_account_ids])).toEqual([
      [undefined, [MANAGEMENT]],
      ["identity_center", [MANAGEMENT]],
    ]);
  });

  test("reads and writes every Identity Center resource through the identity_center provider, nothing else", () => {
    const blocks = providerOfEachBlock(delegatedStack(id));
    expect(blocks.filter(([address]) => isIdentityCenterType(address)).length).toBeGreaterThanOrEqual(6);
    for (const [address, provider] of blocks) {
      expect({ address, provider }).toEqual({
        address,
        provider: isIdentityCenterType(address) ? "aws.identity_center" : undefined,
      });
    }
  });

  test("deploys to accounts.identityCenter when a delegated administrator is configured", () => {
    const providers = providersOf(delegatedStack(id));
    expect(providers.map((p) => p.allowed_account_ids)).toEqual([[DELEGATED], [DELEGATED]]);
  });

  test("reaches Identity Center in ssm.identityCenter.region, and keeps the default provider in region", () => {
    expect(providersOf(delegatedStack(id)).map((p) => [p.alias, p.region])).toEqual([
      [undefined, REGION],
      ["identity_center", IDENTITY_CENTER_REGION],
    ]);
    // Unset, Identity Center is looked for in `region`.
    expect(providersOf(icStack(id)).map((p) => p.region)).toEqual([REGION, REGION]);
  });

  test("says which Region it looked in when no Identity Center instance is found there", () => {
    const [instances] = Object.values(delegatedStack(id).data?.aws_ssoadmin_instances ?? {});
    const [postcondition] = (instances.lifecycle as { postcondition: Array<{ error_message: string }> }).postcondition;
    expect(postcondition.error_message).toMatch(
      /^No single IAM Identity Center instance is visible in us-east-1: set ssm\.identityCenter\.region/,
    );
  });

  test("creates one permission set of a name Identity Center accepts, in the instance read by data source", () => {
    const tf = icStack(id);
    const set = tf.only("aws_ssoadmin_permission_set");
    expect(set.name).toBe(DEFAULT_NAMES[id]);
    expect(set.name).toMatch(/^[\w+=,.@-]{1,32}$/);
    // Names are unique in the whole instance: a second deployment chooses its own prefix.
    expect(delegatedStack(id).only("aws_ssoadmin_permission_set").name).toBe(
      DEFAULT_NAMES[id].replace("guardrails-ssm-", "team-a-"),
    );
    expect(set.session_duration).toBe("PT1H");
    const instances = Object.keys(tf.data?.aws_ssoadmin_instances ?? {});
    expect(instances).toHaveLength(1);
    expect(set.instance_arn).toBe(`\${element(data.aws_ssoadmin_instances.${instances[0]}.arns, 0)}`);
  });

  test("assigns the permission set to the Identity Store group, read by its DisplayName, on the workload account", () => {
    const tf = icStack(id);
    const [groupName, group] = Object.entries(tf.data?.aws_identitystore_group ?? {})[0];
    expect(group.alternate_identifier).toEqual({
      unique_attribute: { attribute_path: "DisplayName", attribute_value: GROUP },
    });
    expect(group.identity_store_id).toMatch(
      /^\$\{element\(data\.aws_ssoadmin_instances\.[^.]+\.identity_store_ids, 0\)\}$/,
    );
    const assignment = tf.only("aws_ssoadmin_account_assignment");
    expect(assignment).toMatchObject({
      permission_set_arn: tf.ref("aws_ssoadmin_permission_set", "SessionPermissionSet", "arn"),
      principal_id: `\${data.aws_identitystore_group.${groupName}.group_id}`,
      principal_type: "GROUP",
      target_id: WORKLOAD,
      target_type: "AWS_ACCOUNT",
    });
    expect(assignment.depends_on).toEqual([
      expect.stringMatching(/^aws_ssoadmin_permission_set_inline_policy\.SessionPermissionSet_InlinePolicy/),
    ]);
  });

  test("carries the IAM user's StartSession statements inline, every one with the document access check", () => {
    const doc = inlinePolicy(icStack(id));
    const start = doc.Statement.filter((s) => asList(s.Action).includes("ssm:StartSession"));
    expect(start).toHaveLength(2);
    for (const s of start) expect(s.Condition).toMatchObject(DOCUMENT_CHECK);
    const iamUser = viewOf(synthCached().stacks[id]).policyOf("aws_iam_policy", "SessionUser_SessionPolicy");
    for (const sid of [
      "StartSessionOnTargetInstances",
      "StartSessionWithDefaultShellDocument",
      "SessionManagerConsoleReads",
    ]) {
      expect(statement(doc, sid)).toEqual(statement(iamUser, sid));
    }
  });

  test("lets role sessions terminate and resume only sessions tagged with their own ${aws:userid}", () => {
    expect(statement(inlinePolicy(icStack(id)), "TerminateAndResumeOwnSessions")).toEqual({
      Sid: "TerminateAndResumeOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: ALL_SESSIONS,
      Condition: { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
    });
  });

  test("opens data channels on the workload account's sessions: role session ids start with the session name", () => {
    expect(statement(inlinePolicy(icStack(id)), "OpenDataChannelOfOwnSessions")).toEqual({
      Sid: "OpenDataChannelOfOwnSessions",
      Effect: "Allow",
      Action: "ssmmessages:OpenDataChannel",
      Resource: ALL_SESSIONS,
    });
  });

  test("never names ${aws:username}, which role sessions lack, and sends policy variables escaped", () => {
    const raw = rawInlinePolicy(icStack(id));
    expect(raw).not.toContain("aws:username");
    expect(raw).toContain('"ssm:resourceTag/aws:ssmmessages:session-id":"$${aws:userid}"');
    expect(raw).not.toMatch(/(?<!\$)\$\{aws:/);
  });

  test("names only the workload account's instances, documents and sessions, in region even when Identity Center is elsewhere", () => {
    const doc = inlinePolicy(delegatedStack(id));
    // The session key's ARN comes from session-preferences (the session key tests below).
    const arns = doc.Statement.filter((s) => s.Sid !== "EncryptSessionDataWithSessionKey")
      .flatMap((s) => asList(s.Resource))
      .filter((r) => r !== "*");
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(new RegExp(`^arn:aws:(ec2|ssm):${REGION}:${WORKLOAD}:`));
  });

  test("attaches AWS ReadOnlyAccess only with ssm.userAccess read-only, and then drops the console statement", () => {
    expect(icStack(id).all("aws_ssoadmin_managed_policy_attachment")).toEqual({});
    const tf = delegatedStack(id);
    expect(tf.only("aws_ssoadmin_managed_policy_attachment")).toMatchObject({
      managed_policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      permission_set_arn: tf.ref("aws_ssoadmin_permission_set", "SessionPermissionSet", "arn"),
    });
    expect(inlinePolicy(tf).Statement.map((s) => s.Sid)).not.toContain("SessionManagerConsoleReads");
  });

  test("outputs the permission set and the command that starts a session with the logged shell document", () => {
    const tf = icStack(id);
    expect(tf.output?.PermissionSetArn).toEqual({
      value: tf.ref("aws_ssoadmin_permission_set", "SessionPermissionSet", "arn"),
    });
    expect(tf.output?.PermissionSetName?.description).toMatch(/aws sso login/);
    const commands = Object.entries(tf.output ?? {})
      .filter(([name]) => name.startsWith("StartSessionCommand"))
      .flatMap(([, o]) => asList(o.value as string | string[]));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect(command).toMatch(
        /^aws ssm start-session --region eu-west-1 --target \S+ --document-name SSM-SessionManagerRunShell$/,
      );
    }
    expect(Object.keys(tf.output ?? {})).not.toContain("UserName");
  });

  test("escapes a group name that Terraform would read as a template", () => {
    const group = Object.values(delegatedStack(id).data?.aws_identitystore_group ?? {})[0];
    expect(group.alternate_identifier).toEqual({
      unique_attribute: { attribute_path: "DisplayName", attribute_value: "Ops $${team} %%{x}" },
    });
  });

  test("offline, reads nothing from AWS: placeholders instead of the data sources, and a synth warning", () => {
    const synthesis = synthCached({ config: testConfig(IDENTITY_CENTER), offline: true });
    const tf = viewOf(synthesis.stacks[id]);
    expect(tf.data?.aws_ssoadmin_instances).toBeUndefined();
    expect(tf.data?.aws_identitystore_group).toBeUndefined();
    expect(tf.only("aws_ssoadmin_permission_set").instance_arn).toBe(OFFLINE_IDENTITY_CENTER.instanceArn);
    expect(tf.only("aws_ssoadmin_account_assignment").principal_id).toBe(OFFLINE_IDENTITY_CENTER.groupId);
    expect(providersOf(tf).map((p) => [p.alias, p.allowed_account_ids, p.assume_role])).toEqual([
      [undefined, undefined, undefined],
      ["identity_center", undefined, undefined],
    ]);
    expect(synthesis.annotations[id].map((a) => [a.level, a.message])).toContainEqual([
      "@cdktf/warn",
      expect.stringMatching(/^Offline mode: the Identity Center instance and group "Platform Engineers" are not read/),
    ]);
  });
});

describe("ssm-abac with ssm.principals identity-center", () => {
  test("leaves the instance's attributes for access control alone unless told to manage them", () => {
    expect(icStack("ssm-abac").all("aws_ssoadmin_instance_access_control_attributes")).toEqual({});
  });

  test("with manageAccessControlAttributes, maps Project from the configured attribute, sent as $${path:…}", () => {
    const tf = delegatedStack("ssm-abac");
    const attributes = tf.only("aws_ssoadmin_instance_access_control_attributes");
    expect(attributes.instance_arn).toBe(tf.only("aws_ssoadmin_permission_set").instance_arn);
    expect(attributes.attribute).toEqual([{ key: "Project", value: [{ source: ["$${path:name.familyName}"] }] }]);
  });

  test("compares the instance's Project tag with the role session's, which Identity Center sets", () => {
    expect(statement(inlinePolicy(icStack("ssm-abac")), "StartSessionOnTargetInstances").Condition).toEqual({
      StringEquals: { "aws:ResourceTag/Project": "${aws:PrincipalTag/Project}" },
      ...DOCUMENT_CHECK,
    });
  });

  test.each(["ssm-instance-arn", "ssm-fixed-tag"] as const)("%s never manages the attributes", (id) => {
    expect(delegatedStack(id).all("aws_ssoadmin_instance_access_control_attributes")).toEqual({});
  });
});

describe("ssm-* stacks given the session logging of the session-preferences stack", () => {
  const logging: SessionLogging = {
    keyArn: "arn:aws:kms:eu-west-1:111111111111:key/0b6a1c4e-1111-2222-3333-444455556666",
    logGroupArn: "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/ssm/sessions",
  };
  const STACKS = {
    "ssm-instance-arn": SsmInstanceArnStack,
    "ssm-fixed-tag": SsmFixedTagStack,
    "ssm-abac": SsmAbacStack,
  } as const;
  const synthOne = (id: SsmStackId, overrides: Overrides, sessionLogging?: SessionLogging) => {
    const config = testConfig({ ...overrides, ssm: { ...overrides?.ssm, targetInstanceIds: ["i-0123456789abcdef0"] } });
    const stack = new STACKS[id](new App(), id, { config, offline: true, sessionLogging });
    return viewOf(JSON.parse(Testing.synth(stack)) as TfJson);
  };
  const KEY_STATEMENT = {
    Sid: "EncryptSessionDataWithSessionKey",
    Effect: "Allow",
    Action: "kms:GenerateDataKey",
    Resource: logging.keyArn,
  };

  test.each(SSM_STACKS)("%s: the IAM user and the permission set may use the session key, and only it", (id) => {
    const user = synthOne(id, {}, logging).policyOf("aws_iam_policy", "SessionUser_SessionPolicy");
    const set = inlinePolicy(synthOne(id, IDENTITY_CENTER, logging));
    for (const doc of [user, set]) {
      expect(statement(doc, "EncryptSessionDataWithSessionKey")).toEqual(KEY_STATEMENT);
      expect(doc.Statement.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith("kms:"))).toEqual([
        "kms:GenerateDataKey",
      ]);
    }
  });

  test("without it, grants no KMS permission", () => {
    const doc = synthOne("ssm-abac", {}).policyOf("aws_iam_policy", "SessionUser_SessionPolicy");
    expect(doc.Statement.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });
});

describe("a project outside the characters AWS takes in descriptions and policy documents", () => {
  // IAM policy documents take U+0020-U+00FF (and tab, line feed, carriage return); permission set
  // descriptions the same without U+007F-U+00A0. A project in another script must reach AWS anyway.
  const project = "プロジェクト";
  const tf = stackUnderTest("ssm-fixed-tag", { config: testConfig({ ...IDENTITY_CENTER, project }) });

  test("the permission set's description names the tag, not the value (DESCRIPTION_CHARACTERS guards the rule)", () => {
    expect(tf.only("aws_ssoadmin_permission_set").description).toBe(
      "Session Manager on instances tagged Project=<project> only; end and resume only one's own sessions",
    );
  });

  test("the inline policy carries the value as JSON escapes, which read back as the project", () => {
    const raw = rawInlinePolicy(tf);
    expect([...raw].filter((c) => c.charCodeAt(0) > 0xff)).toEqual([]);
    expect(raw).toContain("\\u30d7\\u30ed\\u30b8\\u30a7\\u30af\\u30c8");
    expect(statement(inlinePolicy(tf), "StartSessionOnTargetInstances").Condition).toEqual({
      StringEquals: { "ssm:resourceTag/Project": project },
      ...DOCUMENT_CHECK,
    });
  });
});
