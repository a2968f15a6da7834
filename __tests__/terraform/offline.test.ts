/**
 * Terraform checks on the synthesized stacks, with no AWS access at all:
 * - `terraform validate` with the real hashicorp/aws provider (local mirror here, registry elsewhere) of
 *   every stack: provider configuration and resource arguments;
 * - `terraform test` planning and applying every stack against a mocked provider, cross-stack inputs
 *   overridden (the only way a dependent stack plans before its source stack has state);
 * - a real `terraform plan` of every stack synthesized in offline mode and prepared as `npm run
 *   plan:offline` prepares it (scripts/lib/offline-plan.ts), which proves the offline provider
 *   configuration makes no AWS call and that the script's plans succeed: a stack that reads another's
 *   state has those reads answered by placeholder state files with realistic outputs of the producing
 *   stack;
 * - for stacks that keep evidence (`lifecycle.prevent_destroy`, the audit stack by default), `terraform
 *   test` cannot tear down what it applied: the default synthesis proves Terraform refuses that destroy
 *   at plan time and deletes nothing, and the mocked plan+apply+destroy runs on a synthesis with
 *   `audit.allowDestroy: true`.
 *
 * Starting the provider is what these checks cost, so they share it (see scripts/lib/terraform.ts): one
 * working folder calls every stack as a module, is initialized once, validated once (with two broken
 * copies of a stack, which prove validation still fails where it must) and holds one test file per
 * check; two `terraform test` processes, one per core, run those files.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  arnTypes,
  findTerraform,
  inParallel,
  installedAwsProvider,
  mockTestFile,
  sharesProviderServer,
  startProviderServer,
  type ProviderServer,
  realPlanTestFile,
  stackDirs,
  terraform,
  terraformEnv,
  testFileResults,
  type CommandResult,
  type TestFileResult,
} from "../../scripts/lib/terraform";
import { prepareOfflinePlan, type PreparedStack } from "../../scripts/lib/offline-plan";
import { configWithStateOf, STATE_EXAMPLES, synthApp, testConfig, type TfJson } from "../helpers";
import { NETWORK_MODES, networkConfig, synthNetworkStacks } from "../helpers/network-modes";

const terraformFound = findTerraform() !== undefined;
if (!terraformFound) {
  // One loud line: the rest of the suite runs, but nobody may read a green run as "Terraform checked".
  console.warn("!!! TERRAFORM NOT ON PATH: terraform validate / test / offline plan were NOT run !!!");
}

const online = synthApp({ offline: false }, true);
const offline = synthApp({ offline: true }, true);
const stackIds = Object.keys(online.stacks).sort();
/**
 * Stacks that read another stack's state: planned for real all the same, their `terraform_remote_state`
 * pointed at a placeholder state holding what the producing stack outputs once applied.
 */
const readers = stackIds.filter((id) => offline.stacks[id].data?.terraform_remote_state);
/**
 * Stacks planned for real offline. ssm-fixed-tag and ssm-abac are declared through the same builder as
 * ssm-instance-arn (lib/stack/session-manager-stack.ts): the same provider configuration and resource
 * kinds, only their policy documents differ, which a plan does not judge (validate and the mocked apply
 * see all three, the access proofs their policies). Each real plan costs a provider start.
 */
const PLAN_SAME_AS: Record<string, string> = { "ssm-fixed-tag": "ssm-instance-arn", "ssm-abac": "ssm-instance-arn" };
const planned = stackIds.filter((id) => PLAN_SAME_AS[id] === undefined);

/** Terraform addresses of a stack's resources, and those that refuse destroy. */
const addresses = (stack: TfJson, which: (resource: Record<string, unknown>) => boolean = () => true) =>
  Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, r]) => which(r))
      .map(([name]) => `${type}.${name}`),
  );
