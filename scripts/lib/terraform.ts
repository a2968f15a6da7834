/**
 * Runs Terraform on synthesized stacks with no AWS access: provider installation from a local mirror
 * when one exists (the registry otherwise), `terraform validate`, `terraform test` with a mocked
 * provider, and a real `terraform plan` in offline mode. Used by the test suite and by scripts/.
 *
 * Starting the hashicorp/aws provider (a 674 MiB binary whose schema takes seconds to load) is most of
 * what any Terraform command costs, so the checks are laid out to start it as few times as they can:
 * one `terraform test` process runs many test files, each pointing a `run` block at a stack folder
 * (`module { source = ... }`), and loads the schema once for all of them.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { strings, type JsonObject, type TfJson } from "../../lib/tfjson";

const run = promisify(execFile);

/** Env var naming a filesystem mirror of providers (the `registry.terraform.io/...` layout). */
export const MIRROR_ENV = "TF_PROVIDER_MIRROR";

/** The `hashicorp/aws` version every stack pins: the one @cdktf/provider-aws was generated from. */
export function pinnedAwsProviderVersion(): string {
  const pkg = JSON.parse(readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8"));
  const version: string | undefined = pkg.cdktf?.provider?.version;
  if (!version) throw new Error("@cdktf/provider-aws/package.json does not name its provider version");
  return version;
}

/**
 * The first provider mirror that holds `hashicorp/aws` at `version`: `$TF_PROVIDER_MIRROR`, then the
 * conventional locations (the project's machines keep one at /opt/tf-plugins). `undefined` means
 * Terraform installs from the registry as usual.
 */
export function findProviderMirror(version: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env[MIRROR_ENV],
    "/opt/tf-plugins",
    path.join(homedir(), ".terraform.d", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ].filter((c): c is string => Boolean(c));
  return candidates.find((dir) => existsSync(path.join(dir, "registry.terraform.io", "hashicorp", "aws", version)));
}

/**
 * A Terraform CLI config that installs hashicorp/aws from `mirror` and everything else directly.
 * Without a mirror, a plugin cache saves downloading the 674 MiB provider once per stack. With one, no
 * cache: an unpacked mirror is linked, not copied, and the cache is not safe for concurrent `terraform
 * init`s (two inits installing into it at once removed the provider under a running test).
 */
export function cliConfig(mirror: string | undefined, pluginCacheDir: string): string {
  if (!mirror) return `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}\n`;
  return `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`;
}

/** Where terraform is, or undefined when it is not on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "terraform");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The environment Terraform runs in: a generated CLI config (mirror + plugin cache) in `workRoot`, no
 * checkpoint calls, no prompts, and no AWS credentials from the caller's environment.
 */
export function terraformEnv(workRoot: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  mkdirSync(path.join(workRoot, "plugin-cache"), { recursive: true });
  const configFile = path.join(workRoot, "terraform.tfrc");
  const mirror = findProviderMirror(pinnedAwsProviderVersion(), env);
  writeFileSync(configFile, cliConfig(mirror, path.join(workRoot, "plugin-cache")));
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("TF_")) clean[key] = value;
  }
  return {
    ...clean,
    TF_CLI_CONFIG_FILE: configFile,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // Any accidental AWS call fails fast instead of finding credentials on the machine.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

export interface CommandResult {
  readonly ok: boolean;
  /** stdout then stderr. */
  readonly output: string;
  /** stdout alone: `-json` documents and `terraform test`'s per-file report. */
  readonly stdout: string;
  readonly seconds: number;
}

export async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  try {
    const { stdout, stderr } = await run("terraform", [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr, stdout, seconds: seconds() };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return {
      ok: false,
      output: `${e.stdout ?? ""}${e.stderr ?? e.message}`,
      stdout: e.stdout ?? "",
      seconds: seconds(),
    };
  }
}

/** Realistic ARNs for mocked resources: provider validators reject the mock's random strings. */
function mockArn(type: string, region: string, account: string): string {
  const service: Record<string, string> = {
    iam: "iam",
    cloudwatch: "logs",
    cloudtrail: "cloudtrail",
    kms: "kms",
    sns: "sns",
    s3: "s3",
    organizations: "organizations",
  };
  const kind = type.replace(/^aws_/, "");
  const svc = Object.entries(service).find(([prefix]) => kind.startsWith(`${prefix}_`))?.[1] ?? "ec2";
  if (svc === "iam") return `arn:aws:iam::${account}:${kind.replace(/^iam_/, "").replace(/_/g, "-")}/mock`;
  if (svc === "s3") return "arn:aws:s3:::mock-bucket";
  if (svc === "organizations")
    return `arn:aws:organizations::${account}:policy/o-mock/service_control_policy/p-mock1234`;
  return `arn:aws:${svc}:${region}:${account}:${kind.replace(/_/g, "-")}/mock`;
}

/** Values the mocked provider returns for data sources whose output feeds a validated argument. */
const MOCK_DATA: Record<string, JsonObject> = {
  aws_ssm_parameter: { insecure_value: "ami-0123456789abcdef0", value: "ami-0123456789abcdef0" },
  aws_caller_identity: { account_id: "111111111111" },
  // The mock returns empty lists; subnets take two zone IDs from this list.
  aws_availability_zones: {
    names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    zone_ids: ["euw1-az1", "euw1-az2", "euw1-az3"],
  },
  // An existing VPC (network.existing): ranges feed security-group rules and IAM conditions, and the
  // plan's postconditions want DNS on (zone ids stay random, so two subnets are in two zones).
  aws_vpc: { cidr_block: "10.20.0.0/16", enable_dns_support: true, enable_dns_hostnames: true },
  aws_subnet: { cidr_block: "10.20.8.0/24" },
  // The subnets' route tables (network.existing.routeTableIds is checked against them at plan time):
  // each subnet explicitly associated with, and the VPC's main table being, a route table the tests'
  // existing network lists (the first network.existing.routeTableIds of config/examples/organisation.json,
  // which __tests__/helpers/network-modes.ts's EXISTING_ROUTE_TABLES read).
  aws_route_tables: { ids: ["rtb-0123456789abcdef0"] },
  aws_route_table: { id: "rtb-0123456789abcdef0" },
  // The instance's zones offer its type: the plan's postcondition wants a non-empty list (the mock's is empty).
  aws_ec2_instance_type_offerings: {
    instance_types: ["t3.micro"],
    locations: ["euw1-az1"],
    location_types: ["availability-zone-id"],
  },
  // Identity Center (ssm.principals identity-center): one instance, as the lookup's postcondition wants.
  aws_ssoadmin_instances: {
    arns: ["arn:aws:sso:::instance/ssoins-1234567890abcdef"],
    identity_store_ids: ["d-1234567890"],
  },
  aws_identitystore_group: { group_id: "94482488-3041-7026-18f3-be45837cd0e4" },
};

/** Per-type id defaults for mocked resources whose id is validated where it is referenced. */
const MOCK_IDS: Record<string, string> = {
  aws_organizations_policy: "p-mock1234",
  aws_kms_key: "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
};

/** Ids shaped as AWS shapes them, for resources whose id crosses stacks (policies and arguments read them). */
const SAMPLE_IDS: Record<string, string> = {
  aws_instance: "i-0123456789abcdef0",
  aws_vpc: "vpc-0123456789abcdef0",
  aws_subnet: "subnet-0123456789abcdef0",
  aws_security_group: "sg-0123456789abcdef0",
  aws_route_table: "rtb-0123456789abcdef0",
  aws_vpc_endpoint: "vpce-0123456789abcdef0",
  aws_ec2_instance_connect_endpoint: "eice-0123456789abcdef0",
  ...MOCK_IDS,
};

/** An ARN as AWS writes it for `type`, where its shape is not `<service>:<region>:<account>:<kind>/<id>`. */
function sampleArn(type: string, region: string, account: string): string {
  const arns: Record<string, string> = {
    aws_kms_key: `arn:aws:kms:${region}:${account}:key/${MOCK_IDS.aws_kms_key}`,
    aws_kms_alias: `arn:aws:kms:${region}:${account}:alias/mock`,
    aws_cloudwatch_log_group: `arn:aws:logs:${region}:${account}:log-group:mock-log-group`,
    aws_s3_bucket: "arn:aws:s3:::mock-bucket",
    aws_sns_topic: `arn:aws:sns:${region}:${account}:mock-topic`,
    aws_instance: `arn:aws:ec2:${region}:${account}:instance/${SAMPLE_IDS.aws_instance}`,
    aws_ssm_document: `arn:aws:ssm:${region}:${account}:document/mock-document`,
    // IAM Identity Center ARNs name neither region nor account.
    aws_ssoadmin_permission_set: "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
  };
  return arns[type] ?? mockArn(type, region, account);
}

/** A realistic value of `<type>.<name>.<attribute>` for a resource in `region` and `account`. */
function sampleAttribute(type: string, attribute: string, region: string, account: string): string | undefined {
  if (attribute === "arn") return sampleArn(type, region, account);
  if (type === "aws_s3_bucket" && (attribute === "id" || attribute === "bucket")) return "mock-bucket";
  if (type === "aws_cloudwatch_log_group" && (attribute === "id" || attribute === "name")) return "mock-log-group";
  if (attribute === "id") return SAMPLE_IDS[type];
  return undefined;
}

/** The producing stack's id, from the data source cdktf names after it (`cross-stack-reference-input-<id>`). */
const CROSS_STACK_INPUT = /^cross-stack-reference-input-(.+)$/;

/**
 * What each `terraform_remote_state` of `stack` should return to plan like the real thing: for every
 * output the stack reads, a value shaped as the producing stack (in `producers`, by stack id) makes it.
 * An output that is one resource attribute (`${aws_kms_key.SessionKey.arn}`, what cdktf's cross-stack
 * outputs are) gets a realistic value of that attribute, in the producer's account and region (ARNs
 * where it is an ARN, `i-…` for an instance id): provider validators and IAM policy checks see what
 * they would see after the producer is applied. Anything else gets `mock-<output>`.
 */
export function remoteStateOutputs(
  stack: TfJson,
  producers: Readonly<Record<string, TfJson>> = {},
): Record<string, Record<string, string>> {
  const json = JSON.stringify(stack);
  const result: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(stack.data?.terraform_remote_state ?? {})) {
    const producer = producers[CROSS_STACK_INPUT.exec(name)?.[1] ?? ""];
    const outputs: Record<string, string> = {};
    const pattern = new RegExp(
      `data\\.terraform_remote_state\\.${name.replace(/[-]/g, "\\-")}\\.outputs\\.([A-Za-z0-9_-]+)`,
      "g",
    );
    for (const [, output] of json.matchAll(pattern)) {
      outputs[output] = sampleOutput(producer, output) ?? `mock-${output}`.slice(0, 60);
    }
    result[name] = outputs;
  }
  return result;
}

