import type { SsmOwnSessionRule, SsmPrincipals, SsmUserAccess } from "../config/schema";
import { policy, type Conditions, type PolicyDocument, type PolicyStatement } from "./document";
import { userSessionKeyStatement } from "./session-logging";

/**
 * Session Manager end-user policies, one builder per restriction pattern (stacks `ssm-*`).
 * The three share every statement except the one that says which instances a session may start on.
 *
 * What the shared statements grant, and why, following the current AWS documentation:
 * - "Sample IAM policies for Session Manager" (Quickstart end user policies),
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
 *   grants `ssm:StartSession` on the instance *and* on the session document `SSM-SessionManagerRunShell`,
 *   `ssmmessages:OpenDataChannel` on the user's own sessions (added to the samples when Session Manager
 *   started authorizing the data channel per session), Terminate/Resume on the user's own sessions, and
 *   `ssm:DescribeSessions`, `ssm:GetConnectionStatus`, `ssm:DescribeInstanceProperties`,
 *   `ec2:DescribeInstances` on `*`: what the Session Manager console reads to list nodes and sessions.
 *   With `ssm.userAccess: "session-only"` (default) those four are the user's only reads; with
 *   `"read-only"` the user gets the article's AWS managed `ReadOnlyAccess` instead, which grants them and
 *   every `s3:Get*`, `ssm:GetParameter*`, `logs:Get*` of the account besides.
 * - "Enforce a session document permission check for the AWS CLI",
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html
 *   Without `ssm:SessionDocumentAccessCheck`, `aws ssm start-session --target i-…` (no
 *   `--document-name`) runs the default shell document even when the policy never names it. With
 *   `BoolIfExists ssm:SessionDocumentAccessCheck = true` on every statement that allows StartSession,
 *   the user needs an explicit grant for the document, so the only document here is the default shell:
 *   port forwarding or `AWS-StartInteractiveCommand` stay denied.
 *
 * Own sessions. Session ids of an IAM user start with the user's name (`TestUserA-0a1b2c…`, "Step 3:
 * Control session access to managed nodes", "About session ID ARN formats"), hence the article's
 * `session/${aws:username}-*`. That is a prefix: user `alice` matches `alice-admin-0a1b…` too, and AWS
 * documents neither the length nor the alphabet of the suffix (the API allows session ids of 1-96
 * characters with no pattern), so a fixed-length `?` pattern would rest on an undocumented format.
 * What AWS does document, "Additional sample IAM policies for Session Manager", Example 4 "Allow a user
 * to end only sessions they started", Method 2,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
 * is the tag Session Manager applies to every session, `aws:ssmmessages:session-id`, whose value is
 * the caller's id: for caller type `User` the IAM user's unique id (`AIDA…`), for an assumed role
 * `<role id>:<session name>`, i.e. `${aws:userid}` in both cases; "this method works for all accounts".
 * The Service Authorization Reference lists `ssm:resourceTag/aws:ssmmessages:session-id` on
 * TerminateSession and ResumeSession. A unique id is never shared by two users (nor reused when a
 * user of the same name is re-created), so `ssm.ownSessions: "session-id-tag"` (default) requires it on
 * top of the name prefix: `alice` no longer matches `alice-admin`'s sessions. StringEquals, not the
 * sample's StringLike: the value is an exact id, with no wildcard to expand.
 * `ssmmessages:OpenDataChannel` keeps the name-prefix rule in both modes: the service reference lists
 * no condition key for it (a tag condition would never match and every session would break), and the
 * channel of a session needs that session's token, which only StartSession or ResumeSession returns.
 * The newest samples write `${aws:userid}-*` in the ARN to cover roles too, but for an IAM user that
 * variable is the unique id (`AIDA…`), which a session id never starts with; `${aws:username}` exists
 * only for IAM users.
 *
 * Role sessions (`ssm.principals: "identity-center"`: a permission set's `AWSReservedSSO_<set>_<suffix>`
 * role). `${aws:username}` does not exist for them ("IAM policy elements: variables", Principal key
 * values: only IAM users carry it), and their session ids start with the *role session name*, not with
 * anything a policy variable holds: "About session ID ARN formats" says the id starts with the caller's
 * name, which for an assumed role is its session name (Identity Center sets it to the user's name; a
 * CLI AssumeRole without a name shows `botocore-session-<n>-…`, aws/amazon-ssm-agent issue #534), while
 * `${aws:userid}` is `<role id>:<session name>` (`AROA…:alice`), which no session id starts with. So:
 * - Terminate/Resume: Example 4, Method 2 above, as AWS writes it for federated users: any session of
 *   the account and region (`session/*`) whose `aws:ssmmessages:session-id` tag is LIKE `${aws:userid}`.
 *   The tag is applied by Session Manager, never by the caller, so only the caller's own sessions match.
 * - OpenDataChannel takes no condition key (Service Authorization Reference, ssmmessages), and no ARN
 *   prefix names one role session's sessions: it names `session/*` of the workload account and region.
 *   That opens no one else's session: the channel needs the session's token, which only StartSession
 *   (on the granted instances, with the logged document) or ResumeSession (own sessions only) returns.
 */

