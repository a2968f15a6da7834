import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { toPolicyJson } from "../lib/policies/document";
import { s3ResourcePerimeterScp } from "../lib/policies/s3-perimeter";
import { eiceGuardrailScp, SCP_DESCRIPTIONS } from "../lib/policies/scp";
import { GuardrailsStack, type GuardrailsStackProps } from "../lib/stack/guardrails-stack";

/** Name of the SCP in AWS Organizations; fixed so a variant change updates the policy in place. */
export const SCP_NAME = "ec2-access-guardrails-deny-eice";

/** Name of the S3 resource perimeter SCP (`orgPerimeter`), fixed for the same reason. */
export const PERIMETER_SCP_NAME = "ec2-access-guardrails-s3-resource-perimeter";

/**
 * Construct id of the attachment to one target, derived from the target id itself:
 * `r-ab12` -> `AttachToRootAb12`, `ou-ab12-cdef5678` -> `AttachToOuAb12Cdef5678`,
 * `123456789012` -> `AttachToAccount123456789012`.
 *
 * A target id is what identifies an attachment, so its Terraform address follows the target, not its
 * position in `scp.targetIds`: reordering or removing one target leaves the others untouched (a
 * list index would detach and re-attach every target after it, a window with no guardrail).
 */
export function attachmentId(targetId: string): string {
  const pascal = (part: string) => part.charAt(0).toUpperCase() + part.slice(1);
  if (/^\d{12}$/.test(targetId)) return `AttachToAccount${targetId}`;
  const [kind, ...parts] = targetId.split("-");
  const prefix = kind === "r" ? "Root" : kind === "ou" ? "Ou" : undefined;
  if (prefix === undefined) {
    throw new Error(
      `Invalid scp.targetIds entry ${JSON.stringify(
        targetId,
      )}: use a root id (r-…), an OU id (ou-…-…) or a 12-digit account id.`,
    );
  }
  return `AttachTo${prefix}${parts.map(pascal).join("")}`;
}

/**
 * Stack `org-guardrails` (management account): the SCP that denies EC2 Instance Connect Endpoint (and,
 * in one variant, EC2 Instance Connect) operations, attached to every configured target.
 * SCPs never restrict the management account itself or service-linked roles; the configuration
 * refuses the management account as a target (lib/config/scp.ts).
 */
export class OrgGuardrailsStack extends GuardrailsStack {
  readonly policy: OrganizationsPolicy;
  readonly attachments: OrganizationsPolicyAttachment[];
  /** The S3 resource perimeter SCP, when `orgPerimeter.organizationId` is set. */
  readonly perimeterPolicy?: OrganizationsPolicy;
  readonly perimeterAttachments: OrganizationsPolicyAttachment[];

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    // SCPs are created and attached from the organization's management account.
    super(scope, id, props, "management");
    const { variant, targetIds, exemptPrincipalArns, deployerPrincipalArns, exemptionAdministratorArns } =
      this.config.scp;

    this.policy = new OrganizationsPolicy(this, "DenyEice", {
      name: SCP_NAME,
      description: SCP_DESCRIPTIONS[variant],
      type: "SERVICE_CONTROL_POLICY",
      content: toPolicyJson(
        eiceGuardrailScp({ variant, exemptPrincipalArns, deployerPrincipalArns, exemptionAdministratorArns }),
      ),
      // Explicitly false: `cdktf destroy org-guardrails` means "lift the guardrail", and a policy left
      // behind in Organizations would be a deny no code owns. The attachments are destroyed first.
      skipDestroy: false,
    });

    if (targetIds.length > 0 && deployerPrincipalArns.length === 0) {
      // Not an error: the SCP may govern accounts where nobody deploys private-access. But where it does,
      // the next deploy or destroy of that stack fails with an explicit deny, and the reason is far away.
      Annotations.of(this).addWarning(
        "scp.deployerPrincipalArns is empty: in a governed account, cdktf deploy/destroy of private-access will fail with an explicit deny on ec2:CreateInstanceConnectEndpoint. List the role that deploys it (e.g. arn:aws:iam::*:role/OrganizationAccountAccessRole).",
      );
    }

    const seen = new Map<string, string>();
    this.attachments = targetIds.map((targetId) => {
      const constructId = attachmentId(targetId);
      const clash = seen.get(constructId);
      if (clash !== undefined) {
        // Only possible across two organizations' ids; one organization's OU ids share one root part.
        throw new Error(
          `Invalid scp.targetIds: ${JSON.stringify(clash)} and ${JSON.stringify(
            targetId,
          )} map to the same attachment ${constructId}; list targets of one organization only.`,
        );
      }
      seen.set(constructId, targetId);
      return new OrganizationsPolicyAttachment(this, constructId, {
        policyId: this.policy.id,
        targetId,
        skipDestroy: false,
      });
    });

    new TerraformOutput(this, "ScpId", { value: this.policy.id, description: `The ${variant} SCP` });

    const { organizationId, approvedAccountIds } = this.config.orgPerimeter;
    this.perimeterAttachments = [];
    if (organizationId !== undefined) {
      const perimeter = new OrganizationsPolicy(this, "S3ResourcePerimeter", {
        name: PERIMETER_SCP_NAME,
        description:
          "Denies S3 requests to buckets outside the organization and its approved accounts, on every network path",
        type: "SERVICE_CONTROL_POLICY",
        content: toPolicyJson(
          s3ResourcePerimeterScp({ organizationId, approvedAccountIds, region: this.config.region }),
        ),
        skipDestroy: false,
      });
      this.perimeterPolicy = perimeter;
      // Same targets as the EICE SCP; ids derived from the target like its attachments (no clash is
      // possible here: the loop above has already refused targets that map to one id).
      this.perimeterAttachments = targetIds.map(
        (targetId) =>
          new OrganizationsPolicyAttachment(this, `S3Perimeter${attachmentId(targetId)}`, {
            policyId: perimeter.id,
            targetId,
            skipDestroy: false,
          }),
      );
      new TerraformOutput(this, "S3PerimeterScpId", {
        value: perimeter.id,
        description: "The S3 resource perimeter SCP",
      });
    }
  }
}
