import { isObject, strings } from "./rule";
import { stackView, type SynthesizedStack } from "./stack-view";

/**
 * IAM names are unique per account and per kind (users, groups, roles, managed policies, instance
 * profiles: IAM User Guide, "IAM object quotas and requirements"): a second stack creating the same
 * name in the same account fails its apply with EntityAlreadyExists. No single stack can see that, so
 * this check reads every stack of the app together.
 */
export const IAM_NAMED_TYPES: readonly string[] = [
  "aws_iam_user",
  "aws_iam_group",
  "aws_iam_role",
  "aws_iam_policy",
  "aws_iam_instance_profile",
];

/** One IAM name created twice in one account. */
export interface IamNameClash {
  readonly account: string;
  readonly type: string;
  readonly name: string;
  /** `<stack>:<address>` of the first creator, in stack order. */
  readonly first: string;
  /** The second creator: where the error belongs. */
  readonly stack: string;
  readonly address: string;
  readonly path: string;
}

/**
 * Provider alias (`aws` or `aws.data`) -> the one account it is pinned to. A provider without
 * `allowed_account_ids` (offline mode) has no known account and its resources are not compared: an
 * offline plan is for review, and the same configuration synthesized for a real plan is checked.
 */
function accountsByProvider(stack: SynthesizedStack): Map<string, string> {
  const byAlias = new Map<string, string>();
  const providers = isObject(stack.provider) ? stack.provider : {};
  for (const config of Array.isArray(providers.aws) ? providers.aws : []) {
    if (!isObject(config)) continue;
    const accounts = strings(config.allowed_account_ids);
    if (accounts.length !== 1) continue;
    byAlias.set(typeof config.alias === "string" ? `aws.${config.alias}` : "aws", accounts[0]);
  }
  return byAlias;
}

/** Every literal IAM name each stack creates, keyed by account and kind; the second creator clashes. */
export function iamNameClashes(stacks: ReadonlyArray<{ readonly id: string; readonly json: SynthesizedStack }>): IamNameClash[] {
  const owners = new Map<string, string>();
  const clashes: IamNameClash[] = [];
  for (const { id, json } of stacks) {
    const accounts = accountsByProvider(json);
    for (const resource of stackView(id, json).resources(...IAM_NAMED_TYPES)) {
      const name = resource.config.name;
      // name_prefix gets a unique suffix from Terraform; a reference is not known until apply.
      if (typeof name !== "string" || name.includes("${")) continue;
      const provider = typeof resource.config.provider === "string" ? resource.config.provider : "aws";
      const account = accounts.get(provider);
      if (account === undefined) continue;
      const key = `${account}/${resource.type}/${name}`;
      const first = owners.get(key);
      if (first === undefined) {
        owners.set(key, `${id}:${resource.address}`);
      } else {
        clashes.push({ account, type: resource.type, name, first, stack: id, address: resource.address, path: resource.path });
      }
    }
  }
  return clashes;
}

/** The error for one clash: what, where both are, and how to fix it. */
export function iamNameClashMessage(clash: IamNameClash): string {
  return `[IAM_NAME_UNIQUE_PER_ACCOUNT] ${clash.type} "${clash.name}" is also created by ${clash.first} in account ${clash.account}: IAM names are unique per account, so the second apply fails with EntityAlreadyExists. Fix: give one of them another name (${clash.stack}:${clash.address}).`;
}
