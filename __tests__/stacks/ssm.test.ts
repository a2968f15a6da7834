import { App } from "cdktf";
import { SsmInstanceArnStack } from "../../stacks/ssm-instance-arn";
import {
  asList,
  parsePolicy,
  resourceNamed,
  resourcesOf,
  statement,
  synthCached,
  testConfig,
  type Block,
  type PolicyJson,
} from "../helpers";
import { stackUnderTest, type StackUnderTest } from "../helpers/stack-test";

const SSM_STACKS = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"] as const;
type SsmStackId = (typeof SSM_STACKS)[number];

/** The default configuration's region and workload account (config/default.json). */
const REGION = "eu-west-1";
const ACCOUNT = "111111111111";
const OWN_SESSIONS = `arn:aws:ssm:${REGION}:${ACCOUNT}:session/\${aws:username}-*`;
const SHELL_DOCUMENT = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/SSM-SessionManagerRunShell`;
const ALL_INSTANCES = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`;
const DOCUMENT_CHECK = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } };
/** The session's AWS-applied owner tag equals the caller's unique id (Example 4, Method 2 of AWS's samples). */
const OWN_SESSION_TAG = { StringEquals: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } };
/**
 * The article's choices: AWS ReadOnlyAccess on the group, own sessions by name prefix alone. The two
 * settings are independent (each builds its own statement); one configuration keeps this file to one
 * extra synthesis.
 */
// The article set no session preferences: with "existing" this project leaves them alone too.
const ARTICLE = {
  ssm: { userAccess: "read-only", ownSessions: "name-prefix", sessionPreferences: "existing" },
} as const;
/** What cdktf names session-preferences' outputs in a reader: the session key ARN comes that way. */
const SESSION_KEY_REF =
  /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-session-preferences\.outputs\.cross-stack-output-aws_kms_keySessionKey[A-Za-z0-9_]*arn\}$/;

/**
 * Written out by hand: the three stacks share the workload account, where IAM user names are unique.
 * `_`, not `-`: the own-session rule `session/${aws:username}-*` of TestUserA must not match the
 * sessions (`<user>-<id>`) of the other patterns' users.
 */
const EXPECTED_USERS: Record<SsmStackId, string> = {
  "ssm-instance-arn": "TestUserA",
  "ssm-fixed-tag": "TestUserA_fixed-tag",
  "ssm-abac": "TestUserA_abac",
};

/** The outputs after UserName, GroupName and SessionPolicyArn, written out by hand. */
const FIND_TAGGED = `aws ec2 describe-instances --region ${REGION} --filters Name=tag:Project,Values=test --query 'Reservations[].Instances[].InstanceId' --output text`;
const START_ON_TAGGED = `aws ssm start-session --region ${REGION} --target <instance-id> --document-name SSM-SessionManagerRunShell`;
const EXPECTED_TARGETS_OUTPUTS: Record<SsmStackId, Record<string, unknown>> = {
  "ssm-instance-arn": {
    // The private-access instance, read from that stack's state; the logged shell document named.
    StartSessionCommands: [
      expect.stringMatching(
        new RegExp(
          `^aws ssm start-session --region ${REGION} --target \\$\\{data\\.terraform_remote_state\\.[^}]+Target_Instance[^}]+\\} --document-name SSM-SessionManagerRunShell$`,
        ),
      ),
    ],
  },
  "ssm-fixed-tag": { FindTargetsCommand: FIND_TAGGED, StartSessionCommand: START_ON_TAGGED },
  "ssm-abac": { FindTargetsCommand: FIND_TAGGED, StartSessionCommand: START_ON_TAGGED },
};

const rawPolicy = (stack: StackUnderTest): string =>
  stack.named("aws_iam_policy", "SessionUser_SessionPolicy").policy as string;
const sessionPolicy = (stack: StackUnderTest): PolicyJson => parsePolicy(rawPolicy(stack));
const startSessionStatements = (doc: PolicyJson) =>
  doc.Statement.filter((s) => asList(s.Action).includes("ssm:StartSession"));

