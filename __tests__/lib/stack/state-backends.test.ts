/**
 * `state`: every stack keeps its state in the configured backend, one key or workspace per stack, and
 * every cross-stack read reads the same backend at its source stack's key or workspace. The default
 * (`local`) is covered by __tests__/state-paths.test.ts; the Terraform checks (validate, mocked apply,
 * the throwaway backend of the offline plan) are in __tests__/terraform/.
 */
import { parseConfig, STACK_ID_MAX_LENGTH } from "../../../lib/config";
import { cloudWorkspaceName, s3StateKey } from "../../../lib/constructs/backend";
import { configWithStateOf, defaultConfig, STATE_EXAMPLES, synthApp, synthCached, type TfJson } from "../../helpers";

const local = synthCached();
const s3 = synthApp({ config: configWithStateOf(STATE_EXAMPLES.s3) });
const cloud = synthApp({ config: configWithStateOf(STATE_EXAMPLES.cloud) });
const stackIds = Object.keys(local.stacks).sort();

type Json = Record<string, unknown>;
const terraformBlock = (stack: TfJson) => (stack.terraform ?? {}) as Json;
const remoteReads = (stack: TfJson) => (stack.data?.terraform_remote_state ?? {}) as Record<string, Json>;
/**
 * A stack without its backend, its cross-stack reads and cdktf's metadata (which names the backend):
 * what no backend setting may change.
 */
function withoutState(stack: TfJson): Json {
  const copy = JSON.parse(JSON.stringify(stack)) as Json & { terraform: Json; data?: Json };
  delete copy["//"];
  delete copy.terraform.backend;
  delete copy.terraform.cloud;
  if (copy.data) {
    delete copy.data.terraform_remote_state;
    if (Object.keys(copy.data).length === 0) delete copy.data;
  }
  return copy;
}
/** The state bucket of the s3 example, which every instance role denies (protectedBucketDenies). */
const STATE_BUCKET_ARNS = [
  "arn:aws:s3:::acme-terraform-state-444444444444",
  "arn:aws:s3:::acme-terraform-state-444444444444/*",
];
/** The instance roles' S3 policies (`*_S3Access`) of a stack, parsed, by resource name. */
const s3AccessPolicies = (stack: TfJson) =>
  Object.entries((stack.resource?.aws_iam_role_policy ?? {}) as Record<string, Json>)
    .filter(([name]) => /_S3Access_/.test(name))
    .map(([name, r]) => [name, JSON.parse(r.policy as string) as { Statement: Json[] }] as const);
/**
 * The stack with the state bucket's ARNs taken out of its instance roles' deny: the one resource change
 * an S3 backend makes, since no instance role may reach the state (tested below).
 */
function withoutStateBucketDeny(stack: TfJson): TfJson {
  const copy = JSON.parse(JSON.stringify(stack)) as TfJson;
  for (const [name, doc] of s3AccessPolicies(copy)) {
    for (const statement of doc.Statement) {
      if (statement.Sid !== "DenyTrailAndStateBuckets") continue;
      statement.Resource = (statement.Resource as string[]).filter((arn) => !STATE_BUCKET_ARNS.includes(arn));
    }
    (copy.resource!.aws_iam_role_policy as Record<string, Json>)[name].policy = JSON.stringify(doc);
  }
  return copy;
}
/** Every read of another stack's state: reader, source stack id, the data source. */
const reads = (stacks: Record<string, TfJson>) =>
  Object.entries(stacks).flatMap(([reader, stack]) =>
    Object.entries(remoteReads(stack)).map(
      ([name, data]) => [reader, name.replace(/^cross-stack-reference-input-/, ""), data] as const,
    ),
  );