/** Session document every StartSession needs once the document access check is on. */
export const DEFAULT_SESSION_DOCUMENT = "SSM-SessionManagerRunShell";

/** The tag key the fixed-tag and ABAC patterns match on (the instance carries `Project=<project>`). */
export const PROJECT_TAG = "Project";

/** The user name IAM substitutes at evaluation time; reaches AWS literally (escaped once by toPolicyJson). */
const USERNAME = "${aws:username}";
/** The caller's unique id (`AIDA…` for an IAM user), the value of a session's `aws:ssmmessages:session-id` tag. */
const USER_ID = "${aws:userid}";
/** The tag Session Manager applies to each session with the id of the caller who started it. */
export const SESSION_OWNER_TAG_KEY = "ssm:resourceTag/aws:ssmmessages:session-id";

/** The Describe/Get calls of AWS's quickstart end-user policy: what the Session Manager console reads. */
export const SESSION_CONSOLE_ACTIONS = [
  "ssm:DescribeSessions",
  "ssm:GetConnectionStatus",
  "ssm:DescribeInstanceProperties",
  "ec2:DescribeInstances",
] as const;

export interface SessionScope {
  /** Region of the instances and sessions (from config). */
  readonly region: string;
  /** Account of the instances and sessions: the workload account (from config). */
  readonly accountId: string;
}

/** The configured choices every pattern's policy follows (no defaults here: lib/config holds them). */
export interface SessionUserRules {
  /**
   * Who holds the policy (`ssm.principals`): an IAM user (`iam-user`), or the role sessions of an IAM
   * Identity Center permission set (`identity-center`), which own their sessions differently (file comment).
   */
  readonly principals: SsmPrincipals;
  /**
   * The customer managed key that encrypts session data (the session-preferences stack's), when sessions
   * are encrypted: every principal then needs kms:GenerateDataKey on it to start a session.
   * @default - none: the principals get no KMS permission
   */
  readonly sessionKeyArn?: string;
  /** Which sessions are the user's own for Terminate/Resume (`ssm.ownSessions`, see the file comment). */
  readonly ownSessions: SsmOwnSessionRule;
  /**
   * `session-only` adds the console's Describe/Get statement; `read-only` leaves it to the managed
   * `ReadOnlyAccess` the user's group then carries (`ssm.userAccess`).
   */
  readonly userAccess: SsmUserAccess;
}

/** Where the sessions are and which rules apply: what the shared statements need. */
export interface SessionPolicyScope extends SessionScope, SessionUserRules {}