function sampleOutput(producer: TfJson | undefined, output: string): string | undefined {
  const value = (producer?.output as Record<string, { value?: unknown }> | undefined)?.[output]?.value;
  const ref = typeof value === "string" ? /^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(value) : null;
  if (!producer || !ref) return undefined;
  const [, type, resourceName, attribute] = ref;
  // The resource's own provider (an alias such as `aws.identityCenter`), else the stack's default one.
  const alias = (producer.resource?.[type]?.[resourceName] as { provider?: unknown } | undefined)?.provider;
  const providers = producer.provider?.aws ?? [];
  const provider =
    providers.find((p) => typeof alias === "string" && `aws.${String(p.alias)}` === alias) ??
    providers.find((p) => p.alias === undefined) ??
    providers[0];
  const region = typeof provider?.region === "string" ? provider.region : "eu-west-1";
  const account = strings(provider?.allowed_account_ids)[0] ?? "111111111111";
  return sampleAttribute(type, attribute, region, account);
}

/** `override_data` blocks that answer every `terraform_remote_state` of `stack` (see remoteStateOutputs). */
function remoteStateOverrides(stack: TfJson, producers: Readonly<Record<string, TfJson>>): string[] {
  return Object.entries(remoteStateOutputs(stack, producers)).flatMap(([name, outputs]) => [
    `override_data {`,
    `  target = data.terraform_remote_state.${name}`,
    `  values = { outputs = ${JSON.stringify(outputs)} }`,
    `}`,
    ``,
  ]);
}

