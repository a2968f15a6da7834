/**
 * The questions preflight asks each account, with read-only calls (commands.ts), and the rows its table
 * shows: one per thing the first apply would hit, with the fix. Two kinds:
 * - names the stacks create that already exist (IAM, SSM documents, KMS aliases, log groups, S3 buckets,
 *   permission sets, Organizations policies): `terraform import` when the object is in the account, the
 *   configuration field to change when the name comes from it (or when an S3 name is someone else's);
 * - prerequisites: the SCP stack runs where Organizations policies are managed and the policy types are
 *   enabled on the root, Identity Center is visible in its Region, the instance's zone offers its type,
 *   the AMI parameter is readable, EC2 Instance Connect Endpoint quotas leave room.
 * A question that cannot be answered (access denied, throttled) is a row too, never a silent pass.
 */
import type { Config } from "../../../lib/config";
import { blocks, isTrue, strings, type ResourceJson, type StackView } from "../../../lib/tfjson";
import { SESSION_PREFERENCES_DOCUMENT } from "../../../stacks/session-preferences";
import {
  awsError,
  describeCredentials,
  ec2,
  iam,
  kms,
  logs,
  organizations,
  s3,
  serviceQuotas,
  ssm,
  ssoAdmin,
  type Access,
} from "./aws";
import { accountLabel, configFields, importIds, literal, targetOf, type ProviderTarget } from "./targets";

export interface Row {
  readonly stack: string;
  /** The resource (or data source, or provider) the finding is about. */
  readonly address: string;
  readonly finding: string;
  readonly fix: string;
}

/** What the checks read: the stacks, the configuration, and a way into each reached account. */
export interface CheckEnv {
  readonly config: Config;
  readonly views: readonly StackView[];
  readonly targets: readonly ProviderTarget[];
  /** The Access of a provider, or undefined when its account could not be reached (reported apart). */
  access(target: ProviderTarget): Access | undefined;
  /** The partition of a reached provider's account (`aws`), from its caller identity. */
  partition(target: ProviderTarget): string;
  /** A line on stderr: what preflight could not look at, said once. */
  note(line: string): void;
}

/** A resource and the provider that creates it, when that provider's account was reached. */
interface Subject {
  readonly view: StackView;
  readonly resource: ResourceJson;
  readonly target: ProviderTarget;
  readonly access: Access;
}

function subjects(env: CheckEnv, kind: ResourceJson["kind"], ...types: string[]): Subject[] {
  const found: Subject[] = [];
  for (const view of env.views) {
    for (const resource of kind === "data" ? view.dataSources(...types) : view.resources(...types)) {
      const target = targetOf(view, env.targets, resource);
      const access = target && env.access(target);
      if (target && access) found.push({ view, resource, target, access });
    }
  }
  return found;
}