/** `arn:aws:ec2:<region>:<account>:instance/<id>` */
export function instanceArn(scope: SessionScope, instanceId: string): string {
  return `arn:aws:ec2:${scope.region}:${scope.accountId}:instance/${instanceId}`;
}

/** `arn:aws:ssm:<region>:<account>:session/${aws:username}-*`: the sessions this user started. */
export function ownSessionsArn(scope: SessionScope): string {
  return `arn:aws:ssm:${scope.region}:${scope.accountId}:session/${USERNAME}-*`;
}

/**
 * `arn:aws:ssm:<region>:<account>:session/*`: every session of the account and region. Role sessions
 * cannot be narrowed by ARN (file comment); a condition or a token does the narrowing.
 */
export function allSessionsArn(scope: SessionScope): string {
  return `arn:aws:ssm:${scope.region}:${scope.accountId}:session/*`;
}

/** The sessions whose data channel the principal may open (file comment: role sessions name no prefix). */
function dataChannelSessionsArn(scope: SessionPolicyScope): string {
  return scope.principals === "identity-center" ? allSessionsArn(scope) : ownSessionsArn(scope);
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

/** Terminate/Resume on the user's own sessions, by the rule `ssm.ownSessions` chooses. */
function ownSessionsStatement(scope: SessionPolicyScope): PolicyStatement {
  if (scope.principals === "identity-center") {
    // AWS's documented form for federated users (Example 4, Method 2), StringLike as AWS writes it: the
    // session-id tag holds `<role id>:<session name>`, exactly `${aws:userid}` of the role session.
    return {
      Sid: "TerminateAndResumeOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: allSessionsArn(scope),
      Condition: { StringLike: { [SESSION_OWNER_TAG_KEY]: USER_ID } },
    };
  }
  return {
    Sid: "TerminateAndResumeOwnSessions",
    Effect: "Allow",
    Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
    Resource: ownSessionsArn(scope),
    // The name prefix alone also matches `<user>-admin-…`; the session-id tag is the caller's unique id.
    ...(scope.ownSessions === "session-id-tag"
      ? { Condition: { StringEquals: { [SESSION_OWNER_TAG_KEY]: USER_ID } } }
      : {}),
  };
}

/**
 * The console's reads on `*`: DescribeSessions and DescribeInstanceProperties take no resource, and
 * ec2:DescribeInstances supports none (Service Authorization Reference); read-only and listing only.
 */
function consoleStatement(): PolicyStatement {
  return {
    Sid: "SessionManagerConsoleReads",
    Effect: "Allow",
    Action: [...SESSION_CONSOLE_ACTIONS],
    Resource: "*",
  };
}

/** The statements all three patterns share: the shell document, the user's own sessions, the console. */
function commonStatements(scope: SessionPolicyScope): PolicyStatement[] {
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
      Resource: dataChannelSessionsArn(scope),
    },
    ownSessionsStatement(scope),
    // With `read-only` the managed ReadOnlyAccess grants these; the policy then stays the article's.
    ...(scope.userAccess === "session-only" ? [consoleStatement()] : []),
    // Encrypted sessions: without a data key from the session key, StartSession's stream cannot open.
    ...(scope.sessionKeyArn === undefined ? [] : [userSessionKeyStatement(scope.sessionKeyArn)]),
  ];
}

/** Every instance of the region and account: patterns 2 and 3 narrow it with a tag condition. */
function allInstancesArn(scope: SessionScope): string {
  return instanceArn(scope, "*");
}

export interface InstanceArnSessionPolicyProps extends SessionPolicyScope {
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

export interface FixedTagSessionPolicyProps extends SessionPolicyScope {
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
export function abacSessionPolicy(props: SessionPolicyScope): PolicyDocument {
  return policy(
    startSessionOn(allInstancesArn(props), {
      StringEquals: { [`aws:ResourceTag/${PROJECT_TAG}`]: `\${aws:PrincipalTag/${PROJECT_TAG}}` },
    }),
    ...commonStatements(props),
  );
}
