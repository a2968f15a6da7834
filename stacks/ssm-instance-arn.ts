import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SSM_USER_SUFFIXES, type Config } from "../lib/config";
import { accountProvider } from "../lib/constructs/account-provider";
import { SessionManagerUser } from "../lib/constructs/session-manager-user";
import { instanceArnSessionPolicy } from "../lib/policies/ssm";

export interface SsmInstanceArnStackProps {
  readonly config: Config;
  /** Offline mode: dummy credentials, no AWS calls (see lib/config). */
  readonly offline: boolean;
  /**
   * The instance to allow when `ssm.targetInstanceIds` is not set: the private-access stack's target.
   * Passing another stack's attribute makes cdktf read it through `terraform_remote_state`, so that
   * stack must be deployed first. Ignored when `ssm.targetInstanceIds` is set.
   * @default - none: `ssm.targetInstanceIds` must then be set
   */
  readonly defaultTargetInstanceId?: string;
}

/**
 * Stack `ssm-instance-arn` (workload account): Session Manager restricted by instance ARN. Use it when
 * the targets never change: every new or replaced instance means a policy change.
 *
 * Its user is `ssm.userName` itself (the article's `TestUserA`); the other two patterns append a suffix
 * (SSM_USER_SUFFIXES), because IAM user names are unique per account and the three stacks deploy side
 * by side (`cdktf deploy '*'` runs them in parallel).
 */
export class SsmInstanceArnStack extends TerraformStack {
  readonly sessionUser: SessionManagerUser;

  constructor(scope: Construct, id: string, props: SsmInstanceArnStackProps) {
    super(scope, id);
    const { config, offline } = props;
    const { region, project } = config;
    const workload = config.accounts.workload;

    const configured = config.ssm.targetInstanceIds;
    // An empty list would synthesize a policy that allows no instance at all: a silent no-op.
    if (configured !== undefined && configured.length === 0) {
      throw new Error(
        "Invalid ssm.targetInstanceIds []: list at least one instance id such as i-0123456789abcdef0, or remove the field to target the private-access instance.",
      );
    }
    const instanceIds = configured ?? (props.defaultTargetInstanceId ? [props.defaultTargetInstanceId] : []);
    if (instanceIds.length === 0) {
      throw new Error(
        `Stack ${id} has no target instance: set ssm.targetInstanceIds to instance ids such as i-0123456789abcdef0, or pass defaultTargetInstanceId (main.ts passes the private-access instance).`,
      );
    }

    accountProvider(this, "Aws", { account: workload, region, offline, project });

    this.sessionUser = new SessionManagerUser(this, "SessionUser", {
      userName: config.ssm.userName + SSM_USER_SUFFIXES["ssm-instance-arn"],
      groupName: "ec2-access-guardrails-ssm-instance-arn",
      description: "Session Manager on the named instances only; end and resume only one's own sessions",
      sessionPolicy: instanceArnSessionPolicy({ region, accountId: workload.id, instanceIds }),
    });

    new TerraformOutput(this, "UserName", { value: this.sessionUser.user.name });
    new TerraformOutput(this, "GroupName", { value: this.sessionUser.group.name });
    new TerraformOutput(this, "SessionPolicyArn", { value: this.sessionUser.policy.arn });
    new TerraformOutput(this, "StartSessionCommands", {
      description: "Run as the restricted user: allowed on these targets, AccessDenied on any other instance",
      value: instanceIds.map((target) => `aws ssm start-session --region ${region} --target ${target}`),
    });
  }
}