describe("state backends", () => {
  test("every stack id fits the room the key and workspace prefixes leave (STACK_ID_MAX_LENGTH)", () => {
    expect(stackIds.filter((id) => id.length > STACK_ID_MAX_LENGTH)).toEqual([]);
  });

  test("both examples synthesize every stack, and ssm-instance-arn reads private-access (the case checked here)", () => {
    for (const synth of [s3, cloud]) {
      expect(Object.keys(synth.stacks).sort()).toEqual(stackIds);
      expect(reads(synth.stacks).map(([reader, source]) => [reader, source])).toContainEqual([
        "ssm-instance-arn",
        "private-access",
      ]);
    }
  });

  test.each(stackIds)(
    "%s: the backend changes only the backend, the cross-stack reads and (s3) the instance roles' deny of the state bucket",
    (id) => {
      expect(withoutState(withoutStateBucketDeny(s3.stacks[id]))).toEqual(withoutState(local.stacks[id]));
      expect(withoutState(cloud.stacks[id])).toEqual(withoutState(local.stacks[id]));
    },
  );

  test("with s3, every instance role denies the state bucket, so no session user reads or rewrites a stack's state", () => {
    const denied = Object.entries(s3.stacks).flatMap(([id, stack]) =>
      s3AccessPolicies(stack).map(([, doc]) => [
        id,
        doc.Statement.find((st) => st.Sid === "DenyTrailAndStateBuckets")?.Resource,
      ]),
    );
    expect(denied.map(([id]) => id).sort()).toEqual(["cross-account-s3", "private-access"]);
    for (const [, resources] of denied) expect(resources).toEqual(expect.arrayContaining(STATE_BUCKET_ARNS));
  });

  describe("s3", () => {
    const shared = {
      bucket: "acme-terraform-state-444444444444",
      region: "eu-central-1",
      encrypt: true,
      kms_key_id: "arn:aws:kms:eu-central-1:444444444444:alias/terraform-state",
      assume_role: { role_arn: "arn:aws:iam::444444444444:role/TerraformState" },
    };

    test.each(stackIds)("%s keeps its state encrypted at its own key, locked by the S3 lock file", (id) => {
      // Exactly these arguments: no DynamoDB lock table, no deprecated top-level role_arn.
      expect(terraformBlock(s3.stacks[id]).backend).toEqual({
        s3: { ...shared, key: `platform/ec2-access-guardrails/${id}.tfstate`, use_lockfile: true },
      });
    });

    test("no two stacks share a key", () => {
      const keys = stackIds.map((id) => (terraformBlock(s3.stacks[id]).backend as { s3: { key: string } }).s3.key);
      expect(new Set(keys).size).toBe(stackIds.length);
    });

    test.each(reads(s3.stacks))(
      "%s reads %s from the same bucket, region, encryption and role, at the source stack's key",
      (_reader, source, data) => {
        const sourceBackend = (terraformBlock(s3.stacks[source]).backend as { s3: Json }).s3;
        expect(data.backend).toBe("s3");
        expect(data.config).toEqual({ ...shared, key: s3StateKey("platform/ec2-access-guardrails/", source) });
        // The reader's key is the source's: the same object the source stack writes.
        expect((data.config as Json).key).toBe(sourceBackend.key);
      },
    );

    test("the region defaults to the configuration's, and no KMS key or role means none is sent", () => {
      // ssm-instance-arn and the stacks it reads from (private-access, session-preferences) are enough.
      const minimal = synthCached(
        { config: parseConfig({ ...defaultConfig(), state: { backend: "s3", bucket: "team-state", keyPrefix: "" } }) },
        ["ssm-instance-arn"],
      );
      expect(terraformBlock(minimal.stacks["private-access"]).backend).toEqual({
        s3: {
          bucket: "team-state",
          key: "private-access.tfstate",
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
      const read = (key: string) => ({
        backend: "s3",
        config: { bucket: "team-state", key, region: "eu-west-1", encrypt: true },
        workspace: "${terraform.workspace}",
      });
      expect(remoteReads(minimal.stacks["ssm-instance-arn"])).toEqual({
        "cross-stack-reference-input-private-access": read("private-access.tfstate"),
        "cross-stack-reference-input-session-preferences": read("session-preferences.tfstate"),
      });
    });
  });

  describe("cloud", () => {
    test.each(stackIds)("%s keeps its state in its own workspace, and has no backend block", (id) => {
      expect(terraformBlock(cloud.stacks[id]).cloud).toEqual({
        organization: "acme",
        hostname: "app.terraform.io",
        workspaces: { name: cloudWorkspaceName("ec2-access-guardrails-", id) },
      });
      expect(terraformBlock(cloud.stacks[id]).backend).toBeUndefined();
    });

    test("no two stacks share a workspace", () => {
      const names = stackIds.map((id) => JSON.stringify(terraformBlock(cloud.stacks[id]).cloud));
      expect(new Set(names).size).toBe(stackIds.length);
    });

    test.each(reads(cloud.stacks))(
      "%s reads %s from the same organization and host, in the source stack's workspace",
      (_reader, source, data) => {
        expect(data).toEqual({
          backend: "remote",
          config: {
            organization: "acme",
            hostname: "app.terraform.io",
            workspaces: { name: `ec2-access-guardrails-${source}` },
          },
        });
      },
    );
  });
});
