import type { ScpVariant } from "../config/schema";
import { assertPolicySize, policy, POLICY_SIZE_LIMITS, type PolicyDocument, type PolicyStatement } from "./document";

/**
 * Endpoint management that every variant denies.
 *
 * `ec2:ModifyInstanceConnectEndpoint` is not in the article (the API came later) but is denied here in
 * every variant: it replaces an existing endpoint's security groups and switches `PreserveClientIp`
 * (EC2 API reference, ModifyInstanceConnectEndpoint; Service Authorization Reference: access level
 * Write on the `instance-connect-endpoint` resource). The endpoint's security groups decide which
 * instances a tunnel can reach, so leaving Modify open next to a denied Create would let a principal
 * re-point an endpoint that already exists: the same change the Create/Delete deny is there to stop.
 * It is a Write action, so no read-only user loses anything by it.
 */
const ENDPOINT_MANAGEMENT = [
  "ec2:CreateInstanceConnectEndpoint",
  "ec2:DeleteInstanceConnectEndpoint",
  "ec2:ModifyInstanceConnectEndpoint",
] as const;

const OPEN_TUNNEL = "ec2-instance-connect:OpenTunnel";
const DESCRIBE_ENDPOINTS = "ec2:DescribeInstanceConnectEndpoints";
const SEND_SSH_PUBLIC_KEY = "ec2-instance-connect:SendSSHPublicKey";
/** The third Instance Connect door: a one-time key for the EC2 serial console (no network path needed). */
const SEND_SERIAL_CONSOLE_SSH_PUBLIC_KEY = "ec2-instance-connect:SendSerialConsoleSSHPublicKey";
/**
 * The account-level switch the serial console needs (off by default). Only enabling is denied:
 * `ec2:DisableSerialConsoleAccess` stays allowed, so anyone may close the door, nobody may open it.
 */
const ENABLE_SERIAL_CONSOLE_ACCESS = "ec2:EnableSerialConsoleAccess";

/**
 * What each variant denies (the article's three variants; docs/stacks/org-guardrails.md). The order is the
 * order of the statement's Action list, so a reviewer reads the same list in the synthesized JSON.
 */
export const SCP_DENIED_ACTIONS: Readonly<Record<ScpVariant, readonly string[]>> = {
  // Denying Describe too: the console can no longer list endpoints and `aws ec2-instance-connect
  // open-tunnel` fails at its Describe call with UnauthorizedOperation, for read-only users as well.
  "deny-eice": [OPEN_TUNNEL, ...ENDPOINT_MANAGEMENT, DESCRIBE_ENDPOINTS],
  // The article's conclusion: Describe stays allowed, so read-only users (ReadOnlyAccess, auditors,
  // inventory tools) keep seeing endpoints, while tunnels fail with "explicit deny in a service control
  // policy".
  "deny-eice-except-describe": [OPEN_TUNNEL, ...ENDPOINT_MANAGEMENT],
  // Also closes EC2 Instance Connect key pushes. SSH with the instance's own key pair is not an IAM
  // action and stays possible wherever the network allows it.
  "deny-eice-and-eic": [OPEN_TUNNEL, ...ENDPOINT_MANAGEMENT, DESCRIBE_ENDPOINTS, SEND_SSH_PUBLIC_KEY],
  // Every `ec2-instance-connect` action (the service has three: OpenTunnel, SendSSHPublicKey,
  // SendSerialConsoleSSHPublicKey; Service Authorization Reference, list_amazonec2instanceconnect), and
  // turning the account's serial console access on (ec2:EnableSerialConsoleAccess, Resource "*" only;
  // EC2 User Guide, configure-access-to-serial-console). Break-glass roles (`exemptPrincipalArns`) keep
  // the serial console: it is the way into an instance whose network or SSH daemon is broken, which is
  // what a break-glass role is for. Deployers do not: see DEPLOYER_ACTIONS.
  "deny-all-instance-connect": [
    OPEN_TUNNEL,
    ...ENDPOINT_MANAGEMENT,
    DESCRIBE_ENDPOINTS,
    SEND_SSH_PUBLIC_KEY,
    SEND_SERIAL_CONSOLE_SSH_PUBLIC_KEY,
    ENABLE_SERIAL_CONSOLE_ACCESS,
  ],
};

/** One sentence per variant, used as the SCP's description (AWS allows 512 characters). */
export const SCP_DESCRIPTIONS: Readonly<Record<ScpVariant, string>> = {
  "deny-eice": "Denies EC2 Instance Connect Endpoint tunnels, endpoint management and endpoint listing",
  "deny-eice-except-describe":
    "Denies EC2 Instance Connect Endpoint tunnels and endpoint management; listing endpoints stays allowed",
  "deny-eice-and-eic":
    "Denies EC2 Instance Connect Endpoint tunnels, endpoint management and listing, and EC2 Instance Connect key pushes",
  "deny-all-instance-connect":
    "Denies every EC2 Instance Connect door: endpoint tunnels, management and listing, SSH and serial console key pushes, and enabling serial console access",
};

