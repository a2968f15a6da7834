import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG_PATH, parseConfig } from "../../../lib/config";
import { problemsOf } from "./problems";

/** The shipped configuration with `scp` replaced; returns the problems, or [] when it is valid. */
function problemsWithScp(scp: unknown): readonly string[] {
  return problemsOf({ ...JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")), scp });
}

describe("scp configuration", () => {
  test("defaults to the deny-eice-except-describe variant with no exempt principals", () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
    const config = parseConfig({ ...raw, scp: { targetIds: ["r-ab12"] } });
    expect(config.scp.variant).toBe("deny-eice-except-describe");
    expect(config.scp.exemptPrincipalArns).toEqual([]);
  });

  test.each([
    ["a root", "r-ab12"],
    ["an OU", "ou-ab12-cdef5678"],
    ["a member account", "444444444444"],
  ])("accepts %s as a target (%s)", (_kind, target) => {
    expect(problemsWithScp({ targetIds: [target] })).toEqual([]);
  });

  test.each([
    ["an OU id without its root part", "ou-cdef5678"],
    ["a root id with capitals", "r-AB12"],
    ["an 11-digit account id", "44444444444"],
    ["an account ARN", "arn:aws:organizations::222222222222:account/o-x/444444444444"],
  ])("rejects %s as a target, naming scp.targetIds", (_kind, target) => {
    expect(problemsWithScp({ targetIds: [target] })).toEqual([
      `Invalid scp.targetIds[0] ${JSON.stringify(
        target,
      )}: use a root id (r-…), an OU id (ou-…-…) or a 12-digit account id.`,
    ]);
  });

  test("refuses the management account as a target because SCPs never apply to it", () => {
    expect(problemsWithScp({ targetIds: ["ou-ab12-cdef5678", "222222222222"] })).toEqual([
      'Invalid scp.targetIds[1] "222222222222": remove the management account (accounts.management.id): SCPs never apply to it.',
    ]);
  });

  test("refuses a target that already carries five SCPs", () => {
    expect(
      problemsWithScp({ targetIds: ["ou-ab12-cdef5678"], attachedPolicyCounts: { "ou-ab12-cdef5678": 5 } }),
    ).toEqual([
      'Invalid scp.targetIds[0] "ou-ab12-cdef5678": choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has 5 SCPs (FullAWSAccess counts), and a target takes at most 5.',
    ]);
  });

  test("accepts a target with four SCPs: this one makes five", () => {
    expect(
      problemsWithScp({ targetIds: ["ou-ab12-cdef5678"], attachedPolicyCounts: { "ou-ab12-cdef5678": 4 } }),
    ).toEqual([]);
  });

  test("rejects an unknown variant and lists the three allowed ones", () => {
    expect(problemsWithScp({ variant: "deny-all", targetIds: [] })).toEqual([
      'Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic.',
    ]);
  });

  test.each([
    ["a role in any account", "arn:aws:iam::*:role/BreakGlass"],
    ["a role in one account", "arn:aws:iam::111111111111:role/BreakGlass"],
  ])("accepts %s as an exempt principal (%s)", (_kind, arn) => {
    expect(problemsWithScp({ targetIds: [], exemptPrincipalArns: [arn] })).toEqual([]);
  });

  test("accepts deployer principals, defaulting to none", () => {
    expect(
      problemsWithScp({ targetIds: [], deployerPrincipalArns: ["arn:aws:iam::*:role/OrganizationAccountAccessRole"] }),
    ).toEqual([]);
  });

  test.each([
    [
      "a bare role name",
      ["Deployer"],
      'Invalid scp.deployerPrincipalArns[0] "Deployer": use an IAM principal ARN such as arn:aws:iam::*:role/OrganizationAccountAccessRole.',
    ],
    [
      "a repeated ARN",
      ["arn:aws:iam::*:role/D", "arn:aws:iam::*:role/D"],
      'Invalid scp.deployerPrincipalArns ["arn:aws:iam::*:role/D","arn:aws:iam::*:role/D"]: list each of principal ARNs once (duplicates found).',
    ],
  ])("rejects %s as deployer principals", (_kind, deployerPrincipalArns, message) => {
    expect(problemsWithScp({ targetIds: [], deployerPrincipalArns })).toEqual([message]);
  });

  test("rejects a bare role name as an exempt principal: ArnNotLike needs an ARN", () => {
    expect(problemsWithScp({ targetIds: [], exemptPrincipalArns: ["BreakGlass"] })).toEqual([
      'Invalid scp.exemptPrincipalArns[0] "BreakGlass": use an IAM principal ARN such as arn:aws:iam::*:role/BreakGlass.',
    ]);
  });
});
