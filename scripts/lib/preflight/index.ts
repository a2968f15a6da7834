/**
 * `npm run preflight`, as a function of the synthesized stacks and the configuration: reach every
 * account with the credentials its providers will deploy with, then ask the read-only questions of
 * checks.ts. The exit code: 0 clear, 1 findings, 2 an account that cannot be reached (or a provider
 * that names no account to reach, or, under credentials "per-stack", stacks that need another
 * account's ambient credentials than this run has).
 */
import type { Config } from "../../../lib/config";
import { stackView, type TfJson } from "../../../lib/tfjson";
import { AMBIENT_CREDENTIALS, awsError, routeFailure, sts, type Clients } from "./aws";
import { runChecks, type Row } from "./checks";
import {
  accountFields,
  accountLabel,
  failedWayIn,
  providerTargets,
  reaches,
  triedCredentials,
  type ProviderTarget,
  type Reach,
} from "./targets";

export { Clients } from "./aws";
export type { Row } from "./checks";

export interface Unreachable {
  readonly accountId: string;
  readonly accountFields: readonly string[];
  /** The credentials tried, in words. */
  readonly credentials: string;
  readonly providers: readonly string[];
  readonly reason: string;
  /**
   * The configuration accounts whose way in failed, when not the reached account's own: the
   * management account's `roleArn` at the start of a chain, a profile it starts from.
   * @default - accountFields
   */
  readonly fixFields?: readonly string[];
  /**
   * Set when preflight did not try: under credentials "per-stack" these stacks run with the ambient
   * credentials of `accountId`, and this run's belong to `ambientAccount`.
   */
  readonly notChecked?: { readonly stacks: readonly string[]; readonly ambientAccount: string };
}

export interface PreflightResult {
  readonly rows: readonly Row[];
  readonly unreachable: readonly Unreachable[];
  /** What could not be looked at, said once each (also written to `progress`). */
  readonly notes: readonly string[];
  readonly exitCode: 0 | 1 | 2;
}

export interface PreflightOptions {
  readonly clients: Clients;
  /** Where progress lines go (stderr in the script). */
  readonly progress?: (line: string) => void;
  /**
   * Only these stacks (`npm run preflight -- <stack-id> ...`; ids of `stacks`): under credentials
   * "per-stack", the stacks this run's credentials are for.
   * @default - every stack
   */
  readonly stacks?: readonly string[];
}

interface Reached {
  readonly partition: string;
}

/** `npm run preflight -- <stack-id> ...` with the credentials of the account behind `u` (not checked). */
export function rerunCommand(u: Unreachable): string {
  return `AWS_PROFILE=<a profile of account ${u.accountId}> npm run preflight -- ${(u.notChecked?.stacks ?? []).join(" ")}`;
}

/**
 * The message of an account preflight cannot reach: the account, its configuration field, the
 * credentials; or of stacks it did not check because they need another account's credentials.
 */
export function unreachableMessage(u: Unreachable): string {
  if (u.notChecked) {
    const { stacks, ambientAccount } = u.notChecked;
    return `not checked: under credentials "per-stack" ${stacks.join(", ")} ${stacks.length > 1 ? "run" : "runs"} with the credentials of ${accountLabel(u.accountId, u.accountFields)}, and ${u.credentials} belong to account ${ambientAccount} (providers ${u.providers.join(", ")}). Run preflight for ${stacks.length > 1 ? "these stacks" : "this stack"} with account ${u.accountId}'s credentials: ${rerunCommand(u)}.`;
  }
  const fields = u.fixFields ?? (u.accountFields.length > 0 ? u.accountFields : ["accounts.<name>"]);
  return `cannot reach ${accountLabel(u.accountId, u.accountFields)} with ${u.credentials} (providers ${u.providers.join(", ")}): ${u.reason}. Give ${fields.join(" / ")} a way in that works (its profile or roleArn; docs/organisation.md, "Credentials each stack runs with").`;
}

/** Reaches `r`: its partition, else why not (and the accounts whose way in failed). */
async function reach(
  clients: Clients,
  config: Config,
  r: Reach,
): Promise<Reached | { reason: string; fixFields?: string[] }> {
  try {
    await clients.resolve(r.route, r.region);
  } catch (err) {
    return { reason: routeFailure(r.route, err), fixFields: failedWayIn(config, r.route, err, r.accountFields) };
  }
  try {
    const who = await clients
      .access(r.route, r.region)
      .call<sts.GetCallerIdentityCommandOutput>(new sts.GetCallerIdentityCommand({}));
    if (who.Account !== r.accountId) {
      return { reason: `the credentials belong to account ${who.Account} (${who.Arn}), not ${r.accountId}` };
    }
    return { partition: /^arn:([^:]+):/.exec(who.Arn ?? "")?.[1] ?? "aws" };
  } catch (err) {
    const e = awsError(err);
    return { reason: `${e.name}: ${e.message}` };
  }
}