export interface EiceGuardrailScpProps {
  readonly variant: ScpVariant;
  /**
   * Principals the deny does not apply to (break-glass roles), matched with `ArnNotLike
   * aws:PrincipalArn`, so wildcards such as `arn:aws:iam::*:role/BreakGlass` work.
   * @default - none: the deny applies to every principal the SCP governs
   */
  readonly exemptPrincipalArns?: readonly string[];
  /**
   * Principals that deploy the private-access stack (a pipeline role, `OrganizationAccountAccessRole`):
   * exempt from the endpoint management part of the deny only, so `cdktf deploy` and `cdktf destroy`
   * of the stack that owns the endpoint keep working in an account the SCP governs. They stay denied
   * OpenTunnel and key pushes: deploying an endpoint is not using it.
   * @default - none: the SCP is one statement and governs deployers like everyone else
   */
  readonly deployerPrincipalArns?: readonly string[];
  /**
   * Roles that alone may create, re-trust, delete, tag or change the policies of the exempt roles (and
   * of themselves). Required by the configuration whenever `exemptPrincipalArns` is set.
   * @default - none
   */
  readonly exemptionAdministratorArns?: readonly string[];
}

/**
 * Every IAM action that writes to a role resource and could hand the exemption to someone else: create
 * a role of an exempt name (where none exists yet, or after deleting it), re-trust it, widen or narrow
 * its permissions, re-tag it. From the Service Authorization Reference for IAM: the Write and
 * Permissions management actions whose resource type is `role`. Left out: CreateServiceLinkedRole and
 * DeleteServiceLinkedRole act on `role/aws-service-role/…` ARNs only, which no exempt ARN names, and SCPs
 * never restrict service-linked roles. Included beyond the role changes: iam:PassRole, since passing an
 * exempt role to a service that runs someone's code (where its trust admits that service) runs that code
 * as the exempt role.
 */
export const EXEMPT_ROLE_PROTECTED_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:PassRole",
] as const;

/**
 * Actions a deployer needs to create, change, refresh (Describe) and delete an endpoint. Nothing a
 * stack deploys pushes a key or switches the serial console on, so deployers stay denied those.
 */
const DEPLOYER_ACTIONS: readonly string[] = [...ENDPOINT_MANAGEMENT, DESCRIBE_ENDPOINTS];

/** `ArnNotLike aws:PrincipalArn` for a non-empty list, nothing otherwise. */
function unlessPrincipal(arns: readonly string[]): Pick<PolicyStatement, "Condition"> {
  // aws:PrincipalArn is the role ARN (not the assumed-role session ARN), so a role is named once; it is
  // present in every request context, so the condition never fails open.
  return arns.length > 0 ? { Condition: { ArnNotLike: { "aws:PrincipalArn": [...arns] } } } : {};
}

/**
 * The EICE/EIC guardrail SCP: Deny statements on `Resource: "*"` with the variant's actions.
 * Without deployers, one statement (the article's shape). With deployers, the variant's endpoint
 * management actions move to a second statement that also exempts the deployers, so the SCP still
 * denies exactly the variant's actions to everyone else.
 * An SCP only filters: the accounts below still need an Allow (`FullAWSAccess`) at every level and
 * an identity policy that grants the action.
 */
export function eiceGuardrailScp(props: EiceGuardrailScpProps): PolicyDocument {
  const exempt = props.exemptPrincipalArns ?? [];
  const deployers = props.deployerPrincipalArns ?? [];
  const denied = SCP_DENIED_ACTIONS[props.variant];
  const management = denied.filter((action) => DEPLOYER_ACTIONS.includes(action));
  const statements: PolicyStatement[] =
    deployers.length === 0
      ? [
          {
            Sid: "DenyEc2InstanceConnect",
            Effect: "Deny",
            Action: [...denied],
            Resource: "*",
            ...unlessPrincipal(exempt),
          },
        ]
      : [
          {
            Sid: "DenyEc2InstanceConnect",
            Effect: "Deny",
            Action: denied.filter((action) => !management.includes(action)),
            Resource: "*",
            ...unlessPrincipal(exempt),
          },
          {
            Sid: "DenyEndpointManagementExceptDeployers",
            Effect: "Deny",
            Action: management,
            Resource: "*",
            ...unlessPrincipal([...exempt, ...deployers]),
          },
        ];
  const administrators = props.exemptionAdministratorArns ?? [];
  if (exempt.length > 0) {
    // An exemption by ARN is only as strong as control over who may own that ARN: without this, any
    // member-account administrator creates (or deletes and re-creates, or re-trusts) a role named
    // BreakGlass and escapes the deny. The administrator roles are protected too, or claiming an
    // administrator name would claim the right to re-trust the exempt roles. The exempt roles themselves
    // are not administrators unless listed: a break-glass session cannot rewrite its own trust.
    statements.push({
      Sid: "ProtectExemptRoles",
      Effect: "Deny",
      Action: [...EXEMPT_ROLE_PROTECTED_ACTIONS],
      Resource: [...new Set([...exempt, ...administrators])],
      ...unlessPrincipal(administrators),
    });
  }
  const document = policy(...statements);
  // Only the principal lists can grow the document; say so rather than a generic size error.
  const fields = [
    "scp.exemptPrincipalArns",
    ...(exempt.length > 0 ? ["scp.exemptionAdministratorArns"] : []),
    ...(deployers.length > 0 ? ["scp.deployerPrincipalArns"] : []),
  ];
  const field = fields.length > 1 ? `${fields.slice(0, -1).join(", ")} and ${fields[fields.length - 1]}` : fields[0];
  const count = exempt.length + deployers.length + (exempt.length > 0 ? administrators.length : 0);
  assertPolicySize(
    document,
    POLICY_SIZE_LIMITS.scp,
    (size) =>
      `Invalid ${field} (${count} ARNs): the ${props.variant} SCP would be ${size} characters and AWS accepts at most ${POLICY_SIZE_LIMITS.scp}. List fewer principals or use a wildcard such as arn:aws:iam::*:role/BreakGlass.`,
  );
  return document;
}
