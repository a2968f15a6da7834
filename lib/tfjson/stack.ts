import { blocks, isObject, strings, type Json, type JsonObject } from "./json";

/** A synthesized stack exactly as Terraform reads it (`cdk.tf.json`). */
export interface TfJson {
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
  readonly terraform?: Record<string, unknown>;
  /** cdktf 0.21 writes every move of a stack as one top-level list: `moved: [{ from, to }]`. */
  readonly moved?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  readonly [key: string]: unknown;
}

/** Key under a resource's `//` metadata where `suppressGuardrail` records rule id -> reason. */
export const SUPPRESSIONS_KEY = "guardrail_suppressions";

/** One resource or data source of a synthesized stack. */
export interface ResourceJson {
  readonly kind: "resource" | "data";
  /** Terraform type, `aws_instance`. */
  readonly type: string;
  /** Logical name in the stack, `Target_Instance_8C3F1B2A`. */
  readonly name: string;
  /** Terraform address, `aws_instance.Target_Instance_8C3F1B2A` (`data.` first for data sources). */
  readonly address: string;
  /** Construct path, `private-access/Target/Instance`: where a finding is reported. */
  readonly path: string;
  /** The arguments, `//` metadata removed. */
  readonly config: JsonObject;
  /** Rule id -> reason, from `suppressGuardrail` (kept under `//` in the JSON, which Terraform ignores). */
  readonly suppressions: Readonly<Record<string, string>>;
}

/** Read-only access to one synthesized stack: what the guardrail rules, the proofs and the tests read. */
export interface StackView {
  /** Stack id, `private-access`. */
  readonly stackName: string;
  /** The stack as written. */
  readonly json: TfJson;
  /** Every resource of these types (all resources when no type is given). */
  resources(...types: string[]): readonly ResourceJson[];
  /** Every data source of these types (all data sources when no type is given). */
  dataSources(...types: string[]): readonly ResourceJson[];
  /**
   * The one resource (or data source) of `type` called `name`, or whose name is `name` followed by
   * cdktf's `_<hash>` (`Network_S3GatewayEndpoint` finds `Network_S3GatewayEndpoint_013AB672`).
   * @throws naming the match count and the names that exist.
   */
  named(type: string, name: string, kind?: ResourceJson["kind"]): ResourceJson;
  /**
   * Resources of `type` whose `attribute` points at `target`: a Terraform reference to it
   * (`${aws_s3_bucket.Logs_Bucket_1A2B.id}`) or, for named resources, the same literal name.
   */
  referencing(target: ResourceJson, type: string, attribute: string): readonly ResourceJson[];
  /** The AWS provider block of a provider reference (`aws`, `aws.data`), or undefined. */
  provider(reference?: string): Readonly<Record<string, unknown>> | undefined;
  /** The provider reference that creates `resource`: its `provider` argument, else the default `aws`. */
  providerOf(resource: Pick<ResourceJson, "config">): string;
  /**
   * The `default_tags` of the provider that creates `resource`: AWS receives them with the resource's
   * own tags.
   */
  defaultTags(resource: ResourceJson): Readonly<Record<string, Json>>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `value` (any JSON) contains a Terraform reference to an attribute of `target`. */
export function refersTo(
  value: unknown,
  target: Pick<ResourceJson, "type" | "name"> & { kind?: ResourceJson["kind"] },
): boolean {
  // `${aws_s3_bucket.Logs_Bucket_1A2B.id}`, also inside functions: `${element(aws_vpc.Main.id, 0)}`.
  const address = `${target.kind === "data" ? "data." : ""}${target.type}.${target.name}`;
  const reference = new RegExp(`(?<![\\w.])${escapeRegExp(address)}\\.`);
  const visit = (v: unknown): boolean =>
    typeof v === "string"
      ? v.includes("${") && reference.test(v)
      : Array.isArray(v)
        ? v.some(visit)
        : isObject(v)
          ? Object.values(v).some(visit)
          : false;
  return visit(value);
}

/** Arguments that hold a resource's own literal name, which other resources may use instead of a reference. */
const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "bucket",
  aws_iam_user: "name",
  aws_iam_role: "name",
  aws_iam_group: "name",
};

function toResource(kind: ResourceJson["kind"], type: string, name: string, raw: unknown): ResourceJson {
  const { "//": meta, ...config } = (isObject(raw) ? raw : {}) as JsonObject;
  const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : {};
  const recorded = isObject(meta) && isObject(meta[SUPPRESSIONS_KEY]) ? meta[SUPPRESSIONS_KEY] : {};
  const suppressions: Record<string, string> = {};
  for (const [ruleId, reason] of Object.entries(recorded))
    if (typeof reason === "string") suppressions[ruleId] = reason;
  const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
  return {
    kind,
    type,
    name,
    address,
    path: typeof metadata.path === "string" ? metadata.path : address,
    config,
    suppressions,
  };
}

function collect(kind: ResourceJson["kind"], section: unknown): Map<string, ResourceJson[]> {
  const byType = new Map<string, ResourceJson[]>();
  for (const [type, byName] of Object.entries(isObject(section) ? section : {})) {
    byType.set(
      type,
      Object.entries(isObject(byName) ? byName : {}).map(([name, raw]) => toResource(kind, type, name, raw)),
    );
  }
  return byType;
}

const select = (byType: Map<string, ResourceJson[]>, types: string[]) =>
  types.length === 0 ? [...byType.values()].flat() : types.flatMap((t) => byType.get(t) ?? []);

/** A StackView over a synthesized stack. */
export function stackView(stackName: string, json: TfJson): StackView {
  const resources = collect("resource", json.resource);
  const data = collect("data", json.data);
  const providers =
    isObject(json.provider) && Array.isArray(json.provider.aws) ? json.provider.aws.filter(isObject) : [];

  const view: StackView = {
    stackName,
    json,
    resources: (...types) => select(resources, types),
    dataSources: (...types) => select(data, types),
    named(type, name, kind = "resource") {
      const all = (kind === "data" ? data : resources).get(type) ?? [];
      const exact = all.find((r) => r.name === name);
      if (exact) return exact;
      const matches = all.filter((r) => r.name.startsWith(`${name}_`));
      if (matches.length === 1) return matches[0];
      const known = all.map((r) => r.name).join(", ") || "none";
      throw new Error(
        `${kind === "data" ? "data." : ""}${type}.${name} matches ${matches.length} ${kind}s (${type} names: ${known})`,
      );
    },
    referencing(target, type, attribute) {
      const nameAttribute = NAME_ATTRIBUTES[target.type];
      const literalName = nameAttribute ? target.config[nameAttribute] : undefined;
      return (resources.get(type) ?? []).filter((candidate) => {
        const value = candidate.config[attribute];
        if (refersTo(value, target)) return true;
        // A literal name matches only a literal name: `${...}` values are references, handled above.
        if (typeof literalName !== "string" || literalName.includes("${")) return false;
        return strings(value).includes(literalName);
      });
    },
    provider(reference = "aws") {
      const alias = reference.includes(".") ? reference.split(".")[1] : undefined;
      return providers.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
    },
    providerOf: (resource) => (typeof resource.config.provider === "string" ? resource.config.provider : "aws"),
    defaultTags(resource) {
      const tags: JsonObject = {};
      for (const block of blocks(view.provider(view.providerOf(resource))?.default_tags)) {
        if (isObject(block.tags)) Object.assign(tags, block.tags);
      }
      return tags;
    },
  };
  return view;
}
