/**
 * `npm run preflight`, as a function of the synthesized stacks and the configuration: reach every
 * account with the credentials its providers will deploy with, then ask the read-only questions of
 * checks.ts. The exit code: 0 clear, 1 findings, 2 an account that cannot be reached (or a provider
 * that names no account to reach).
 */
import type { Config } from "../../../lib/config";
import { stackView, type TfJson } from "../../../lib/tfjson";
import { awsError, sts, type Clients } from "./aws";
import { runChecks, type Row } from "./checks";
import { accountLabel, providerTargets, reaches, triedCredentials, type ProviderTarget, type Reach } from "./targets";

export { Clients } from "./aws";
export type { Row } from "./checks";

export interface Unreachable {
  readonly accountId: string;
  readonly accountFields: readonly string[];
  /** The credentials tried, in words. */
  readonly credentials: string;
  readonly providers: readonly string[];
  readonly reason: string;
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
}

interface Reached {
  readonly partition: string;
}

/** The message of an account preflight cannot reach: the account, its configuration field, the credentials. */
export function unreachableMessage(u: Unreachable): string {
  const fields = u.accountFields.length > 0 ? u.accountFields : ["accounts.<name>"];
  return `cannot reach ${accountLabel(u.accountId, u.accountFields)} with ${u.credentials} (providers ${u.providers.join(", ")}): ${u.reason}. Give ${fields.join(" / ")} a way in that works (its profile or roleArn; README, "Credentials each stack runs with").`;
}

async function reach(clients: Clients, r: Reach): Promise<Reached | string> {
  try {
    await clients.resolve(r.route, r.region);
  } catch (err) {
    return (err as Error).message;
  }
  try {
    const who = await clients
      .access(r.route, r.region)
      .call<sts.GetCallerIdentityCommandOutput>(new sts.GetCallerIdentityCommand({}));
    if (who.Account !== r.accountId) {
      return `the credentials belong to account ${who.Account} (${who.Arn}), not ${r.accountId}`;
    }
    return { partition: /^arn:([^:]+):/.exec(who.Arn ?? "")?.[1] ?? "aws" };
  } catch (err) {
    const e = awsError(err);
    return `${e.name}: ${e.message}`;
  }
}

/** Runs every check against the accounts the synthesized `stacks` deploy to. */
export async function runPreflight(
  stacks: Readonly<Record<string, TfJson>>,
  config: Config,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const progress = options.progress ?? (() => undefined);
  const { clients } = options;
  const views = Object.entries(stacks).map(([id, json]) => stackView(id, json));
  const targets: ProviderTarget[] = [];
  const unreachable: Unreachable[] = [];
  for (const view of views) {
    const found = providerTargets(view, config);
    targets.push(...found.targets);
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

  const reached = new Map<string, Reached>();
  await Promise.all(
    reaches(targets).map(async (r) => {
      const result = await reach(clients, r);
      const who = `${accountLabel(r.accountId, r.accountFields)} with ${triedCredentials(r)}`;
      if (typeof result === "string") {
        const u = {
          accountId: r.accountId,
          accountFields: r.accountFields,
          credentials: triedCredentials(r),
          providers: r.providers,
          reason: result,
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

  const notes: string[] = [];
  const rows = await runChecks({
    config,
    views,
    targets,
    access: (t) => (reached.has(reachKey(t)) ? clients.access(t.route, t.region) : undefined),
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