/** A word as a shell reads it: single-quoted unless it is plainly safe. */
const shellWord = (word: string) => (/^[\w./:,=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The `terraform import` a person runs in the stack's folder (after `npx cdktf synth` and `terraform init`). */
export const importCommand = (stack: string, address: string, id: string) =>
  `cd cdktf.out/stacks/${stack} && terraform import ${shellWord(address)} ${shellWord(id)}`;

/** Configuration fields as a fix names them, or `fallback` when no field holds the value. */
const fieldList = (fields: readonly string[], fallback = "the configuration") =>
  fields.length > 0 ? fields.map((f) => `\`${f}\``).join(" or ") : fallback;

/** A row for a question AWS did not answer. */
function uncheckedRow(subject: Pick<Subject, "view" | "target">, address: string, what: string, err: unknown): Row {
  const e = awsError(err);
  return {
    stack: subject.view.stackName,
    address,
    finding: `could not check ${what} in ${accountLabel(subject.target.accountId, subject.target.accountFields)}, ${subject.target.region}: ${e.name}: ${e.message}`,
    fix: `grant the preflight policy (docs/organisation.md, "Preflight") to ${describeCredentials(subject.target.route)}, then run it again`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Names that already exist

type Presence =
  | { readonly kind: "free" }
  | { readonly kind: "exists"; readonly importId: string }
  | { readonly kind: "taken"; readonly detail: string };
const FREE: Presence = { kind: "free" };

/** Exists unless AWS answers with one of `notFound` (an error name). */
async function existsUnless(
  notFound: readonly string[],
  importId: string,
  ask: () => Promise<unknown>,
): Promise<Presence> {
  try {
    await ask();
    return { kind: "exists", importId };
  } catch (err) {
    if (notFound.includes(awsError(err).name)) return FREE;
    throw err;
  }
}

interface NameCheck {
  /** What the name names, for the finding: `IAM user`. */
  readonly what: string;
  /** The argument holding the name (a literal one is checked; `name_prefix` and expressions are unique by construction). */
  readonly argument: string;
  readonly look: (subject: Subject, name: string, env: CheckEnv) => Promise<Presence>;
}

/** Every KMS alias of the account and Region (ListAliases has no name filter). */
function kmsAliases(access: Access): Promise<Set<string>> {
  return access.once("kms:aliases", async () => {
    const names = new Set<string>();
    let marker: string | undefined;
    do {
      const page = await access.call<kms.ListAliasesCommandOutput>(
        new kms.ListAliasesCommand({ Marker: marker, Limit: 100 }),
      );
      for (const alias of page.Aliases ?? []) if (alias.AliasName) names.add(alias.AliasName);
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    return names;
  });
}

/** The Identity Center instances visible with this Access (its Region). */
function ssoInstances(access: Access): Promise<ssoAdmin.InstanceMetadata[]> {
  return access.once("sso:instances", async () => {
    const instances: ssoAdmin.InstanceMetadata[] = [];
    let token: string | undefined;
    do {
      const page = await access.call<ssoAdmin.ListInstancesCommandOutput>(
        new ssoAdmin.ListInstancesCommand({ NextToken: token }),
      );
      instances.push(...(page.Instances ?? []));
      token = page.NextToken;
    } while (token);
    return instances;
  });
}

/** Permission set ARN by name, in one instance. */
function permissionSets(access: Access, instanceArn: string): Promise<Map<string, string>> {
  return access.once(`sso:permission-sets:${instanceArn}`, async () => {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const page = await access.call<ssoAdmin.ListPermissionSetsCommandOutput>(
        new ssoAdmin.ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: token }),
      );
      arns.push(...(page.PermissionSets ?? []));
      token = page.NextToken;
    } while (token);
    const byName = new Map<string, string>();
    for (const arn of arns) {
      const out = await access.call<ssoAdmin.DescribePermissionSetCommandOutput>(
        new ssoAdmin.DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
      );
      if (out.PermissionSet?.Name) byName.set(out.PermissionSet.Name, arn);
    }
    return byName;
  });
}

/** Organizations policy id by name, for one policy type. */
function organizationPolicies(access: Access, type: string): Promise<Map<string, string>> {
  return access.once(`organizations:policies:${type}`, async () => {
    const byName = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await access.call<organizations.ListPoliciesCommandOutput>(
        new organizations.ListPoliciesCommand({ Filter: type as organizations.PolicyType, NextToken: token }),
      );
      for (const p of page.Policies ?? []) if (p.Name && p.Id) byName.set(p.Name, p.Id);
      token = page.NextToken;
    } while (token);
    return byName;
  });
}

const NAME_CHECKS: Readonly<Record<string, NameCheck>> = {
  // IAM names are unique per account, whatever the path (import IDs: the name; a policy's, its ARN).
  aws_iam_user: {
    what: "IAM user",
    argument: "name",
    look: ({ access }, name) =>
      existsUnless(["NoSuchEntityException"], name, () => access.call(new iam.GetUserCommand({ UserName: name }))),
  },
  aws_iam_group: {
    what: "IAM group",
    argument: "name",
    look: ({ access }, name) =>
      existsUnless(["NoSuchEntityException"], name, () =>
        access.call(new iam.GetGroupCommand({ GroupName: name, MaxItems: 1 })),
      ),
  },
  aws_iam_role: {
    what: "IAM role",
    argument: "name",
    look: ({ access }, name) =>
      existsUnless(["NoSuchEntityException"], name, () => access.call(new iam.GetRoleCommand({ RoleName: name }))),
  },
  aws_iam_instance_profile: {
    what: "IAM instance profile",
    argument: "name",
    look: ({ access }, name) =>
      existsUnless(["NoSuchEntityException"], name, () =>
        access.call(new iam.GetInstanceProfileCommand({ InstanceProfileName: name })),
      ),
  },
  aws_iam_policy: {
    what: "IAM policy",
    argument: "name",
    look: (subject, name, env) => {
      const path = literal(subject.resource.config.path) ?? "/";
      const arn = `arn:${env.partition(subject.target)}:iam::${subject.target.accountId}:policy${path}${name}`;
      return existsUnless(["NoSuchEntityException"], arn, () =>
        subject.access.call(new iam.GetPolicyCommand({ PolicyArn: arn })),
      );
    },
  },
  aws_ssm_document: {
    what: "SSM document",
    argument: "name",
    look: ({ access }, name) =>
      existsUnless(["InvalidDocument"], name, () => access.call(new ssm.DescribeDocumentCommand({ Name: name }))),
  },
  aws_kms_alias: {
    what: "KMS alias",
    argument: "name",
    look: async ({ access }, name) =>
      (await kmsAliases(access)).has(name) ? { kind: "exists", importId: name } : FREE,
  },
  aws_cloudwatch_log_group: {
    what: "CloudWatch Logs group",
    argument: "name",
    look: async ({ access }, name) => {
      // The exact name sorts first among the names it prefixes, so one page answers.
      const out = await access.call<logs.DescribeLogGroupsCommandOutput>(
        new logs.DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }),
      );
      return (out.logGroups ?? []).some((g) => g.logGroupName === name) ? { kind: "exists", importId: name } : FREE;
    },
  },
  aws_s3_bucket: {
    what: "S3 bucket",
    argument: "bucket",
    look: async ({ access, target }, name) => {
      // Bucket names are global. ExpectedBucketOwner makes a bucket of any other account answer 403.
      try {
        await access.call(new s3.HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: target.accountId }));
        return { kind: "exists", importId: name };
      } catch (err) {
        const { status } = awsError(err);
        if (status === 404) return FREE;
        if (status === 403) return { kind: "taken", detail: "belongs to another account" };
        if (status === 301 || status === 307) return { kind: "taken", detail: "exists in another Region" };
        throw err;
      }
    },
  },
  aws_ssoadmin_permission_set: {
    what: "Identity Center permission set",
    argument: "name",
    look: async ({ access }, name) => {
      for (const instance of await ssoInstances(access)) {
        if (!instance.InstanceArn) continue;
        const arn = (await permissionSets(access, instance.InstanceArn)).get(name);
        // Import ID: `<permission_set_arn>,<instance_arn>` (provider 5.100.0, aws_ssoadmin_permission_set).
        if (arn) return { kind: "exists", importId: `${arn},${instance.InstanceArn}` };
      }
      return FREE;
    },
  },
  aws_organizations_policy: {
    what: "Organizations policy",
    argument: "name",
    look: async ({ access, resource }, name) => {
      const type = literal(resource.config.type) ?? "SERVICE_CONTROL_POLICY";
      const id = (await organizationPolicies(access, type)).get(name);
      return id ? { kind: "exists", importId: id } : FREE;
    },
  },
};

