import { SCP_VARIANTS } from "../../lib/config/schema";
import { WILDCARD_WRITE_EXCEPTIONS } from "../../lib/policies/wildcard-exceptions";
import { parsePolicy, statementsOf, type TfJson } from "../../lib/tfjson";
import * as path from "node:path";
import {
  configWith,
  lintPolicyDocument,
  listPolicies,
  loadScenarioFile,
  resolveDocument,
  Resolver,
  SCENARIO_DIR,
  type SynthesizedPolicy,
} from "../../proofs";
import { synthCached, testConfig } from "../helpers/synth";

/*
 * Every policy document of every synthesized stack, found by walking the JSON (no stack list is kept
 * here). When a stack carries an SCP, each SCP variant is synthesized too, and policies that differ
 * from the default synthesis are linted as well.
 */
type Stacks = Record<string, TfJson>;
const defaults = synthCached({ config: testConfig(), offline: false }).stacks;
const syntheses: Array<{ label: string; stacks: Stacks }> = [{ label: "default config", stacks: defaults }];
if (Object.values(defaults).some((s) => s.resource?.aws_organizations_policy)) {
  for (const variant of SCP_VARIANTS) {
    const stacks = synthCached({
      config: testConfig({ scp: { variant } } as Parameters<typeof testConfig>[0]),
      offline: false,
    }).stacks;
    syntheses.push({ label: `scp.variant ${variant}`, stacks });
  }
}

// Identity Center principals carry the Session Manager policies inline in permission sets, with their
// own role-session statements: lint those too (policies equal to the default ones are skipped below).
syntheses.push({
  label: "ssm.principals identity-center",
  stacks: synthCached({
    config: testConfig({
      ssm: { principals: "identity-center", identityCenter: { groupName: "Platform Engineers" } },
    } as unknown as Parameters<typeof testConfig>[0]),
    offline: false,
  }).stacks,
});

// The instance role's other grants, and the evidence configuration of the transcripts scenarios
// (readers, administrators, Object Lock, S3 state): both synthesized for the scenario tables already.
for (const [label, file] of [
  ["privateAccess.instanceS3Access scoped", "private-access.scoped-role.json"],
  ["transcript readers, evidence administrators, Object Lock", "session-preferences.transcripts.json"],
] as const) {
  const config = configWith(loadScenarioFile(path.join(SCENARIO_DIR, file)).config, file);
  syntheses.push({ label, stacks: synthCached({ config, offline: false }).stacks });
}

