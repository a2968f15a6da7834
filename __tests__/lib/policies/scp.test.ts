import { s3ResourcePerimeterScp } from "../../../lib/policies/s3-perimeter";
import { eiceGuardrailScp } from "../../../lib/policies/scp";

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