/** The resource types whose names preflight checks. */
export const NAME_CHECKED_TYPES = Object.keys(NAME_CHECKS);

async function nameRow(subject: Subject, check: NameCheck, env: CheckEnv): Promise<Row | undefined> {
  const { view, resource, target } = subject;
  const name = literal(resource.config[check.argument]);
  if (name === undefined) return undefined;
  const importId = importIds(view).get(resource.address);
  const where = `${accountLabel(target.accountId, target.accountFields)}, ${target.region}`;
  const base = { stack: view.stackName, address: resource.address };
  let presence: Presence;
  try {
    presence = await check.look(subject, name, env);
  } catch (err) {
    return uncheckedRow(subject, resource.address, `${check.what} "${name}"`, err);
  }
  const fields = configFields(env.config, name, "within");
  const rename = fields.length > 0 ? `change ${fieldList(fields)}` : `rename it in the stack's code (${resource.path})`;
  const adoptable = resource.type === "aws_ssm_document" && name === SESSION_PREFERENCES_DOCUMENT;
  switch (presence.kind) {
    case "free":
      if (importId === undefined) return undefined;
      return {
        ...base,
        finding: `the import block names ${check.what} "${importId}", which does not exist in ${where}: the plan fails`,
        fix: adoptable ? 'set `ssm.sessionPreferences` to "manage"' : "remove the import block",
      };
    case "exists":
      if (importId !== undefined) return undefined;
      return {
        ...base,
        finding: `${check.what} "${name}" already exists in ${where}: the apply fails to create it`,
        fix: adoptable
          ? `set \`ssm.sessionPreferences\` to "adopt" (or: ${importCommand(view.stackName, resource.address, presence.importId)})`
          : `${importCommand(view.stackName, resource.address, presence.importId)}, or ${rename}`,
      };
    case "taken":
      return {
        ...base,
        finding: `${check.what} name "${name}" is taken: it ${presence.detail} (names are global)`,
        fix: rename,
      };
  }
}

