import { SsoadminAccountAssignment } from "@cdktf/provider-aws/lib/ssoadmin-account-assignment";
import { SsoadminManagedPolicyAttachment } from "@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment";
import { SsoadminPermissionSet } from "@cdktf/provider-aws/lib/ssoadmin-permission-set";
import { SsoadminPermissionSetInlinePolicy } from "@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy";
import { Construct } from "constructs";
import { toPolicyJson, type PolicyDocument } from "../policies/document";
import type { IdentityCenterGroup } from "./identity-center";
import { READ_ONLY_ACCESS } from "./session-manager-user";

/**
 * Permission set names: 1-32 of letters, digits and `+ = , . @ _ -` (SSO Admin API CreatePermissionSet,
 * Name; the provider validates the same). The name also becomes the role `AWSReservedSSO_<name>_<suffix>`.
 */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

export interface SessionManagerPermissionSetProps {
  /** Name of the permission set, as people pick it in the access portal (PERMISSION_SET_NAME). */
  readonly name: string;
  /** Description shown in the Identity Center console. */
  readonly description: string;
  /** The pattern's Session Manager policy, carried inline (one inline policy per permission set). */
  readonly sessionPolicy: PolicyDocument;
  /** Attach AWS `ReadOnlyAccess` too (`ssm.userAccess: "read-only"`), as the IAM-user group gets it. */
  readonly readOnlyAccess: boolean;
  /** The Identity Center instance and the group the permission set is assigned to. */
  readonly identityCenter: IdentityCenterGroup;
  /** The account whose role sessions get the permission set: the workload account (12 digits). */
  readonly targetAccountId: string;
}

/**
 * One Session Manager pattern for IAM Identity Center users: a permission set carrying the pattern's
 * policy inline, assigned to one Identity Store group on the workload account. Identity Center then
 * creates the role `AWSReservedSSO_<name>_<suffix>` in that account; people sign in through the access
 * portal or `aws sso login` and pick the permission set. Everything here is created in the account
 * that administers Identity Center and the Region it is enabled in (the Identity Center group's
 * provider), nothing in the workload account.
 */
export class SessionManagerPermissionSet extends Construct {
  readonly permissionSet: SsoadminPermissionSet;

  constructor(scope: Construct, id: string, props: SessionManagerPermissionSetProps) {
    super(scope, id);
    if (!PERMISSION_SET_NAME.test(props.name)) {
      throw new Error(
        `Permission set name "${props.name}" is not accepted by IAM Identity Center: use 1-32 letters, digits, + = , . @ _ -.`,
      );
    }
    const { instanceArn, provider } = props.identityCenter;
    this.permissionSet = new SsoadminPermissionSet(this, "PermissionSet", {
      provider,
      name: props.name,
      description: props.description,
      instanceArn,
      // The provider's default, written out: how long the portal's credentials last before a new sign-in.
      sessionDuration: "PT1H",
    });
    const permissionSetArn = this.permissionSet.arn;
    const inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, "InlinePolicy", {
      provider,
      instanceArn,
      permissionSetArn,
      inlinePolicy: toPolicyJson(props.sessionPolicy),
    });
    const readOnly = !props.readOnlyAccess
      ? []
      : [
          new SsoadminManagedPolicyAttachment(this, "ReadOnlyAccess", {
            provider,
            instanceArn,
            permissionSetArn,
            managedPolicyArn: READ_ONLY_ACCESS,
          }),
        ];
    // The assignment provisions the set's role into the account: after the policies are attached, so
    // the role is first provisioned with them rather than empty and updated.
    new SsoadminAccountAssignment(this, "Assignment", {
      provider,
      instanceArn,
      permissionSetArn,
      principalId: props.identityCenter.groupId,
      principalType: "GROUP",
      targetId: props.targetAccountId,
      targetType: "AWS_ACCOUNT",
      dependsOn: [inlinePolicy, ...readOnly],
    });
  }
}
