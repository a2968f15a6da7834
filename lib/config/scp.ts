import { z } from "zod";
import { isObject } from "../tfjson/json";
import { accountId, code, doc, idPattern, intFrom, oneOf, pattern, section, unique } from "./fields";

/** `scp` and `orgPerimeter`: the service control policies org-guardrails attaches. */

export const SCP_VARIANTS = [
  "deny-eice",
  "deny-eice-except-describe",
  "deny-eice-and-eic",
  "deny-all-instance-connect",
] as const;
export type ScpVariant = (typeof SCP_VARIANTS)[number];

const PRINCIPAL_ARN = /^arn:aws:(iam|sts)::(\d{12}|\*):[A-Za-z0-9+=,.@_/*-]{1,512}$/;
// An IAM role ARN or role ARN pattern (account may be `*`), usable both as `aws:PrincipalArn` and as a
// `Resource` of the IAM role actions.
const ROLE_ARN_PATTERN = /^arn:aws:iam::(\d{12}|\*):role\/[A-Za-z0-9+=,.@_/*-]{1,512}$/;
// AWS Organizations organization ids: `o-` and 10-32 lowercase letters or digits (Organizations API
// reference, Organization.Id pattern ^o-[a-z0-9]{10,32}$).
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

// Organizations target ids: a root (r-), an OU (ou-<root>-<ou>) or a 12-digit account.
const SCP_TARGET = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

const scpTarget = idPattern(SCP_TARGET, "use a root id (r-…), an OU id (ou-…-…) or a 12-digit account id");
const principalArn = (example: string) => pattern(PRINCIPAL_ARN, `use an IAM principal ARN such as ${example}`);
const roleArnPattern = (example: string, why: string) =>
  pattern(ROLE_ARN_PATTERN, `use an IAM role ARN such as ${example} (${why})`);

export const scpSchema = section({
  variant: doc(oneOf(SCP_VARIANTS).default("deny-eice-except-describe"), {
    description: `what the SCP denies: ${code(SCP_VARIANTS)} (see the org-guardrails notes)`,
  }),
  targetIds: doc(unique(scpTarget, "target ids").default([]), {
    description: "roots `r-…`, OUs `ou-…-…` or 12-digit accounts to attach the SCP to (never the management account)",
  }),
  attachedPolicyCounts: doc(
    z
      .record(scpTarget, intFrom(1, 5, "use a count from 1 to 5"), {
        error: "use an object mapping target ids to counts",
      })
      .default({}),
    { description: "SCPs already attached per target (default 1, FullAWSAccess), to enforce the limit of 5" },
  ),
  // Roles only: the SCP protects each exempt ARN from being created or re-trusted by anyone but
  // exemptionAdministratorArns, which works for roles (the iam role actions take the role ARN as their
  // resource). A user ARN would be claimable through CreateUser/CreateAccessKey, a federated-user ARN by
  // anyone calling GetFederationToken with that name, and an assumed-role ARN never is aws:PrincipalArn.
  exemptPrincipalArns: doc(
    unique(
      roleArnPattern(
        "arn:aws:iam::*:role/BreakGlass",
        "only roles can be exempted: the SCP locks them against re-creation and re-trust",
      ),
      "role ARNs",
    ).default([]),
    {
      description:
        "break-glass roles the SCP does not apply to; the SCP then also denies creating, re-trusting, deleting, re-tagging or changing their policies to all but `exemptionAdministratorArns`",
    },
  ),
  // Without it, any member-account administrator who can create a role of an exempt name claims the
  // exemption; required (scpIssues, below) whenever exemptions are set.
  exemptionAdministratorArns: doc(
    unique(
      roleArnPattern("arn:aws:iam::*:role/SecurityAdmin", "the roles that alone may create or change the exempt roles"),
      "role ARNs",
    ).default([]),
    {
      description:
        "roles that alone may create, re-trust, delete, tag or change the policies of the exempt roles (and of themselves); required when `exemptPrincipalArns` is set",
    },
  ),
  // The principals that deploy private-access into governed accounts: exempt from the endpoint
  // management deny only, so the SCP does not lock out its own stack's deploys and destroys.
  deployerPrincipalArns: doc(
    unique(principalArn("arn:aws:iam::*:role/OrganizationAccountAccessRole"), "principal ARNs").default([]),
    {
      description:
        "principals that deploy private-access in governed accounts: exempt from the endpoint management deny only (never from tunnels or key pushes)",
    },
  ),
});

// A section of its own, not inside `scp`: a separate policy with its own purpose (where data may go, not
// how instances are reached), opt-in because it can break workloads that use buckets outside the
// organization. It is attached to the same targets as the EICE SCP (`scp.targetIds`): one list of
// governed targets, and one place (`scp.attachedPolicyCounts`) that counts both SCPs against the limit.
export const orgPerimeterSchema = section({
  organizationId: doc(
    pattern(
      ORGANIZATION_ID,
      "use an AWS Organizations organization id: o- and 10-32 lowercase letters or digits",
    ).optional(),
    {
      description:
        "the organization whose buckets are inside the S3 resource perimeter; setting it creates the perimeter SCP (opt-in: it denies S3 requests to buckets outside the organization)",
      unset: "no perimeter SCP",
    },
  ),
  approvedAccountIds: doc(unique(accountId, "account ids").default([]), {
    description:
      "accounts outside the organization whose buckets the perimeter lets through as well (requires `organizationId`)",
  }),
});

/**
 * `scp` and `orgPerimeter` checked against each other and the accounts: targets the SCPs can apply to
 * and have room for, exemptions that cannot be claimed, a perimeter widened only when it exists.
 */
export function scpIssues(
  config: {
    accounts: { management: Record<string, unknown> };
    scp: Record<string, unknown>;
    orgPerimeter: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const { management } = config.accounts;
  (Array.isArray(config.scp.targetIds) ? config.scp.targetIds : []).forEach((target, i) => {
    if (target === management.id) {
      ctx.addIssue({
        code: "custom",
        path: ["scp", "targetIds", i],
        input: target,
        message: `remove the management account (accounts.management.id): SCPs never apply to it`,
      });
    }
    // This stack adds one SCP, two with the S3 perimeter; a target already carrying five
    // (FullAWSAccess counts), or four with the perimeter, cannot take them.
    const counts: Record<string, unknown> = isObject(config.scp.attachedPolicyCounts)
      ? config.scp.attachedPolicyCounts
      : {};
    const attached = typeof target === "string" ? (counts[target] ?? 1) : 1;
    const perimeter = isObject(config.orgPerimeter) && config.orgPerimeter.organizationId !== undefined;
    const added = perimeter ? 2 : 1;
    if (typeof attached === "number" && attached + added > 5) {
      ctx.addIssue({
        code: "custom",
        path: ["scp", "targetIds", i],
        input: target,
        message: perimeter
          ? `choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has ${attached} SCPs (FullAWSAccess counts), this stack adds two (the EICE SCP and the orgPerimeter SCP), and a target takes at most 5`
          : `choose another target or detach an SCP from it: scp.attachedPolicyCounts says it already has ${attached} SCPs (FullAWSAccess counts), and a target takes at most 5`,
      });
    }
  });
  const exempt = Array.isArray(config.scp.exemptPrincipalArns) ? config.scp.exemptPrincipalArns : [];
  const administrators = config.scp.exemptionAdministratorArns;
  if (exempt.length > 0 && Array.isArray(administrators) && administrators.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["scp", "exemptionAdministratorArns"],
      input: administrators,
      message:
        "list at least one role ARN when scp.exemptPrincipalArns is set: only these roles may then create or change the exempt roles, otherwise any member-account administrator could create a role of an exempt name and claim the exemption",
    });
  }
  if (exempt.length === 0 && Array.isArray(administrators) && administrators.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["scp", "exemptionAdministratorArns"],
      input: administrators,
      message: "remove it, or set scp.exemptPrincipalArns: it only guards exempt roles",
    });
  }
  if (
    isObject(config.orgPerimeter) &&
    config.orgPerimeter.organizationId === undefined &&
    Array.isArray(config.orgPerimeter.approvedAccountIds) &&
    config.orgPerimeter.approvedAccountIds.length > 0
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["orgPerimeter", "approvedAccountIds"],
      input: config.orgPerimeter.approvedAccountIds,
      message: "remove it, or set orgPerimeter.organizationId: it only widens the organization's perimeter",
    });
  }
}