describe.each(SSM_STACKS)("%s", (id: SsmStackId) => {
  const stack = () => stackUnderTest(id);

  test("creates the restricted user: the article's TestUserA for the first pattern, suffixed for the others", () => {
    const users = Object.values(stack().all("aws_iam_user"));
    expect(users.map((u) => u.name)).toEqual([EXPECTED_USERS[id]]);
  });

  test("outputs its user, group and policy, and the commands showing where and how the user may start a session", () => {
    const tf = stack();
    expect(tf.output?.UserName).toEqual({ value: tf.ref("aws_iam_user", "SessionUser", "name") });
    expect(tf.output?.GroupName).toEqual({ value: tf.ref("aws_iam_group", "SessionUser_Group", "name") });
    expect(tf.output?.SessionPolicyArn).toEqual({
      value: tf.ref("aws_iam_policy", "SessionUser_SessionPolicy", "arn"),
    });
    const targets = Object.fromEntries(
      Object.entries(tf.output ?? {})
        .filter(([key]) => !["UserName", "GroupName", "SessionPolicyArn"].includes(key))
        .map(([key, o]) => [key, o.value]),
    );
    expect(targets).toEqual(EXPECTED_TARGETS_OUTPUTS[id]);
  });

  test("puts the user in a group of its own pattern", () => {
    const group = stack().named("aws_iam_group", "SessionUser_Group");
    expect(group.name).toBe(`ec2-access-guardrails-${id}`);
    const membership = stack().named("aws_iam_user_group_membership", "SessionUser_Membership");
    expect(membership.user).toBe(stack().ref("aws_iam_user", "SessionUser", "name"));
    expect(membership.groups).toEqual([stack().ref("aws_iam_group", "SessionUser_Group", "name")]);
  });

  test("attaches only the session policy to the group by default, and nothing to the user", () => {
    const attachments = Object.values(stack().all("aws_iam_group_policy_attachment"));
    const group = stack().ref("aws_iam_group", "SessionUser_Group", "name");
    expect(attachments.map((a) => [a.group, a.policy_arn])).toEqual([
      [group, stack().ref("aws_iam_policy", "SessionUser_SessionPolicy", "arn")],
    ]);
    for (const userBound of ["aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment"]) {
      expect({ [userBound]: stack().all(userBound) }).toEqual({ [userBound]: {} });
    }
  });

  test("with ssm.userAccess read-only, also attaches AWS ReadOnlyAccess to the group, at its former address", () => {
    const tf = stackUnderTest(id, { config: testConfig(ARTICLE) });
    const attachment = tf.named("aws_iam_group_policy_attachment", "SessionUser_ReadOnlyAccess");
    expect(Object.keys(tf.all("aws_iam_group_policy_attachment"))).toContain("SessionUser_ReadOnlyAccess_281E4828");
    expect(attachment.group).toBe(tf.ref("aws_iam_group", "SessionUser_Group", "name"));
    expect(attachment.policy_arn).toBe("arn:aws:iam::aws:policy/ReadOnlyAccess");
  });

  test("by default grants the Session Manager console's four reads on * and no other read", () => {
    const doc = sessionPolicy(stack());
    expect(statement(doc, "SessionManagerConsoleReads")).toEqual({
      Sid: "SessionManagerConsoleReads",
      Effect: "Allow",
      Action: [
        "ssm:DescribeSessions",
        "ssm:GetConnectionStatus",
        "ssm:DescribeInstanceProperties",
        "ec2:DescribeInstances",
      ],
      Resource: "*",
    });
    // The one KMS grant is on the session key (next test); nothing reads data.
    const actions = doc.Statement.filter((s) => s.Sid !== "EncryptSessionDataWithSessionKey").flatMap((s) =>
      asList(s.Action),
    );
    expect(actions.filter((a) => /^(s3|logs|ssm:GetParameter|secretsmanager|kms):?/.test(a))).toEqual([]);
  });

  test("with managed session preferences, may make data keys of the session key only, read from session-preferences", () => {
    const grant = statement(sessionPolicy(stack()), "EncryptSessionDataWithSessionKey");
    expect(grant).toEqual({
      Sid: "EncryptSessionDataWithSessionKey",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: expect.stringMatching(SESSION_KEY_REF),
    });
    expect(Object.keys(stack().data?.terraform_remote_state ?? {})).toContain(
      "cross-stack-reference-input-session-preferences",
    );
  });

  test("with existing session preferences, gets no KMS permission, reads nothing of session-preferences, and says what the document's owner must grant", () => {
    const settings = { config: testConfig({ ssm: { sessionPreferences: "existing" } }) };
    const tf = stackUnderTest(id, settings);
    expect(rawPolicy(tf)).not.toContain("kms:");
    expect(Object.keys(tf.data?.terraform_remote_state ?? {})).not.toContain(
      "cross-stack-reference-input-session-preferences",
    );
    const warnings = synthCached(settings).annotations[id].filter((a) => a.level === "@cdktf/warn");
    expect(warnings.map((a) => a.message)).toContainEqual(
      expect.stringMatching(/existing SSM-SessionManagerRunShell sets a kmsKeyId.*kms:GenerateDataKey/),
    );
  });

  test("with ssm.userAccess read-only, leaves the console's reads to ReadOnlyAccess", () => {
    const doc = sessionPolicy(stackUnderTest(id, { config: testConfig(ARTICLE) }));
    expect(doc.Statement.map((s) => s.Sid)).not.toContain("SessionManagerConsoleReads");
  });

  test("creates no access key or console password for the user", () => {
    expect(stack().all("aws_iam_access_key")).toEqual({});
    expect(stack().all("aws_iam_user_login_profile")).toEqual({});
  });

  test("lets the user terminate and resume only sessions named after them AND tagged with their unique id", () => {
    expect(statement(sessionPolicy(stack()), "TerminateAndResumeOwnSessions")).toEqual({
      Sid: "TerminateAndResumeOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: OWN_SESSIONS,
      Condition: OWN_SESSION_TAG,
    });
  });

  test("with ssm.ownSessions name-prefix, matches the session name prefix alone (the article's rule)", () => {
    const doc = sessionPolicy(stackUnderTest(id, { config: testConfig(ARTICLE) }));
    expect(statement(doc, "TerminateAndResumeOwnSessions")).toEqual({
      Sid: "TerminateAndResumeOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: OWN_SESSIONS,
    });
  });

  test.each([[{}], [ARTICLE]])(
    "opens the session data channel only for the user's own sessions, by name prefix (config %j)",
    (overrides) => {
      const doc = sessionPolicy(stackUnderTest(id, { config: testConfig(overrides) }));
      expect(statement(doc, "OpenDataChannelOfOwnSessions")).toEqual({
        Sid: "OpenDataChannelOfOwnSessions",
        Effect: "Allow",
        Action: "ssmmessages:OpenDataChannel",
        Resource: OWN_SESSIONS,
      });
    },
  );

  test("with the article's settings, synthesizes the article's policy: no console statement, no session-id tag", () => {
    const tf = stackUnderTest(id, { config: testConfig(ARTICLE) });
    const doc = sessionPolicy(tf);
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "StartSessionOnTargetInstances",
      "StartSessionWithDefaultShellDocument",
      "OpenDataChannelOfOwnSessions",
      "TerminateAndResumeOwnSessions",
    ]);
    expect(rawPolicy(tf)).not.toContain("aws:ssmmessages:session-id");
    expect(Object.keys(tf.all("aws_iam_group_policy_attachment"))).toHaveLength(2);
  });

  test("grants the default shell document and no other session document", () => {
    const documents = startSessionStatements(sessionPolicy(stack()))
      .flatMap((s) => asList(s.Resource))
      .filter((arn) => arn.includes(":document/"));
    expect(documents).toEqual([SHELL_DOCUMENT]);
  });

  test("enforces the session document access check on every statement that allows StartSession", () => {
    const statements = startSessionStatements(sessionPolicy(stack()));
    expect(statements).toHaveLength(2);
    for (const s of statements) expect(s.Condition).toMatchObject(DOCUMENT_CHECK);
  });

  test("sends ${aws:username} and ${aws:userid} to Terraform escaped as $${…}, and nothing unescaped", () => {
    const raw = rawPolicy(stack());
    expect(raw).toContain("session/$${aws:username}-*");
    expect(raw).toContain('"ssm:resourceTag/aws:ssmmessages:session-id":"$${aws:userid}"');
    expect(raw).not.toMatch(/(?<!\$)\$\{aws:/);
  });

  test("builds every ARN from the configured region and workload account", () => {
    const config = testConfig({
      region: "us-east-2",
      accounts: { workload: { id: "444444444444" } },
      ssm: { targetInstanceIds: ["i-0123456789abcdef0"] },
      // A real workload account needs the audit stack's alarm subscriber and key administrator.
      audit: { alarmEmail: "security@example.com", administratorArns: ["arn:aws:iam::444444444444:role/Deployer"] },
    });
    const statements = sessionPolicy(stackUnderTest(id, { config })).Statement;
    // The console's reads take `*`: DescribeSessions and the rest have no resource to name.
    // The session key's ARN is session-preferences' (previous tests): every other ARN is built here.
    const scoped = statements.filter(
      (s) => s.Sid !== "SessionManagerConsoleReads" && s.Sid !== "EncryptSessionDataWithSessionKey",
    );
    expect(statements.filter((s) => asList(s.Resource).includes("*")).map((s) => s.Sid)).toEqual([
      "SessionManagerConsoleReads",
    ]);
    const arns = scoped.flatMap((s) => asList(s.Resource));
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(/^arn:aws:(ec2|ssm):us-east-2:444444444444:/);
  });

  test("follows ssm.userName", () => {
    const config = testConfig({ ssm: { userName: "alice.ops" } });
    const users = Object.values(resourcesOf(stackUnderTest(id, { config }), "aws_iam_user"));
    expect(users.map((u) => u.name)).toEqual([EXPECTED_USERS[id].replace("TestUserA", "alice.ops")]);
  });
});

