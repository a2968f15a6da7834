/**
 * How every provider reaches its account (`credentials`, lib/constructs/account-provider.ts), read
 * back from the synthesized provider blocks, and the table of docs/organisation.md of it held to those blocks: the
 * table is written by hand, and this file is what keeps it true.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Config, Settings } from "../../../lib/config";
import { wayIn } from "../../../lib/constructs/account-provider";
import { STACK_IDS } from "../../../main";
import { stackJson, synthCached, testConfig, type TfJson } from "../../helpers";
import { delegatedIdentityCenterSettings, identityCenterSettings } from "../../helpers/identity-center";
import { problemsOf } from "../config/problems";

const MANAGEMENT = { id: "222222222222" };
const WORKLOAD = { id: "111111111111" };
const ORG_ROLE = (id: string) => `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`;

describe("wayIn", () => {
  // Written out by hand: the rules of CREDENTIAL_SOURCES, case by case.
  test.each([
    [
      "management: a member account with nothing set, through its OrganizationAccountAccessRole",
      { credentials: "management", target: WORKLOAD, management: MANAGEMENT },
      { roleArns: [ORG_ROLE("111111111111")] },
    ],
    [
      "management: the management account with nothing set, with the ambient credentials",
      { credentials: "management", target: MANAGEMENT, management: MANAGEMENT },
      { roleArns: [] },
    ],
    [
      "management: another entry of the management account's id (no such role there), by the management way in",
      {
        credentials: "management",
        target: { id: "222222222222" },
        management: { ...MANAGEMENT, profile: "org-admin" },
      },
      { profile: "org-admin", roleArns: [] },
    ],
    [
      "management: a member from the management account's profile",
      { credentials: "management", target: WORKLOAD, management: { ...MANAGEMENT, profile: "org-admin" } },
      { profile: "org-admin", roleArns: [ORG_ROLE("111111111111")] },
    ],
    [
      "management: a member through the management account's role, then its own: a chain",
      {
        credentials: "management",
        target: WORKLOAD,
        management: { ...MANAGEMENT, roleArn: "arn:aws:iam::222222222222:role/OrgDeployer" },
      },
      { roleArns: ["arn:aws:iam::222222222222:role/OrgDeployer", ORG_ROLE("111111111111")] },
    ],
    [
      "management: the management account's own role, assumed once",
      {
        credentials: "management",
        target: { ...MANAGEMENT, roleArn: "arn:aws:iam::222222222222:role/OrgDeployer" },
        management: { ...MANAGEMENT, roleArn: "arn:aws:iam::222222222222:role/OrgDeployer" },
      },
      { roleArns: ["arn:aws:iam::222222222222:role/OrgDeployer"] },
    ],
    [
      "management: a member's own role, assumed from the management account's profile",
      {
        credentials: "management",
        target: { ...WORKLOAD, roleArn: "arn:aws:iam::111111111111:role/Deployer" },
        management: { ...MANAGEMENT, profile: "org-admin" },
      },
      { profile: "org-admin", roleArns: ["arn:aws:iam::111111111111:role/Deployer"] },
    ],
    [
      "management: a member's own profile, used as it is",
      {
        credentials: "management",
        target: { ...WORKLOAD, profile: "workload-admin" },
        management: { ...MANAGEMENT, roleArn: "arn:aws:iam::222222222222:role/OrgDeployer" },
      },
      { profile: "workload-admin", roleArns: [] },
    ],
    [
      "per-stack: the home account with nothing set, with the ambient credentials",
      { credentials: "per-stack", target: WORKLOAD, home: WORKLOAD, management: { ...MANAGEMENT, profile: "o" } },
      { roleArns: [] },
    ],
    [
      "per-stack: another account's role, assumed from the ambient credentials",
      {
        credentials: "per-stack",
        target: { id: "333333333333", roleArn: "arn:aws:iam::333333333333:role/Deployer" },
        management: { ...MANAGEMENT, profile: "o" },
      },
      { roleArns: ["arn:aws:iam::333333333333:role/Deployer"] },
    ],
  ] as const)("%s", (_what, props, expected) => {
    expect(wayIn({ home: WORKLOAD, ...props })).toEqual(expected);
  });

  test("per-stack: refuses a provider for another account with no way in (lib/config refuses it first)", () => {
    expect(() =>
      wayIn({ credentials: "per-stack", target: { id: "333333333333" }, home: WORKLOAD, management: MANAGEMENT }),
    ).toThrow(/^Account 333333333333 has no profile or roleArn: with credentials "per-stack"/);
  });
});

describe("the management account's own provider", () => {
  test("assumes the management account's role once, not chained to itself", () => {
    const roleArn = "arn:aws:iam::222222222222:role/OrgDeployer";
    const config = testConfig({ accounts: { management: { id: "222222222222", roleArn } } });
    const [provider] = providerBlocks(stackJson("org-guardrails", { config }));
    expect(accessOf(provider)).toEqual({
      account: ["222222222222"],
      region: "eu-west-1",
      profile: undefined,
      roles: [roleArn],
    });
  });
});

/** One row of the table of docs/organisation.md, as written. */
interface Row {
  readonly stacks: readonly string[];
  readonly identityCenter: boolean;
  /** Alias (undefined: the default provider) and the configuration field its Region comes from. */
  readonly providers: ReadonlyArray<{ alias?: string; region?: string }>;
  /** The `accounts.<name>` the providers deploy to. */
  readonly account: string;
  readonly management: string;
  readonly perStack: string;
}

