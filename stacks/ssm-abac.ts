import { SsoadminInstanceAccessControlAttributes } from "@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes";
import type { Construct } from "constructs";
import { terraformLiteral } from "../lib/policies/document";
import { abacSessionPolicy, PROJECT_TAG } from "../lib/policies/ssm";
import {
  SessionManagerStack,
  taggedTargetsOutputs,
  type SessionManagerStackProps,
} from "../lib/stack/session-manager-stack";

/**
 * Stack `ssm-abac` (workload account): Session Manager restricted by ABAC, instance `Project` tag equal
 * to the user's own `Project` tag. Use it when one policy must serve many teams: each team's users are
 * tagged with their project, and the policy never names a project.
 *
 * Its user is `ssm.userName` + `_abac` (see SSM_USER_SUFFIXES), so it deploys beside the other `ssm-*` stacks.
 *
 * With Identity Center principals the "user's tag" is the role session's `aws:PrincipalTag/Project`,
 * which Identity Center passes from its attributes for access control: key `Project`, value
 * `${path:<ssm.identityCenter.projectAttribute>}` ("Attributes for access control", IAM Identity Center
 * User Guide). With `ssm.identityCenter.manageAccessControlAttributes` this stack owns that setting
 * (`aws_ssoadmin_instance_access_control_attributes`); it is one resource per instance and replaces
 * every attribute set elsewhere, so by default an administrator adds the `Project` key by hand.
 */
export class SsmAbacStack extends SessionManagerStack {
  constructor(scope: Construct, id: string, props: SessionManagerStackProps) {
    super(scope, id, props, (context) => ({
      pattern: "ssm-abac",
      groupName: "ec2-access-guardrails-ssm-abac",
      description: `Session Manager on instances whose ${PROJECT_TAG} tag equals the user's; end and resume only one's own sessions`,
      sessionPolicy: abacSessionPolicy(context),
      // Set on the user itself, not left to the provider's default tags: the policy's decision rests on
      // this tag, and default tags can change or be dropped without anyone looking at this stack.
      userTags: { [PROJECT_TAG]: context.project },
      targetsOutputs: taggedTargetsOutputs(
        context.region,
        context.project,
        "Instances the restricted user may start a session on (those tagged like the user)",
      ),
    }));
    const { identityCenter } = this.config.ssm;
    if (this.identityCenter !== undefined && identityCenter?.manageAccessControlAttributes === true) {
      new SsoadminInstanceAccessControlAttributes(this, "AccessControlAttributes", {
        provider: this.identityCenter.provider,
        instanceArn: this.identityCenter.instanceArn,
        attribute: [
          {
            key: PROJECT_TAG,
            // Identity Center's own syntax; Terraform would read `${` as interpolation: sent as `$${path:…}`.
            value: [{ source: [terraformLiteral(`\${path:${identityCenter.projectAttribute}}`)] }],
          },
        ],
      });
    }
  }
}
