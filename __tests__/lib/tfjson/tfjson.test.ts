import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Fn, TerraformStack } from "cdktf";
import { suppressGuardrail } from "../../../lib/aspects/suppressions";
import { policy, toPolicyJson } from "../../../lib/policies/document";
import {
  asList,
  blocks,
  parsePolicy,
  parsePolicyText,
  policyDocuments,
  refersTo,
  stackPolicies,
  stackView,
  statement,
  statementActions,
  statementResources,
  statementsOf,
  strings,
  synthesize,
  type TfJson,
} from "../../../lib/tfjson";

/** A small stack written the ways a policy can reach cdk.tf.json, synthesized and read back from the file. */
function fixture(): TfJson {
  return synthesize((app) => build(new TerraformStack(app, "fixture"))).stacks.fixture;
}

function build(stack: TerraformStack): void {
  new AwsProvider(stack, "Aws", { region: "eu-west-1", defaultTags: [{ tags: { Project: "demo" } }] });
  new AwsProvider(stack, "DataAws", { alias: "data", region: "eu-west-1", allowedAccountIds: ["333333333333"] });
  const bucket = new S3Bucket(stack, "Logs", { bucket: "logs-bucket" });
  suppressGuardrail(bucket, "S3_VERSIONING_ENABLED", "Scratch bucket for this test only.");
  new S3BucketPolicy(stack, "LogsPolicy", {
    bucket: bucket.id,
    policy: toPolicyJson(
      policy({ Sid: "Own", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/${aws:username}/*" }),
    ),
  });
  const trust = new DataAwsIamPolicyDocument(stack, "Trust", {
    statement: [
      {
        sid: "Ec2",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }],
      },
    ],
  });
  new IamRole(stack, "Role", { name: "role", assumeRolePolicy: trust.json });
  new IamPolicy(stack, "Encoded", {
    name: "encoded",
    policy: Fn.jsonencode({
      Version: "2012-10-17",
      Statement: [{ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
    }),
  });
}

describe("list coercion", () => {
  test.each([
    [undefined, []],
    [null, []],
    ["a", ["a"]],
    [
      ["a", 1, "b"],
      ["a", "b"],
    ],
  ])("strings(%j) is %j", (value: unknown, expected: string[]) => {
    expect(strings(value)).toEqual(expected);
  });

  test("blocks reads one block written as an object and repeated blocks written as a list alike", () => {
    expect(blocks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(blocks([{ a: 1 }, "x", { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(asList(undefined)).toEqual([]);
  });
});

describe("stack view", () => {
  const json = fixture();
  const view = stackView("fixture", json);

  test("gives each resource its address, construct path and suppressions, metadata removed from its arguments", () => {
    const [bucket] = view.resources("aws_s3_bucket");
    expect(bucket).toMatchObject({
      kind: "resource",
      type: "aws_s3_bucket",
      name: "Logs",
      address: "aws_s3_bucket.Logs",
      path: "fixture/Logs",
    });
    expect(bucket.suppressions).toEqual({ S3_VERSIONING_ENABLED: "Scratch bucket for this test only." });
    expect(bucket.config).not.toHaveProperty("//");
  });

  test("lists data sources with data. addresses", () => {
    expect(view.dataSources().map((d) => d.address)).toEqual(["data.aws_iam_policy_document.Trust"]);
  });

  test("finds a resource by its name or the prefix before cdktf's hash, and names the known ones when none matches", () => {
    expect(view.named("aws_s3_bucket", "Logs").address).toBe("aws_s3_bucket.Logs");
    const hashed = stackView("x", { resource: { aws_vpc: { Network_Vpc_1A2B3C4D: {} } } });
    expect(hashed.named("aws_vpc", "Network_Vpc").name).toBe("Network_Vpc_1A2B3C4D");
    expect(() => hashed.named("aws_vpc", "Net")).toThrow(
      "aws_vpc.Net matches 0 resources (aws_vpc names: Network_Vpc_1A2B3C4D)",
    );
  });

  test("finds the resources referencing another one, by reference or by its literal name", () => {
    const [bucket] = view.resources("aws_s3_bucket");
    expect(view.referencing(bucket, "aws_s3_bucket_policy", "bucket").map((r) => r.name)).toEqual(["LogsPolicy"]);
    expect(refersTo("${element(aws_s3_bucket.Logs.arn, 0)}", bucket)).toBe(true);
    expect(refersTo("${aws_s3_bucket.LogsOther.arn}", bucket)).toBe(false);
    const literal = stackView("x", {
      resource: { aws_s3_bucket: { B: { bucket: "b" } }, aws_s3_bucket_versioning: { V: { bucket: "b" } } },
    });
    expect(
      literal.referencing(literal.resources("aws_s3_bucket")[0], "aws_s3_bucket_versioning", "bucket"),
    ).toHaveLength(1);
  });

  test("reads providers by reference and a resource's default tags from its provider", () => {
    expect(strings(view.provider("aws.data")?.allowed_account_ids)).toEqual(["333333333333"]);
    expect(view.provider("aws.other")).toBeUndefined();
    expect(view.defaultTags(view.resources("aws_s3_bucket")[0])).toEqual({ Project: "demo" });
  });
});

describe("policy documents read back", () => {
  const view = stackView("fixture", fixture());

  test("an inline policy string has Terraform's $${ read back as the ${ AWS receives", () => {
    const doc = parsePolicy(view.resources("aws_s3_bucket_policy")[0].config.policy);
    expect(statementResources(statement(doc, "Own"))).toEqual(["arn:aws:s3:::logs/${aws:username}/*"]);
  });

  test("a jsonencode string is read as the document Terraform will encode", () => {
    const [doc] = policyDocuments(view.resources("aws_iam_policy")[0].config);
    expect(statementActions(statement(doc, "Read"))).toEqual(["s3:GetObject", "s3:ListBucket"]);
  });

  test("an aws_iam_policy_document data source is rendered into its statements", () => {
    const [doc] = policyDocuments(view.resources("aws_iam_role")[0].config, view);
    expect(statementsOf(doc)).toEqual([
      {
        Sid: "Ec2",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
  });

  test("every policy of the stack is listed with the argument holding it", () => {
    expect(
      stackPolicies(view)
        .map((p) => `${p.resource.address}.${p.attribute}`)
        .sort(),
    ).toEqual([
      "aws_iam_policy.Encoded.policy",
      "aws_iam_role.Role.assume_role_policy",
      "aws_s3_bucket_policy.LogsPolicy.policy",
    ]);
  });

  test("strings that are not a policy are skipped, a single statement object is a list of one", () => {
    expect(parsePolicyText("{not json Statement")).toBeUndefined();
    expect(parsePolicyText('{"Statement": "x"}')).toBeUndefined();
    expect(statementsOf(parsePolicyText('{"Statement": {"Sid": "One"}}')!)).toEqual([{ Sid: "One" }]);
  });

  test("a missing Sid fails naming the Sids there are", () => {
    expect(() => statement({ Statement: [{ Sid: "A" }, { Sid: "B" }] }, "C")).toThrow(
      "No statement C; statements are A, B",
    );
  });
});
