import type { TfJson } from "../../../lib/tfjson";
import { remoteStateOutputs } from "../../../scripts/lib/terraform";

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
