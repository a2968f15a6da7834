import { partition } from "@aws-sdk/core/client";
import { parseConfig } from "../../../lib/config";
import { awsRegions, isAwsRegion } from "../../../lib/config/regions";
import { IDENTITY_CENTER_REGION } from "../../helpers/identity-center";
import { testConfig } from "../../helpers";
import { problemsOf } from "./problems";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hostile edits reach any depth with any value
type Editable = Record<string, any>;

function problems(edit: (config: Editable) => void): readonly string[] {
  const config = structuredClone(testConfig()) as Editable;
  edit(config);
  return problemsOf(config, "config/test.json");
}

const LIST_PREFIX = "use a commercial Region AWS has opened: af-south-1, ap-east-1, ";
const LIST_SUFFIX = ", us-west-2 (the AWS SDK's partition data).";

describe("AWS Regions", () => {
  test("are read from the SDK's partition data, as its own partition() resolves them", () => {
    const regions = awsRegions();
    // The SDK's public lookup, an independent reader of the same data: each listed Region is one it
    // knows by name (a description) in the aws partition.
    for (const region of regions) {
      expect(partition(region)).toEqual(expect.objectContaining({ name: "aws", description: expect.any(String) }));
    }
    expect(regions).toEqual(expect.arrayContaining(["eu-west-1", "us-east-1", "ap-northeast-1", "il-central-1"]));
    expect(regions.length).toBeGreaterThan(30);
    expect([...regions].sort()).toEqual(regions);
  });

  test.each(["eu-west-9", "us-east-7", "aws-global", "cn-north-1", "us-gov-west-1"])(
    "do not include %s (unopened, a pseudo-Region or another partition)",
    (region) => {
      expect(isAwsRegion(region)).toBe(false);
      // The SDK knows none of them by name in the aws partition either.
      const known = partition(region) as { name?: string; description?: string };
      expect(known.name === "aws" && known.description !== undefined && !region.endsWith("-global")).toBe(false);
    },
  );

  test.each<[string, (c: Editable) => void]>([
    ["region", (c) => (c.region = "eu-west-9")],
    ["state.region", (c) => (c.state = { backend: "s3", bucket: "team-state", region: "eu-west-9" })],
    [
      "ssm.identityCenter.region",
      (c) =>
        Object.assign(c.ssm, {
          principals: "identity-center",
          identityCenter: { groupName: "G", region: "eu-west-9" },
        }),
    ],
  ])("%s refuses a Region AWS has not opened, naming the field, the value and the Regions", (field, edit) => {
    const [problem, ...others] = problems(edit);
    expect(others).toEqual([]);
    expect(problem.startsWith(`Invalid ${field} "eu-west-9": ${LIST_PREFIX}`)).toBe(true);
    expect(problem.endsWith(LIST_SUFFIX)).toBe(true);
    const listed = problem.slice(
      `Invalid ${field} "eu-west-9": use a commercial Region AWS has opened: `.length,
      -" (the AWS SDK's partition data).".length,
    );
    expect(listed.split(", ")).toEqual(awsRegions());
  });

  test("a value not shaped like a Region keeps the one-line shape message", () => {
    expect(problems((c) => (c.region = "eu-west"))).toEqual([
      'Invalid region "eu-west": use an AWS commercial region id such as eu-west-1.',
    ]);
  });

  test.each(["eu-west-1", "us-east-1", "ap-southeast-2", "me-central-1"])(
    "%s is accepted in every region field",
    (region) => {
      const config = structuredClone(testConfig()) as Editable;
      config.region = region;
      config.state = { backend: "s3", bucket: "team-state", region };
      Object.assign(config.ssm, {
        principals: "identity-center",
        identityCenter: { groupName: "G", region: IDENTITY_CENTER_REGION },
      });
      expect(() => parseConfig(config, "config/test.json")).not.toThrow();
    },
  );
});
