import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { AccountConfig, CredentialSource } from "../config";

/**
 * How a provider reaches its account: the credentials it starts from (a `profile`, else the ambient
 * credentials cdktf runs with) and the roles it then assumes, in order (`assume_role` blocks; the first
 * is assumed with the starting credentials, each next one with the previous role's). The synthesized
 * provider block holds exactly this, so whoever reads `cdk.tf.json` sees how each provider gets in.
 */
export interface WayIn {
  /** AWS CLI profile the provider starts from. @default - the ambient credentials */
  readonly profile?: string;
  /** Roles assumed one after the other; empty: the starting credentials are the account's own. */
  readonly roleArns: readonly string[];
}

/**
 * The role AWS Organizations creates in every member account it creates, trusted by the management
 * account only (AWS Organizations User Guide, "Accessing a member account that has
 * OrganizationAccountAccessRole"). Invited accounts may lack it: give those a `profile` or `roleArn`.
 * The management account itself has none.
 */
export const ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole";

/** The OrganizationAccountAccessRole of a member account. */
export const organizationAccessRoleArn = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/${ORGANIZATION_ACCESS_ROLE}`;

/** Session name of every assumed role: CloudTrail shows it as the deploying session. */
export const SESSION_NAME = "ec2-access-guardrails";

/** What `wayIn` needs to know about the configuration. */
export interface WayInProps {
  /** `credentials`: whose credentials cdktf runs with. */
  readonly credentials: CredentialSource;
  /** The account the provider deploys to. */
  readonly target: AccountConfig;
  /** The stack's home account: the one its default provider deploys to. */
  readonly home: AccountConfig;
  /** `accounts.management`. */
  readonly management: AccountConfig;
}

/** An account's own way in: its `profile`, or its `roleArn` assumed from `base`. */
function ownWayIn(account: AccountConfig, base: WayIn): WayIn | undefined {
  if (account.profile !== undefined) return { profile: account.profile, roleArns: [] };
  if (account.roleArn === undefined) return undefined;
  // The management account's own role is already the base's last step: assumed once, not twice.
  if (base.roleArns.at(-1) === account.roleArn) return base;
  return { ...base, roleArns: [...base.roleArns, account.roleArn] };
}

const AMBIENT: WayIn = { roleArns: [] };

/**
 * How a provider for `target` reaches it (see CREDENTIAL_SOURCES in lib/config/accounts.ts):
 *
 * - `management`: the management account's way in is its `profile`, else its `roleArn` assumed from
 *   the ambient credentials, else the ambient credentials. Every account is reached from there: by its
 *   own `profile` (used as it is), by its `roleArn` assumed with the management account's credentials,
 *   directly when its id is the management account's, else through its OrganizationAccountAccessRole.
 *   With `accounts.management.roleArn` that is a chain of two roles, which hashicorp/aws accepts from
 *   5.67.0 on ("provider: Adds support for IAM role chaining. The provider attribute `assume_role` now
 *   accepts multiple elements", CHANGELOG 5.67.0; this project pins 5.100.0).
 * - `per-stack`: the ambient credentials are the stack's home account's. A provider for an account of
 *   the home account's id takes that account's `profile` or `roleArn` (assumed from the ambient
 *   credentials), else the ambient credentials; a provider for any other account needs its own
 *   `profile` or `roleArn` (lib/config refuses a configuration without, before any stack exists).
 */
export function wayIn({ credentials, target, home, management }: WayInProps): WayIn {
  if (credentials === "per-stack") {
    const own = ownWayIn(target, AMBIENT);
    if (own !== undefined) return own;
    if (target.id === home.id) return ownWayIn(home, AMBIENT) ?? AMBIENT;
    // Backstop only: the configuration is refused first (credentialIssues in lib/config/accounts.ts).
    throw new Error(
      `Account ${target.id} has no profile or roleArn: with credentials "per-stack" a stack runs with the credentials of account ${home.id}, and a provider for another account needs that account's profile or roleArn (or set credentials to "management").`,
    );
  }
  const base = ownWayIn(management, AMBIENT) ?? AMBIENT;
  const own = ownWayIn(target, base);
  if (own !== undefined) return own;
  if (target.id === management.id) return base;
  return { ...base, roleArns: [...base.roleArns, organizationAccessRoleArn(target.id)] };
}

export interface AccountProviderProps {
  /** The account this provider deploys to: every plan is refused with another account's credentials. */
  readonly account: AccountConfig;
  /** How it reaches that account (see `wayIn`). Ignored offline. */
  readonly wayIn: WayIn;
  /** The Region the provider's resources are created in. */
  readonly region: string;
  /**
   * Offline mode: dummy credentials and no AWS call at all (no STS, no IMDS, no account lookup), so
   * `cdktf plan` runs without AWS. `allowed_account_ids` is left out because it needs the account lookup.
   */
  readonly offline: boolean;
  /** Tag value of `Project` on every resource this provider creates. */
  readonly project: string;
  /**
   * Provider alias, for a second provider of a stack (another account, or another Region).
   * @default - the stack's default provider
   */
  readonly alias?: string;
}

/** Dummy credentials for offline mode; never valid anywhere, which is the point. */
const OFFLINE_CREDENTIALS = { accessKey: "offline-mode-no-credentials", secretKey: "offline-mode-no-credentials" };

/**
 * An AWS provider pinned to one account: a plan with credentials for any other account fails before it
 * changes anything (`allowed_account_ids`).
 */
export function accountProvider(scope: Construct, id: string, props: AccountProviderProps): AwsProvider {
  const { account, offline } = props;
  const { profile, roleArns } = props.wayIn;
  return new AwsProvider(scope, id, {
    region: props.region,
    alias: props.alias,
    defaultTags: [{ tags: { Project: props.project, ManagedBy: "ec2-access-guardrails" } }],
    ...(offline
      ? {
          ...OFFLINE_CREDENTIALS,
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: "true",
          skipRegionValidation: true,
        }
      : {
          allowedAccountIds: [account.id],
          profile,
          assumeRole:
            roleArns.length > 0 ? roleArns.map((roleArn) => ({ roleArn, sessionName: SESSION_NAME })) : undefined,
        }),
  });
}