/** The account of the ambient credentials, or undefined when they give none (each reach then says why). */
async function ambientAccount(clients: Clients, region: string): Promise<string | undefined> {
  try {
    const who = await clients
      .access({ roles: [] }, region)
      .call<sts.GetCallerIdentityCommandOutput>(new sts.GetCallerIdentityCommand({}));
    return who.Account;
  } catch {
    return undefined;
  }
}

/**
 * Under credentials "per-stack" each stack runs with the ambient credentials of its home account (its
 * default provider's), and one run of preflight has one set: the providers that start from the
 * ambient credentials (no `profile`) in stacks of another home account than the caller's cannot be
 * reached as they will deploy. They are set apart, one entry per home account, naming the stacks to
 * run preflight for with that account's credentials, instead of a mismatch or a refused role.
 */
async function otherAccountsStacks(
  clients: Clients,
  config: Config,
  targets: readonly ProviderTarget[],
): Promise<{ checked: ProviderTarget[]; notChecked: Unreachable[] }> {
  if (targets.length === 0) return { checked: [], notChecked: [] };
  const caller = await ambientAccount(clients, targets[0].region);
  if (caller === undefined) return { checked: [...targets], notChecked: [] };
  const home = new Map(targets.filter((t) => t.reference === "aws").map((t) => [t.stack, t.accountId]));
  const checked: ProviderTarget[] = [];
  const byHome = new Map<string, ProviderTarget[]>();
  for (const t of targets) {
    const account = home.get(t.stack) ?? t.accountId;
    if (t.route.profile !== undefined || account === caller) checked.push(t);
    else byHome.set(account, [...(byHome.get(account) ?? []), t]);
  }
  const notChecked = [...byHome].map(([account, group]) => ({
    accountId: account,
    accountFields: accountFields(config, account),
    credentials: AMBIENT_CREDENTIALS,
    providers: group.map((t) => `${t.stack} (${t.reference})`),
    reason: `stacks of account ${account} run with its own credentials under credentials "per-stack"`,
    notChecked: { stacks: [...new Set(group.map((t) => t.stack))], ambientAccount: caller },
  }));
  return { checked, notChecked };
}

/** Runs every check against the accounts the synthesized `stacks` deploy to. */
export async function runPreflight(
  stacks: Readonly<Record<string, TfJson>>,
  config: Config,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const progress = options.progress ?? (() => undefined);
  const { clients } = options;
  const selected = options.stacks;
  const unknown = (selected ?? []).filter((id) => !(id in stacks));
  if (unknown.length > 0) throw new Error(`No synthesized stack ${unknown.join(", ")} to check`);
  const views = Object.entries(stacks)
    .filter(([id]) => selected === undefined || selected.includes(id))
    .map(([id, json]) => stackView(id, json));
  const all: ProviderTarget[] = [];
  const unreachable: Unreachable[] = [];
  for (const view of views) {
    const found = providerTargets(view, config);
    all.push(...found.targets);
    for (const problem of found.problems) {
      progress(`preflight: ${problem}`);
      unreachable.push({
        accountId: "?",
        accountFields: [],
        credentials: "none",
        providers: [view.stackName],
        reason: problem,
      });
    }
  }
  // A selection says which stacks this run's credentials are for: a mismatch there is an error.
  const { checked: targets, notChecked } =
    config.credentials === "per-stack" && selected === undefined
      ? await otherAccountsStacks(clients, config, all)
      : { checked: all, notChecked: [] };
  for (const u of notChecked) {
    unreachable.push(u);
    progress(`preflight: ✗ ${unreachableMessage(u)}`);
  }

  const reached = new Map<string, Reached>();
  await Promise.all(
    reaches(targets).map(async (r) => {
      const result = await reach(clients, config, r);
      const who = `${accountLabel(r.accountId, r.accountFields)} with ${triedCredentials(r)}`;
      if ("reason" in result) {
        const u: Unreachable = {
          accountId: r.accountId,
          accountFields: r.accountFields,
          credentials: triedCredentials(r),
          providers: r.providers,
          reason: result.reason,
          ...(result.fixFields ? { fixFields: result.fixFields } : {}),
        };
        unreachable.push(u);
        progress(`preflight: ✗ ${unreachableMessage(u)}`);
      } else {
        reached.set(r.key, result);
        progress(`preflight: ✓ ${who}: reached (${r.providers.join(", ")})`);
      }
    }),
  );
  const reachKey = (t: ProviderTarget) => reaches([t])[0].key;
  const tried = new Set(targets);

  const notes: string[] = [];
  const rows = await runChecks({
    config,
    views,
    targets: all,
    access: (t) => (tried.has(t) && reached.has(reachKey(t)) ? clients.access(t.route, t.region) : undefined),
    partition: (t) => reached.get(reachKey(t))?.partition ?? "aws",
    note: (line) => {
      if (notes.includes(line)) return;
      notes.push(line);
      progress(`preflight: !!! ${line}`);
    },
  });
  const exitCode = unreachable.length > 0 ? 2 : rows.length > 0 ? 1 : 0;
  return { rows, unreachable, notes, exitCode };
}