/**
 * A `terraform test` file that plans and applies the stack against a mocked AWS provider (one mock per
 * provider alias), with realistic ARNs, and with every cross-stack `terraform_remote_state` overridden
 * by outputs shaped like the producing stack's (`producers`: the app's stacks by id). Terraform destroys what the run applied when the file
 * ends. `moduleSource` (a path relative to the folder `terraform test` runs in) names the stack folder
 * when the test file lives elsewhere; without it the file tests the folder it is written to.
 *
 * One `apply` run: its plan step is the plan a separate `command = plan` run would make, so a second
 * run would only start the provider again.
 */
export function mockTestFile(
  stack: TfJson,
  schemaArnTypes: ReadonlySet<string>,
  moduleSource?: string,
  producers: Readonly<Record<string, TfJson>> = {},
): string {
  const providers = stack.provider?.aws ?? [];
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const region = text(providers[0]?.region) ?? "eu-west-1";
  const lines: string[] = [];
  for (const provider of providers.length ? providers : [{}]) {
    const account = strings(provider.allowed_account_ids)[0] ?? "111111111111";
    const providerRegion = text(provider.region) ?? region;
    const alias = text(provider.alias);
    lines.push(`mock_provider "aws" {`);
    if (alias) lines.push(`  alias = ${JSON.stringify(alias)}`);
    for (const type of Object.keys(stack.resource ?? {})) {
      const defaults: Record<string, string> = {};
      if (schemaArnTypes.has(type)) defaults.arn = mockArn(type, providerRegion, account);
      if (MOCK_IDS[type]) defaults.id = MOCK_IDS[type];
      if (Object.keys(defaults).length) {
        lines.push(`  mock_resource ${JSON.stringify(type)} {`, `    defaults = ${JSON.stringify(defaults)}`, `  }`);
      }
    }
    for (const type of Object.keys(stack.data ?? {})) {
      if (MOCK_DATA[type]) {
        lines.push(`  mock_data ${JSON.stringify(type)} {`, `    defaults = ${JSON.stringify(MOCK_DATA[type])}`, `  }`);
      }
    }
    lines.push(`}`, ``);
  }
  lines.push(...remoteStateOverrides(stack, producers));
  lines.push(`run "apply" {`, `  command = apply`, ...moduleBlock(moduleSource), `}`, ``);
  return lines.join("\n");
}