const HEADER = '| stack | provider | account | `"management"` (default) | `"per-stack"` |';
const MANAGEMENT_WAY_IN = "the management way in";
const ORGANIZATION_ROLE = "its `OrganizationAccountAccessRole`, assumed with the management way in";
const AMBIENT = "ambient";
const REFUSED = "refused: give it a `profile` or `roleArn`";

function accountName(cell: string): string {
  const name = /^`accounts\.([A-Za-z]+)`/.exec(cell)?.[1];
  if (name === undefined) throw new Error(`docs/organisation.md credentials table: unreadable account cell "${cell}"`);
  return name;
}

function readmeRows(): Row[] {
  const readme = readFileSync(path.join(__dirname, "..", "..", "..", "docs", "organisation.md"), "utf8").split("\n");
  const start = readme.indexOf(HEADER);
  if (start < 0) throw new Error(`docs/organisation.md has no credentials table (header ${HEADER})`);
  const lines = readme.slice(start + 2);
  const body = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith("|")),
  );
  return body.map((line) => {
    const cells = line.split(" | ").map((cell) => cell.replace(/^\| ?| ?\|$/g, "").trim());
    if (cells.length !== 5) throw new Error(`docs/organisation.md credentials table row without 5 cells: ${line}`);
    const [stacks, providers, account, management, perStack] = cells;
    return {
      stacks: [...stacks.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]).filter((id) => id !== "identity-center"),
      identityCenter: stacks.includes('`ssm.principals: "identity-center"`'),
      providers: providers.split(/, (?=default|`)/).map((part) => {
        const [, alias, region] = /^(?:default|`([a-z_]+)`)(?: \(`([^`]+)`\))?$/.exec(part) ?? [];
        if (alias === undefined && !part.startsWith("default")) throw new Error(`Unreadable provider cell "${part}"`);
        return { alias, region };
      }),
      account: accountName(account),
      management,
      perStack,
    };
  });
}

/** A provider block's way in and pin, the part the table speaks of. */
const accessOf = (block: Record<string, unknown>) => ({
  account: block.allowed_account_ids,
  region: block.region,
  profile: block.profile,
  roles: ((block.assume_role as Array<{ role_arn: string }> | undefined) ?? []).map((r) => r.role_arn),
});
const providerBlocks = (stack: TfJson) => [stack.provider?.aws ?? []].flat() as Array<Record<string, unknown>>;

/** What a cell says, as the provider block it means, for account `id` in a synthesis whose management way in is `base`. */
function expectedWayIn(cell: string, id: string, base: { profile?: unknown; roles: string[] }) {
  switch (cell) {
    case MANAGEMENT_WAY_IN:
      return { profile: base.profile, roles: base.roles };
    case ORGANIZATION_ROLE:
      return { profile: base.profile, roles: [...base.roles, ORG_ROLE(id)] };
    case AMBIENT:
      return { profile: undefined, roles: [] };
    case REFUSED:
      // With the profile the refusal asks for (the per-stack syntheses below set it), nothing else.
      return { profile: "data-admin", roles: [] };
    default:
      throw new Error(`Unknown cell "${cell}": use one of the phrases credentials.test.ts knows`);
  }
}

const SSM_STACKS = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"] as const;
type Column = "management" | "perStack";
type Principals = "iamUser" | "identityCenter" | "delegated";

