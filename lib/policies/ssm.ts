import { policy, type Conditions, type PolicyDocument, type PolicyStatement } from "./document";

/**
 * Session Manager end-user policies, one builder per restriction pattern (SPEC §3, stacks `ssm-*`).
 * The three share every statement except the one that says which instances a session may start on.
 *
 * What the shared statements grant, and why, following the current AWS documentation:
 * - "Sample IAM policies for Session Manager" (Quickstart end user policies),
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
 *   grants `ssm:StartSession` on the instance *and* on the session document `SSM-SessionManagerRunShell`,
 *   `ssmmessages:OpenDataChannel` on the user's own sessions (added to the samples when Session Manager
 *   started authorizing the data channel per session), and Terminate/Resume on the user's own sessions.
 * - "Enforce a session document permission check for the AWS CLI",
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html
 *   Without `ssm:SessionDocumentAccessCheck`, `aws ssm start-session --target i-…` (no
 *   `--document-name`) runs the default shell document even when the policy never names it. With
 *   `BoolIfExists ssm:SessionDocumentAccessCheck = true` on every statement that allows StartSession,
 *   the user needs an explicit grant for the document, so the only document here is the default shell:
 *   port forwarding or `AWS-StartInteractiveCommand` stay denied.
 * - The `Describe*`/`Get*` calls the samples list (DescribeSessions, GetConnectionStatus,
 *   DescribeInstanceProperties, ec2:DescribeInstances) are not repeated: the user's AWS managed
 *   `ReadOnlyAccess` already grants them.
 *
 * Session ids of an IAM user start with the user's name (`TestUserA-0a1b2c…`, "Step 3: Control session
 * access to managed nodes"), hence `${aws:username}`. The newest samples write `${aws:userid}` to cover
 * roles too, but for an IAM user that variable is the unique id (`AIDA…`), which a session id never starts
 * with; `${aws:username}` exists only for IAM users, which is what these stacks create.
 */

/** Session document every StartSession needs once the document access check is on. */
export const DEFAULT_SESSION_DOCUMENT = "SSM-SessionManagerRunShell";

/** The tag key the fixed-tag and ABAC patterns match on (the instance carries `Project=<project>`). */
export const PROJECT_TAG = "Project";

/** The user name IAM substitutes at evaluation time; reaches AWS literally (escaped once by toPolicyJson). */
const USERNAME = "${aws:username}";

export interface SessionScope {
  /** Region of the instances and sessions (from config). */
  readonly region: string;
  /** Account of the instances and sessions: the workload account (from config). */
  readonly accountId: string;
}

/** `arn:aws:ec2:<region>:<account>:instance/<id>` */
export function instanceArn(scope: SessionScope, instanceId: string): string {
  return `arn:aws:ec2:${scope.region}:${scope.accountId}:instance/${instanceId}`;
}

/** `arn:aws:ssm:<region>:<account>:session/${aws:username}-*`: the sessions this user started. */
export function ownSessionsArn(scope: SessionScope): string {
  return `arn:aws:ssm:${scope.region}:${scope.accountId}:session/${USERNAME}-*`;
}

/** `arn:aws:ssm:<region>:<account>:document/SSM-SessionManagerRunShell` */
export function sessionDocumentArn(scope: SessionScope): string {
  return `arn:aws:ssm:${scope.region}:${scope.accountId}:document/${DEFAULT_SESSION_DOCUMENT}`;
}

/** Must be on every statement allowing StartSession, or the check is bypassed through that statement. */
const DOCUMENT_ACCESS_CHECK: Conditions = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } };

/** StartSession on instances, with the document access check merged into the pattern's conditions. */
function startSessionOn(resource: string | readonly string[], conditions: Conditions = {}): PolicyStatement {
  return {
    Sid: "StartSessionOnTargetInstances",
    Effect: "Allow",
    Action: "ssm:StartSession",
    Resource: resource,
    Condition: { ...conditions, ...DOCUMENT_ACCESS_CHECK },
  };
}

/** The statements all three patterns share: the shell document and the user's own sessions. */
function commonStatements(scope: SessionScope): PolicyStatement[] {
  return [
    {
      // Separate from the instance statement: a document carries no Project tag, so under the tag
      // conditions of patterns 2 and 3 it would never match.
      Sid: "StartSessionWithDefaultShellDocument",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: sessionDocumentArn(scope),
      Condition: DOCUMENT_ACCESS_CHECK,
    },
    {
      Sid: "OpenDataChannelOfOwnSessions",
      Effect: "Allow",
      Action: "ssmmessages:OpenDataChannel",
      Resource: ownSessionsArn(scope),
    },
    {
      Sid: "TerminateAndResumeOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: ownSessionsArn(scope),
    },
  ];
}

/** Every instance of the region and account: patterns 2 and 3 narrow it with a tag condition. */
function allInstancesArn(scope: SessionScope): string {
  return instanceArn(scope, "*");
}

export interface InstanceArnSessionPolicyProps extends SessionScope {
  /** Instances a session may start on; their ARNs are listed one by one. */
  readonly instanceIds: readonly string[];
}

/**
 * Pattern 1, instance ARN: sessions only on the named instances. Simple and exact; every new or
 * replaced instance needs a policy change.
 */
export function instanceArnSessionPolicy(props: InstanceArnSessionPolicyProps): PolicyDocument {
  if (props.instanceIds.length === 0) {
    throw new Error("instanceArnSessionPolicy needs at least one instance id; an empty list would allow nothing.");
  }
  return policy(startSessionOn(props.instanceIds.map((id) => instanceArn(props, id))), ...commonStatements(props));
}

export interface FixedTagSessionPolicyProps extends SessionScope {
  /** Value of the instance's `Project` tag that opens a session. */
  readonly project: string;
}

/**
 * Pattern 2, fixed tag: sessions on any instance tagged `Project=<project>`. The key is
 * `ssm:resourceTag/…`, the Session Manager key of the AWS samples; untagged instances never match.
 */
export function fixedTagSessionPolicy(props: FixedTagSessionPolicyProps): PolicyDocument {
  return policy(
    startSessionOn(allInstancesArn(props), { StringEquals: { [`ssm:resourceTag/${PROJECT_TAG}`]: props.project } }),
    ...commonStatements(props),
  );
}

/**
 * Pattern 3, ABAC: sessions on any instance whose `Project` tag equals the caller's own `Project` tag.
 * The key changes to the global `aws:ResourceTag/…`, compared with `${aws:PrincipalTag/Project}`; a user
 * without the tag matches nothing (the variable does not resolve), so one policy serves every team.
 */
export function abacSessionPolicy(props: SessionScope): PolicyDocument {
  return policy(
    startSessionOn(allInstancesArn(props), {
      StringEquals: { [`aws:ResourceTag/${PROJECT_TAG}`]: `\${aws:PrincipalTag/${PROJECT_TAG}}` },
    }),
    ...commonStatements(props),
  );
}
