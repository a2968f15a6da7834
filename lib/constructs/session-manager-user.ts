import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserGroupMembership } from "@cdktf/provider-aws/lib/iam-user-group-membership";
import { Construct } from "constructs";
import { toPolicyJson, type PolicyDocument } from "../policies/document";

/** AWS managed policy: read-only access to every service (partition constant, not account-specific). */
export const READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess";

export interface SessionManagerUserProps {
  /**
   * Name of the restricted IAM user (`ssm.userName`). Session ids start with it, which is what the
   * `${aws:username}` session statements match.
   */
  readonly userName: string;
  /**
   * Name of the group that carries the pattern's permissions, and of its customer managed policy. One
   * per pattern, so two patterns' groups never collide in one account.
   */
  readonly groupName: string;
  /** The pattern's Session Manager policy. */
  readonly sessionPolicy: PolicyDocument;
  /**
   * Attach AWS `ReadOnlyAccess` to the group (`ssm.userAccess: "read-only"`, the article's choice). It
   * reads every bucket, SSM parameter and log of the account; without it the session policy carries
   * the few Describe/Get calls the Session Manager console needs.
   */
  readonly readOnlyAccess: boolean;
  /** Description of the managed policy, shown in the IAM console. */
  readonly description: string;
  /**
   * Tags of the user itself. ABAC compares the user's `Project` tag with the instance's, so that stack
   * sets it here explicitly rather than relying on the provider's default tags.
   * @default - only the provider's default tags
   */
  readonly userTags?: Record<string, string>;
}

/**
 * The restricted Session Manager user of one pattern: an IAM user whose permissions all arrive through
 * a group (the pattern's policy, plus AWS `ReadOnlyAccess` when configured), never attached to the user directly, so the
 * user can be swapped or added to without touching a policy (CIS 1.15 / Security Hub IAM.2).
 * No access key or console password is created: long-lived credentials stay an explicit, manual step.
 */
export class SessionManagerUser extends Construct {
  readonly user: IamUser;
  readonly group: IamGroup;
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: SessionManagerUserProps) {
    super(scope, id);

    this.user = new IamUser(this, "User", { name: props.userName, tags: props.userTags });
    this.group = new IamGroup(this, "Group", { name: props.groupName });
    // Non-exclusive membership: the user may belong to other groups managed elsewhere.
    new IamUserGroupMembership(this, "Membership", { user: this.user.name, groups: [this.group.name] });

    // Same construct id as when it was unconditional: enabling it again restores the same address.
    if (props.readOnlyAccess) {
      new IamGroupPolicyAttachment(this, "ReadOnlyAccess", { group: this.group.name, policyArn: READ_ONLY_ACCESS });
    }
    this.policy = new IamPolicy(this, "SessionPolicy", {
      name: props.groupName,
      description: props.description,
      policy: toPolicyJson(props.sessionPolicy),
    });
    new IamGroupPolicyAttachment(this, "SessionPolicyAttachment", {
      group: this.group.name,
      policyArn: this.policy.arn,
    });
  }
}
