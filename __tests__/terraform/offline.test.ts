/**
 * Terraform checks on the synthesized stacks, with no AWS access at all:
 * - `terraform validate` with the real hashicorp/aws provider (local mirror here, registry elsewhere) of
 *   every stack: provider configuration and resource arguments;
 * - `terraform test` planning and applying stacks against a mocked provider, cross-stack inputs
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
 * Besides the default configuration, the ready configurations of config/examples are checked as they
 * are shipped: every stack of every example is validated and planned for real offline, unless it is
 * synthesized exactly as the default stack of its id (then that stack's checks are its own, and a test
 * below names each one). They are the network modes (fully private: private.json; an existing VPC:
 * organisation.json), Identity Center principals and S3 state (organisation.json) that used to be
 * synthesized here from configurations of their own.
 *
 * Starting the provider is what these checks cost, so they share it (see scripts/lib/terraform.ts): one
 * working folder calls every stack as a module, is initialized once, validated once (with two broken
 * copies of a stack, which prove validation still fails where it must) and holds one test file per
 * check; two `terraform test` processes, one per core, run those files, and every command attaches to
 * one of two provider processes started once (startProviderServer) instead of starting its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  arnTypes,
  backendKind,
  findTerraform,
  inParallel,
  installedAwsProvider,
  mockTestFile,
  realPlanTestFile,
  sharesProviderServer,
  stackDirs,
  startProviderServer,
  terraform,
  terraformEnv,
  testFileResults,
  type CommandResult,
  type ProviderServer,
  type TestFileResult,
} from "../../scripts/lib/terraform";
import { prepareOfflinePlan, type PreparedStack } from "../../scripts/lib/offline-plan";
import { readConfigFile } from "../../lib/config";
import { configWithStateOf, STATE_EXAMPLES, synthApp, testConfig, type SynthResult, type TfJson } from "../helpers";
import { EXAMPLES } from "../helpers/network-modes";

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

/** Every example, whole, online (validate, mocked runs, the producers' outputs) and offline (real plans). */
const examples = Object.entries(EXAMPLES).map(([example, file]) => {
  const config = readConfigFile(file);
  return {
    example,
    online: synthApp({ offline: false, config }, true),
    offline: synthApp({ offline: true, config }, true),
  };
});
const same = (a: TfJson | undefined, b: TfJson | undefined) => JSON.stringify(a) === JSON.stringify(b);
/**
 * `<example>-<stack id>` of the example stacks synthesized exactly as the default stack of the same id,
 * online and offline: the default stack's validate, plan and mocked runs are theirs, so they are not
 * run twice.
 */
const sameAsDefault = examples.flatMap(({ example, online: exOnline, offline: exOffline }) =>
  Object.keys(exOnline.stacks)
    .filter((id) => same(exOnline.stacks[id], online.stacks[id]) && same(exOffline.stacks[id], offline.stacks[id]))
    .map((id) => `${example}-${id}`),
);
/** The other example stacks, as `<example>-<stack id>`: each validated and planned for real offline. */
const exampleChecks = examples.flatMap(({ example, online: exOnline, offline: exOffline }) =>
  Object.keys(exOnline.stacks)
    .filter((id) => !sameAsDefault.includes(`${example}-${id}`))
    .map((id) => ({
      name: `${example}-${id}`,
      example,
      id,
      producers: exOnline.stacks,
      online: exOnline.stacks[id],
      onlineDir: stackDirs(exOnline.outdir)[id],
      offline: exOffline.stacks[id],
    })),
);
const exampleNames = exampleChecks.map((c) => c.name);
/**
 * Example stacks also planned and applied against a mocked provider, where their code differs from
 * every default stack's in what a mocked apply sees: the fully private and the existing network's owner
 * (private-access), the stack that joins an existing network (cross-account-s3), and the Identity
 * Center principals (ssm-abac also manages the attributes for access control; the three ssm-* stacks
 * build the same permission set construct). organisation-ssm-instance-arn is the reader of two stacks'
 * S3 state (below). The other example stacks differ in values (policies, names, tags) that a mocked
 * apply does not judge: their real plans and validate check them. Each mocked file costs seconds.
 */
