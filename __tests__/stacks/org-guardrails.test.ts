import { asList, onlyResource, parsePolicy, resourcesOf, synthCached, testConfig } from "../helpers";
import { stackUnderTest } from "../helpers/stack-test";
import { attachmentId } from "../../stacks/org-guardrails";

const ORG = "org-guardrails";

type Overrides = NonNullable<Parameters<typeof testConfig>[0]>;

/** The org-guardrails stack synthesized with this `scp` (and optionally `orgPerimeter`) configuration. */
function orgStack(scp: Overrides["scp"], orgPerimeter?: Overrides["orgPerimeter"]) {
  return stackUnderTest(ORG, { config: testConfig({ scp, ...(orgPerimeter ? { orgPerimeter } : {}) }) });
}

function scpOf(stack: ReturnType<typeof orgStack>) {
  return parsePolicy(stack.named("aws_organizations_policy", "DenyEice").content);
}

const BREAK_GLASS = "arn:aws:iam::*:role/BreakGlass";
const SECURITY_ADMIN = "arn:aws:iam::*:role/SecurityAdmin";

// Expected lists written out by hand from the article's three variants, plus ModifyInstanceConnectEndpoint (see lib/policies/scp.ts).
const OPEN_TUNNEL = "ec2-instance-connect:OpenTunnel";
const CREATE = "ec2:CreateInstanceConnectEndpoint";
const DELETE = "ec2:DeleteInstanceConnectEndpoint";
const MODIFY = "ec2:ModifyInstanceConnectEndpoint";
const DESCRIBE = "ec2:DescribeInstanceConnectEndpoints";
const SEND_KEY = "ec2-instance-connect:SendSSHPublicKey";
// The third Instance Connect action and the account switch it needs (Service Authorization Reference:
// list_amazonec2instanceconnect, list_amazonec2): only enabling is denied, disabling stays allowed.
const SEND_SERIAL_KEY = "ec2-instance-connect:SendSerialConsoleSSHPublicKey";
const ENABLE_SERIAL = "ec2:EnableSerialConsoleAccess";
const ALL_VARIANTS = [
  "deny-eice",
  "deny-eice-except-describe",
  "deny-eice-and-eic",
  "deny-all-instance-connect",
] as const;

