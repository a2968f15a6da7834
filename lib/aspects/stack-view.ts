import { blocks, isObject, type JsonObject, type ResourceJson, type StackView } from "./rule";

/** Key under a resource's `//` metadata where `suppressGuardrail` records rule id -> reason. */
export const SUPPRESSIONS_KEY = "guardrail_suppressions";

/** The synthesized stack as `cdk.tf.json` holds it (only the parts the guardrails read). */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly provider?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `value` (any JSON) contains a Terraform reference to an attribute of `target`. */
export function refersTo(value: unknown, target: Pick<ResourceJson, "type" | "name">): boolean {
  // `${aws_s3_bucket.Logs_Bucket_1A2B.id}`, also inside functions: `${element(aws_vpc.Main.id, 0)}`.
  const reference = new RegExp(`(?<![\\w.])${escapeRegExp(`${target.type}.${target.name}`)}\\.`);
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

function toResource(type: string, name: string, raw: unknown): ResourceJson {
  const { "//": meta, ...config } = (isObject(raw) ? raw : {}) as JsonObject;
  const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : {};
  const recorded = isObject(meta) && isObject(meta[SUPPRESSIONS_KEY]) ? meta[SUPPRESSIONS_KEY] : {};
  const suppressions: Record<string, string> = {};
  for (const [ruleId, reason] of Object.entries(recorded)) if (typeof reason === "string") suppressions[ruleId] = reason;
  return {
    type,
    name,
    address: `${type}.${name}`,
    path: typeof metadata.path === "string" ? metadata.path : `${type}.${name}`,
    config,
    suppressions,
  };
}

/** Provider reference (`aws`, `aws.data`) -> the tags of its `default_tags` block. */
function defaultTagsByProvider(stack: SynthesizedStack): Map<string, JsonObject> {
  const byProvider = new Map<string, JsonObject>();
  const providers = isObject(stack.provider) ? stack.provider : {};
  for (const config of Array.isArray(providers.aws) ? providers.aws : []) {
    if (!isObject(config)) continue;
    const tags: JsonObject = {};
    for (const block of blocks(config.default_tags)) if (isObject(block.tags)) Object.assign(tags, block.tags);
    byProvider.set(typeof config.alias === "string" ? `aws.${config.alias}` : "aws", tags);
  }
  return byProvider;
}

/** A StackView over a synthesized stack. */
export function stackView(stackName: string, stack: SynthesizedStack): StackView {
  const all: ResourceJson[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, raw] of Object.entries(byName ?? {})) all.push(toResource(type, name, raw));
  }
  const byType = new Map<string, ResourceJson[]>();
  for (const r of all) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);

  const defaultTags = defaultTagsByProvider(stack);

  return {
    stackName,
    defaultTags: (resource) =>
      defaultTags.get(typeof resource.config.provider === "string" ? resource.config.provider : "aws") ?? {},
    resources: (...types) => (types.length === 0 ? all : types.flatMap((t) => byType.get(t) ?? [])),
    referencing(target, type, attribute) {
      const nameAttribute = NAME_ATTRIBUTES[target.type];
      const literalName = nameAttribute ? target.config[nameAttribute] : undefined;
      return (byType.get(type) ?? []).filter((candidate) => {
        const value = candidate.config[attribute];
        if (refersTo(value, target)) return true;
        // A literal name matches only a literal name: `${...}` values are references, handled above.
        if (typeof literalName !== "string" || literalName.includes("${")) return false;
        return (Array.isArray(value) ? value : [value]).includes(literalName);
      });
    },
  };
}
