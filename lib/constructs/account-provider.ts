import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { AccountConfig } from "../config";

export interface AccountProviderProps {
  /** The account this provider deploys to, and how to reach it. */
  readonly account: AccountConfig;
  readonly region: string;
  /**
   * Offline mode: dummy credentials and no AWS call at all (no STS, no IMDS, no account lookup), so
   * `cdktf plan` runs without AWS. `allowed_account_ids` is left out because it needs the account lookup.
   */
  readonly offline: boolean;
  /** Tag value of `Project` on every resource this provider creates. */
  readonly project: string;
  /**
   * Provider alias, for a stack that deploys to two accounts. An aliased provider cannot use the same
   * ambient credentials as the stack's default provider (each is pinned to its own account), so unless
   * the account names a `profile` or `roleArn` it assumes `OrganizationAccountAccessRole` there.
   * @default - the stack's default provider: ambient credentials unless the account names a way in
   */
  readonly alias?: string;
}

/**
 * The role AWS Organizations creates in every member account it creates, trusted by the management
 * account (AWS Organizations User Guide, "Accessing member accounts": OrganizationAccountAccessRole).
 * Invited accounts may lack it: give those a `profile` or `roleArn`.
 */
export const ORGANIZATION_ACCESS_ROLE = "OrganizationAccountAccessRole";

/** Session name of every assumed role: CloudTrail shows it as the deploying session. */
const SESSION_NAME = "ec2-access-guardrails";

/**
 * How a provider reaches its account: the configured `roleArn`, else (aliased providers without a
 * `profile`) the account's OrganizationAccountAccessRole, else the profile or ambient credentials.
 */
export function assumedRoleArn(account: AccountConfig, aliased: boolean): string | undefined {
  if (account.roleArn !== undefined) return account.roleArn;
  if (aliased && account.profile === undefined) return `arn:aws:iam::${account.id}:role/${ORGANIZATION_ACCESS_ROLE}`;
  return undefined;
}

/** Dummy credentials for offline mode; never valid anywhere, which is the point. */
const OFFLINE_CREDENTIALS = { accessKey: "offline-mode-no-credentials", secretKey: "offline-mode-no-credentials" };

/**
 * An AWS provider pinned to one account: a plan with credentials for any other account fails before it
 * changes anything (`allowed_account_ids`).
 */
export function accountProvider(scope: Construct, id: string, props: AccountProviderProps): AwsProvider {
  const { account, offline } = props;
  const roleArn = assumedRoleArn(account, props.alias !== undefined);
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
          profile: account.profile,
          assumeRole: roleArn ? [{ roleArn, sessionName: SESSION_NAME }] : undefined,
        }),
  });
}