describe("org-guardrails", () => {
  test.each([
    ["deny-eice", [OPEN_TUNNEL, CREATE, DELETE, MODIFY, DESCRIBE]],
    ["deny-eice-except-describe", [OPEN_TUNNEL, CREATE, DELETE, MODIFY]],
    ["deny-eice-and-eic", [OPEN_TUNNEL, CREATE, DELETE, MODIFY, DESCRIBE, SEND_KEY]],
    [
      "deny-all-instance-connect",
      [OPEN_TUNNEL, CREATE, DELETE, MODIFY, DESCRIBE, SEND_KEY, SEND_SERIAL_KEY, ENABLE_SERIAL],
    ],
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
    // Deployers manage endpoints; they push no keys and never switch the serial console on.
    [
      "deny-all-instance-connect",
      [OPEN_TUNNEL, SEND_KEY, SEND_SERIAL_KEY, ENABLE_SERIAL],
      [CREATE, DELETE, MODIFY, DESCRIBE],
    ],
  ] as const)(
    "with deployers, the %s SCP still denies exactly its actions, exempting deployers from endpoint management only",
    (variant, access, management) => {
      const breakGlass = "arn:aws:iam::*:role/BreakGlass";
      const deployer = "arn:aws:iam::*:role/OrganizationAccountAccessRole";
      const doc = scpOf(
        orgStack({
          variant,
          exemptPrincipalArns: [breakGlass],
          exemptionAdministratorArns: [SECURITY_ADMIN],
          deployerPrincipalArns: [deployer],
        }),
      );
      expect(doc.Statement.map((s) => [s.Effect, s.Resource])).toEqual([
        ["Deny", "*"],
        ["Deny", "*"],
        ["Deny", [breakGlass, SECURITY_ADMIN]],
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
      synthCached({ config: testConfig({ scp }) }, [ORG])
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

  test.each(ALL_VARIANTS)("the %s SCP fits the 5,120-character SCP limit", (variant) => {
    const content = onlyResource(orgStack({ variant }), "aws_organizations_policy").content as string;
    expect(content.length).toBeLessThanOrEqual(5120);
  });

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

  test.each(ALL_VARIANTS)(
    "the %s SCP spares the configured break-glass roles with ArnNotLike aws:PrincipalArn",
    (variant) => {
      const exempt = ["arn:aws:iam::*:role/BreakGlass", "arn:aws:iam::111111111111:role/IncidentResponse"];
      const doc = scpOf(
        orgStack({ variant, exemptPrincipalArns: exempt, exemptionAdministratorArns: [SECURITY_ADMIN] }),
      );
      expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": exempt } });
    },
  );

  describe("exempt roles cannot be claimed", () => {
    test("with exemptions, the SCP denies every role-changing action on the exempt and administrator roles to all but the administrators", () => {
      const doc = scpOf(orgStack({ exemptPrincipalArns: [BREAK_GLASS], exemptionAdministratorArns: [SECURITY_ADMIN] }));
      const protect = doc.Statement.find((s) => s.Sid === "ProtectExemptRoles");
      expect(protect).toMatchObject({ Effect: "Deny", Resource: [BREAK_GLASS, SECURITY_ADMIN] });
      // Written out from the IAM Service Authorization Reference (Write actions on the role resource).
      expect([...asList(protect?.Action)].sort()).toEqual(
        [
          "iam:AttachRolePolicy",
          "iam:CreateRole",
          "iam:DeleteRole",
          "iam:DeleteRolePermissionsBoundary",
          "iam:DeleteRolePolicy",
          "iam:DetachRolePolicy",
          "iam:PassRole",
          "iam:PutRolePermissionsBoundary",
          "iam:PutRolePolicy",
          "iam:TagRole",
          "iam:UntagRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
        ].sort(),
      );
      expect(protect?.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": [SECURITY_ADMIN] } });
    });

    test("lists a role that is both exempt and administrator once", () => {
      const doc = scpOf(orgStack({ exemptPrincipalArns: [BREAK_GLASS], exemptionAdministratorArns: [BREAK_GLASS] }));
      expect(doc.Statement.find((s) => s.Sid === "ProtectExemptRoles")?.Resource).toEqual([BREAK_GLASS]);
    });

    test("without exemptions, the SCP has no such statement", () => {
      const doc = scpOf(orgStack({}));
      expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyEc2InstanceConnect"]);
    });
  });

  describe("S3 resource perimeter (orgPerimeter)", () => {
    const ORG_ID = "o-a1b2c3d4e5";
    const perimeterOf = (stack: ReturnType<typeof orgStack>) =>
      parsePolicy(stack.named("aws_organizations_policy", "S3ResourcePerimeter").content);

    test("is off by default: one SCP, no perimeter", () => {
      expect(Object.keys(resourcesOf(stackUnderTest(ORG), "aws_organizations_policy"))).toEqual(["DenyEice"]);
    });

    test("denies S3 outside the organization and the approved accounts, except AWS services", () => {
      const stack = orgStack({}, { organizationId: ORG_ID, approvedAccountIds: ["444444444444"] });
      expect(stack.named("aws_organizations_policy", "S3ResourcePerimeter")).toMatchObject({
        name: "ec2-access-guardrails-s3-resource-perimeter",
        type: "SERVICE_CONTROL_POLICY",
        skip_destroy: false,
      });
      const [enforce, awsOwned] = perimeterOf(stack).Statement;
      const condition = {
        StringNotEqualsIfExists: { "aws:ResourceOrgID": ORG_ID, "aws:ResourceAccount": ["444444444444"] },
        BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
      };
      expect(enforce).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: condition });
      expect(awsOwned).toMatchObject({
        Effect: "Deny",
        NotAction: ["s3:GetObject", "s3:ListBucket"],
        Condition: condition,
      });
      // The exception names exact AWS-owned buckets of the configured region: no wildcard anyone could claim.
      expect(asList(enforce.NotResource)).toContain("arn:aws:s3:::amazon-ssm-eu-west-1");
      expect(asList(enforce.NotResource)).toContain("arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*");
      expect(asList(enforce.NotResource).every((arn) => !arn.replace(/\/\*$/, "").includes("*"))).toBe(true);
      expect(awsOwned.Resource).toEqual(enforce.NotResource);
    });

    test("without approved accounts, only the organization id decides", () => {
      const [enforce] = perimeterOf(orgStack({}, { organizationId: ORG_ID })).Statement;
      expect(enforce.Condition?.StringNotEqualsIfExists).toEqual({ "aws:ResourceOrgID": ORG_ID });
    });

    test("is attached to every scp.targetIds target, with ids derived from the target", () => {
      const stack = orgStack({ targetIds: ["r-ab12", "444444444444"] }, { organizationId: ORG_ID });
      const policyId = stack.ref("aws_organizations_policy", "S3ResourcePerimeter", "id");
      const attachments = Object.entries(resourcesOf(stack, "aws_organizations_policy_attachment"))
        .filter(([, a]) => a.policy_id === policyId)
        .map(([name, a]) => `${name}=${a.target_id}`)
        .sort();
      expect(attachments).toEqual([
        "S3PerimeterAttachToAccount444444444444=444444444444",
        "S3PerimeterAttachToRootAb12=r-ab12",
      ]);
    });

    test("fits the 5,120-character SCP limit with a dozen approved accounts", () => {
      const approvedAccountIds = Array.from({ length: 12 }, (_, i) => String(400000000000 + i));
      const content = orgStack({}, { organizationId: ORG_ID, approvedAccountIds }).named(
        "aws_organizations_policy",
        "S3ResourcePerimeter",
      ).content as string;
      expect(content.length).toBeLessThanOrEqual(5120);
    });
  });

  test("deploys with a provider pinned to the management account", () => {
    const provider = stackUnderTest(ORG).provider?.aws?.[0];
    expect(provider).toMatchObject({ allowed_account_ids: ["222222222222"] });
  });
});
