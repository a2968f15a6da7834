/**
 * The parsed configuration, every default filled in, for the shipped file and for the smallest valid
 * file. The expected objects are written out by hand, not derived from the schema, so a default that
 * moves or disappears while the schema is reshaped fails here.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG_PATH, parseConfig, type Config } from "../../../lib/config";

/**
 * The smallest file that parses: region and the shipped placeholder accounts. With real accounts the
 * audit section also needs an alarm subscriber and an administrator (schema.test.ts pins that refusal).
 */
const MINIMAL_INPUT = {
  region: "us-east-2",
  accounts: { workload: { id: "111111111111" }, management: { id: "222222222222" }, data: { id: "333333333333" } },
};

const MINIMAL: Config = {
  region: "us-east-2",
  project: "test",
  credentials: "management",
  accounts: { workload: { id: "111111111111" }, management: { id: "222222222222" }, data: { id: "333333333333" } },
  network: { vpcCidr: "10.0.0.0/16", natGateways: "single", flowLogRetentionDays: 90, excludeZoneIds: [] },
  instance: { type: "t3.micro" },
  eice: { preserveClientIp: false, ports: [22], maxTunnelDurationSeconds: 3600, osUsers: ["ec2-user"] },
  privateAccess: { allowedBuckets: [], instanceS3Access: "named" },
  scp: {
    variant: "deny-eice-except-describe",
    targetIds: [],
    attachedPolicyCounts: {},
    exemptPrincipalArns: [],
    exemptionAdministratorArns: [],
    deployerPrincipalArns: [],
  },
  orgPerimeter: { approvedAccountIds: [] },
  ssm: {
    userName: "TestUserA",
    userAccess: "session-only",
    ownSessions: "session-id-tag",
    sessionPreferences: "manage",
    sessionLogs: { retentionDays: 365, readerArns: [], idleTimeoutMinutes: 20, maxDurationMinutes: 60 },
    principals: "iam-user",
  },
  crossAccount: {
    createAccessKey: false,
    approvedBuckets: [],
    vpcCidr: "10.1.0.0/16",
    userName: "data-account-user",
    grantWorkloadRole: false,
  },
  audit: {
    noAlarmSubscriber: false,
    logRetentionDays: 365,
    allowDestroy: false,
    logReaderArns: [],
    administratorArns: [],
  },
  state: { backend: "local" },
};

/** config/default.json: the minimal file's defaults, except what it sets (written out here). */
const SHIPPED: Config = {
  ...MINIMAL,
  region: "eu-west-1",
  scp: { ...MINIMAL.scp, targetIds: ["ou-abcd-11111111"] },
  crossAccount: {
    ...MINIMAL.crossAccount,
    approvedBuckets: [{ bucket: "approved-reports-111111111111", accountId: "444455556666" }],
  },
};

/** Sections given as `{}` take the same defaults as sections left out. */
const EMPTY_SECTIONS = {
  ...MINIMAL_INPUT,
  network: {},
  instance: {},
  eice: {},
  privateAccess: {},
  scp: {},
  orgPerimeter: {},
  ssm: {},
  crossAccount: {},
  audit: {},
  // The one section that is not `{}` at its smallest: its backend says which fields it takes.
  state: { backend: "local" },
};

describe("configuration defaults", () => {
  test("config/default.json parses to the expected configuration", () => {
    const parsed = parseConfig(JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8")));
    expect(parsed).toStrictEqual(SHIPPED);
    // Key order too: stacks iterate some sections, and the synthesized JSON must not reorder.
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(SHIPPED));
  });

  test.each([
    ["a file with only region and accounts", MINIMAL_INPUT],
    ["a file with every section empty", EMPTY_SECTIONS],
  ])("%s parses to every default", (_what, input) => {
    const parsed = parseConfig(input);
    expect(parsed).toStrictEqual(MINIMAL);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(MINIMAL));
  });

  test.each([
    [
      "an s3 state with only its bucket",
      { backend: "s3", bucket: "team-state" },
      { backend: "s3", bucket: "team-state", keyPrefix: "ec2-access-guardrails/" },
    ],
    [
      "a cloud state with its organization and prefix",
      { backend: "cloud", organization: "acme", workspacePrefix: "guardrails-" },
      { backend: "cloud", organization: "acme", workspacePrefix: "guardrails-", hostname: "app.terraform.io" },
    ],
  ])("%s takes the backend's defaults (the s3 region stays unset: it follows region)", (_what, state, parsed) => {
    expect(parseConfig({ ...MINIMAL_INPUT, state }).state).toStrictEqual(parsed);
  });

  test("defaults are fresh objects: changing one parse never leaks into the next", () => {
    const first = parseConfig(MINIMAL_INPUT);
    (first.eice.ports as number[]).push(2222);
    expect(parseConfig(MINIMAL_INPUT).eice.ports).toEqual([22]);
  });
});
