import { createHash } from "node:crypto";
import { stackView, strings, type JsonObject, type StackView } from "../lib/tfjson";
import type { StackSet } from "./synth";

/**
 * Gives every Terraform reference in a synthesized stack a realistic, deterministic value, so the
 * policies the simulator reads look like the ones AWS would receive after `terraform apply`:
 * `${aws_instance.Target_Instance_B3D6291E.arn}` becomes
 * `arn:aws:ec2:eu-west-1:111111111111:instance/i-0f3c…` (17 hex digits from a hash of the address).
 * The region and account come from the provider that owns the resource (`allowed_account_ids`), so a
 * resource of an aliased provider in another account gets that account in its ARN.
 */

export class ReferenceError extends Error {}

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);
const digits = (seed: string, length: number) =>
  BigInt(`0x${hex(seed, 30)}`)
    .toString()
    .padStart(length, "0")
    .slice(0, length);

/** Terraform resource type -> id prefix AWS uses for it (`i-`, `vpc-`, ...). */
const ID_PREFIXES: Record<string, string> = {
  aws_instance: "i-",
  aws_vpc: "vpc-",
  aws_subnet: "subnet-",
  aws_security_group: "sg-",
  aws_vpc_endpoint: "vpce-",
  aws_ec2_instance_connect_endpoint: "eice-",
  aws_route_table: "rtb-",
  aws_internet_gateway: "igw-",
  aws_nat_gateway: "nat-",
  aws_eip: "eipalloc-",
  aws_network_interface: "eni-",
  aws_flow_log: "fl-",
  aws_default_security_group: "sg-",
};

/** `arn:aws:ec2:<region>:<account>:<path>` for the EC2 family: the ARN resource path per type. */
const EC2_ARN_PATHS: Record<string, string> = {
  aws_instance: "instance",
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_security_group: "security-group",
  aws_vpc_endpoint: "vpc-endpoint",
  aws_ec2_instance_connect_endpoint: "instance-connect-endpoint",
  aws_route_table: "route-table",
  aws_internet_gateway: "internet-gateway",
  aws_nat_gateway: "natgateway",
  aws_network_interface: "network-interface",
  aws_flow_log: "vpc-flow-log",
};

interface Owner {
  readonly region: string;
  readonly account: string;
}

/** The stack a reference is resolved in, with every other stack for remote-state lookups. */
export class Resolver {
  private readonly cache = new Map<string, string>();
  private readonly view: StackView;

  constructor(
    readonly stackId: string,
    private readonly stacks: StackSet,
  ) {
    if (!stacks[stackId]) {
      throw new ReferenceError(`No stack "${stackId}" was synthesized; stacks are ${Object.keys(stacks).join(", ")}`);
    }
    this.view = stackView(stackId, stacks[stackId]);
  }

  /** Region and account of the provider (default or `aws.<alias>`) a block names. */
  owner(block: JsonObject | undefined): Owner {
    const wanted = this.view.providerOf({ config: block ?? {} });
    const provider = this.view.provider(wanted);
    if (!provider) throw new ReferenceError(`${this.stackId}: no provider ${wanted} in the synthesized stack`);
    const accounts = strings(provider.allowed_account_ids);
    if (!accounts[0]) {
      throw new ReferenceError(
        `${this.stackId}: provider ${wanted} has no allowed_account_ids (offline synthesis?); access proofs need the account, synthesize with offline=false`,
      );
    }
    return { region: String(provider.region), account: accounts[0] };
  }

  /** Finds `<type>.<name>` where name is the logical name or its prefix before cdktf's hash. */
  find(kind: "resource" | "data", type: string, name: string): { name: string; block: JsonObject } {
    try {
      const found = this.view.named(type, name, kind);
      return { name: found.name, block: found.config };
    } catch (err) {
      throw new ReferenceError(`${this.stackId}: ${(err as Error).message}`);
    }
  }

  /** The stack the references are resolved in. */
  get stack(): StackView {
    return this.view;
  }

