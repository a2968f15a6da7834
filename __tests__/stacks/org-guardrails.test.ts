import { asList, onlyResource, parsePolicy, resourcesOf, synthCached, testConfig } from "../helpers";
import { stackUnderTest } from "../helpers/stack-test";
import { attachmentId } from "../../stacks/org-guardrails";

const ORG = "org-guardrails";

/** The org-guardrails stack synthesized with this `scp` configuration. */
function orgStack(scp: NonNullable<Parameters<typeof testConfig>[0]>["scp"]) {
  return stackUnderTest(ORG, { config: testConfig({ scp }) });
}

function scpOf(stack: ReturnType<typeof orgStack>) {
  return parsePolicy(stack.only("aws_organizations_policy").content);
}

// Expected lists written out by hand from SPEC §3, plus ModifyInstanceConnectEndpoint (see lib/policies/scp.ts).
const OPEN_TUNNEL = "ec2-instance-connect:OpenTunnel";
const CREATE = "ec2:CreateInstanceConnectEndpoint";
const DELETE = "ec2:DeleteInstanceConnectEndpoint";
const MODIFY = "ec2:ModifyInstanceConnectEndpoint";
const DESCRIBE = "ec2:DescribeInstanceConnectEndpoints";
const SEND_KEY = "ec2-instance-connect:SendSSHPublicKey";

