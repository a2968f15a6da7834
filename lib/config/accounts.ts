import { z } from "zod";
import { isObject } from "../tfjson/json";
import { accountId, doc, oneOf, pattern, ROLE_ARN } from "./fields";

/** `accounts` and `credentials`: the AWS accounts the stacks deploy to, and how each one is reached. */

/**
 * Where the credentials cdktf runs with come from, and so how every provider reaches its account
 * (`credentials`; lib/constructs/account-provider.ts resolves it):
 * - `management`: they are the management account's. The management account is reached with them (or
 *   its own `profile` / `roleArn`); every other account without a `profile` or `roleArn` through its
 *   `OrganizationAccountAccessRole`, assumed with the management account's credentials. One set of
 *   credentials reaches every provider of every stack.
 * - `per-stack`: each stack runs with its own account's credentials (a pipeline with one role per
 *   account): a stack's providers for its own account take them, a provider for any other account needs
 *   that account's `profile` or `roleArn`.
 */
export const CREDENTIAL_SOURCES = ["management", "per-stack"] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

const PROFILE = /^[A-Za-z0-9_.+@-]{1,64}$/;

/** What the configuration reference (docs/configuration.md) says of an account entry's `id`, and of its credentials when it names none. */
interface AccountDocs {
  readonly id: string;
  readonly credentialsUnset: string;
}
const accountSchemaWith = (docs: AccountDocs) =>
  z
    .strictObject(
      {
        id: doc(accountId, { description: docs.id }),
        profile: doc(pattern(PROFILE, "use a named AWS CLI profile (letters, digits, _ . + @ -)").optional(), {
          description: "AWS CLI profile that reaches the account, used as it is; not together with `roleArn`",
        }),
        roleArn: doc(
          pattern(ROLE_ARN, "use an IAM role ARN such as arn:aws:iam::123456789012:role/Deployer").optional(),
          {
            description:
              'a role in the account to assume instead of a profile: with `credentials: "management"` from the management account\'s credentials, with `"per-stack"` from the stack\'s',
            unset: docs.credentialsUnset,
          },
        ),
      },
      { error: "use an object with id and optionally profile or roleArn" },
    )
    .superRefine(
      (account, ctx) => {
        if (account.profile !== undefined && account.roleArn !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["roleArn"],
            input: account.roleArn,
            message: "set either profile or roleArn, not both",
          });
        }
        const roleAccount = account.roleArn ? ROLE_ARN.exec(account.roleArn)?.[1] : undefined;
        // The id may be invalid here (the check runs whenever the account is an object): compare strings only.
        if (roleAccount !== undefined && typeof account.id === "string" && roleAccount !== account.id) {
          ctx.addIssue({
            code: "custom",
            path: ["roleArn"],
            input: account.roleArn,
            message: `use a role in account ${account.id} (the account this entry deploys to)`,
          });
        }
      },
      { when: ({ value }) => isObject(value) },
    );
export const accountSchema = accountSchemaWith({
  id: "12-digit account id; `data` must differ from `workload`",
  credentialsUnset: "none: as `credentials` says (see *Credentials each stack runs with*)",
});
/** The account the ssm-* stacks deploy to in identity-center mode (a delegated administrator). */
export const identityCenterAccountSchema = accountSchemaWith({
  id: "12-digit id of the delegated administrator account of IAM Identity Center, where the permission sets are created",
  credentialsUnset: "none: as `credentials` says (see *Credentials each stack runs with*)",
});

/**
 * Combinations of `credentials` and the accounts' ways in that cannot reach every provider.
 *
 * With `"per-stack"`, cross-account-s3 runs with the workload account's credentials (its default
 * provider is pinned to accounts.workload), so its `data` provider must reach accounts.data some other
 * way: that account's `profile`, or a `roleArn` those credentials may assume. The fallback of
 * `"management"`, OrganizationAccountAccessRole, trusts only the management account (AWS Organizations
 * User Guide, "Accessing a member account that has OrganizationAccountAccessRole").
 *
 * Not refused: `"management"` with `accounts.management.roleArn` and member accounts that rely on their
 * OrganizationAccountAccessRole. The provider chains the two roles (hashicorp/aws 5.67.0 and later:
 * "`assume_role` now accepts multiple elements", IAM role chaining; this project pins 5.100.0).
 */
export function credentialIssues(
  config: { credentials: unknown; accounts: Record<string, unknown> & { data: Record<string, unknown> } },
  ctx: z.RefinementCtx,
): void {
  const { data } = config.accounts;
  if (config.credentials !== "per-stack" || data.profile !== undefined || data.roleArn !== undefined) return;
  ctx.addIssue({
    code: "custom",
    path: ["accounts", "data"],
    input: data,
    message:
      'set accounts.data.profile or accounts.data.roleArn, or set credentials to "management": with credentials "per-stack" cross-account-s3 runs with the workload account\'s credentials, its data provider reaches accounts.data only through a profile or a role those credentials may assume, and OrganizationAccountAccessRole trusts only the management account',
  });
}

export const credentialsSchema = doc(oneOf(CREDENTIAL_SOURCES).default("management"), {
  description:
    "whose credentials cdktf runs with: `management`, the management account's, and every other account is reached through its `OrganizationAccountAccessRole` unless it names a `profile` or `roleArn`; `per-stack`, each stack's own account's, and a provider for another account needs that account's `profile` or `roleArn` (see *Credentials each stack runs with*)",
});

export const accountsSchema = z.strictObject(
  {
    workload: accountSchema,
    management: accountSchema,
    data: accountSchema,
    identityCenter: doc(identityCenterAccountSchema.optional(), {
      description:
        'the account that administers IAM Identity Center when it is a delegated administrator (only with `ssm.principals: "identity-center"`)',
      unset: "`accounts.management`",
    }),
  },
  { error: "use an object with workload, management and data accounts, and optionally identityCenter" },
);

/** The demo needs two accounts: cross-account-s3's bucket lives in `data`, its reader in `workload`. */
export function distinctAccountIssues(
  accounts: { workload: Record<string, unknown>; data: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const { workload, data } = accounts;
  // Other fields may be invalid here (see crossFieldInputsReadable in ./schema.ts): compare strings only.
  if (typeof data.id === "string" && data.id === workload.id) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts", "data", "id"],
      input: data.id,
      message: `use an account other than accounts.workload.id (${workload.id}): the demo needs two accounts`,
    });
  }
}
