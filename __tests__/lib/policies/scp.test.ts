import { eiceGuardrailScp } from "../../../lib/policies/scp";

describe("eiceGuardrailScp", () => {
  test("refuses an exempt list that would push the SCP past 5,120 characters, naming the field", () => {
    const exemptPrincipalArns = Array.from(
      { length: 100 },
      (_, i) => `arn:aws:iam::*:role/break-glass/team-${i}/BreakGlassOperatorRole`,
    );
    expect(() => eiceGuardrailScp({ variant: "deny-eice-and-eic", exemptPrincipalArns })).toThrow(
      /^Invalid scp\.exemptPrincipalArns \(100 ARNs\): the deny-eice-and-eic SCP would be \d+ characters and AWS accepts at most 5120\. List fewer principals or use a wildcard such as arn:aws:iam::\*:role\/BreakGlass\.$/,
    );
  });

  test("accepts a dozen exempt roles within the limit", () => {
    const exemptPrincipalArns = Array.from({ length: 12 }, (_, i) => `arn:aws:iam::*:role/BreakGlass${i}`);
    const doc = eiceGuardrailScp({ variant: "deny-eice-and-eic", exemptPrincipalArns });
    expect(doc.Statement[0].Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": exemptPrincipalArns } });
  });
});
