import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SSM_USER_SUFFIXES, type Config } from "../lib/config";
import { accountProvider } from "../lib/constructs/account-provider";
import { SessionManagerUser } from "../lib/constructs/session-manager-user";
import { abacSessionPolicy, PROJECT_TAG } from "../lib/policies/ssm";

export interface SsmAbacStackProps {
  readonly config: Config;
  /** Offline mode: dummy credentials, no AWS calls (see lib/config). */
  readonly offline: boolean;
}

/**
 * Stack `ssm-abac` (workload account): Session Manager restricted by ABAC, instance `Project` tag equal
 * to the user's own `Project` tag. Use it when one policy must serve many teams: each team's users are
 * tagged with their project, and the policy never names a project.
 *
 * Its user is `ssm.userName` + `_abac` (see SSM_USER_SUFFIXES), so it deploys beside the other `ssm-*` stacks.
 */
export class SsmAbacStack extends TerraformStack {
  readonly sessionUser: SessionManagerUser;

  constructor(scope: Construct, id: string, props: SsmAbacStackProps) {
    super(scope, id);
    const { config, offline } = props;
    const { region, project } = config;
    const workload = config.accounts.workload;

    accountProvider(this, "Aws", { account: workload, region, offline, project });

    this.sessionUser = new SessionManagerUser(this, "SessionUser", {
      userName: config.ssm.userName + SSM_USER_SUFFIXES["ssm-abac"],
      groupName: "ec2-access-guardrails-ssm-abac",
      description: `Session Manager on instances whose ${PROJECT_TAG} tag equals the user's; end and resume only one's own sessions`,
      sessionPolicy: abacSessionPolicy({ region, accountId: workload.id }),
      // Set on the user itself, not left to the provider's default tags: the policy's decision rests on
      // this tag, and default tags can change or be dropped without anyone looking at this stack.
      userTags: { [PROJECT_TAG]: project },
    });

    new TerraformOutput(this, "UserName", { value: this.sessionUser.user.name });
    new TerraformOutput(this, "GroupName", { value: this.sessionUser.group.name });
    new TerraformOutput(this, "SessionPolicyArn", { value: this.sessionUser.policy.arn });
    new TerraformOutput(this, "FindTargetsCommand", {
      description: "Instances the restricted user may start a session on (those tagged like the user)",
      value: `aws ec2 describe-instances --region ${region} --filters Name=tag:${PROJECT_TAG},Values=${project} --query 'Reservations[].Instances[].InstanceId' --output text`,
    });
  }
}