const seen = new Set<string>();
const cases: Array<[string, SynthesizedPolicy, Stacks]> = [];
for (const { label, stacks } of syntheses) {
  for (const [stackId, stack] of Object.entries(stacks)) {
    for (const policy of listPolicies(stackId, stack)) {
      const key = `${stackId} ${policy.type}.${policy.name}.${policy.attribute} ${policy.raw}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const suffix = label === "default config" ? "" : ` (${label})`;
      cases.push([`${stackId} ${policy.type}.${policy.name}.${policy.attribute}${suffix}`, policy, stacks]);
    }
  }
}

describe("policy lint over the synthesized stacks", () => {
  test("finds the private-access policies, so an empty walk cannot pass silently", () => {
    const names = cases.map(([title]) => title);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^private-access aws_iam_policy\.EiceOperatorPolicy\.policy/),
        expect.stringMatching(/^private-access aws_iam_role_policy\.Target_S3Access_[0-9A-F]+\.policy/),
        expect.stringMatching(/^private-access aws_vpc_endpoint\.Network_S3GatewayEndpoint_[0-9A-F]+\.policy/),
      ]),
    );
  });

  test.each(cases)("%s passes policy lint", async (title, policy, stacks) => {
    const document = resolveDocument(new Resolver(policy.stack, stacks), policy.raw);
    const findings = await lintPolicyDocument({
      label: title,
      kind: policy.kind,
      raw: policy.raw,
      document,
      type: policy.type,
    });
    expect(findings).toEqual([]);
  });

  test("every recorded wildcard exception names a statement that exists", () => {
    const sids = new Set(cases.flatMap(([, p]) => statementsOf(p.document).map((s) => s.Sid)));
    const unused = Object.keys(WILDCARD_WRITE_EXCEPTIONS).filter((sid) => !sids.has(sid));
    expect(unused).toEqual([]);
  });
});

const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const lint = (raw: string, kind: SynthesizedPolicy["kind"] = "identity") =>
  lintPolicyDocument({ label: "seeded", kind, raw, document: parsePolicy(raw) });

describe("policy lint catches seeded mistakes", () => {
  test.each([
    [
      "a misspelt service condition key (ssm:ResrouceTag)",
      doc({
        Sid: "StartSessionByTag",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: "arn:aws:ec2:eu-west-1:111111111111:instance/*",
        Condition: { StringEquals: { "ssm:ResrouceTag/Project": "test" } },
      }),
      "condition key ssm:ResrouceTag/Project, which does not exist",
    ],
    [
      "the non-existent key ec2-instance-connect:privateIpv4Address",
      doc({
        Sid: "OpenTunnel",
        Effect: "Allow",
        Action: "ec2-instance-connect:OpenTunnel",
        Resource: "arn:aws:ec2:eu-west-1:111111111111:instance-connect-endpoint/eice-0123456789abcdef0",
        Condition: { IpAddress: { "ec2-instance-connect:privateIpv4Address": "10.0.128.0/20" } },
      }),
      "condition key ec2-instance-connect:privateIpv4Address, which does not exist",
    ],
    [
      "an IAM variable Terraform would interpolate (${aws:username} not escaped)",
      doc({
        Sid: "OwnSessions",
        Effect: "Allow",
        Action: "ssm:TerminateSession",
        Resource: "arn:aws:ssm:*:*:session/${aws:username}-*",
      }).replace("$${", "${"),
      'unescaped "${aws:username}"',
    ],
    ["Allow *:*", doc({ Sid: "Admin", Effect: "Allow", Action: "*", Resource: "*" }), "Allow of every action"],
    [
      "Allow of write actions on Resource * without a recorded reason",
      doc({ Sid: "TerminateAnything", Effect: "Allow", Action: "ec2:TerminateInstances", Resource: "*" }),
      'Allow of write actions (ec2:TerminateInstances) on Resource "*"',
    ],
    [
      "an action that does not exist",
      doc({ Sid: "Typo", Effect: "Allow", Action: "s3:PutObjekt", Resource: "arn:aws:s3:::bucket/*" }),
      "action s3:PutObjekt does not exist",
    ],
    [
      "a structural error (Effect Permit)",
      doc({ Sid: "Odd", Effect: "Permit", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }),
      "identity policy validator",
    ],
  ])("flags %s", async (_what, raw, expected) => {
    const findings = await lint(raw);
    expect(findings).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  test.each([
    [
      "an escaped IAM variable ($${aws:username})",
      doc({
        Sid: "OwnSessions",
        Effect: "Allow",
        Action: "ssm:TerminateSession",
        Resource: "arn:aws:ssm:*:*:session/$${aws:username}-*",
      }),
    ],
    [
      "ec2:osuser on SendSSHPublicKey (iam-data files the key under ec2-instance-connect)",
      doc({
        Sid: "PushKey",
        Effect: "Allow",
        Action: "ec2-instance-connect:SendSSHPublicKey",
        Resource: "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0",
        Condition: { StringEquals: { "ec2:osuser": "ec2-user" } },
      }),
    ],
    [
      "a write wildcard whose Sid has a recorded reason",
      doc({
        Sid: "ArticleS3ReadWriteAnyBucket",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: "*",
      }),
    ],
    [
      "read-only actions on Resource *",
      doc({ Sid: "Describe", Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" }),
    ],
  ])("accepts %s", async (_what, raw) => {
    expect(await lint(raw)).toEqual([]);
  });

  test("a KMS key policy may allow write actions on Resource * (there it means this key)", async () => {
    const raw = doc({
      Sid: "ServiceEncrypts",
      Effect: "Allow",
      Principal: { Service: "logs.amazonaws.com" },
      Action: "kms:Encrypt",
      Resource: "*",
    });
    const document = JSON.parse(raw);
    expect(await lintPolicyDocument({ label: "seeded", kind: "resource", raw, document, type: "aws_kms_key" })).toEqual(
      [],
    );
    expect(
      await lintPolicyDocument({ label: "seeded", kind: "resource", raw, document, type: "aws_sns_topic_policy" }),
    ).toEqual([expect.stringContaining('Allow of write actions (kms:Encrypt) on Resource "*"')]);
  });

  test("a Terraform reference in the raw string is not mistaken for an unescaped IAM variable", async () => {
    const raw = doc({
      Sid: "Tunnel",
      Effect: "Allow",
      Action: "ec2-instance-connect:OpenTunnel",
      Resource: "${aws_ec2_instance_connect_endpoint.InstanceConnectEndpoint.arn}",
    });
    const document = JSON.parse(
      raw.replace(
        "${aws_ec2_instance_connect_endpoint.InstanceConnectEndpoint.arn}",
        "arn:aws:ec2:eu-west-1:111111111111:instance-connect-endpoint/eice-0123456789abcdef0",
      ),
    );
    expect(await lintPolicyDocument({ label: "seeded", kind: "identity", raw, document })).toEqual([]);
  });
});
