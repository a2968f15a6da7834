import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { identityCenterRegion, PERMISSION_SET_SUFFIXES, SSM_USER_SUFFIXES } from "../config";
import { IdentityCenterGroup } from "../constructs/identity-center";
import { SessionManagerPermissionSet } from "../constructs/session-manager-permission-set";
import { SessionManagerUser } from "../constructs/session-manager-user";
import type { PolicyDocument } from "../policies/document";
import type { SessionLogging } from "../policies/session-logging";
import { DEFAULT_SESSION_DOCUMENT, PROJECT_TAG, type SessionPolicyScope } from "../policies/ssm";
import { GuardrailsStack, type GuardrailsStackProps } from "./guardrails-stack";

/**
 * Provider alias of the account that administers IAM Identity Center, in the Region it is enabled in
 * (`ssm.identityCenter.region`): every `aws_ssoadmin_*` and `aws_identitystore_*` names it.
 */
export const IDENTITY_CENTER_PROVIDER_ALIAS = "identity_center";

/** What main.ts passes to each `ssm-*` stack. */
export interface SessionManagerStackProps extends GuardrailsStackProps {
  /**
   * Where sessions are logged and which key encrypts them (the session-preferences stack's
   * `logging`, with `ssm.sessionPreferences: "manage"`). Every principal then gets kms:GenerateDataKey
   * on the key: the client needs a data key of it to open an encrypted session.
   * @default - sessions are not encrypted by this project: the principals get no KMS permission
   */
  readonly sessionLogging?: SessionLogging;
}

/**
 * The permission set name of a pattern (`ssm.principals: "identity-center"`): the configured prefix and
 * the pattern's suffix (PERMISSION_SET_SUFFIXES), at most 32 characters (checked in lib/config), and
 * what people pick in the access portal.
 */
export function permissionSetName(prefix: string, pattern: SessionManagerStackId): string {
  return prefix + PERMISSION_SET_SUFFIXES[pattern];
}

/** The stack ids of the three Session Manager patterns; each names its user's suffix. */
export type SessionManagerStackId = keyof typeof SSM_USER_SUFFIXES;

/** One output of a pattern: a command, or a list of them, for the person who starts sessions. */
export interface SessionOutput {
  readonly name: string;
  readonly description: string;
  readonly value: string | string[];
}

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
   * The outputs that tell the restricted user where and how to start a session, by output name: each
   * value is a command, or a list of them.
   */
  readonly targetsOutputs: readonly SessionOutput[];
}

/**
 * What a pattern may read to declare itself: the stack's region, account and project, and the
 * `ssm.ownSessions` / `ssm.userAccess` rules its policy builder takes (all of it is a SessionPolicyScope).
 */
export interface SessionManagerContext extends SessionPolicyScope {
  readonly project: string;
}

/**
 * The base of the three `ssm-*` stacks: the principal of the declared pattern, by `ssm.principals`.
 *
 * - `iam-user` (default; stack in the workload account): one restricted IAM user (SessionManagerUser),
 *   with the outputs `UserName`, `GroupName`, `SessionPolicyArn` and the pattern's targets output.
 * - `identity-center`: a permission set carrying the same policy (SessionManagerPermissionSet), assigned
 *   to `ssm.identityCenter.groupName` on the workload account, with the outputs `PermissionSetArn`,
 *   `PermissionSetName` and the targets output. The stack's providers are then all the account's that
 *   administers Identity Center: permission sets, their policies and assignments can only be created
 *   there, and with no provider for the workload account nothing can land in it by mistake. The default
 *   provider is in `region`; every Identity Center resource and data source uses the provider aliased
 *   `identity_center`, in the Region Identity Center is enabled in (`ssm.identityCenter.region`), the
 *   only Region where permission sets and assignments can be managed. The policy still names the
 *   workload account's instances, documents and sessions in `region`: it is evaluated there, in the
 *   set's role.
 *
 * A stack is only its declaration, so the three cannot drift apart.
 */
export abstract class SessionManagerStack extends GuardrailsStack {
  /** The IAM user (`ssm.principals: "iam-user"`). */
  readonly sessionUser?: SessionManagerUser;
  /** The permission set (`ssm.principals: "identity-center"`). */
  readonly permissionSet?: SessionManagerPermissionSet;
  /** The Identity Center instance and group (`ssm.principals: "identity-center"`). */
  readonly identityCenter?: IdentityCenterGroup;
  /** The provider of every Identity Center resource (`ssm.principals: "identity-center"`). */
  readonly identityCenterProvider?: AwsProvider;