const moduleBlock = (source: string | undefined) =>
  source ? [`  module {`, `    source = ${JSON.stringify(source)}`, `  }`] : [];

/**
 * A `terraform test` file with one real `terraform plan` of the stack folder at `moduleSource`, with the
 * providers the stack configures itself (no mock, no provider block in the file). On a folder prepared
 * by `prepareOfflinePlan` (scripts/lib/offline-plan.ts) this is the plan `npm run plan:offline` makes:
 * offline providers, and every read of another stack's state answered by a placeholder state holding
 * realistic outputs of the producing stack (the plan it makes once the producer is applied). Nothing
 * is applied, and test runs keep their state in memory, so no backend or state file is touched.
 */
export function realPlanTestFile(moduleSource: string): string {
  return [`run "plan" {`, `  command = plan`, ...moduleBlock(moduleSource), `}`, ``].join("\n");
}

/** What `terraform test` reported for one test file. */
export interface TestFileResult {
  /** `pass` or `fail` as Terraform printed it; `undefined` when the file never finished. */
  readonly status?: string;
  /** The file's part of stdout: its runs and, with `-verbose`, their plans and states. */
  readonly output: string;
}

/**
 * Splits the human output of one `terraform test` process into its test files. Terraform runs the files
 * one after another and frames each with `<file>... in progress` and `<file>... pass|fail`; errors go to
 * stderr and name the file and run they belong to.
 */
