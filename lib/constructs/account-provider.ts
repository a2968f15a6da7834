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
   * Provider alias, for a stack that deploys to two accounts.
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
          assumeRole: account.roleArn
            ? [{ roleArn: account.roleArn, sessionName: "ec2-access-guardrails" }]
            : undefined,
        }),
  });
}