const MOCKED_EXAMPLE_CHECKS = [
  "private-private-access",
  "organisation-private-access",
  "organisation-cross-account-s3",
  "organisation-ssm-instance-arn",
  "organisation-ssm-abac",
];
/** The example stacks that build the Identity Center permission sets (organisation.json). */
const IDENTITY_CENTER_CHECKS = ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"].map((id) => `organisation-${id}`);
/**
 * An existing network's plan must stop when a subnet is routed by a table `routeTableIds` does not list
 * (lib/constructs/existing-network.ts): its S3 traffic would bypass the endpoint policy. One more run
 * in the mocked file of the existing network's owner, after its apply (each subnet explicitly
 * associated with a listed table, MOCK_DATA): a plan where the first subnet has no explicit association
 * and the VPC's main route table is not listed, which the postcondition must fail. Terraform fails a
 * run whose `expect_failures` does not happen, so this covers the fallback to the main table and the
 * refusal together, for the cost of one plan in a process that is running anyway.
 */
const ROUTE_CHECKED = "organisation-private-access";
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
 * The stacks with shared state (s3, cloud). Only their backend and cross-stack reads differ from the
 * default synthesis (__tests__/lib/stack/state-backends.test.ts), and a module's backend block is not
 * part of what validate checks, so per kind the reader of two stacks (ssm-instance-arn reads
 * private-access and session-preferences) is validated and mock-applied: its reads are the part of a
 * shared-state synthesis a module validate sees. Every reader's reads are built by cdktf from the same
 * backend settings, and each one's exact configuration is checked in
 * __tests__/lib/stack/state-backends.test.ts; a mocked apply answers the reads with `override_data`, so
 * other readers' applies would repeat the default synthesis's. S3 state is organisation.json's (its
 * ssm-instance-arn is an example check above, mock-applied); HCP Terraform is the default configuration
 * with config/examples/state-cloud.json's state. Validate and `terraform test` never configure a backend
 * (`init -backend=false`, modules, in-memory test state): nothing reaches S3 or HCP Terraform.
 */
const SHARED_CHECKED = "ssm-instance-arn";
/** Only the checked reader and its producers are synthesized (each cloud stack also runs `terraform version`). */
const cloud = synthApp({ offline: false, config: configWithStateOf(STATE_EXAMPLES.cloud) }, true, undefined, [
  SHARED_CHECKED,
]);
const organisation = examples.find((e) => e.example === "organisation")!;
/** Per state kind: the check's name (its module and mocked file), the stack and the stacks it reads. */
const stateChecks: ReadonlyArray<{ kind: string; name: string; synthesis: SynthResult; own: boolean }> = [
  { kind: "s3", name: `organisation-${SHARED_CHECKED}`, synthesis: organisation.online, own: false },
  { kind: "cloud", name: `cloud-${SHARED_CHECKED}`, synthesis: cloud, own: true },
];

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
/** Real-plan files that start their own providers instead of attaching to a shared one. */
const ownProvider: string[] = [];
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
/**
 * Asserts that test file `name` passed (`label` says what passing proves: "passed", "planned"), with
 * its output in the failure when it did not, and returns its result.
 */
