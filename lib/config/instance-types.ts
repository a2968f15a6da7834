/**
 * What an EC2 instance type name says about the image and launch arguments it accepts, read from the
 * name alone so that validation and synthesis need no AWS call (offline mode makes none).
 */

export type Architecture = "x86_64" | "arm64";

/**
 * Where AL2023 publishes its current AMI id, per architecture: the x86_64 image does not boot on
 * Graviton types and RunInstances refuses the pair.
 * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html (public SSM parameters of AL2023)
 */
export const AL2023_AMI_PARAMETERS: Readonly<Record<Architecture, string>> = {
  x86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
  arm64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
};

/** `m7gd` of `m7gd.large` split as series `m`, generation `7`, attributes `gd`; `null` for other shapes. */
function familyParts(type: string): { series: string; attributes: string } | null {
  const family = type.split(".")[0];
  // The suffix after a hyphen (`-flex`, `-6tb1`) names a variant, never the processor.
  const m = /^([a-z]+)(\d+)([a-z]*)(-[a-z0-9-]+)?$/.exec(family);
  return m ? { series: m[1], attributes: m[3] } : null;
}

/**
 * The processor architecture of an instance type. AWS names Graviton types with a `g` among the
 * attribute letters after the generation digit (t4g, m7g, c7gn, m6gd, x2gd, im4gn, is4gen, g5g, hpc7g);
 * `a1` is the first-generation Graviton. A `g` before the digit is the series (g4dn, g5 and gr6 are GPU
 * types on x86_64). https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
export function instanceArchitecture(type: string): Architecture {
  const family = type.split(".")[0];
  if (family === "a1") return "arm64";
  const parts = familyParts(type);
  return parts !== null && parts.attributes.includes("g") ? "arm64" : "x86_64";
}

/**
 * Mac instances run macOS on a Dedicated Host only; neither Amazon Linux nor the shared tenancy this
 * project launches with can use them. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-mac-instances.html
 */
export function isMacType(type: string): boolean {
  return /^mac\d/.test(type);
}

/**
 * Previous-generation families that are not EBS-optimized by default. Current-generation types are
 * EBS-optimized by default and accept `ebs_optimized = true`.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ebs-optimized.html#previous
 */
const FAMILIES_NOT_OPTIMIZED_BY_DEFAULT = new Set([
  "c1",
  "c3",
  "cc1",
  "cc2",
  "cg1",
  "cr1",
  "g2",
  "hi1",
  "hs1",
  "i2",
  "m1",
  "m2",
  "m3",
  "r3",
  "t1",
  "t2",
]);

/** The types of those families where EBS optimization can be switched on (same AWS page, "previous"). */
const OPTIONALLY_OPTIMIZED_TYPES = new Set([
  "c1.xlarge",
  "c3.xlarge",
  "c3.2xlarge",
  "c3.4xlarge",
  "g2.2xlarge",
  "i2.xlarge",
  "i2.2xlarge",
  "i2.4xlarge",
  "m1.large",
  "m1.xlarge",
  "m2.2xlarge",
  "m2.4xlarge",
  "m3.xlarge",
  "m3.2xlarge",
  "r3.xlarge",
  "r3.2xlarge",
  "r3.4xlarge",
]);

/**
 * Whether RunInstances accepts `EbsOptimized = true` for this type: false for t2, t1 and the sizes of
 * older families without EBS optimization (the API refuses the launch), true otherwise.
 */
export function supportsEbsOptimization(type: string): boolean {
  const family = type.split(".")[0];
  return !FAMILIES_NOT_OPTIMIZED_BY_DEFAULT.has(family) || OPTIONALLY_OPTIMIZED_TYPES.has(type);
}

/**
 * The architecture an SSM parameter path names, when it names one: AL2023 says `x86_64`/`arm64`,
 * Ubuntu's `amd64`/`arm64`, others `aarch64`. `undefined` when the path does not tell.
 */
export function parameterArchitecture(parameter: string): Architecture | undefined {
  const x86 = /(^|[^a-z0-9])(x86_64|x86-64|amd64)([^a-z0-9]|$)/i.test(parameter);
  const arm = /(^|[^a-z0-9])(arm64|aarch64)([^a-z0-9]|$)/i.test(parameter);
  if (x86 === arm) return undefined;
  return x86 ? "x86_64" : "arm64";
}

/**
 * The SSM parameter the AMI id is read from: the configured one, or else the AL2023 parameter of the
 * type's architecture. The one place the default is resolved.
 */
export function amiParameterFor(instance: { readonly type: string; readonly amiSsmParameter?: string }): string {
  return instance.amiSsmParameter ?? AL2023_AMI_PARAMETERS[instanceArchitecture(instance.type)];
}
