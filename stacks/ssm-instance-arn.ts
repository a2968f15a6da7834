import type { Construct } from "constructs";
import { instanceArnSessionPolicy } from "../lib/policies/ssm";
import {
  SessionManagerStack,
  startSessionCommand,
  type SessionManagerStackProps,
} from "../lib/stack/session-manager-stack";

export interface SsmInstanceArnStackProps extends SessionManagerStackProps {
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
export class SsmInstanceArnStack extends SessionManagerStack {
  constructor(scope: Construct, id: string, props: SsmInstanceArnStackProps) {
    super(scope, id, props, (context) => {
      const instanceIds = targetInstanceIds(id, props);
      return {
        pattern: "ssm-instance-arn",
        groupName: "ec2-access-guardrails-ssm-instance-arn",
        description: "Session Manager on the named instances only; end and resume only one's own sessions",
        sessionPolicy: instanceArnSessionPolicy({ ...context, instanceIds }),
        targetsOutputs: [
          {
            name: "StartSessionCommands",
            description: "Run as the restricted user: allowed on these targets, AccessDenied on any other instance",
            value: instanceIds.map((target) => startSessionCommand(context.region, target)),
          },
        ],
      };
    });
  }
}

/** `ssm.targetInstanceIds`, else the default target; refuses a list that would allow no instance. */
function targetInstanceIds(stackId: string, props: SsmInstanceArnStackProps): readonly string[] {
  const configured = props.config.ssm.targetInstanceIds;
  // An empty list would synthesize a policy that allows no instance at all: a silent no-op.
  if (configured !== undefined && configured.length === 0) {
    throw new Error(
      "Invalid ssm.targetInstanceIds []: list at least one instance id such as i-0123456789abcdef0, or remove the field to target the private-access instance.",
    );
  }
  const instanceIds = configured ?? (props.defaultTargetInstanceId ? [props.defaultTargetInstanceId] : []);
  if (instanceIds.length === 0) {
    throw new Error(
      `Stack ${stackId} has no target instance: set ssm.targetInstanceIds to instance ids such as i-0123456789abcdef0, or pass defaultTargetInstanceId (main.ts passes the private-access instance).`,
    );
  }
  return instanceIds;
}