  protected constructor(
    scope: Construct,
    id: string,
    props: SessionManagerStackProps,
    declare: (context: SessionManagerContext) => SessionManagerPattern,
  ) {
    const { principals } = props.config.ssm;
    super(scope, id, props, principals === "identity-center" ? "identityCenter" : "workload");
    const { region, project, ssm, accounts } = this.config;
    const { ownSessions, userAccess } = ssm;
    const pattern = declare({
      region,
      // Not this.account: with Identity Center principals the stack deploys elsewhere, while the
      // sessions and instances the policy names are the workload account's.
      accountId: accounts.workload.id,
      project,
      ownSessions,
      userAccess,
      principals,
      sessionKeyArn: props.sessionLogging?.keyArn,
    });
    if (ssm.sessionPreferences === "existing") {
      // Nothing here says how the existing preferences encrypt: say what their owner must add.
      Annotations.of(this).addWarning(
        'ssm.sessionPreferences is "existing": the Session Manager principals of this stack get no KMS permission. If the existing SSM-SessionManagerRunShell sets a kmsKeyId, its owner must grant them kms:GenerateDataKey on that key, or every session fails to start.',
      );
    }
    const targetsOutputs = () => {
      for (const { name, description, value } of pattern.targetsOutputs) {
        new TerraformOutput(this, name, { description, value });
      }
    };

    if (ssm.identityCenter !== undefined && principals === "identity-center") {
      const identityCenterRegionName = identityCenterRegion(this.config);
      this.identityCenterProvider = this.providerFor("IdentityCenterAws", "identityCenter", {
        alias: IDENTITY_CENTER_PROVIDER_ALIAS,
        region: identityCenterRegionName,
      });
      this.identityCenter = new IdentityCenterGroup(this, "IdentityCenter", {
        groupName: ssm.identityCenter.groupName,
        offline: this.offline,
        provider: this.identityCenterProvider,
        region: identityCenterRegionName,
      });
      this.permissionSet = new SessionManagerPermissionSet(this, "SessionPermissionSet", {
        name: permissionSetName(ssm.identityCenter.permissionSetPrefix, pattern.pattern),
        description: pattern.description,
        sessionPolicy: pattern.sessionPolicy,
        readOnlyAccess: userAccess === "read-only",
        identityCenter: this.identityCenter,
        targetAccountId: accounts.workload.id,
      });
      new TerraformOutput(this, "PermissionSetArn", { value: this.permissionSet.permissionSet.arn });
      new TerraformOutput(this, "PermissionSetName", {
        description: `Sign in with aws sso login (or the access portal), pick this permission set on account ${accounts.workload.id}, then run the start command`,
        value: this.permissionSet.permissionSet.name,
      });
      targetsOutputs();
      return;
    }

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
    targetsOutputs();
  }
}

/**
 * The command that starts a session on `target` with the default shell document named: the policies
 * require the document access check, so the document the session logs through is always explicit.
 */
export function startSessionCommand(region: string, target: string): string {
  return `aws ssm start-session --region ${region} --target ${target} --document-name ${DEFAULT_SESSION_DOCUMENT}`;
}

/**
 * The tag patterns' outputs: the command listing the instances tagged `Project=<project>`, and the
 * command starting a session on one of them.
 */
export function taggedTargetsOutputs(region: string, project: string, description: string): SessionOutput[] {
  return [
    { name: "FindTargetsCommand", description, value: findTaggedInstancesCommand(region, project) },
    {
      name: "StartSessionCommand",
      description:
        "Start a session on one of those instances (replace <instance-id>); the shell document must be named",
      value: startSessionCommand(region, "<instance-id>"),
    },
  ];
}

/** The command listing the instances tagged `Project=<project>` in `region`: the tag patterns' targets. */
export function findTaggedInstancesCommand(region: string, project: string): string {
  return `aws ec2 describe-instances --region ${region} --filters Name=tag:${PROJECT_TAG},Values=${project} --query 'Reservations[].Instances[].InstanceId' --output text`;
}