const preventsDestroy = (r: Record<string, unknown>) =>
  (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
/** Stacks holding evidence by default: `terraform test`'s teardown must be refused on them. */
const retaining = stackIds.filter((id) => addresses(online.stacks[id], preventsDestroy).length > 0);
/** The same stacks synthesized to allow destroy, so their mocked apply is also torn down. */
const destroyable = synthApp(
  {
    offline: false,
    // audit.allowDestroy needs an administrator who empties the trail bucket.
    config: testConfig({
      audit: { allowDestroy: true, administratorArns: ["arn:aws:iam::111111111111:role/Deployer"] },
    }),
  },
  true,
);
/**
 * The network stacks in the other network modes (fully private, an existing VPC), as `<mode>-<stack
 * id>`, in the same runs: all validated; mock-applied except where a stack repeats another's network
 * code (cross-account-s3 builds the same fully private network as private-access); planned for real
 * offline where the network code differs (private-access, the owner of a shared VPC's endpoints, in each
 * mode). Each extra `terraform test` file costs seconds of the suite's budget.
 */
const MODE_CHECKS: Record<string, { mocked: boolean; planned: boolean }> = {
  "private-private-access": { mocked: true, planned: true },
  "private-cross-account-s3": { mocked: false, planned: false },
  "existing-private-access": { mocked: true, planned: true },
  "existing-cross-account-s3": { mocked: true, planned: false },
  // Identity Center principals: the three stacks build the same permission set construct, and ssm-abac
  // also the attributes for access control (managed here), so it alone is mock-applied and planned.
  "identity-center-ssm-instance-arn": { mocked: false, planned: false },
  "identity-center-ssm-fixed-tag": { mocked: false, planned: false },
  "identity-center-ssm-abac": { mocked: true, planned: true },
};
const IDENTITY_CENTER_STACKS = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"] as const;
/**
 * An existing network's plan must stop when a subnet is routed by a table `routeTableIds` does not list
 * (lib/constructs/existing-network.ts): its S3 traffic would bypass the endpoint policy. One more run
 * in the mocked file of the existing network's owner, after its apply (each subnet explicitly
 * associated with a listed table, MOCK_DATA): a plan where the first subnet has no explicit association
 * and the VPC's main route table is not listed, which the postcondition must fail. Terraform fails a
 * run whose `expect_failures` does not happen, so this covers the fallback to the main table and the
 * refusal together, for the cost of one plan in a process that is running anyway.
 */
const ROUTE_CHECKED = "existing-private-access";
const UNLISTED_MAIN_ROUTE_TABLE = "rtb-0bbbbbbbbbbbbbbbb";
function unlistedRouteTableRun(stack: TfJson, moduleSource: string): string {
  const names = (type: string) => Object.keys(stack.data?.[type] ?? {}).sort();
  const [subnet] = names("aws_route_tables");
  const [main] = names("aws_route_table");
  return [
    `run "unlisted_main_route_table" {`,
    `  command = plan`,
    `  module {`,
    `    source = ${JSON.stringify(moduleSource)}`,
    `  }`,
    `  override_data {`,
    `    target = data.aws_route_tables.${subnet}`,
    `    values = { ids = [] }`,
    `  }`,
    `  override_data {`,
    `    target = data.aws_route_table.${main}`,
    `    values = { id = ${JSON.stringify(UNLISTED_MAIN_ROUTE_TABLE)} }`,
    `  }`,
    `  expect_failures = [data.aws_route_tables.${subnet}]`,
    `}`,
    ``,
  ].join("\n");
}
/**
 * Every Identity Center resource kind: read-only adds the managed policy attachment. A delegated
 * administrator reached from a role in the management account puts a chain of two `assume_role`
 * blocks on both providers (the management role, then the member's OrganizationAccountAccessRole),
 * which validate proves the pinned provider accepts; the identity_center alias is in its own Region.
 */
const IDENTITY_CENTER = testConfig({
  accounts: {
    management: { id: "222222222222", roleArn: "arn:aws:iam::222222222222:role/OrgDeployer" },
    identityCenter: { id: "555555555555" },
  },
  ssm: {
    principals: "identity-center",
    userAccess: "read-only",
    identityCenter: {
      groupName: "Platform operators",
      projectAttribute: "enterprise.department",
      permissionSetPrefix: "guardrails-ssm-",
      manageAccessControlAttributes: true,
      region: "us-east-1",
    },
  },
});
const modes = [
  ...Object.entries(NETWORK_MODES).map(([mode, network]) => {
    const config = networkConfig(network);
    return { mode, online: synthNetworkStacks(config, false, true), offline: synthNetworkStacks(config, true, true) };
  }),
  {
    mode: "identity-center",
    // The three stacks and their producers only: nothing else changes with the principals.
    online: synthApp({ offline: false, config: IDENTITY_CENTER }, true, undefined, IDENTITY_CENTER_STACKS),
    offline: synthApp({ offline: true, config: IDENTITY_CENTER }, true, undefined, IDENTITY_CENTER_STACKS),
    only: IDENTITY_CENTER_STACKS,
  },
];
const modeChecks = modes.flatMap(({ mode, online: modeOnline, offline: modeOffline, ...rest }) =>
  ("only" in rest ? rest.only : Object.keys(modeOnline.stacks)).map((id) => ({
    name: `${mode}-${id}`,
    mode,
    id,
    producers: modeOnline.stacks,
    online: modeOnline.stacks[id],
    onlineDir: stackDirs(modeOnline.outdir)[id],
    offline: modeOffline.stacks[id],
  })),
);
const modeNames = modeChecks.map((c) => c.name);
const modeMocked = modeNames.filter((n) => MODE_CHECKS[n].mocked);
const modePlanned = modeNames.filter((n) => MODE_CHECKS[n].planned);

/**
 * The same stacks with shared state (s3, cloud). Only their backend and cross-stack reads differ from
 * the default synthesis (__tests__/lib/stack/state-backends.test.ts), and a module's backend block is
 * not part of what validate checks, so the stacks that read another's state join the single validate:
 * their reads are the part the backend changes. Validate and `terraform test` never configure a backend (`init -backend=false`,
 * modules, in-memory test state): nothing reaches S3 or HCP Terraform.
 */
const SHARED_CHECKED = "ssm-instance-arn";
/** Only the checked reader and its producers are synthesized (each cloud stack also runs `terraform version`). */
const shared = Object.fromEntries(
  Object.entries(STATE_EXAMPLES).map(([kind, example]) => [
    kind,
    synthApp({ offline: false, config: configWithStateOf(example) }, true, undefined, [SHARED_CHECKED]),
  ]),
);
/**
 * Per kind, the reader of two stacks (ssm-instance-arn reads private-access and session-preferences) is
 * validated and mock-applied: its reads are the part of a shared-state synthesis a module validate sees.
 * Every reader's reads are built by cdktf from the same backend settings, and each one's exact
 * configuration is checked in __tests__/lib/stack/state-backends.test.ts; a mocked apply answers the
 * reads with `override_data`, so other readers' applies would repeat the default synthesis's.
 */
const sharedReaders = Object.entries(shared).flatMap(([kind, synth]) =>
  Object.keys(synth.stacks)
    .filter((id) => id === SHARED_CHECKED && synth.stacks[id].data?.terraform_remote_state)
    .map((id) => [kind, id] as const),
);
const sharedName = (kind: string, id: string) => `${kind}-${id}`;

/**
 * `ssm.sessionPreferences: "adopt"`: the session-preferences stack plus an `import` block. Terraform
 * allows import blocks only in the root module, and every stack here is a module: the stack joins the
 * single validate without its block, and the block itself is written into the root module addressed
 * `module.<name>.<to>`, where validate checks that its target exists (a wrong target fails with
 * "Configuration for import target does not exist"). Not mock-applied: Terraform 1.11 refuses to
 * import from a mocked provider ("Cannot import resources from mock providers"; with an
 * `override_resource` of the document the refresh fails with unknown values), and the rest of the stack
 * is the managed stack's, resource for resource (__tests__/stacks/session-preferences.test.ts), which
 * is mock-applied above.
 */
const ADOPT = "adopt-session-preferences";
const adopt = synthApp(
  { offline: false, config: testConfig({ ssm: { sessionPreferences: "adopt" } }) },
  true,
  undefined,
  ["session-preferences"],
);
const adoptImports = (adopt.stacks["session-preferences"].import ?? []) as Array<{ to: string; id: string }>;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The stack the validation canary is copied from, and the two ways it is broken: each returns the error expected. */
const CANARY = "private-access";
const BROKEN: Record<string, (stack: Json) => RegExp> = {
  /** Checked by the provider's ValidateProviderConfig only (a mocked test never sees it). */
  "broken-provider": (stack) => {
    stack.provider.aws[0].assume_role = [{ role_arn: "not-an-arn" }];
    return /"assume_role\.0\.role_arn" \(not-an-arn\) is an invalid ARN/;
  },
  /** Checked by a resource argument's validator inside the provider, not by Terraform's schema. */
  "broken-resource": (stack) => {
    const [group] = Object.values(stack.resource.aws_cloudwatch_log_group) as Array<Record<string, unknown>>;
    group.retention_in_days = 4;
    return /expected retention_in_days to be one of .*got 4/;
  },
};

/** Test file names: what each one checks. */
const file = {
  mocked: (id: string) => `${id}.mocked.tftest.hcl`,
  destroyable: (id: string) => `${id}.destroyable.tftest.hcl`,
  offline: (id: string) => `${id}.offline.tftest.hcl`,
};

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string };
}
let init: CommandResult | undefined;
const servers: ProviderServer[] = [];
let validate: CommandResult | undefined;
/** `terraform validate -json` errors by the stack (or broken copy) whose folder they point into. */
const validationErrors: Record<string, Diagnostic[]> = {};
/** The error each broken copy must produce. */
const expectedErrors: Record<string, RegExp> = {};
const tests: Record<string, TestFileResult & { stderr: string }> = {};
const testRuns: CommandResult[] = [];