describe("docs/organisation.md: Credentials each stack runs with", () => {
  const rows = readmeRows();
  // Under "per-stack" the data account needs a way in: the profile the refused cell asks for.
  const perStack = { credentials: "per-stack", accounts: { data: { id: "333333333333", profile: "data-admin" } } };
  const withPerStack = (settings: Partial<Settings>): Config =>
    testConfig({
      ...settings.config,
      ...perStack,
      accounts: { ...settings.config?.accounts, ...perStack.accounts },
    } as never);
  /**
   * The configuration each column and kind of row is read from. "management": the shipped defaults and
   * the Identity Center configurations the stack tests read, whole syntheses shared with them;
   * "per-stack": the same with credentials "per-stack", the Identity Center ones for the three ssm-*
   * stacks (and their producers) only.
   */
  const configs: Record<Column, Record<Principals, Config>> = {
    management: {
      iamUser: testConfig(),
      identityCenter: identityCenterSettings().config!,
      delegated: delegatedIdentityCenterSettings().config!,
    },
    perStack: {
      iamUser: withPerStack({}),
      identityCenter: withPerStack(identityCenterSettings()),
      delegated: withPerStack(delegatedIdentityCenterSettings()),
    },
  };
  const synthesisOf = (column: Column, which: Principals) =>
    synthCached(
      { config: configs[column][which] },
      column === "perStack" && which !== "iamUser" ? SSM_STACKS : undefined,
    );
  const principalsOf = (row: Row): Principals =>
    !row.identityCenter ? "iamUser" : row.account === "identityCenter" ? "delegated" : "identityCenter";
  const stackIdsOf = (which: Principals) => (which === "iamUser" ? STACK_IDS : SSM_STACKS);

  test("has a row for every provider of every stack, and no row for a provider that does not exist", () => {
    for (const column of ["management", "perStack"] as const) {
      for (const which of ["iamUser", "identityCenter", "delegated"] as const) {
        const described = rows
          .filter((row) => principalsOf(row) === which)
          .flatMap((row) => row.stacks.flatMap((id) => row.providers.map((p) => `${id} ${p.alias ?? "default"}`)));
        const { stacks } = synthesisOf(column, which);
        const synthesized = stackIdsOf(which).flatMap((id) =>
          providerBlocks(stacks[id]).map((p) => `${id} ${(p.alias as string | undefined) ?? "default"}`),
        );
        expect({ column, which, providers: described.sort() }).toEqual({
          column,
          which,
          providers: synthesized.sort(),
        });
      }
    }
  });

  test.each(rows.map((row, i) => [i + 1, row.stacks.join(", "), row] as const))(
    "row %i (%s) says how each provider is reached in both modes",
    (_i, _stacks, row) => {
      const which = principalsOf(row);
      for (const column of ["management", "perStack"] as const) {
        const config = configs[column][which];
        const { stacks } = synthesisOf(column, which);
        // The management way in: how the management account's own provider (org-guardrails) is reached.
        const managementAccess = accessOf(providerBlocks(synthesisOf(column, "iamUser").stacks["org-guardrails"])[0]);
        const accountId = (config.accounts as Record<string, { id: string } | undefined>)[row.account]?.id;
        const cell = column === "management" ? row.management : row.perStack;
        for (const id of row.stacks) {
          for (const { alias, region } of row.providers) {
            const block = providerBlocks(stacks[id]).find((b) => b.alias === alias);
            expect({ id, alias, column, ...accessOf(block ?? {}) }).toEqual({
              id,
              alias,
              column,
              account: [accountId],
              // The table names the field each Region comes from; unset, ssm.identityCenter.region is `region`.
              region:
                region === "ssm.identityCenter.region"
                  ? (config.ssm.identityCenter?.region ?? config.region)
                  : config.region,
              ...expectedWayIn(cell, accountId ?? "", managementAccess),
            });
          }
        }
      }
    },
  );

  test("the refused cell is refused at synth, naming the fields", () => {
    expect(rows.filter((row) => row.perStack === REFUSED).map((row) => row.account)).toEqual(["data"]);
    expect(problemsOf({ ...testConfig(), credentials: "per-stack" })).toEqual([
      expect.stringMatching(
        /^Invalid accounts\.data .*: set accounts\.data\.profile or accounts\.data\.roleArn, or set credentials to "management"/,
      ),
    ]);
  });
});
