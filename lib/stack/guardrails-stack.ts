import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { identityCenterAccount, type AccountConfig, type Config } from "../config";
import { accountProvider, wayIn } from "../constructs/account-provider";
import { stateBackend } from "../constructs/backend";

/**
 * An account of the configuration's `accounts` section; `identityCenter` is the account that
 * administers IAM Identity Center (`accounts.identityCenter`, else `accounts.management`).
 */
export type AccountName = "workload" | "management" | "data" | "identityCenter";

/** The configured account a name stands for. */
export function accountOf(config: Config, name: AccountName): AccountConfig {
  return name === "identityCenter" ? identityCenterAccount(config) : config.accounts[name];
}

/** A second provider of a stack: its alias, and its Region when it is not the configuration's. */
export interface ProviderOptions {
  /** @default - none: only the default provider (`Aws`) goes without one */
  readonly alias?: string;
  /** @default - the configuration's `region` */
  readonly region?: string;
}

/** What every stack of the project receives from main.ts. */
export interface GuardrailsStackProps {
  /** The validated configuration (lib/config): the only way settings reach a stack. */
  readonly config: Config;
  /** Offline mode: dummy credentials, no AWS calls (see lib/config). */
  readonly offline: boolean;
}

/**
 * The base of every stack: the wiring each stack would otherwise repeat, in one place.
 *
 * - the validated configuration and the offline flag, as `config` and `offline`;
 * - the default AWS provider (construct id `Aws`), pinned to the stack's home account, with the
 *   `Project` / `ManagedBy` default tags (see accountProvider);
 * - `providerFor` for a second account or Region, pinned the same way;
 * - every provider reaching its account as `credentials` says (see wayIn): the provider blocks are the
 *   whole truth of which credentials each provider uses;
 * - the state backend `config.state` chooses (local, s3 or cloud; see stateBackend), the same kind for
 *   every stack. It exists from construction on, before any cross-stack reference copies its settings
 *   into a reader's `terraform_remote_state`.
 *
 * Construct ids stay what the stacks used before this base existed: they are Terraform addresses.
 */
export abstract class GuardrailsStack extends TerraformStack {
  readonly config: Config;
  readonly offline: boolean;
  /** The account the default provider deploys to. */
  readonly account: AccountConfig;
  /** Its name in the configuration. */
  readonly home: AccountName;
  /** The default provider: every resource without an explicit `provider` is created in `account`. */
  readonly provider: AwsProvider;

  /**
   * @param home the account this stack deploys to by default (`workload` for all but org-guardrails).
   */
  protected constructor(scope: Construct, id: string, props: GuardrailsStackProps, home: AccountName) {
    super(scope, id);
    this.config = props.config;
    this.offline = props.offline;
    this.account = accountOf(props.config, home);
    this.home = home;
    this.provider = this.providerFor("Aws", home);
    stateBackend(this, props.config);
  }

  /**
   * A provider pinned to one configured account, reaching it as `credentials` says for a stack of this
   * home account. With an alias, resources reach it only by passing `provider` explicitly, so nothing
   * lands in the second account (or Region) by accident.
   */
  protected providerFor(id: string, account: AccountName, options: ProviderOptions = {}): AwsProvider {
    const { config, offline } = this;
    const target = accountOf(config, account);
    return accountProvider(this, id, {
      account: target,
      wayIn: wayIn({
        credentials: config.credentials,
        target,
        home: this.account,
        management: config.accounts.management,
      }),
      region: options.region ?? config.region,
      offline,
      project: config.project,
      alias: options.alias,
    });
  }
}