export function testFileResults(stdout: string): Record<string, TestFileResult> {
  const results: Record<string, TestFileResult> = {};
  const starts = [...stdout.matchAll(/^(\S+\.tftest\.hcl)\.\.\. in progress$/gm)];
  starts.forEach((start, i) => {
    const section = stdout.slice(start.index, starts[i + 1]?.index ?? stdout.length);
    const file = start[1];
    const status = new RegExp(`^${file.replace(/[.]/g, "\\.")}\\.\\.\\. (pass|fail)$`, "m").exec(section)?.[1];
    results[file] = { status, output: section };
  });
  return results;
}

/**
 * Those of `types` (resource types such as `aws_iam_role`) whose schema has an `arn` attribute, read
 * from @cdktf/provider-aws, which is generated from the schema of the pinned hashicorp/aws version
 * (`pinnedAwsProviderVersion`) and declares a getter for every attribute (`get arn(): string`). Reading
 * the few declaration files the stacks use costs milliseconds; `terraform providers schema -json`
 * serializes every type of the provider, seconds of CPU on both sides.
 */
export function arnTypes(types: Iterable<string>): Set<string> {
  const lib = path.join(path.dirname(require.resolve("@cdktf/provider-aws/package.json")), "lib");
  const result = new Set<string>();
  for (const type of new Set(types)) {
    // cdktf's folder per resource type: `aws_iam_role` -> lib/iam-role.
    const file = path.join(lib, type.replace(/^aws_/, "").replace(/_/g, "-"), "index.d.ts");
    if (!existsSync(file)) throw new Error(`@cdktf/provider-aws has no ${file}: is ${type} a resource type?`);
    // The resource's own class only: a nested block's class may have an `arn` of its own.
    const text = readFileSync(file, "utf8");
    const start = text.search(/^export declare class \w+ extends cdktf\.TerraformResource \{$/m);
    if (start < 0) throw new Error(`${file} declares no resource class`);
    const end = text.indexOf("\nexport declare class ", start + 1);
    if (/^\s+get arn\(\): string;$/m.test(text.slice(start, end < 0 ? undefined : end))) result.add(type);
  }
  return result;
}

/** The env var that points Terraform at provider processes already running (debug mode). */
export const REATTACH_ENV = "TF_REATTACH_PROVIDERS";

/** One hashicorp/aws process that Terraform commands attach to instead of starting their own. */
export interface ProviderServer {
  /** The value of TF_REATTACH_PROVIDERS that makes a Terraform command use this process. */
  readonly reattach: string;
  /** `env` with TF_REATTACH_PROVIDERS set to this process. */
  readonly env: NodeJS.ProcessEnv;
  /** Ends the process (it runs until stopped). */
  stop(): void;
}

/** The hashicorp/aws binary `terraform init` installed in `dir` (`.terraform/providers/...`). */
export function installedAwsProvider(dir: string): string {
  const version = pinnedAwsProviderVersion();
  const root = path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws", version);
  for (const platform of existsSync(root) ? readdirSync(root) : []) {
    const binary = readdirSync(path.join(root, platform)).find((f) => f.startsWith("terraform-provider-aws"));
    if (binary) return path.join(root, platform, binary);
  }
  throw new Error(`No hashicorp/aws ${version} installed under ${root}: run terraform init in ${dir} first`);
}

/**
 * Starts the hashicorp/aws provider once, in its debug mode, for many Terraform commands to share
 * (developer.hashicorp.com/terraform/plugin/debugging: "Running Terraform With A Provider In Debug
 * Mode", TF_REATTACH_PROVIDERS). Every Terraform command otherwise starts the 674 MiB provider once per
 * provider configuration per graph walk (validate, plan, apply, destroy): a `terraform test` file of a
 * mocked apply started it about six times, each start loading every resource schema again.
 *
 * Attached commands send their requests to this one process, and it keeps a single configured client:
 * the last ConfigureProvider wins. That is harmless for requests that read no configuration (schemas,
 * ValidateProviderConfig, ValidateResourceConfig: all of `terraform validate`, and all a mocked
 * provider asks of the real one, Terraform 1.11 sends a mock neither PrepareProviderConfig nor
 * ConfigureProvider), and for a real plan whose provider blocks are one configuration under several
 * aliases, planned while no other plan runs against the process. Anything else must start its own
 * provider (see `sharesProviderServer`).
 */
export async function startProviderServer(
  binary: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<ProviderServer> {
  const clean = { ...env };
  delete clean[REATTACH_ENV];
  // In debug mode the provider logs every request at trace level to stderr unless told not to
  // (terraform-plugin-log's per-subsystem variables): megabytes per test run, for nobody.
  const quiet = Object.fromEntries(
    [
      "TF_LOG_PROVIDER",
      "TF_LOG_SDK",
      "TF_LOG_SDK_PROTO",
      "TF_LOG_SDK_MUX",
      "TF_LOG_SDK_HELPER_SCHEMA",
      "TF_LOG_SDK_FRAMEWORK",
    ].map((name) => [name, "off"]),
  );
  const child = spawn(binary, ["-debug"], { env: { ...clean, ...quiet }, stdio: ["ignore", "pipe", "pipe"] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  // A test run that dies without stopping the server must not leave it behind.
  process.once("exit", stop);
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${binary} -debug printed no ${REATTACH_ENV} within ${timeoutMs / 1000} s:\n${seen}`));
    }, timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${binary} -debug ${why}:\n${seen}`));
    };
    child.on("error", (err) => fail(String(err)));
    // "close", not "exit": the streams are read to their end first, so the error holds the provider's words.
    child.on("close", (code) => fail(`exited (${code}) before printing ${REATTACH_ENV}`));
    // Both streams are read to the end: a full pipe would block the provider.
    child.stderr.on("data", (chunk: Buffer) => {
      if (seen.length < 20_000) seen += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (seen.length < 20_000) seen += chunk.toString();
      const match = new RegExp(`${REATTACH_ENV}='(\\{.*\\})'`).exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners("close");
      child.removeAllListeners("error");
      // From here on whatever it prints is drained unread.
      for (const stream of [child.stdout, child.stderr]) stream.removeAllListeners("data").resume();
      resolve({ reattach: match[1], env: { ...clean, [REATTACH_ENV]: match[1] }, stop });
    });
  });
}