describe("org-guardrails", () => {
  test.each([
    ["deny-eice", [OPEN_TUNNEL, CREATE, DELETE, MODIFY, DESCRIBE]],
    ["deny-eice-except-describe", [OPEN_TUNNEL, CREATE, DELETE, MODIFY]],
    ["deny-eice-and-eic", [OPEN_TUNNEL, CREATE, DELETE, MODIFY, DESCRIBE, SEND_KEY]],
  ] as const)("the %s SCP denies exactly its actions on every resource", (variant, denied) => {
    const doc = scpOf(orgStack({ variant }));
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement).toHaveLength(1);
    const [only] = doc.Statement;
    expect(only.Effect).toBe("Deny");
    expect(only.Resource).toBe("*");
    expect(only.NotAction).toBeUndefined();
    expect([...asList(only.Action)].sort()).toEqual([...denied].sort());
    expect(only.Condition).toBeUndefined();
  });

  test.each([
    ["deny-eice", [OPEN_TUNNEL], [CREATE, DELETE, MODIFY, DESCRIBE]],
    ["deny-eice-except-describe", [OPEN_TUNNEL], [CREATE, DELETE, MODIFY]],
    ["deny-eice-and-eic", [OPEN_TUNNEL, SEND_KEY], [CREATE, DELETE, MODIFY, DESCRIBE]],
  ] as const)(
    "with deployers, the %s SCP still denies exactly its actions, exempting deployers from endpoint management only",
    (variant, access, management) => {
      const breakGlass = "arn:aws:iam::*:role/BreakGlass";
      const deployer = "arn:aws:iam::*:role/OrganizationAccountAccessRole";
      const doc = scpOf(orgStack({ variant, exemptPrincipalArns: [breakGlass], deployerPrincipalArns: [deployer] }));
      expect(doc.Statement.map((s) => [s.Effect, s.Resource])).toEqual([
        ["Deny", "*"],
        ["Deny", "*"],
      ]);
      const [use, manage] = doc.Statement;
      expect([...asList(use.Action)].sort()).toEqual([...access].sort());
      expect(use.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": [breakGlass] } });
      expect([...asList(manage.Action)].sort()).toEqual([...management].sort());
      expect(manage.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": [breakGlass, deployer] } });
    },
  );

  test("warns at synth when targets are set but no deployer is exempt, and not once one is", () => {
    const warnings = (scp: Parameters<typeof orgStack>[0]) =>
      synthCached({ config: testConfig({ scp }) })
        .annotations[ORG].filter((a) => a.level === "@cdktf/warn")
        .map((a) => a.message);
    expect(warnings({ targetIds: ["ou-abcd-11111111"] })).toEqual([
      expect.stringMatching(
        /^scp\.deployerPrincipalArns is empty: in a governed account, cdktf deploy\/destroy of private-access will fail/,
      ),
    ]);
    expect(
      warnings({ targetIds: ["ou-abcd-11111111"], deployerPrincipalArns: ["arn:aws:iam::*:role/Deployer"] }),
    ).toEqual([]);
    expect(warnings({ targetIds: [] })).toEqual([]);
  });

  test("defaults to the variant that keeps DescribeInstanceConnectEndpoints allowed", () => {
    const doc = scpOf(stackUnderTest(ORG));
    expect(asList(doc.Statement[0].Action)).not.toContain(DESCRIBE);
    expect(asList(doc.Statement[0].Action)).toContain(OPEN_TUNNEL);
  });

  test.each(["deny-eice", "deny-eice-except-describe", "deny-eice-and-eic"] as const)(
    "the %s SCP fits the 5,120-character SCP limit",
    (variant) => {
      const content = onlyResource(orgStack({ variant }), "aws_organizations_policy").content as string;
      expect(content.length).toBeLessThanOrEqual(5120);
    },
  );

  test("the policy is a service control policy that destroy removes", () => {
    const policy = onlyResource(stackUnderTest(ORG), "aws_organizations_policy");
    expect(policy).toMatchObject({
      type: "SERVICE_CONTROL_POLICY",
      name: "ec2-access-guardrails-deny-eice",
      skip_destroy: false,
    });
    expect(policy.description).toEqual(expect.stringContaining("listing endpoints stays allowed"));
  });

  test("attaches the SCP once to every target: a root, an OU and an account", () => {
    const stack = orgStack({ targetIds: ["r-ab12", "ou-ab12-cdef5678", "444444444444"] });
    const attachments = stack.all("aws_organizations_policy_attachment");
    const policyId = stack.ref("aws_organizations_policy", "DenyEice", "id");
    expect(
      Object.values(attachments)
        .map((a) => a.target_id)
        .sort(),
    ).toEqual(["444444444444", "ou-ab12-cdef5678", "r-ab12"]);
    for (const attachment of Object.values(attachments)) expect(attachment.policy_id).toBe(policyId);
  });

  test("names each attachment after its target, so reordering targets moves no attachment", () => {
    const names = (targetIds: string[]) =>
      Object.entries(resourcesOf(orgStack({ targetIds }), "aws_organizations_policy_attachment"))
        .map(([name, a]) => `${name}=${a.target_id}`)
        .sort();
    const forward = names(["r-ab12", "ou-ab12-cdef5678", "444444444444"]);
    expect(forward).toEqual([
      "AttachToAccount444444444444=444444444444",
      "AttachToOuAb12Cdef5678=ou-ab12-cdef5678",
      "AttachToRootAb12=r-ab12",
    ]);
    expect(names(["444444444444", "ou-ab12-cdef5678", "r-ab12"])).toEqual(forward);
  });

  test("creates no attachment when no target is configured", () => {
    expect(resourcesOf(orgStack({ targetIds: [] }), "aws_organizations_policy_attachment")).toEqual({});
  });

  test.each([
    ["r-ab12", "AttachToRootAb12"],
    ["ou-ab12-cdef5678", "AttachToOuAb12Cdef5678"],
    ["123456789012", "AttachToAccount123456789012"],
  ])("derives the attachment id of %s as %s", (target, id) => {
    expect(attachmentId(target)).toBe(id);
  });

  test.each(["deny-eice", "deny-eice-except-describe", "deny-eice-and-eic"] as const)(
    "the %s SCP spares the configured break-glass roles with ArnNotLike aws:PrincipalArn",
    (variant) => {
      const exempt = ["arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::111111111111:role/IncidentResponse"];
      const doc = scpOf(orgStack({ variant, exemptPrincipalArns: exempt }));
      expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": exempt } });
    },
  );

  test("deploys with a provider pinned to the management account", () => {
    const provider = stackUnderTest(ORG).provider?.aws?.[0];
    expect(provider).toMatchObject({ allowed_account_ids: ["222222222222"] });
  });
});