const passedFile = (name: string, label = "passed") => {
  const result = tests[name];
  expect({ [label]: result?.status, output: result?.status === "pass" ? "" : showFile(name) }).toEqual({
    [label]: "pass",
    output: "",
  });
  return result;
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
  const examplePrepared: Record<string, Record<string, PreparedStack>> = {};

  beforeAll(async () => {
    const env = terraformEnv(workRoot);
    mkdirSync(checks);
    // The producers' outputs come from the online synthesis: the same expressions, and its providers
    // name the accounts the ARNs belong to.
    prepared = prepareOfflinePlan(offline, online.stacks, path.join(workRoot, "offline-plan", "default"));
    for (const e of examples) {
      examplePrepared[e.example] = prepareOfflinePlan(
        e.offline,
        e.online.stacks,
        path.join(workRoot, "offline-plan", e.example),
      );
    }
    for (const [name, breakIt] of Object.entries(BROKEN)) {
      const copy = JSON.parse(JSON.stringify(online.stacks[CANARY]));
      expectedErrors[name] = breakIt(copy);
      mkdirSync(brokenDirs[name]);
      writeFileSync(path.join(brokenDirs[name], "cdk.tf.json"), JSON.stringify(copy));
    }
    // The root module only serves `terraform validate`: every run of `terraform test` names its own module.
    const cloudChecks = stateChecks.filter((c) => c.own);
    const stateDirs = Object.fromEntries(
      cloudChecks.map((c) => [c.name, stackDirs(c.synthesis.outdir)[SHARED_CHECKED]]),
    );
    const adoptDir = path.join(workRoot, ADOPT);
    mkdirSync(adoptDir);
    const adoptModule = Object.entries(adopt.stacks["session-preferences"]).filter(([key]) => key !== "import");
    writeFileSync(path.join(adoptDir, "cdk.tf.json"), JSON.stringify(Object.fromEntries(adoptModule)));
    const modules = {
      ...onlineDirs,
      ...brokenDirs,
      ...Object.fromEntries(exampleChecks.map((c) => [c.name, c.onlineDir])),
      ...stateDirs,
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
      for (const { name, synthesis } of cloudChecks) {
        const stack = synthesis.stacks[SHARED_CHECKED];
        const text = mockTestFile(stack, withArn, source(stateDirs[name]), synthesis.stacks);
        files[file.mocked(name)] = { text, weight: weight(stack) };
      }
      for (const id of stackIds)
        files[file.offline(id)] = {
          text: realPlanTestFile(source(prepared[id].dir)),
          weight: weight(offline.stacks[id]),
        };
      for (const check of exampleChecks) {
        if (MOCKED_EXAMPLE_CHECKS.includes(check.name))
          files[file.mocked(check.name)] = {
            text:
              mockTestFile(check.online, withArn, source(check.onlineDir), check.producers) +
              (check.name === ROUTE_CHECKED ? unlistedRouteTableRun(check.online, source(check.onlineDir)) : ""),
            weight: weight(check.online),
          };
        files[file.offline(check.name)] = {
          text: realPlanTestFile(source(examplePrepared[check.example][check.id].dir)),
          weight: weight(check.offline),
        };
      }
      for (const [name, { text }] of Object.entries(files)) writeFileSync(path.join(checks, name), text);
      return files;
    };
    // Every test file before `terraform init`, which installs the modules they name. The mocks' ARN
    // defaults cover every resource type of the stacks checked (the provider rejects the mock's random
    // strings where it validates an ARN).
    const withArn = arnTypes(
      [online, destroyable, cloud, ...examples.map((e) => e.online)].flatMap((synthesis) =>
        Object.values(synthesis.stacks).flatMap((stack) => Object.keys(stack.resource ?? {})),
      ),
    );
    const files = writeTests(withArn);
    init = await terraform(["init", "-backend=false", "-no-color"], checks, env);
    if (!init.ok) return;

    // Two provider processes, one per `terraform test` process below (a real plan configures its
    // process's provider: two plans at once must not share one). Validate sends only requests that read
    // no configuration, so it shares the first while the tests run.
    const binary = installedAwsProvider(checks);
    servers.push(...(await Promise.all([startProviderServer(binary, env), startProviderServer(binary, env)])));
    const validating = terraform(["validate", "-json", "-no-tests", "-no-color"], checks, servers[0].env).then(
      (validated) => {
        validate = validated;
        const byDir = Object.entries(modules);
        for (const d of (JSON.parse(validated.stdout || "{}").diagnostics ?? []) as Diagnostic[]) {
          if (d.severity !== "error") continue;
          const where = d.range ? path.resolve(checks, d.range.filename) : "";
          const owner = byDir.find(([, dir]) => where.startsWith(dir + path.sep))?.[0] ?? "(no stack)";
          (validationErrors[owner] ??= []).push(d);
        }
      },
    );

    // Real plans of stacks whose provider blocks are more than one configuration start their own
    // providers (sharesProviderServer): a shared process keeps one configured client.
    const offlineStacks: Record<string, TfJson> = {
      ...offline.stacks,
      ...Object.fromEntries(exampleChecks.map((c) => [c.name, c.offline])),
    };
    for (const [name, stack] of Object.entries(offlineStacks))
      if (!sharesProviderServer(stack)) ownProvider.push(file.offline(name));
    // Two processes, one per core, the files split by size; each runs its files one after another.
    const groups: Array<{ names: string[]; weight: number; server: ProviderServer }> = servers.map((server) => ({
      names: [],
      weight: 0,
      server,
    }));
    for (const [name, { weight }] of Object.entries(files).sort(([, a], [, b]) => b.weight - a.weight)) {
      const lighter = groups[0].weight <= groups[1].weight ? groups[0] : groups[1];
      lighter.names.push(name);
      // A file that starts its own providers costs several provider starts more.
      lighter.weight += weight + (ownProvider.includes(name) ? 100 : 5);
    }
    await inParallel(groups, 2, async ({ names, server }) => {
      for (const [list, runEnv] of [
        [names.filter((n) => !ownProvider.includes(n)), server.env],
        [names.filter((n) => ownProvider.includes(n)), env],
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
    });
    await validating;
  }, 600_000);

  afterAll(() => {
    for (const server of servers) server.stop();
    for (const dir of [
      workRoot,
      online.outdir,
      offline.outdir,
      destroyable.outdir,
      adopt.outdir,
      cloud.outdir,
      ...examples.flatMap((e) => [e.online.outdir, e.offline.outdir]),
    ])
      rmSync(dir, { recursive: true, force: true });
  });

  test("one terraform init prepares every check", () => {
    expect({ init: init?.ok, output: init?.ok ? "" : show(init) }).toEqual({ init: true, output: "" });
  });

  test.each([...stackIds, ...exampleNames])("%s passes terraform validate with the real provider", (id) => {
    expect(validate?.stdout).toContain('"format_version"');
    expect((validationErrors[id] ?? []).map((d) => `${d.summary} ${d.detail ?? ""}`)).toEqual([]);
  });

  test("every example stack not checked on its own is synthesized exactly as the default stack of its id, whose checks are its own", () => {
    // Both syntheses equal, online and offline (sameAsDefault); listed here so that a change shows.
    expect([...sameAsDefault].sort()).toEqual([
      "articles-audit",
      "articles-org-guardrails",
      "private-audit",
      "private-cross-account-s3",
      "private-org-guardrails",
      "private-session-preferences",
      "private-ssm-abac",
      "private-ssm-fixed-tag",
      "private-ssm-instance-arn",
    ]);
    for (const name of sameAsDefault) {
      const [, id] = /^[a-z]+-(.+)$/.exec(name)!;
      expect({ name, validated: stackIds.includes(id), planned: file.offline(id) in tests }).toEqual({
        name,
        validated: true,
        planned: true,
      });
    }
    // Every stack of every example is checked one way or the other.
    const all = examples.flatMap((e) => Object.keys(e.online.stacks).map((id) => `${e.example}-${id}`));
    expect([...sameAsDefault, ...exampleNames].sort()).toEqual(all.sort());
  });

  test.each(stateChecks.map(({ kind, name }) => [SHARED_CHECKED, kind, name]))(
    "%s with %s state passes terraform validate with the real provider",
    (_id, kind, name) => {
      expect(validate?.stdout).toContain('"format_version"');
      expect(backendKind(stateChecks.find((c) => c.name === name)!.synthesis.stacks[SHARED_CHECKED])).toBe(kind);
      const errors = validationErrors[name] ?? [];
      expect(errors.map((d) => `${d.summary} ${d.detail ?? ""}`)).toEqual([]);
    },
  );

  test("with s3 and with cloud state, ssm-instance-arn's cross-stack read is checked (the case below is present)", () => {
    expect(stateChecks.map((c) => c.kind)).toEqual(["s3", "cloud"]);
    for (const { name, synthesis } of stateChecks) {
      expect({ name, reads: Object.keys(synthesis.stacks[SHARED_CHECKED].data?.terraform_remote_state ?? {}) }).toEqual(
        {
          name,
          reads: expect.arrayContaining(["cross-stack-reference-input-private-access"]),
        },
      );
    }
    // organisation.json's state is the S3 state example's, which the unit and state-path tests check too.
    expect(readConfigFile(EXAMPLES.organisation).state).toEqual(readConfigFile(STATE_EXAMPLES.s3).state);
    expect(MOCKED_EXAMPLE_CHECKS).toContain(stateChecks[0].name);
  });

  test.each(stateChecks.map(({ kind, name }) => [SHARED_CHECKED, kind, name]))(
    "%s with %s state plans and applies against a mocked AWS provider, its remote-state read mocked",
    (_id, _kind, checkName) => {
      const name = file.mocked(checkName);
      const result = passedFile(name);
      expect(result.output).toMatch(/^\s+run "apply"\.\.\. pass$/m);
      expect(readFileSync(path.join(checks, name), "utf8")).toMatch(
        /override_data \{\s+target = data\.terraform_remote_state\./,
      );
    },
  );

  test("the Identity Center stacks validated above chain two roles on every provider (hashicorp/aws >= 5.67 accepts it)", () => {
    const checked = exampleChecks.filter((c) => IDENTITY_CENTER_CHECKS.includes(c.name));
    expect(checked.map((c) => c.name).sort()).toEqual([...IDENTITY_CENTER_CHECKS].sort());
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

  test("every real plan attaches to a shared provider: none uses two provider configurations (the Identity Center stacks' default provider is used by nothing)", () => {
    expect(ownProvider).toEqual([]);
    expect(IDENTITY_CENTER_CHECKS.filter((name) => file.offline(name) in tests)).toEqual(IDENTITY_CENTER_CHECKS);
  });

  test("every mocked example check names an example stack checked on its own", () => {
    expect(exampleNames).toEqual(expect.arrayContaining(MOCKED_EXAMPLE_CHECKS));
  });

  test.each([...stackIds, ...MOCKED_EXAMPLE_CHECKS])("%s plans and applies against a mocked AWS provider", (id) => {
    // Evidence-keeping stacks: the synthesis that allows destroy, so the teardown is checked too.
    const name = retaining.includes(id) ? file.destroyable(id) : file.mocked(id);
    const result = passedFile(name);
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
    const result = passedFile(name, "planned");
    // The value reached the plan through the real terraform_remote_state read of the placeholder file.
    expect(result.output).toContain(`:instance/${instanceId}"`);
    // The test file adds nothing of its own: it plans the prepared folder as the script does.
    expect(readFileSync(path.join(checks, name), "utf8")).not.toContain("override");
  });

  test("an existing network's plan fails when a subnet's route table, here the VPC's main one, is not in routeTableIds", () => {
    const name = file.mocked(ROUTE_CHECKED);
    const result = passedFile(name);
    // The run passes only if the postcondition failed the plan (expect_failures), after the apply run
    // whose subnets are each explicitly associated with a listed route table passed.
    expect(result.output).toMatch(/^\s+run "unlisted_main_route_table"\.\.\. pass$/m);
    expect(readFileSync(path.join(checks, name), "utf8")).toMatch(
      /expect_failures = \[data\.aws_route_tables\.Network_Subnet1RouteTable_[0-9A-F]{8}\]/,
    );
  });

  test.each([...stackIds, ...exampleNames])("%s plans in offline mode with dummy credentials and no AWS call", (id) => {
    const name = file.offline(id);
    const result = passedFile(name, "planned");
    expect(result.output).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