/**
 * Whether a real plan of `stack` may use a shared provider process (startProviderServer): the provider
 * blocks its resources and data sources use are one configuration (under one or several aliases), so
 * the process's single configured client is the right one whichever block configured it last. A block
 * nothing uses is left out: Terraform prunes an unused provider configuration from the graph and never
 * configures it (observed: an Identity Center stack, every resource on its `identity_center` alias in
 * another Region, sent one ConfigureProvider per plan).
 */
export function sharesProviderServer(stack: TfJson): boolean {
  const used = new Set<string>();
  for (const kind of ["resource", "data", "ephemeral"] as const) {
    for (const [type, byName] of Object.entries((stack as Record<string, unknown>)[kind] ?? {})) {
      if (!type.startsWith("aws_")) continue;
      for (const block of Object.values(byName as Record<string, { provider?: unknown }>)) {
        used.add(typeof block.provider === "string" ? block.provider : "aws");
      }
    }
  }
  const configurations = (stack.provider?.aws ?? [])
    .filter((p) => used.has(p.alias === undefined ? "aws" : `aws.${String(p.alias)}`))
    .map(({ alias: _alias, ...rest }) => JSON.stringify(rest));
  return new Set(configurations).size <= 1;
}

/** Runs `tasks` with at most `limit` in flight (the machines have 2 cores). */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

/** Stack folders of a synthesized app (`<outdir>/stacks/<id>`). */
export function stackDirs(outdir: string): Record<string, string> {
  const root = path.join(outdir, "stacks");
  return Object.fromEntries(readdirSync(root).map((id) => [id, path.join(root, id)]));
}

/** The kind of state backend a synthesized stack names: `local`, `s3`, `cloud`, … */
export function backendKind(stack: TfJson): string {
  const terraformBlock = (stack.terraform ?? {}) as { backend?: Record<string, unknown>; cloud?: unknown };
  if (terraformBlock.cloud !== undefined) return "cloud";
  return Object.keys(terraformBlock.backend ?? {})[0] ?? "local";
}
