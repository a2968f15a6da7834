import { z } from "zod";
import { isObject } from "../tfjson/json";
import { bucketName, doc, pattern, regionId, ROLE_ARN, satisfying } from "./fields";

/** `state`: where every stack keeps its Terraform state. */

/**
 * Stack ids are at most this long (`session-preferences`); a test holds every stack id to it. State keys
 * and HCP Terraform workspace names append the stack id to a configured prefix, so the prefixes'
 * limits leave this much room.
 */
export const STACK_ID_MAX_LENGTH = 19;
export const STATE_BACKENDS = ["local", "s3", "cloud"] as const;
export type StateBackend = (typeof STATE_BACKENDS)[number];
/** Where `state.keyPrefix` puts the stacks' state objects unless told otherwise. */
export const DEFAULT_STATE_KEY_PREFIX = "ec2-access-guardrails/";
/** HCP Terraform; Terraform Enterprise users name their own host. */
export const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";
// HCP Terraform workspace names: letters, digits, - and _, at most 90 characters
// (developer.hashicorp.com/terraform/cloud-docs/workspaces/create: "Workspace names ... can only include
// letters, numbers, -, and _" and "must be 90 characters or less"); organization names use the same set.
const CLOUD_WORKSPACE_MAX = 90;
const CLOUD_NAME = /^[A-Za-z0-9_-]*$/;
// Key prefixes: path segments of S3's safe characters, each ending in "/". The S3 backend refuses a key
// that starts or ends with "/" or contains "//" (developer.hashicorp.com/terraform/language/backend/s3,
// `key`), and "." / ".." segments name no folder anyone means.
const KEY_PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;
const KEY_PREFIX_MAX = 512;
// A KMS key or alias, by ARN: the key must be in the bucket's Region for SSE-KMS (stateRegionIssues).
const KMS_KEY_ARN =
  /^arn:aws:kms:([a-z]{2}-[a-z]+-\d):(\d{12}):(key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]{1,250})$/;
const HOSTNAME =
  /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?$/;

/**
 * SSE-KMS takes a key in the bucket's own Region (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * UsingKMSEncryption.html: "the KMS key must be in the same Region as the bucket"): another Region's key
 * fails the first state write, long after synthesis.
 */
export function stateRegionIssues(
  config: { region: unknown; state: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const { state } = config;
  if (state.backend !== "s3" || typeof state.kmsKeyId !== "string") return;
  const keyRegion = KMS_KEY_ARN.exec(state.kmsKeyId)?.[1];
  const bucketRegion = typeof state.region === "string" ? state.region : config.region;
  if (keyRegion === undefined || typeof bucketRegion !== "string" || keyRegion === bucketRegion) return;
  ctx.addIssue({
    code: "custom",
    path: ["state", "kmsKeyId"],
    input: state.kmsKeyId,
    message: `use a key in ${bucketRegion}, the state bucket's region (${typeof state.region === "string" ? "state.region" : "region"}): S3 encrypts only with a KMS key of the bucket's own region`,
  });
}

const keyPrefix = satisfying(
  (prefix) =>
    prefix.length <= KEY_PREFIX_MAX &&
    KEY_PREFIX.test(prefix) &&
    prefix.split("/").every((segment) => segment !== "." && segment !== ".."),
  `use "" or path segments of letters, digits and ! _ . * ' ( ) - each ending in "/", such as ${DEFAULT_STATE_KEY_PREFIX} (no leading "/", no "//", no "." or ".." segment, at most ${KEY_PREFIX_MAX} characters)`,
);
const cloudName = (what: string, max: number) =>
  pattern(CLOUD_NAME, `use ${what} of letters, digits, - and _`)
    .min(1, { error: `use ${what} of at least one character` })
    .max(max, { error: `use ${what} of at most ${max} characters` });

/**
 * Where every stack keeps its state: one key (s3) or one workspace (cloud) per stack. A stack reading
 * another's outputs reads the same backend at the source stack's key or workspace (cdktf copies the
 * source stack's backend settings into the reader's `terraform_remote_state`).
 */
export const stateSchema = z.discriminatedUnion(
  "backend",
  [
    z.strictObject(
      {
        backend: doc(z.literal("local"), {
          description: "`local` (default): a state file per stack beside `cdktf.out` (`terraform.<stack-id>.tfstate`)",
        }),
      },
      { error: "use an object" },
    ),
    z.strictObject(
      {
        backend: doc(z.literal("s3"), {
          description:
            "`s3`: one object per stack in a shared bucket, always encrypted, locked by Terraform's S3 lock file (`use_lockfile`, no DynamoDB table)",
        }),
        bucket: doc(bucketName, { description: "the existing state bucket (enable versioning on it)" }),
        region: doc(regionId().optional(), {
          description: "the state bucket's region",
          unset: "the configuration's `region`",
        }),
        keyPrefix: doc(keyPrefix.default(DEFAULT_STATE_KEY_PREFIX), {
          description:
            'prepended to `<stack-id>.tfstate` to name each stack\'s state object: `""` or segments ending in `/`',
        }),
        kmsKeyId: doc(
          pattern(
            KMS_KEY_ARN,
            "use a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (…:alias/<name>)",
          ).optional(),
          {
            description: "a KMS key (ARN or alias ARN) in the bucket's region to encrypt the state with",
            unset: "S3-managed encryption (SSE-S3)",
          },
        ),
        roleArn: doc(
          pattern(ROLE_ARN, "use an IAM role ARN such as arn:aws:iam::123456789012:role/TerraformState").optional(),
          {
            description: "a role Terraform assumes to read and write the state (`assume_role.role_arn`)",
            unset: "none: the credentials Terraform runs with",
          },
        ),
      },
      { error: "use an object" },
    ),
    z.strictObject(
      {
        backend: doc(z.literal("cloud"), {
          description: "`cloud`: HCP Terraform or Terraform Enterprise, one workspace per stack",
        }),
        organization: doc(cloudName("an organization name", CLOUD_WORKSPACE_MAX), {
          description: "the HCP Terraform / Terraform Enterprise organization",
        }),
        workspacePrefix: doc(cloudName("a workspace name prefix", CLOUD_WORKSPACE_MAX - STACK_ID_MAX_LENGTH), {
          description: `prepended to the stack id to name each stack's workspace (\`<prefix><stack-id>\`, at most ${CLOUD_WORKSPACE_MAX} characters in all)`,
        }),
        hostname: doc(
          pattern(HOSTNAME, "use a host name such as app.terraform.io or tfe.example.com (optionally :port)").default(
            DEFAULT_CLOUD_HOSTNAME,
          ),
          { description: "the HCP Terraform or Terraform Enterprise host" },
        ),
      },
      { error: "use an object" },
    ),
  ],
  {
    // Also the message for a non-object `state`: the discriminator is the first thing it needs.
    error: (issue) =>
      isObject(issue.input)
        ? `use one of ${STATE_BACKENDS.join(", ")}`
        : `use an object whose backend is one of ${STATE_BACKENDS.join(", ")}`,
  },
);