const show = (r: CommandResult | undefined) => (r ? r.output.slice(-4000) : "(did not run)");
const showFile = (name: string) => {
  const r = tests[name];
  return r
    ? `${r.output.slice(-3000)}\n${r.stderr.slice(-3000)}`
    : `(${name} did not run)\n${testRuns.map(show).join("\n")}`;
};

(terraformFound ? describe : describe.skip)("terraform checks on every synthesized stack", () => {
  const workRoot = mkdtempSync(path.join(tmpdir(), "guardrails-tf-"));
  const checks = path.join(workRoot, "checks");
  const onlineDirs = stackDirs(online.outdir);
  const destroyableDirs = stackDirs(destroyable.outdir);
  const brokenDirs = Object.fromEntries(Object.keys(BROKEN).map((name) => [name, path.join(workRoot, name)]));
  /** Module sources are relative paths from the working folder. */
  const source = (dir: string) => path.relative(checks, dir);
  /**
   * The offline syntheses, prepared as `npm run plan:offline` prepares them (scripts/lib/offline-plan.ts):
   * a throwaway backend, and every read of another stack's state pointed at a placeholder state with the
   * producer's outputs. The real plans below plan these very folders, as the script does.
   */
  let prepared: Record<string, PreparedStack> = {};
  const modePrepared: Record<string, Record<string, PreparedStack>> = {};

  beforeAll(async () => {
    const env = terraformEnv(workRoot);
    mkdirSync(checks);
    // The producers' outputs come from the online synthesis: the same expressions, and its providers
    // name the accounts the ARNs belong to.
    prepared = prepareOfflinePlan(offline, online.stacks, path.join(workRoot, "offline-plan", "default"));
    for (const m of modes) {
      modePrepared[m.mode] = prepareOfflinePlan(
        m.offline,
        m.online.stacks,
        path.join(workRoot, "offline-plan", m.mode),
      );
    }
    for (const [name, breakIt] of Object.entries(BROKEN)) {
      const copy = JSON.parse(JSON.stringify(online.stacks[CANARY]));
      expectedErrors[name] = breakIt(copy);
      mkdirSync(brokenDirs[name]);
      writeFileSync(path.join(brokenDirs[name], "cdk.tf.json"), JSON.stringify(copy));
    }
    // The root module only serves `terraform validate`: every run of `terraform test` names its own module.
    const sharedDirs = Object.fromEntries(
      sharedReaders.map(([kind, id]) => [sharedName(kind, id), stackDirs(shared[kind].outdir)[id]]),
    );
    const adoptDir = path.join(workRoot, ADOPT);
    mkdirSync(adoptDir);
    const adoptModule = Object.entries(adopt.stacks["session-preferences"]).filter(([key]) => key !== "import");
    writeFileSync(path.join(adoptDir, "cdk.tf.json"), JSON.stringify(Object.fromEntries(adoptModule)));
    const modules = {
      ...onlineDirs,
      ...brokenDirs,
      ...Object.fromEntries(modeChecks.map((c) => [c.name, c.onlineDir])),
      ...sharedDirs,
      [ADOPT]: adoptDir,
    };
    writeFileSync(
      path.join(checks, "main.tf.json"),
      JSON.stringify({
        module: Object.fromEntries(Object.entries(modules).map(([name, dir]) => [name, { source: source(dir) }])),
        import: adoptImports.map((block) => ({ ...block, to: `module.${ADOPT}.${block.to}` })),
      }),
    );

    const writeTests = (withArn: ReadonlySet<string>) => {
      const files: Record<string, { text: string; weight: number }> = {};
      const weight = (stack: TfJson) => addresses(stack).length;
      for (const id of stackIds) {
        const text = mockTestFile(online.stacks[id], withArn, source(onlineDirs[id]), online.stacks);
        files[file.mocked(id)] = { text, weight: weight(online.stacks[id]) };
      }
      for (const id of retaining) {
        const text = mockTestFile(destroyable.stacks[id], withArn, source(destroyableDirs[id]), destroyable.stacks);
        files[file.destroyable(id)] = { text, weight: weight(destroyable.stacks[id]) };
      }
      for (const [kind, id] of sharedReaders) {
        const name = sharedName(kind, id);
        const text = mockTestFile(shared[kind].stacks[id], withArn, source(sharedDirs[name]), shared[kind].stacks);
        files[file.mocked(name)] = { text, weight: weight(shared[kind].stacks[id]) };
      }
      for (const id of planned)
        files[file.offline(id)] = {
          text: realPlanTestFile(source(prepared[id].dir)),
          weight: weight(offline.stacks[id]),
        };
      for (const check of modeChecks) {
        if (MODE_CHECKS[check.name].mocked)
          files[file.mocked(check.name)] = {
            text:
              mockTestFile(check.online, withArn, source(check.onlineDir), check.producers) +
              (check.name === ROUTE_CHECKED ? unlistedRouteTableRun(check.online, source(check.onlineDir)) : ""),
            weight: weight(check.online),
          };
        if (MODE_CHECKS[check.name].planned)
          files[file.offline(check.name)] = {
            text: realPlanTestFile(source(modePrepared[check.mode][check.id].dir)),
            weight: weight(check.offline),
          };
      }
      for (const [name, { text }] of Object.entries(files)) writeFileSync(path.join(checks, name), text);
      return files;
    };
    // `terraform init` installs the modules the test files name, so they exist first; the mocks'
    // ARN defaults need the provider schema, which needs the init: the files are written again below.
    writeTests(new Set());
    init = await terraform(["init", "-backend=false", "-no-color"], checks, env);
    if (!init.ok) return;

    const binary = installedAwsProvider(checks);
    servers.push(...(await Promise.all([startProviderServer(binary, env), startProviderServer(binary, env)])));
    const [withArn, validated] = await Promise.all([
      arnTypes(checks, servers[0].env),
      terraform(["validate", "-json", "-no-tests", "-no-color"], checks, servers[1].env),
    ]);
    validate = validated;
    const byDir = Object.entries(modules);
    for (const d of (JSON.parse(validated.stdout || "{}").diagnostics ?? []) as Diagnostic[]) {
      if (d.severity !== "error") continue;
      const where = d.range ? path.resolve(checks, d.range.filename) : "";
      const owner = byDir.find(([, dir]) => where.startsWith(dir + path.sep))?.[0] ?? "(no stack)";
      (validationErrors[owner] ??= []).push(d);
    }

    // Two processes, one per core, each loading the provider schema once; the files split by size.
    const files = writeTests(withArn);
    const groups: Array<{ names: string[]; weight: number }> = [
      { names: [], weight: 0 },
      { names: [], weight: 0 },
    ];
    for (const [name, { weight }] of Object.entries(files).sort(([, a], [, b]) => b.weight - a.weight)) {
      const lighter = groups[0].weight <= groups[1].weight ? groups[0] : groups[1];
      lighter.names.push(name);
      lighter.weight += weight + 5;
    }
    const ownProvider = new Set(
      [
        ...planned.map((id) => [id, offline.stacks[id]] as const),
        ...modeChecks.filter((c) => MODE_CHECKS[c.name].planned).map((c) => [c.name, c.offline] as const),
      ]
        .filter(([, stack]) => !sharesProviderServer(stack))
        .map(([name]) => file.offline(name)),
    );
    await inParallel(
      groups.map((g, i) => ({ ...g, server: servers[i] })),
      2,
      async ({ names, server }) => {
        for (const [list, runEnv] of [
          [names.filter((n) => !ownProvider.has(n)), server.env],
          [names.filter((n) => ownProvider.has(n)), env],
        ] as const) {
          if (list.length === 0) continue;
          const r = await terraform(
            ["test", "-verbose", "-no-color", ...list.map((n) => `-filter=${n}`)],
            checks,
            runEnv,
          );
          testRuns.push(r);
          const stderr = r.output.slice(r.stdout.length);
          for (const [name, result] of Object.entries(testFileResults(r.stdout))) tests[name] = { ...result, stderr };
        }
      },
    );
  }, 600_000);

  afterAll(() => {
    for (const server of servers) server.stop();
    const modeDirs = modes.flatMap((m) => [m.online.outdir, m.offline.outdir]);
    for (const dir of [
      workRoot,
      online.outdir,
      offline.outdir,
      destroyable.outdir,
      adopt.outdir,
      ...modeDirs,
      ...Object.values(shared).map((s) => s.outdir),
    ])
      rmSync(dir, { recursive: true, force: true });
  });

  test("one terraform init prepares every check", () => {
    expect({ init: init?.ok, output: init?.ok ? "" : show(init) }).toEqual({ init: true, output: "" });
  });

  test.each([...stackIds, ...modeNames])("%s passes terraform validate with the real provider", (id) => {
    expect(validate?.stdout).toContain('"format_version"');
    expect((validationErrors[id] ?? []).map((d) => `${d.summary} ${d.detail ?? ""}`)).toEqual([]);
  });

  test.each(sharedReaders.map(([kind, id]) => [id, kind]))(
    "%s with %s state passes terraform validate with the real provider",
    (id, kind) => {
      expect(validate?.stdout).toContain('"format_version"');
      const errors = validationErrors[sharedName(kind, id)] ?? [];
      expect(errors.map((d) => `${d.summary} ${d.detail ?? ""}`)).toEqual([]);
    },
  );

  test("with s3 and with cloud state, ssm-instance-arn's cross-stack read is checked (the case below is present)", () => {
    expect(sharedReaders).toEqual(
      expect.arrayContaining([
        ["s3", "ssm-instance-arn"],
        ["cloud", "ssm-instance-arn"],
      ]),
    );
  });

  test.each(sharedReaders.map(([kind, id]) => [id, kind]))(
    "%s with %s state plans and applies against a mocked AWS provider, its remote-state read mocked",
    (id, kind) => {
      const name = file.mocked(sharedName(kind, id));
      const result = tests[name];
      expect({ passed: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
        passed: "pass",
        output: "",
      });
      expect(result.output).toMatch(/^\s+run "apply"\.\.\. pass$/m);
      expect(readFileSync(path.join(checks, name), "utf8")).toMatch(
        /override_data \{\s+target = data\.terraform_remote_state\./,
      );
    },
  );

  test("the Identity Center stacks validated above chain two roles on every provider (hashicorp/aws >= 5.67 accepts it)", () => {
    const checked = modeChecks.filter((c) => c.name.startsWith("identity-center-"));
    expect(checked.map((c) => c.name)).toHaveLength(IDENTITY_CENTER_STACKS.length);
    for (const { name, online: stack } of checked) {
      const providers = [stack.provider?.aws ?? []].flat() as Array<Record<string, unknown>>;
      expect({ name, providers: providers.map((p) => [p.alias, p.region, p.assume_role]) }).toEqual({
        name,
        providers: [undefined, "identity_center"].map((alias) => [
          alias,
          alias === undefined ? "eu-west-1" : "us-east-1",
          [
            { role_arn: "arn:aws:iam::222222222222:role/OrgDeployer", session_name: "ec2-access-guardrails" },
            {
              role_arn: "arn:aws:iam::555555555555:role/OrganizationAccountAccessRole",
              session_name: "ec2-access-guardrails",
            },
          ],
        ]),
      });
    }
  });

  test('session-preferences with ssm.sessionPreferences "adopt" passes terraform validate, its import block checked in the root module', () => {
    expect(validate?.stdout).toContain('"format_version"');
    expect(adoptImports.map((block) => block.id)).toEqual(["SSM-SessionManagerRunShell"]);
    const root = JSON.parse(readFileSync(path.join(checks, "main.tf.json"), "utf8"));
    expect(root.import).toEqual([{ to: `module.${ADOPT}.${adoptImports[0].to}`, id: "SSM-SessionManagerRunShell" }]);
    const errors = [...(validationErrors[ADOPT] ?? []), ...(validationErrors["(no stack)"] ?? [])];
    expect(errors.map((d) => `${d.summary} ${d.detail ?? ""}`)).toEqual([]);
  });

  test("terraform validate still fails on a broken stack, in its provider configuration and in a resource argument", () => {
    expect(validate?.ok).toBe(false);
    expect(validationErrors["(no stack)"] ?? []).toEqual([]);
    expect(Object.keys(expectedErrors).sort()).toEqual(Object.keys(BROKEN).sort());
    for (const [name, pattern] of Object.entries(expectedErrors)) {
      const errors = (validationErrors[name] ?? []).map((d) => `${d.summary} ${d.detail ?? ""}`);
      expect({ name, errors }).toEqual({ name, errors: [expect.stringMatching(pattern)] });
    }
  });

  test("every network mode check is chosen", () => {
    expect(modeNames.sort()).toEqual(Object.keys(MODE_CHECKS).sort());
  });

  test.each([...stackIds, ...modeMocked])("%s plans and applies against a mocked AWS provider", (id) => {
    // Evidence-keeping stacks: the synthesis that allows destroy, so the teardown is checked too.
    const name = retaining.includes(id) ? file.destroyable(id) : file.mocked(id);
    const result = tests[name];
    expect({ passed: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
      passed: "pass",
      output: "",
    });
    expect(result.output).toMatch(/^\s+run "apply"\.\.\. pass$/m);
  });

  test("the audit and session-preferences stacks keep evidence by default, so their destroy is proven refused", () => {
    expect(retaining).toEqual(["audit", "session-preferences"]);
    // Their refusals share one process's stderr and are told apart by address (below): none is shared.
    const [first, ...others] = retaining.map((id) => addresses(online.stacks[id]));
    for (const other of others) expect(first.filter((address) => other.includes(address))).toEqual([]);
  });

  test.each(retaining)(
    "%s as configured by default: Terraform refuses the destroy at plan time and deletes nothing",
    (id) => {
      const name = file.mocked(id);
      const result = tests[name];
      // Plan and apply pass; only the teardown fails.
      expect({
        applied: /^\s+run "apply"\.\.\. pass$/m.test(result?.output ?? ""),
        output: showFile(name),
      }).toMatchObject({ applied: true });
      expect(result.status).toBe("fail");
      // Terraform stops the destroy walk at the first refusals (here the bucket's policy, encryption...),
      // so not every prevent_destroy resource is named; each one named must carry prevent_destroy.
      // The stderr is the whole process's, which may also hold another retaining stack's refusals: keep
      // the addresses of this stack (no two retaining stacks share a resource address).
      const own = new Set(addresses(online.stacks[id]));
      const refused = [...result.stderr.matchAll(/Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)]
        .map((m) => m[1])
        .filter((address) => own.has(address));
      expect(refused.length).toBeGreaterThan(0);
      expect(addresses(online.stacks[id], preventsDestroy)).toEqual(expect.arrayContaining(refused));
      // Every resource is still in state: the refused plan deleted nothing, not even the trail or the log group.
      // Terraform wraps the sentence at 80 columns, where a longer file name moves the break.
      const left = new RegExp(
        `Terraform left the following resources in state after executing\\s+${name.replace(/[.]/g, "\\.")}/apply, and they need to be cleaned up\\s+manually:\\n((?:\\s+- \\S+\\n?)+)`,
      ).exec(result.stderr);
      const leftInState = [...(left?.[1] ?? "").matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]).sort();
      expect(leftInState).toEqual(addresses(online.stacks[id]).sort());
    },
  );

  test("a stack that reads another's state plans the folder npm run plan:offline prepares, its reads answered by the placeholder states (ssm-instance-arn's policy names the placeholder instance)", () => {
    expect(readers).toContain("ssm-instance-arn");
    const fromPrivateAccess = prepared["ssm-instance-arn"].placeholders.find((p) => p.producer === "private-access");
    const [instanceId] = Object.values(fromPrivateAccess?.outputs ?? {});
    expect(instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    const name = file.offline("ssm-instance-arn");
    const result = tests[name];
    expect({ planned: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
      planned: "pass",
      output: "",
    });
    // The value reached the plan through the real terraform_remote_state read of the placeholder file.
    expect(result.output).toContain(`:instance/${instanceId}"`);
    // The test file adds nothing of its own: it plans the prepared folder as the script does.
    expect(readFileSync(path.join(checks, name), "utf8")).not.toContain("override");
  });

  test("an existing network's plan fails when a subnet's route table, here the VPC's main one, is not in routeTableIds", () => {
    const name = file.mocked(ROUTE_CHECKED);
    const result = tests[name];
    expect({ passed: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
      passed: "pass",
      output: "",
    });
    // The run passes only if the postcondition failed the plan (expect_failures), after the apply run
    // whose subnets are each explicitly associated with a listed route table passed.
    expect(result.output).toMatch(/^\s+run "unlisted_main_route_table"\.\.\. pass$/m);
    expect(readFileSync(path.join(checks, name), "utf8")).toMatch(
      /expect_failures = \[data\.aws_route_tables\.Network_Subnet1RouteTable_[0-9A-F]{8}\]/,
    );
  });

  test("the stacks not planned for real are built like one that is: same resource kinds and provider configuration", () => {
    const kinds = (stack: TfJson) => ({
      resources: Object.keys(stack.resource ?? {}).sort(),
      providers: JSON.stringify(stack.provider),
    });
    for (const [id, like] of Object.entries(PLAN_SAME_AS)) {
      expect({ id, ...kinds(offline.stacks[id]) }).toEqual({ id, ...kinds(offline.stacks[like]) });
    }
  });

  test.each([...planned, ...modePlanned])("%s plans in offline mode with dummy credentials and no AWS call", (id) => {
    const name = file.offline(id);
    const result = tests[name];
    expect({ planned: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
      planned: "pass",
      output: "",
    });
    expect(result.output).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