  /** Replaces every `${reference}` in `text` (Terraform interpolation, not `$${`) by its value. */
  resolveText(text: string): string {
    return text.replace(/(?<!\$)\$\{([^}]*)\}/g, (_, expr: string) => this.resolveExpression(expr.trim()));
  }

  /** The value of one Terraform expression that is a plain reference (`aws_x.y.attr`, `data.x.y.attr`). */
  resolveExpression(expr: string): string {
    const key = expr;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(.+)$/.exec(expr);
    if (!m) {
      throw new ReferenceError(
        `${this.stackId}: cannot resolve "\${${expr}}": only plain references (type.name.attribute) are supported in policies`,
      );
    }
    const [, data, type, name, attribute] = m;
    const value = data ? this.dataValue(type, name, attribute) : this.resourceValue(type, name, attribute);
    this.cache.set(key, value);
    return value;
  }

  private literal(block: JsonObject, attribute: string): string | undefined {
    const value = block[attribute];
    if (typeof value === "string") return this.resolveText(value);
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return undefined;
  }

  private dataValue(type: string, name: string, attribute: string): string {
    if (type === "terraform_remote_state") return this.remoteState(name, attribute);
    const { name: logical, block } = this.find("data", type, name);
    const own = this.owner(block);
    const seed = `${this.stackId}/data.${type}.${logical}`;
    if (type === "aws_caller_identity" && attribute === "account_id") return own.account;
    if (type === "aws_region" && (attribute === "name" || attribute === "region" || attribute === "id"))
      return own.region;
    if (type === "aws_partition" && attribute === "partition") return "aws";
    if (type === "aws_organizations_organization") return this.organizationValue(attribute, seed);
    const literal = this.literal(block, attribute);
    if (literal !== undefined) return literal;
    if (type === "aws_ssm_parameter" && /value$/.test(attribute)) return `ami-${hex(seed, 17)}`;
    throw new ReferenceError(
      `${this.stackId}: no realistic value for data.${type}.${logical}.${attribute}; add a rule in proofs/resolve.ts`,
    );
  }

  /** cdktf cross-stack reference: the producing stack's output, resolved in that stack. */
  private remoteState(name: string, attribute: string): string {
    const m = /^outputs\.(.+)$/.exec(attribute);
    if (!m) throw new ReferenceError(`${this.stackId}: remote state reference ${name}.${attribute} is not an output`);
    const output = m[1];
    const producers = Object.entries(this.stacks).filter(([id, s]) => id !== this.stackId && s.output?.[output]);
    const named = producers.filter(([id]) => name.endsWith(id));
    const chosen = named.length === 1 ? named : producers;
    if (chosen.length !== 1) {
      throw new ReferenceError(
        `${this.stackId}: remote state output ${output} is produced by ${chosen.length} stacks (${chosen.map(([id]) => id).join(", ") || "none"})`,
      );
    }
    const [producerId, producer] = chosen[0];
    const value = producer.output![output].value;
    if (typeof value !== "string") throw new ReferenceError(`${producerId}: output ${output} is not a string`);
    return new Resolver(producerId, this.stacks).resolveText(value);
  }

  private organizationValue(attribute: string, seed: string): string {
    if (/^roots(\[0\]|\.0)\.id$/.test(attribute)) return `r-${hex(seed, 4)}`;
    if (attribute === "id") return `o-${hex(seed, 10)}`;
    if (attribute === "master_account_id") return this.owner(undefined).account;
    throw new ReferenceError(`${this.stackId}: no realistic value for organization attribute ${attribute}`);
  }

  /** The name Terraform gives a resource: `name`, else `name_prefix` + a deterministic suffix. */
  private resourceName(type: string, logical: string, block: JsonObject, seed: string): string {
    const explicit = this.literal(block, "name") ?? this.literal(block, "bucket");
    if (explicit !== undefined) return explicit;
    const prefix = this.literal(block, "name_prefix") ?? this.literal(block, "bucket_prefix");
    // Terraform's unique suffix is 26 digits (a timestamp and a counter).
    if (prefix !== undefined) return `${prefix}${digits(seed, 26)}`;
    return type === "aws_s3_bucket" ? `${logical.toLowerCase().replace(/_/g, "-")}-${hex(seed, 8)}` : logical;
  }

  private resourceValue(type: string, name: string, attribute: string): string {
    const { name: logical, block } = this.find("resource", type, name);
    const { region, account } = this.owner(block);
    const seed = `${this.stackId}/${type}.${logical}`;
    const resourceName = () => this.resourceName(type, logical, block, seed);
    const id = (): string => {
      if (ID_PREFIXES[type]) return `${ID_PREFIXES[type]}${hex(seed, 17)}`;
      if (type === "aws_organizations_policy") return `p-${hex(seed, 8)}`;
      if (type === "aws_kms_key")
        return `${hex(seed, 8)}-${hex(seed + "1", 4)}-4${hex(seed + "2", 3)}-8${hex(seed + "3", 3)}-${hex(seed + "4", 12)}`;
      if (type === "aws_iam_access_key") return `AKIA${hex(seed, 16).toUpperCase()}`;
      // IAM, S3, log groups, topics, trails: Terraform's id is the name.
      return resourceName();
    };
    if (attribute === "id") return id();
    if (attribute === "name" || attribute === "bucket") return resourceName();
    if (attribute === "owner_id" || attribute === "account_id") return account;
    if (attribute === "unique_id") return `${type === "aws_iam_user" ? "AIDA" : "AROA"}${hex(seed, 17).toUpperCase()}`;
    if (attribute === "arn") return this.arn(type, block, { region, account, id: id(), name: resourceName(), seed });
    const literal = this.literal(block, attribute);
    if (literal !== undefined) return literal;
    if (attribute === "key_id") return id();
    if (attribute === "roots[0].id" || attribute === "roots.0.id") return `r-${hex(seed, 4)}`;
    throw new ReferenceError(
      `${this.stackId}: no realistic value for ${type}.${logical}.${attribute}; add a rule in proofs/resolve.ts`,
    );
  }

  private arn(
    type: string,
    block: JsonObject,
    r: { region: string; account: string; id: string; name: string; seed: string },
  ): string {
    if (EC2_ARN_PATHS[type]) return `arn:aws:ec2:${r.region}:${r.account}:${EC2_ARN_PATHS[type]}/${r.id}`;
    const path = this.literal(block, "path") ?? "/";
    switch (type) {
      case "aws_iam_role":
        return `arn:aws:iam::${r.account}:role${path}${r.name}`;
      case "aws_iam_user":
        return `arn:aws:iam::${r.account}:user${path}${r.name}`;
      case "aws_iam_group":
        return `arn:aws:iam::${r.account}:group${path}${r.name}`;
      case "aws_iam_policy":
        return `arn:aws:iam::${r.account}:policy${path}${r.name}`;
      case "aws_iam_instance_profile":
        return `arn:aws:iam::${r.account}:instance-profile${path}${r.name}`;
      case "aws_s3_bucket":
        return `arn:aws:s3:::${r.name}`;
      case "aws_cloudwatch_log_group":
        // Provider 5.x: the arn attribute carries no trailing ":*".
        return `arn:aws:logs:${r.region}:${r.account}:log-group:${r.name}`;
      case "aws_sns_topic":
        return `arn:aws:sns:${r.region}:${r.account}:${r.name}`;
      case "aws_sqs_queue":
        return `arn:aws:sqs:${r.region}:${r.account}:${r.name}`;
      case "aws_cloudtrail":
        return `arn:aws:cloudtrail:${r.region}:${r.account}:trail/${r.name}`;
      case "aws_kms_key":
        return `arn:aws:kms:${r.region}:${r.account}:key/${r.id}`;
      case "aws_kms_alias":
        return `arn:aws:kms:${r.region}:${r.account}:${r.name}`;
      case "aws_ssm_document":
        return `arn:aws:ssm:${r.region}:${r.account}:document/${r.name}`;
      case "aws_cloudwatch_metric_alarm":
        return `arn:aws:cloudwatch:${r.region}:${r.account}:alarm:${r.name}`;
      case "aws_organizations_policy":
        return `arn:aws:organizations::${r.account}:policy/o-${hex(r.seed, 10)}/service_control_policy/${r.id}`;
      default: {
        // Unknown types get a plausible service ARN, so a new stack's policies still simulate.
        const service = type.replace(/^aws_/, "").split("_")[0];
        return `arn:aws:${service}:${r.region}:${r.account}:${type.replace(/^aws_[a-z0-9]+_?/, "") || service}/${r.id}`;
      }
    }
  }
}

/**
 * Replaces `{{config.<path>}}` and `{{ref:[<stack>:]<type>.<name>.<attr>}}` placeholders in a scenario
 * string. `where` names the scenario field in errors.
 */
export function fillPlaceholders(
  text: string,
  config: unknown,
  resolverFor: (stackId?: string) => Resolver,
  where: string,
): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, inner: string) => {
    if (inner.startsWith("config.")) {
      let value: unknown = config;
      for (const part of inner.slice("config.".length).split(".")) {
        value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
      }
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new ReferenceError(`${where}: ${whole} is not a string/number/boolean in the configuration`);
      }
      return String(value);
    }
    const ref = /^ref:(?:([a-z0-9-]+):)?(.+)$/.exec(inner);
    if (ref) return resolverFor(ref[1]).resolveExpression(ref[2]);
    throw new ReferenceError(
      `${where}: unknown placeholder ${whole}; use {{config.<path>}} or {{ref:<type>.<name>.<attribute>}}`,
    );
  });
}
