import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SSM_USER_SUFFIXES, type Config } from "../lib/config";
import { accountProvider } from "../lib/constructs/account-provider";
import { SessionManagerUser } from "../lib/constructs/session-manager-user";
import { fixedTagSessionPolicy, PROJECT_TAG } from "../lib/policies/ssm";

export interface SsmFixedTagStackProps {
  readonly config: Config;
  /** Offline mode: dummy credentials, no AWS calls (see lib/config). */
  readonly offline: boolean;
}

/**
 * Stack `ssm-fixed-tag` (workload account): Session Manager restricted to instances tagged
 * `Project=<project>` (`ssm:resourceTag/Project`). Use it when targets come and go: tagging an instance
 * grants access, no policy change. Independent of private-access, whose instance carries the tag.
 *
 * Its user is `ssm.userName` + `_fixed-tag` (see SSM_USER_SUFFIXES), so it deploys beside the other `ssm-*` stacks.
 */
export class SsmFixedTagStack extends TerraformStack {
  readonly sessionUser: SessionManagerUser;

  constructor(scope: Construct, id: string, props: SsmFixedTagStackProps) {
    super(scope, id);
    const { config, offline } = props;
    const { region, project } = config;
    const workload = config.accounts.workload;

    accountProvider(this, "Aws", { account: workload, region, offline, project });

    this.sessionUser = new SessionManagerUser(this, "SessionUser", {
      userName: config.ssm.userName + SSM_USER_SUFFIXES["ssm-fixed-tag"],
      groupName: "ec2-access-guardrails-ssm-fixed-tag",
      description: `Session Manager on instances tagged ${PROJECT_TAG}=${project} only; end and resume only one's own sessions`,
      sessionPolicy: fixedTagSessionPolicy({ region, accountId: workload.id, project }),
    });

    new TerraformOutput(this, "UserName", { value: this.sessionUser.user.name });
    new TerraformOutput(this, "GroupName", { value: this.sessionUser.group.name });
    new TerraformOutput(this, "SessionPolicyArn", { value: this.sessionUser.policy.arn });
    new TerraformOutput(this, "FindTargetsCommand", {
      description: "Instances the restricted user may start a session on",
      value: `aws ec2 describe-instances --region ${region} --filters Name=tag:${PROJECT_TAG},Values=${project} --query 'Reservations[].Instances[].InstanceId' --output text`,
    });
  }
}
