import type { Construct } from "constructs";
import { abacSessionPolicy, PROJECT_TAG } from "../lib/policies/ssm";
import type { GuardrailsStackProps } from "../lib/stack/guardrails-stack";
import { findTaggedInstancesCommand, SessionManagerStack } from "../lib/stack/session-manager-stack";

/**
 * Stack `ssm-abac` (workload account): Session Manager restricted by ABAC, instance `Project` tag equal
 * to the user's own `Project` tag. Use it when one policy must serve many teams: each team's users are
 * tagged with their project, and the policy never names a project.
 *
 * Its user is `ssm.userName` + `_abac` (see SSM_USER_SUFFIXES), so it deploys beside the other `ssm-*` stacks.
 */
export class SsmAbacStack extends SessionManagerStack {
  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props, (context) => ({
      pattern: "ssm-abac",
      groupName: "ec2-access-guardrails-ssm-abac",
      description: `Session Manager on instances whose ${PROJECT_TAG} tag equals the user's; end and resume only one's own sessions`,
      sessionPolicy: abacSessionPolicy(context),
      // Set on the user itself, not left to the provider's default tags: the policy's decision rests on
      // this tag, and default tags can change or be dropped without anyone looking at this stack.
      userTags: { [PROJECT_TAG]: context.project },
      targetsOutput: {
        name: "FindTargetsCommand",
        description: "Instances the restricted user may start a session on (those tagged like the user)",
        value: findTaggedInstancesCommand(context.region, context.project),
      },
    }));
  }
}
