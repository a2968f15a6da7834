import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { SSM_USER_SUFFIXES } from "../config";
import { SessionManagerUser } from "../constructs/session-manager-user";
import type { PolicyDocument } from "../policies/document";
import { PROJECT_TAG, type SessionPolicyScope } from "../policies/ssm";
import { GuardrailsStack, type GuardrailsStackProps } from "./guardrails-stack";

/** The stack ids of the three Session Manager patterns; each names its user's suffix. */
export type SessionManagerStackId = keyof typeof SSM_USER_SUFFIXES;

/** What one Session Manager pattern declares; everything else the three stacks share. */
export interface SessionManagerPattern {
  /** Which pattern: picks the user's suffix (SSM_USER_SUFFIXES), so the three users never collide. */
  readonly pattern: SessionManagerStackId;
  /** Name of the pattern's group and of its managed policy (see SessionManagerUserProps). */
  readonly groupName: string;
  /** Description of the managed policy, shown in the IAM console. */
  readonly description: string;
  /** The pattern's Session Manager policy. */
  readonly sessionPolicy: PolicyDocument;
  /** Tags of the user itself. @default - only the provider's default tags */
  readonly userTags?: Record<string, string>;
  /**
   * The output that tells the restricted user where to start a session, by output name: its value is
   * a command, or a list of them.
   */
  readonly targetsOutput: { readonly name: string; readonly description: string; readonly value: string | string[] };
}

/**
 * What a pattern may read to declare itself: the stack's region, account and project, and the
 * `ssm.ownSessions` / `ssm.userAccess` rules its policy builder takes (all of it is a SessionPolicyScope).
 */
export interface SessionManagerContext extends SessionPolicyScope {
  readonly project: string;
}

/**
 * The base of the three `ssm-*` stacks (workload account): one restricted Session Manager user of the
 * declared pattern (SessionManagerUser), with the outputs `UserName`, `GroupName`, `SessionPolicyArn`
 * and the pattern's targets output. A stack is only its declaration, so the three cannot drift apart.
 */
export abstract class SessionManagerStack extends GuardrailsStack {
  readonly sessionUser: SessionManagerUser;

  protected constructor(
    scope: Construct,
    id: string,
    props: GuardrailsStackProps,
    declare: (context: SessionManagerContext) => SessionManagerPattern,
  ) {
    super(scope, id, props, "workload");
    const { region, project, ssm } = this.config;
    const { ownSessions, userAccess } = ssm;
    const pattern = declare({ region, accountId: this.account.id, project, ownSessions, userAccess });

    this.sessionUser = new SessionManagerUser(this, "SessionUser", {
      userName: ssm.userName + SSM_USER_SUFFIXES[pattern.pattern],
      groupName: pattern.groupName,
      description: pattern.description,
      sessionPolicy: pattern.sessionPolicy,
      readOnlyAccess: userAccess === "read-only",
      userTags: pattern.userTags,
    });

    new TerraformOutput(this, "UserName", { value: this.sessionUser.user.name });
    new TerraformOutput(this, "GroupName", { value: this.sessionUser.group.name });
    new TerraformOutput(this, "SessionPolicyArn", { value: this.sessionUser.policy.arn });
    const { name, description, value } = pattern.targetsOutput;
    new TerraformOutput(this, name, { description, value });
  }
}

/** The command listing the instances tagged `Project=<project>` in `region`: the tag patterns' targets. */
export function findTaggedInstancesCommand(region: string, project: string): string {
  return `aws ec2 describe-instances --region ${region} --filters Name=tag:${PROJECT_TAG},Values=${project} --query 'Reservations[].Instances[].InstanceId' --output text`;
}