describe("ssm-instance-arn", () => {
  test("without ssm.targetInstanceIds, allows StartSession on the private-access instance only, read through remote state", () => {
    const stack = stackUnderTest("ssm-instance-arn");
    const privateAccess = stackUnderTest("private-access");
    const instanceId = privateAccess.ref("aws_instance", "Target_Instance", "id");
    // cdktf exports the id under a generated name; find it by what it carries.
    const exported = Object.entries(privateAccess.output ?? {}).filter(
      ([name, o]) => name.startsWith("cross-stack-output-") && o.value === instanceId,
    );
    expect(exported).toHaveLength(1);
    const [outputName] = exported[0];

    expect(Object.keys(stack.data?.terraform_remote_state ?? {}).sort()).toEqual([
      "cross-stack-reference-input-private-access",
      "cross-stack-reference-input-session-preferences",
    ]);
    expect(statement(sessionPolicy(stack), "StartSessionOnTargetInstances")).toEqual({
      Sid: "StartSessionOnTargetInstances",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: [
        `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/\${data.terraform_remote_state.cross-stack-reference-input-private-access.outputs.${outputName}}`,
      ],
      Condition: DOCUMENT_CHECK,
    });
  });

  test.each([[["i-0123456789abcdef0"]], [["i-0123456789abcdef0", "i-0fedcba9876543210"]]])(
    "with ssm.targetInstanceIds %j, names exactly those instance ARNs and reads nothing of private-access",
    (ids) => {
      const config = testConfig({ ssm: { targetInstanceIds: ids } });
      const stack = stackUnderTest("ssm-instance-arn", { config });
      expect(Object.keys(stack.data?.terraform_remote_state ?? {})).toEqual([
        "cross-stack-reference-input-session-preferences",
      ]);
      expect(statement(sessionPolicy(stack), "StartSessionOnTargetInstances").Resource).toEqual(
        ids.map((i) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${i}`),
      );
    },
  );

  test("never allows StartSession on every instance", () => {
    const resources = startSessionStatements(sessionPolicy(stackUnderTest("ssm-instance-arn"))).flatMap((s) =>
      asList(s.Resource),
    );
    expect(resources).not.toContain(ALL_INSTANCES);
    expect(resources.filter((r) => r.includes("*"))).toEqual([]);
  });

  test.each([
    [
      "no ssm.targetInstanceIds and no default target",
      undefined,
      undefined,
      "Stack ssm-instance-arn has no target instance: set ssm.targetInstanceIds to instance ids such as i-0123456789abcdef0, or pass defaultTargetInstanceId (main.ts passes the private-access instance).",
    ],
    [
      "an empty ssm.targetInstanceIds, even with a default target",
      [],
      "i-0fedcba9876543210",
      "Invalid ssm.targetInstanceIds []: list at least one instance id such as i-0123456789abcdef0, or remove the field to target the private-access instance.",
    ],
  ])("refuses to synthesize with %s, naming the field", (_case, ids, defaultTargetInstanceId, message) => {
    const config = testConfig(ids === undefined ? {} : { ssm: { targetInstanceIds: ids } });
    const props = { config, offline: true, defaultTargetInstanceId };
    expect(() => new SsmInstanceArnStack(new App(), "ssm-instance-arn", props)).toThrow(message);
  });
});

describe.each([
  ["ssm-fixed-tag" as const, "ssm:resourceTag/Project", "aws:ResourceTag/Project", "test"],
  ["ssm-abac" as const, "aws:ResourceTag/Project", "ssm:resourceTag/Project", "${aws:PrincipalTag/Project}"],
])("%s", (id, key, otherKey, expected) => {
  const stack = () => stackUnderTest(id);

  test(`allows StartSession on any instance of the account and region only when ${key} equals ${expected}`, () => {
    expect(statement(sessionPolicy(stack()), "StartSessionOnTargetInstances")).toEqual({
      Sid: "StartSessionOnTargetInstances",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: ALL_INSTANCES,
      Condition: { StringEquals: { [key]: expected }, ...DOCUMENT_CHECK },
    });
  });

  test(`never conditions on ${otherKey}`, () => {
    expect(rawPolicy(stack())).not.toContain(otherKey);
  });

  test("reads only the session key from another stack (session-preferences), and nothing with existing preferences", () => {
    expect(Object.keys(stack().data?.terraform_remote_state ?? {})).toEqual([
      "cross-stack-reference-input-session-preferences",
    ]);
    const existing = testConfig({ ssm: { sessionPreferences: "existing" } });
    expect(stackUnderTest(id, { config: existing }).data?.terraform_remote_state).toBeUndefined();
  });
});

describe("ssm-fixed-tag", () => {
  test("matches the configured project", () => {
    const config = testConfig({ project: "payments" });
    const condition = statement(
      sessionPolicy(stackUnderTest("ssm-fixed-tag", { config })),
      "StartSessionOnTargetInstances",
    ).Condition;
    expect(condition?.StringEquals).toEqual({ "ssm:resourceTag/Project": "payments" });
  });
});

describe("ssm-abac", () => {
  test("sends ${aws:PrincipalTag/Project} to Terraform escaped", () => {
    expect(rawPolicy(stackUnderTest("ssm-abac"))).toContain('"aws:ResourceTag/Project":"$${aws:PrincipalTag/Project}"');
  });

  test("tags the user itself with the configured project", () => {
    const config = testConfig({ project: "payments" });
    const user: Block = resourceNamed(stackUnderTest("ssm-abac", { config }), "aws_iam_user", "SessionUser");
    expect(user.tags).toEqual({ Project: "payments" });
  });

  test("names no project in its policy, so one policy serves every team", () => {
    const config = testConfig({ project: "payments" });
    expect(rawPolicy(stackUnderTest("ssm-abac", { config }))).not.toContain("payments");
  });
});