async function nameRows(env: CheckEnv): Promise<Row[]> {
  const rows = await Promise.all(
    subjects(env, "resource", ...NAME_CHECKED_TYPES).map((s) => nameRow(s, NAME_CHECKS[s.resource.type], env)),
  );
  return rows.filter((r): r is Row => r !== undefined);
}

// ---------------------------------------------------------------------------------------------------
// Organizations: where the SCP stack runs, and the policy types on the root

/** Whether an Allow statement of a resource policy lets `accountId` call `action`. */
function delegates(policyText: string | undefined, accountId: string, action: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policyText ?? "{}");
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    ).test(action);
  return statements.some((s: { Effect?: string; Principal?: unknown; Action?: unknown }) => {
    if (s.Effect !== "Allow") return false;
    const principals = s.Principal === "*" ? ["*"] : strings((s.Principal as { AWS?: unknown } | undefined)?.AWS);
    const names = principals.some((p) => p === "*" || p === accountId || p.startsWith(`arn:aws:iam::${accountId}:`));
    return names && strings(s.Action).some(matches);
  });
}

async function organizationRows(env: CheckEnv): Promise<Row[]> {
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const subject of subjects(env, "resource", "aws_organizations_policy", "aws_organizations_policy_attachment")) {
    const { view, target, access } = subject;
    const key = `${view.stackName}|${target.reference}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const first = view.resources("aws_organizations_policy")[0] ?? subject.resource;
    const base = { stack: view.stackName, address: first.address };
    const account = accountLabel(target.accountId, target.accountFields);
    const types = [
      ...new Set(
        view.resources("aws_organizations_policy").map((p) => literal(p.config.type) ?? "SERVICE_CONTROL_POLICY"),
      ),
    ];
    try {
      let master: string | undefined;
      try {
        const org = await access.call<organizations.DescribeOrganizationCommandOutput>(
          new organizations.DescribeOrganizationCommand({}),
        );
        master = org.Organization?.MasterAccountId;
      } catch (err) {
        if (awsError(err).name !== "AWSOrganizationsNotInUseException") throw err;
        rows.push({
          ...base,
          finding: `${account} is not in an organization: the SCP has nowhere to go`,
          fix: `point ${fieldList(target.accountFields, "the provider")} at the management account of your organization`,
        });
        continue;
      }
      if (master !== target.accountId) {
        // A delegated administrator for Organizations policies may manage them too (Organizations User
        // Guide, "Delegated administrator for AWS Organizations"): accepted when the organization's
        // resource policy lets this account create and attach policies.
        let delegated = false;
        try {
          const out = await access.call<organizations.DescribeResourcePolicyCommandOutput>(
            new organizations.DescribeResourcePolicyCommand({}),
          );
          const text = out.ResourcePolicy?.Content;
          delegated = ["organizations:CreatePolicy", "organizations:AttachPolicy"].every((a) =>
            delegates(text, target.accountId, a),
          );
        } catch (err) {
          const { name } = awsError(err);
          if (name !== "ResourcePolicyNotFoundException" && name !== "AccessDeniedException") throw err;
        }
        if (!delegated) {
          rows.push({
            ...base,
            finding: `${view.stackName} deploys to ${account}, but the organization's management account is ${master} and ${target.accountId} is not a delegated administrator that may create and attach policies`,
            fix: `set ${fieldList(target.accountFields.map((f) => `${f}.id`))} to ${master} (and its credentials), or delegate policy management to ${target.accountId}`,
          });
          continue;
        }
      }
      const roots = await access.call<organizations.ListRootsCommandOutput>(new organizations.ListRootsCommand({}));
      for (const root of roots.Roots ?? []) {
        for (const type of types) {
          const enabled = (root.PolicyTypes ?? []).some((p) => p.Type === type && p.Status === "ENABLED");
          if (enabled) continue;
          rows.push({
            ...base,
            finding: `the ${type} policy type is not enabled on root ${root.Id}: creating or attaching the policy fails`,
            fix: `in the management account: aws organizations enable-policy-type --root-id ${root.Id} --policy-type ${type}`,
          });
        }
      }
    } catch (err) {
      rows.push(uncheckedRow(subject, first.address, "the organization and its root", err));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Identity Center

async function identityCenterRows(env: CheckEnv): Promise<Row[]> {
  const rows: Row[] = [];
  for (const subject of subjects(env, "data", "aws_ssoadmin_instances")) {
    const { view, resource, target, access } = subject;
    try {
      if ((await ssoInstances(access)).length > 0) continue;
    } catch (err) {
      rows.push(uncheckedRow(subject, resource.address, "the Identity Center instance", err));
      continue;
    }
    const regionFields = configFields(env.config, target.region, "equal");
    rows.push({
      stack: view.stackName,
      address: resource.address,
      finding: `no IAM Identity Center instance is visible from ${accountLabel(target.accountId, target.accountFields)} in ${target.region}`,
      fix: `run it with the account that administers Identity Center (${fieldList(target.accountFields)}) and the instance's Region (${fieldList(regionFields, "the Region")})`,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Subnets, zones and instance types

/** `${aws_subnet.X.id}` / `${data.aws_subnet.X.id}` and their parts. */
const REFERENCE = /^\$\{(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;
/** `${element(data.aws_availability_zones.Z.zone_ids, 1)}` or `${data.aws_availability_zones.Z.zone_ids[1]}`. */
const ZONE_LOOKUP =
  /^\$\{(?:element\(data\.aws_availability_zones\.([A-Za-z0-9_-]+)\.zone_ids,\s*(\d+)\)|data\.aws_availability_zones\.([A-Za-z0-9_-]+)\.zone_ids\[(\d+)\])\}$/;

interface SubnetFacts {
  readonly zoneId?: string;
  /** The existing VPC the subnet is in; undefined when the stack builds the VPC. */
  readonly vpcId?: string;
  /** What in the configuration placed it there, for fixes. */
  readonly fields: readonly string[];
}

async function describeSubnet(access: Access, subnetId: string): Promise<ec2.Subnet | undefined> {
  return access.once(`ec2:subnet:${subnetId}`, async () => {
    try {
      const out = await access.call<ec2.DescribeSubnetsCommandOutput>(
        new ec2.DescribeSubnetsCommand({ SubnetIds: [subnetId] }),
      );
      return out.Subnets?.[0];
    } catch (err) {
      if (awsError(err).name === "InvalidSubnetID.NotFound") return undefined;
      throw err;
    }
  });
}

/** The zone IDs an `aws_availability_zones` data source returns, as the provider computes them. */
async function lookedUpZones(access: Access, config: Record<string, unknown>): Promise<string[]> {
  return access.once(`ec2:zones:${JSON.stringify(config)}`, async () => {
    // Provider 5.100.0 (ec2_availability_zones_data_source.go): `state` and `filter` become filters,
    // zones are sorted by name, then exclude_names / exclude_zone_ids are dropped.
    const filters: ec2.Filter[] = [];
    const state = literal(config.state);
    if (state) filters.push({ Name: "state", Values: [state] });
    for (const f of blocks(config.filter)) filters.push({ Name: String(f.name), Values: strings(f.values) });
    const out = await access.call<ec2.DescribeAvailabilityZonesCommandOutput>(
      new ec2.DescribeAvailabilityZonesCommand({
        Filters: filters.length > 0 ? filters : undefined,
        AllAvailabilityZones: isTrue(config.all_availability_zones) ? true : undefined,
      }),
    );
    const excludedNames = new Set(strings(config.exclude_names));
    const excludedIds = new Set(strings(config.exclude_zone_ids));
    return (
      (out.AvailabilityZones ?? [])
        // Byte order, as Go's string comparison in the provider.
        .sort((a, b) =>
          (a.ZoneName ?? "") < (b.ZoneName ?? "") ? -1 : (a.ZoneName ?? "") > (b.ZoneName ?? "") ? 1 : 0,
        )
        .filter((z) => !excludedNames.has(z.ZoneName ?? "") && !excludedIds.has(z.ZoneId ?? ""))
        .map((z) => z.ZoneId ?? "")
    );
  });
}

/**
 * Zone and VPC of the subnet a resource's `subnet_id` names: a subnet the stack builds (its zone ID is
 * pinned or the lookup's element), an existing subnet (literal or `data.aws_subnet`), read from EC2.
 * Undefined when the expression is none of these (then a note says what was not checked).
 */
async function subnetFacts(subject: Subject, env: CheckEnv): Promise<SubnetFacts | "missing" | undefined> {
  const { view, access } = subject;
  const value = subject.resource.config.subnet_id;
  const existing = async (subnetId: string): Promise<SubnetFacts | "missing"> => {
    const subnet = await describeSubnet(access, subnetId);
    if (!subnet) return "missing";
    return {
      zoneId: subnet.AvailabilityZoneId,
      vpcId: subnet.VpcId,
      fields: configFields(env.config, subnetId, "equal"),
    };
  };
  const plain = literal(value);
  if (plain) return existing(plain);
  const ref = typeof value === "string" ? REFERENCE.exec(value) : null;
  if (!ref || ref[4] !== "id") return undefined;
  if (ref[1] && ref[2] === "aws_subnet") {
    const id = literal(view.named("aws_subnet", ref[3], "data").config.id);
    return id ? existing(id) : undefined;
  }
  if (ref[1] || ref[2] !== "aws_subnet") return undefined;
  const subnet = view.named("aws_subnet", ref[3]);
  const zone = subnet.config.availability_zone_id;
  const pinned = literal(zone);
  if (pinned) return { zoneId: pinned, fields: configFields(env.config, pinned, "equal") };
  const lookup = typeof zone === "string" ? ZONE_LOOKUP.exec(zone) : null;
  if (!lookup) return undefined;
  const [, nameA, indexA, nameB, indexB] = lookup;
  const source = view.named("aws_availability_zones", nameA ?? nameB, "data");
  const zones = await lookedUpZones(access, source.config);
  return { zoneId: zones[Number(indexA ?? indexB)], fields: [] };
}

async function instanceRows(env: CheckEnv): Promise<Row[]> {
  const rows: Row[] = [];
  for (const subject of subjects(env, "resource", "aws_instance")) {
    const { view, resource, target, access } = subject;
    const type = literal(resource.config.instance_type);
    const base = { stack: view.stackName, address: resource.address };
    try {
      const facts = await subnetFacts(subject, env);
      if (facts === undefined || type === undefined) {
        env.note(
          `${view.stackName} ${resource.address}: its subnet's zone or its type is an expression preflight cannot resolve; instance type offering NOT checked`,
        );
        continue;
      }
      if (facts === "missing") {
        rows.push({
          ...base,
          finding: `subnet ${String(resource.config.subnet_id)} does not exist in ${accountLabel(target.accountId, target.accountFields)}, ${target.region}`,
          fix: `change ${fieldList(configFields(env.config, String(resource.config.subnet_id), "equal"), "the subnet")} to a subnet of that account and Region`,
        });
        continue;
      }
      if (!facts.zoneId) {
        rows.push({
          ...base,
          finding: `the Availability Zone lookup of ${target.region} finds too few usable zones for this subnet`,
          fix: "pin two zone IDs of the Region, or exclude fewer zones",
        });
        continue;
      }
      const zone = facts.zoneId;
      const offered = await access.once(`ec2:offering:${type}:${zone}`, async () => {
        const out = await access.call<ec2.DescribeInstanceTypeOfferingsCommandOutput>(
          new ec2.DescribeInstanceTypeOfferingsCommand({
            LocationType: "availability-zone-id",
            Filters: [
              { Name: "instance-type", Values: [type] },
              { Name: "location", Values: [zone] },
            ],
          }),
        );
        return (out.InstanceTypeOfferings ?? []).some((o) => o.InstanceType === type && o.Location === zone);
      });
      if (offered) continue;
      const typeFields = configFields(env.config, type, "equal");
      rows.push({
        ...base,
        finding: `instance type ${type} is not offered in zone ${zone} (${target.region}), where the instance's subnet is`,
        fix: `change ${fieldList(typeFields, "the instance type")} to a type ${zone} offers, or ${facts.fields.length > 0 ? `change ${fieldList(facts.fields)}` : "place the subnets in zones that offer it"}`,
      });
    } catch (err) {
      rows.push(uncheckedRow(subject, resource.address, `the zone and instance type ${type ?? ""}`, err));
    }
  }
  return rows;
}

async function amiRows(env: CheckEnv): Promise<Row[]> {
  const rows: Row[] = [];
  for (const subject of subjects(env, "data", "aws_ssm_parameter")) {
    const { view, resource, target, access } = subject;
    const name = literal(resource.config.name);
    if (!name) continue;
    try {
      await access.once(`ssm:parameter:${name}`, () => access.call(new ssm.GetParameterCommand({ Name: name })));
    } catch (err) {
      if (awsError(err).name !== "ParameterNotFound") {
        rows.push(uncheckedRow(subject, resource.address, `the parameter ${name}`, err));
        continue;
      }
      const fields = configFields(env.config, name, "equal");
      rows.push({
        stack: view.stackName,
        address: resource.address,
        finding: `the AMI parameter ${name} does not exist in ${target.region}: the plan cannot read the image`,
        fix:
          fields.length > 0
            ? `change ${fieldList(fields)} to a parameter of ${target.region}`
            : `set the configuration's AMI parameter or a fixed AMI id for ${target.region}`,
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// EC2 Instance Connect Endpoint quotas

/**
 * One endpoint per VPC and one per subnet, not adjustable (EC2 User Guide, "Quotas for EC2 Instance
 * Connect Endpoint"). Per Region the guide gives no quota today; AWS announced a default of 5 per
 * account and Region with the feature (June 2023). Preflight looks the quota up in Service Quotas by
 * name, and compares with that default only when Service Quotas lists none, saying so in the row.
 */
const ANNOUNCED_REGION_DEFAULT = 5;
const PER_REGION_QUOTA = /instance connect endpoints?/i;
const NOT_PER_REGION = /per (vpc|subnet)|connections?/i;

async function endpoints(access: Access): Promise<ec2.Ec2InstanceConnectEndpoint[]> {
  return access.once("ec2:eice", async () => {
    const all: ec2.Ec2InstanceConnectEndpoint[] = [];
    let token: string | undefined;
    do {
      const page = await access.call<ec2.DescribeInstanceConnectEndpointsCommandOutput>(
        new ec2.DescribeInstanceConnectEndpointsCommand({ NextToken: token }),
      );
      all.push(...(page.InstanceConnectEndpoints ?? []));
      token = page.NextToken;
    } while (token);
    // A deleted endpoint stays listed for a while; it no longer counts.
    return all.filter((e) => e.State !== "delete-complete");
  });
}

/** The per-Region endpoint quota, and where the number comes from. */
async function regionQuota(access: Access): Promise<{ value: number; source: string }> {
  return access.once("servicequotas:eice", async () => {
    const codes: string[] = [];
    let token: string | undefined;
    do {
      const page = await access.call<serviceQuotas.ListServicesCommandOutput>(
        new serviceQuotas.ListServicesCommand({ NextToken: token, MaxResults: 100 }),
      );
      for (const s of page.Services ?? [])
        if (s.ServiceCode && /instance connect/i.test(s.ServiceName ?? "")) codes.push(s.ServiceCode);
      token = page.NextToken;
    } while (token);
    for (const code of [...codes, "ec2"]) {
      for (const Command of [
        serviceQuotas.ListServiceQuotasCommand,
        serviceQuotas.ListAWSDefaultServiceQuotasCommand,
      ]) {
        let next: string | undefined;
        do {
          const page = await access.call<serviceQuotas.ListServiceQuotasCommandOutput>(
            new Command({ ServiceCode: code, NextToken: next, MaxResults: 100 }),
          );
          const quota = (page.Quotas ?? []).find(
            (q) => PER_REGION_QUOTA.test(q.QuotaName ?? "") && !NOT_PER_REGION.test(q.QuotaName ?? ""),
          );
          if (quota?.Value !== undefined) {
            return { value: quota.Value, source: `Service Quotas ${code}/${quota.QuotaCode} "${quota.QuotaName}"` };
          }
          next = page.NextToken;
        } while (next);
      }
    }
    return {
      value: ANNOUNCED_REGION_DEFAULT,
      source: `Service Quotas lists no per-Region quota for EC2 Instance Connect Endpoints; ${ANNOUNCED_REGION_DEFAULT} is the default AWS announced with the feature`,
    };
  });
}

async function endpointRows(env: CheckEnv): Promise<Row[]> {
  const rows: Row[] = [];
  const byAccess = new Map<Access, Subject[]>();
  for (const subject of subjects(env, "resource", "aws_ec2_instance_connect_endpoint")) {
    byAccess.set(subject.access, [...(byAccess.get(subject.access) ?? []), subject]);
  }
  for (const [access, group] of byAccess) {
    let existing: ec2.Ec2InstanceConnectEndpoint[];
    try {
      existing = await endpoints(access);
    } catch (err) {
      rows.push(uncheckedRow(group[0], group[0].resource.address, "the EC2 Instance Connect Endpoints", err));
      continue;
    }
    for (const subject of group) {
      const { view, resource } = subject;
      try {
        const facts = await subnetFacts(subject, env);
        if (facts === undefined) {
          env.note(
            `${view.stackName} ${resource.address}: its subnet is an expression preflight cannot resolve; one-endpoint-per-VPC NOT checked`,
          );
          continue;
        }
        if (facts === "missing" || !facts.vpcId) continue; // a missing subnet is reported with the instance; a new VPC has no endpoint
        const inVpc = existing.filter((e) => e.VpcId === facts.vpcId);
        if (inVpc.length === 0) continue;
        const vpcFields = configFields(env.config, facts.vpcId, "equal");
        rows.push({
          stack: view.stackName,
          address: resource.address,
          finding: `VPC ${facts.vpcId} already has EC2 Instance Connect Endpoint ${inVpc.map((e) => e.InstanceConnectEndpointId).join(", ")}; AWS allows one per VPC (not adjustable)`,
          fix: `delete it, or use another VPC${vpcFields.length > 0 ? ` (${fieldList(vpcFields)})` : ""}`,
        });
      } catch (err) {
        rows.push(uncheckedRow(subject, resource.address, "the endpoint's VPC", err));
      }
    }
    const first = group[0];
    try {
      const quota = await regionQuota(access);
      if (existing.length + group.length <= quota.value) continue;
      rows.push({
        stack: first.view.stackName,
        address: first.resource.address,
        finding: `${existing.length} EC2 Instance Connect Endpoints exist in ${accountLabel(first.target.accountId, first.target.accountFields)}, ${first.target.region}, and this apply adds ${group.length}: over the quota of ${quota.value} (${quota.source})`,
        fix: "delete endpoints no longer used, or request a quota increase in Service Quotas",
      });
    } catch (err) {
      rows.push(uncheckedRow(first, first.resource.address, "the EC2 Instance Connect Endpoint quota", err));
    }
  }
  return rows;
}

/** Every check, in the order the table shows them. */
export async function runChecks(env: CheckEnv): Promise<Row[]> {
  const groups = await Promise.all([
    nameRows(env),
    organizationRows(env),
    identityCenterRows(env),
    instanceRows(env),
    amiRows(env),
    endpointRows(env),
  ]);
  return groups.flat();
}
