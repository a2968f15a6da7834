import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG_PATH, parseConfig } from "../../../lib/config";
import { problemsOf } from "./problems";

/** The shipped configuration with `scp` replaced; returns the problems, or [] when it is valid. */
function problemsWithScp(scp: unknown): readonly string[] {
  return problemsOf({ ...JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")), scp });
}

const SECURITY_ADMIN = "arn:aws:iam::*:role/SecurityAdmin";

/** The shipped configuration with `orgPerimeter` set; returns the problems, or [] when it is valid. */
function problemsWithPerimeter(orgPerimeter: unknown): readonly string[] {
  return problemsOf({ ...JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")), orgPerimeter });
}

describe("orgPerimeter configuration", () => {
  test("is off by default and accepts an organization id with approved accounts", () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
    expect(parseConfig(raw).orgPerimeter).toEqual({ approvedAccountIds: [] });
    expect(problemsWithPerimeter({ organizationId: "o-a1b2c3d4e5", approvedAccountIds: ["444444444444"] })).toEqual([]);
  });

  test.each([
    ["too short", "o-abc"],
    ["capitals", "o-A1B2C3D4E5"],
    ["a root id", "r-ab12"],
    ["no prefix", "a1b2c3d4e5"],
    ["too long", `o-${"a".repeat(33)}`],
  ])("rejects an organization id that is %s", (_kind, organizationId) => {
    expect(problemsWithPerimeter({ organizationId })).toEqual([
      `Invalid orgPerimeter.organizationId ${JSON.stringify(organizationId)}: use an AWS Organizations organization id: o- and 10-32 lowercase letters or digits.`,
    ]);
  });

  test.each([
    [
      "an 11-digit account",
      ["44444444444"],
      'Invalid orgPerimeter.approvedAccountIds[0] "44444444444": use a 12-digit AWS account id.',
    ],
    [
      "a repeated account",
      ["444444444444", "444444444444"],
      'Invalid orgPerimeter.approvedAccountIds ["444444444444","444444444444"]: list each of account ids once (duplicates found).',
    ],
    [
      "approved accounts without an organization",
      ["444444444444"],
      'Invalid orgPerimeter.approvedAccountIds ["444444444444"]: remove it, or set orgPerimeter.organizationId: it only widens the organization\'s perimeter.',
    ],
  ])("rejects %s", (kind, approvedAccountIds, message) => {
    const organizationId = kind.includes("without") ? undefined : "o-a1b2c3d4e5";
    expect(problemsWithPerimeter({ organizationId, approvedAccountIds })).toEqual([message]);
  });
});

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

  test("rejects an unknown variant and lists the four allowed ones", () => {
    expect(problemsWithScp({ variant: "deny-all", targetIds: [] })).toEqual([
      'Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic, deny-all-instance-connect.',
    ]);
  });

  test.each([
    ["a role in any account", "arn:aws:iam::*:role/BreakGlass"],
    ["a role in one account", "arn:aws:iam::111111111111:role/BreakGlass"],
  ])("accepts %s as an exempt principal (%s)", (_kind, arn) => {
    expect(
      problemsWithScp({ targetIds: [], exemptPrincipalArns: [arn], exemptionAdministratorArns: [SECURITY_ADMIN] }),
    ).toEqual([]);
  });

  test("refuses exemptions without an administrator, naming both fields", () => {
    expect(problemsWithScp({ targetIds: [], exemptPrincipalArns: ["arn:aws:iam::*:role/BreakGlass"] })).toEqual([
      "Invalid scp.exemptionAdministratorArns []: list at least one role ARN when scp.exemptPrincipalArns is set: only these roles may then create or change the exempt roles, otherwise any member-account administrator could create a role of an exempt name and claim the exemption.",
    ]);
  });

  test("refuses administrators without exemptions", () => {
    expect(problemsWithScp({ targetIds: [], exemptionAdministratorArns: [SECURITY_ADMIN] })).toEqual([
      `Invalid scp.exemptionAdministratorArns ["${SECURITY_ADMIN}"]: remove it, or set scp.exemptPrincipalArns: it only guards exempt roles.`,
    ]);
  });

  test.each([
    ["an IAM user", "arn:aws:iam::*:user/BreakGlass"],
    [
      "a federated user, claimable by any GetFederationToken caller",
      "arn:aws:sts::111111111111:federated-user/BreakGlass",
    ],
    ["an assumed-role session, never an aws:PrincipalArn", "arn:aws:sts::111111111111:assumed-role/BreakGlass/s"],
    ["a wildcard principal type", "arn:aws:iam::*:*"],
  ])("refuses %s as an exempt principal: only roles can be exempted", (_kind, arn) => {
    expect(
      problemsWithScp({ targetIds: [], exemptPrincipalArns: [arn], exemptionAdministratorArns: [SECURITY_ADMIN] }),
    ).toEqual([
      `Invalid scp.exemptPrincipalArns[0] ${JSON.stringify(arn)}: use an IAM role ARN such as arn:aws:iam::*:role/BreakGlass (only roles can be exempted: the SCP locks them against re-creation and re-trust).`,
    ]);
  });

  test.each([
    [
      "a bare role name",
      ["SecurityAdmin"],
      'Invalid scp.exemptionAdministratorArns[0] "SecurityAdmin": use an IAM role ARN such as arn:aws:iam::*:role/SecurityAdmin (the roles that alone may create or change the exempt roles).',
    ],
    [
      "a repeated ARN",
      [SECURITY_ADMIN, SECURITY_ADMIN],
      `Invalid scp.exemptionAdministratorArns ["${SECURITY_ADMIN}","${SECURITY_ADMIN}"]: list each of role ARNs once (duplicates found).`,
    ],
  ])("rejects %s as administrators", (_kind, exemptionAdministratorArns, message) => {
    expect(
      problemsWithScp({
        targetIds: [],
        exemptPrincipalArns: ["arn:aws:iam::*:role/BreakGlass"],
        exemptionAdministratorArns,
      }),
    ).toEqual([message]);
  });

  test("counts the perimeter SCP against the limit of 5: four attached leave room for one, not two", () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
    expect(
      problemsOf({
        ...raw,
        scp: { targetIds: ["ou-ab12-cdef5678"], attachedPolicyCounts: { "ou-ab12-cdef5678": 4 } },
        orgPerimeter: { organizationId: "o-a1b2c3d4e5" },
      }),
    ).toEqual([
      'Invalid scp.targetIds[0] "ou-ab12-cdef5678": choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has 4 SCPs (FullAWSAccess counts), this stack adds two (the EICE SCP and the orgPerimeter SCP), and a target takes at most 5.',
    ]);
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
    expect(
      problemsWithScp({
        targetIds: [],
        exemptPrincipalArns: ["BreakGlass"],
        exemptionAdministratorArns: [SECURITY_ADMIN],
      }),
    ).toEqual([
      'Invalid scp.exemptPrincipalArns[0] "BreakGlass": use an IAM role ARN such as arn:aws:iam::*:role/BreakGlass (only roles can be exempted: the SCP locks them against re-creation and re-trust).',
    ]);
  });
});
