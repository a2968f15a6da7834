/**
 * What preflight reads from the synthesized stacks, and only from them: each provider block's account,
 * Region and credentials (profile, assume_role, allowed_account_ids), each resource's literal names,
 * the `import` blocks, and which configuration fields hold a value. When providers or stacks change,
 * preflight follows the synthesized JSON instead of a second copy of that knowledge.
 */
import type { Config } from "../../../lib/config";
import { blocks, isObject, strings, type ResourceJson, type StackView } from "../../../lib/tfjson";
import { describeCredentials, RouteError, routeKey, type Route } from "./aws";

/** One AWS provider block of a stack. */
export interface ProviderTarget {
  readonly stack: string;
  /** `aws`, or `aws.<alias>`: what a resource's `provider` argument names. */
  readonly reference: string;
  readonly region: string;
  /** The account the provider is pinned to (`allowed_account_ids`). */
  readonly accountId: string;
  readonly route: Route;
  /** The configuration's accounts with that id (`accounts.workload`, ...). */
  readonly accountFields: readonly string[];
}

/** A string argument that Terraform takes as it is: not an expression (`${...}`), else undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/** Configuration accounts (`accounts.<name>`) whose id is `accountId`. */
export function accountFields(config: Config, accountId: string): string[] {
  return Object.entries(config.accounts as Record<string, { id?: string } | undefined>)
    .filter(([, account]) => account?.id === accountId)
    .map(([name]) => `accounts.${name}`);
}

/**
 * The AWS provider blocks of a stack. A provider without `allowed_account_ids` (an offline synthesis,
 * or a provider not pinned to an account) cannot say which account it must reach: reported as a problem.
 */
export function providerTargets(view: StackView, config: Config): { targets: ProviderTarget[]; problems: string[] } {
  const targets: ProviderTarget[] = [];
  const problems: string[] = [];
  const providers = isObject(view.json.provider) && Array.isArray(view.json.provider.aws) ? view.json.provider.aws : [];
  for (const block of providers.filter(isObject)) {
    const alias = literal(block.alias);
    const reference = alias ? `aws.${alias}` : "aws";
    const region = literal(block.region);
    const [accountId] = strings(block.allowed_account_ids);
    if (!region || !accountId) {
      problems.push(
        `stack ${view.stackName}, provider ${reference}: no ${region ? "allowed_account_ids" : "region"}, so preflight cannot tell which account and Region it must reach (synthesized offline?)`,
      );
      continue;
    }
    // Every assume_role block, in order: a role chain (hashicorp/aws >= 5.67) reaches the account
    // through its last role only, so reading the first alone would check the wrong account.
    const roleBlocks = blocks(block.assume_role);
    const roles = roleBlocks.map((role) => ({
      roleArn: literal(role.role_arn),
      sessionName: literal(role.session_name),
      externalId: literal(role.external_id),
    }));
    if (roles.some((role) => role.roleArn === undefined)) {
      problems.push(
        `stack ${view.stackName}, provider ${reference}: an assume_role block's role_arn is an expression, so preflight cannot tell which role to assume`,
      );
      continue;
    }
    const route: Route = {
      profile: literal(block.profile),
      roles: roles.map((role) => ({ ...role, roleArn: role.roleArn as string })),
    };
    targets.push({
      stack: view.stackName,
      reference,
      region,
      accountId,
      route,
      accountFields: accountFields(config, accountId),
    });
  }
  return { targets, problems };
}

/** One account reached one way: what a progress line and an exit-2 message are about. */
export interface Reach {
  readonly key: string;
  readonly accountId: string;
  readonly route: Route;
  /** The Region of the first provider that uses it (STS is called there). */
  readonly region: string;
  readonly accountFields: readonly string[];
  /** The providers that use it, `<stack> (<reference>)`. */
  readonly providers: string[];
}

/** The distinct (account, credentials) pairs of the providers: each is reached once. */
export function reaches(targets: readonly ProviderTarget[]): Reach[] {
  const byKey = new Map<string, Reach>();
  for (const t of targets) {
    const key = `${t.accountId}|${routeKey(t.route)}`;
    const reach = byKey.get(key) ?? {
      key,
      accountId: t.accountId,
      route: t.route,
      region: t.region,
      accountFields: t.accountFields,
      providers: [],
    };
    reach.providers.push(`${t.stack} (${t.reference})`);
    byKey.set(key, reach);
  }
  return [...byKey.values()];
}

/** `account 111111111111 (accounts.workload)`: how messages name an account. */
export function accountLabel(accountId: string, fields: readonly string[]): string {
  return `account ${accountId} (${fields.length > 0 ? fields.join(", ") : "no configuration account has this id"})`;
}

/**
 * The configuration accounts whose way in failed on `route`, to name in the fix: the account holding
 * the profile that gave no credentials, or the `roleArn` that could not be assumed, else the account of
 * the role (an `OrganizationAccountAccessRole` stands for the account that lacks a way in of its own).
 * Falls back to `fallback` (the fields of the account being reached).
 */
export function failedWayIn(config: Config, route: Route, err: unknown, fallback: readonly string[]): string[] {
  if (!(err instanceof RouteError)) return [...fallback];
  const owners = (field: "profile" | "roleArn", value: string) =>
    configFields(config, value, "equal")
      .filter((f) => f.startsWith("accounts.") && f.endsWith(`.${field}`))
      .map((f) => f.slice(0, -`.${field}`.length));
  if (err.step < 0) {
    const found = route.profile ? owners("profile", route.profile) : [];
    return found.length > 0 ? found : [...fallback];
  }
  const roleArn = route.roles[err.step].roleArn;
  const found = owners("roleArn", roleArn);
  if (found.length > 0) return found;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
  const byId = account ? accountFields(config, account) : [];
  return byId.length > 0 ? byId : [...fallback];
}

/** The credentials a reach tried, in words. */
export const triedCredentials = (reach: Pick<Reach, "route">) => describeCredentials(reach.route);

/** The provider target of a resource of a stack. */
export function targetOf(view: StackView, targets: readonly ProviderTarget[], resource: ResourceJson) {
  const reference = view.providerOf(resource);
  return targets.find((t) => t.stack === view.stackName && t.reference === reference);
}

/** The `import` blocks of a stack: the import ID by target address. */
export function importIds(view: StackView): Map<string, string> {
  const ids = new Map<string, string>();
  for (const block of Array.isArray(view.json.import) ? view.json.import : []) {
    if (isObject(block) && typeof block.to === "string" && typeof block.id === "string") ids.set(block.to, block.id);
  }
  return ids;
}

/**
 * The configuration fields that hold `value` (`equal`), or a part of it (`within`: a name built from a
 * field, such as `TestUserA_abac` from `ssm.userName`), to name in a fix. Account ids and the Region are
 * left out of `within`: they appear inside names without having chosen them.
 */
export function configFields(config: Config, value: string, mode: "equal" | "within"): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, path: string): void => {
    if (typeof node === "string") {
      if (mode === "equal" ? node === value : node.length >= 3 && value.includes(node)) found.add(path);
    } else if (Array.isArray(node)) {
      node.forEach((item) => visit(item, path));
    } else if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        if (mode === "within" && (childPath === "accounts" || childPath === "region")) continue;
        visit(child, childPath);
      }
    }
  };
  visit(config, "");
  return [...found];
}
