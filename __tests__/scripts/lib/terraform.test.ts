import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TfJson } from "../../../lib/tfjson";
import {
  REATTACH_ENV,
  remoteStateOutputs,
  sharesProviderServer,
  startProviderServer,
} from "../../../scripts/lib/terraform";

/** A producer shaped like cdktf's cross-stack outputs: one resource attribute each, one resource on an aliased provider. */
const producer = {
  provider: {
    aws: [
      { region: "eu-west-1", allowed_account_ids: ["111111111111"] },
      { alias: "identityCenter", region: "eu-west-1", allowed_account_ids: ["222222222222"] },
    ],
  },
  resource: {
    aws_kms_key: { SessionKey: {}, CenterKey: { provider: "aws.identityCenter" } },
    aws_cloudwatch_log_group: { SessionLogs: {} },
    aws_s3_bucket: { SessionBucket: {} },
    aws_instance: { Target: {} },
    aws_ssoadmin_permission_set: { Set: { provider: "aws.identityCenter" } },
  },
  output: {
    "cross-stack-output-key-arn": { value: "${aws_kms_key.SessionKey.arn}" },
    "cross-stack-output-group-arn": { value: "${aws_cloudwatch_log_group.SessionLogs.arn}" },
    "cross-stack-output-group-name": { value: "${aws_cloudwatch_log_group.SessionLogs.name}" },
    "cross-stack-output-bucket-arn": { value: "${aws_s3_bucket.SessionBucket.arn}" },
    "cross-stack-output-instance-id": { value: "${aws_instance.Target.id}" },
    "cross-stack-output-center-key-arn": { value: "${aws_kms_key.CenterKey.arn}" },
    "cross-stack-output-set-arn": { value: "${aws_ssoadmin_permission_set.Set.arn}" },
    "cross-stack-output-prefix": { value: "sessions/${aws_instance.Target.id}" },
  },
} as unknown as TfJson;

const read = (output: string) =>
  `\${data.terraform_remote_state.cross-stack-reference-input-session-preferences.outputs.${output}}`;
const reader = {
  data: { terraform_remote_state: { "cross-stack-reference-input-session-preferences": {} } },
  resource: {
    aws_iam_role_policy: {
      P: {
        policy: Object.keys(producer.output ?? {})
          .map(read)
          .join(","),
      },
    },
  },
} as unknown as TfJson;

describe("remoteStateOutputs", () => {
  test("answers each output a stack reads with a value shaped as the producer's attribute, in its account", () => {
    expect(remoteStateOutputs(reader, { "session-preferences": producer })).toEqual({
      "cross-stack-reference-input-session-preferences": {
        "cross-stack-output-key-arn": "arn:aws:kms:eu-west-1:111111111111:key/0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "cross-stack-output-group-arn": "arn:aws:logs:eu-west-1:111111111111:log-group:mock-log-group",
        "cross-stack-output-group-name": "mock-log-group",
        "cross-stack-output-bucket-arn": "arn:aws:s3:::mock-bucket",
        "cross-stack-output-instance-id": "i-0123456789abcdef0",
        // The resource's own (aliased) provider decides the account.
        "cross-stack-output-center-key-arn":
          "arn:aws:kms:eu-west-1:222222222222:key/0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "cross-stack-output-set-arn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
        // Not one attribute: a plain placeholder.
        "cross-stack-output-prefix": "mock-cross-stack-output-prefix",
      },
    });
  });

  test("without the producer, every output is a placeholder", () => {
    const outputs = remoteStateOutputs(reader)["cross-stack-reference-input-session-preferences"];
    expect(Object.values(outputs).every((v) => v.startsWith("mock-"))).toBe(true);
  });
});

describe("sharesProviderServer", () => {
  const block = { region: "eu-west-1", access_key: "offline-mode-no-credentials", skip_requesting_account_id: true };
  const identityCenter = { ...block, alias: "identity_center", region: "us-east-1" };
  const onDefault = { aws_iam_role: { Role: {} } };
  const onIdentityCenter = { aws_ssoadmin_permission_set: { Set: { provider: "aws.identity_center" } } };
  const remoteState = { terraform_remote_state: { Read: {} } };
  test.each([
    ["one provider block", [block], { resource: onDefault }, true],
    [
      "one configuration under two aliases, both used (cross-account-s3 offline)",
      [block, { ...block, alias: "data" }],
      { resource: { ...onDefault, aws_s3_bucket: { Bucket: { provider: "aws.data" } } } },
      true,
    ],
    [
      "an alias in another Region beside a used default",
      [block, identityCenter],
      { resource: { ...onDefault, ...onIdentityCenter } },
      false,
    ],
    [
      "an alias in another Region used only by a data source",
      [block, identityCenter],
      { resource: onDefault, data: { aws_ssoadmin_instances: { I: { provider: "aws.identity_center" } } } },
      false,
    ],
    [
      "an alias in another Region, the default used by nothing but remote state (ssm-* with Identity Center)",
      [block, identityCenter],
      { resource: onIdentityCenter, data: remoteState },
      true,
    ],
    [
      "an alias with other default tags",
      [block, { ...block, alias: "data", default_tags: [{ tags: { A: "b" } }] }],
      { resource: { ...onDefault, aws_s3_bucket: { Bucket: { provider: "aws.data" } } } },
      false,
    ],
  ])("%s: %s", (_what, aws, uses, shares) => {
    expect(sharesProviderServer({ provider: { aws }, ...uses } as unknown as TfJson)).toBe(shares);
  });
});

describe("startProviderServer", () => {
  const root = mkdtempSync(path.join(tmpdir(), "guardrails-provider-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  /** A stand-in provider binary: prints what `terraform-provider-aws -debug` prints, or fails. */
  const fakeProvider = (name: string, body: string) => {
    const file = path.join(root, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const reattach =
    '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5,"Pid":1,"Test":true}}';

  test("returns the reattach value the provider prints, and an environment that attaches to it, without a stale one", async () => {
    const binary = fakeProvider(
      "serving",
      [
        "cat <<'OUT'",
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:",
        "",
        `\tTF_REATTACH_PROVIDERS='${reattach}'`,
        "OUT",
        "exec sleep 60",
      ].join("\n"),
    );
    const server = await startProviderServer(binary, { PATH: process.env.PATH, [REATTACH_ENV]: "stale" });
    try {
      expect(server.reattach).toBe(reattach);
      expect(server.env[REATTACH_ENV]).toBe(reattach);
      expect(server.env.PATH).toBe(process.env.PATH);
    } finally {
      server.stop();
    }
  });

  test("fails with the provider's words when it exits before printing the reattach value", async () => {
    const binary = fakeProvider("failing", 'echo "flag provided but not defined: -debug" >&2; exit 2');
    await expect(startProviderServer(binary, { PATH: process.env.PATH })).rejects.toThrow(
      /exited \(2\) before printing TF_REATTACH_PROVIDERS:\nflag provided but not defined: -debug/,
    );
  });
});
