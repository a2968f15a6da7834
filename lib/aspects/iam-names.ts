import { stackView, strings, type StackView, type TfJson } from "../tfjson";

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
 * The one account a provider reference (`aws` or `aws.data`) is pinned to. A provider without
 * `allowed_account_ids` (offline mode) has no known account and its resources are not compared: an
 * offline plan is for review, and the same configuration synthesized for a real plan is checked.
 */
function accountOf(view: StackView, provider: string): string | undefined {
  const accounts = strings(view.provider(provider)?.allowed_account_ids);
  return accounts.length === 1 ? accounts[0] : undefined;
}

/** Every literal IAM name each stack creates, keyed by account and kind; the second creator clashes. */
export function iamNameClashes(stacks: ReadonlyArray<{ readonly id: string; readonly json: TfJson }>): IamNameClash[] {
  const owners = new Map<string, string>();
  const clashes: IamNameClash[] = [];
  for (const { id, json } of stacks) {
    const view = stackView(id, json);
    for (const resource of view.resources(...IAM_NAMED_TYPES)) {
      const name = resource.config.name;
      // name_prefix gets a unique suffix from Terraform; a reference is not known until apply.
      if (typeof name !== "string" || name.includes("${")) continue;
      const account = accountOf(view, view.providerOf(resource));
      if (account === undefined) continue;
      const key = `${account}/${resource.type}/${name}`;
      const first = owners.get(key);
      if (first === undefined) {
        owners.set(key, `${id}:${resource.address}`);
      } else {
        clashes.push({
          account,
          type: resource.type,
          name,
          first,
          stack: id,
          address: resource.address,
          path: resource.path,
        });
      }
    }
  }
  return clashes;
}

/** The error for one clash: what, where both are, and how to fix it. */
export function iamNameClashMessage(clash: IamNameClash): string {
  return `[IAM_NAME_UNIQUE_PER_ACCOUNT] ${clash.type} "${clash.name}" is also created by ${clash.first} in account ${clash.account}: IAM names are unique per account, so the second apply fails with EntityAlreadyExists. Fix: give one of them another name (${clash.stack}:${clash.address}).`;
}
