import { ConfigError, parseConfig } from "../../../lib/config";
import { testConfig } from "../../helpers";

/** The shipped configuration with `patch` applied by `edit`; returns the problems ([] when valid). */
function problems(edit: (config: Record<string, any>) => void): readonly string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = structuredClone(testConfig()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  edit(config);
  try {
    parseConfig(config, "config/test.json");
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("configuration schema", () => {
  test("pins the full message for an unknown SCP variant", () => {
    expect(() => parseConfig({ ...testConfig(), scp: { ...testConfig().scp, variant: "deny-all" } }, "config/test.json")).toThrow(
      new ConfigError("config/test.json", [
        'Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic.',
      ]).message,
    );
  });

  test.each([
    ["an 11-digit account id", (c: any) => (c.accounts.workload.id = "12345678901"), 'Invalid accounts.workload.id "12345678901": use a 12-digit AWS account id.'],
    ["a numeric account id", (c: any) => (c.accounts.management.id = 222222222222), "Invalid accounts.management.id 222222222222: use a 12-digit AWS account id."],
    ["a GovCloud region", (c: any) => (c.region = "us-gov-west-1"), 'Invalid region "us-gov-west-1": use an AWS commercial region id such as eu-west-1.'],
    ["a /8 VPC", (c: any) => (c.network.vpcCidr = "10.0.0.0/8"), 'Invalid network.vpcCidr "10.0.0.0/8": use an IPv4 CIDR with a prefix from /16 to /24, aligned to its prefix (e.g. 10.0.0.0/16).'],
    ["a bucket name with capitals", (c: any) => (c.privateAccess.allowedBuckets = ["Reports"]), 'Invalid privateAccess.allowedBuckets[0] "Reports": use an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens).'],
    ["duplicate ports", (c: any) => (c.eice.ports = [22, 22]), "Invalid eice.ports [22,22]: list each of TCP ports once (duplicates found)."],
    ["an unknown key", (c: any) => (c.network.cidr = "10.0.0.0/16"), "Unknown field network.cidr: remove it or correct its spelling (unknown fields are rejected)."],
    ["profile and roleArn together", (c: any) => Object.assign(c.accounts.data, { profile: "p", roleArn: "arn:aws:iam::333333333333:role/D" }), 'Invalid accounts.data.roleArn "arn:aws:iam::333333333333:role/D": set either profile or roleArn, not both.'],
    ["an ssm.userName too long for the suffixed users of the other patterns", (c: any) => (c.ssm.userName = "u".repeat(55)), `Invalid ssm.userName "${"u".repeat(55)}": use an IAM user name of 1-54 letters, digits, + = , . @ _ - (ssm-fixed-tag and ssm-abac append _fixed-tag and _abac).`],
    ["an id object that cannot be printed, next to a roleArn", (c: any) => Object.assign(c.accounts.data, { id: { toString: 1 }, roleArn: "arn:aws:iam::333333333333:role/D" }), 'Invalid accounts.data.id {"toString":1}: use a 12-digit AWS account id.'],
    ["audit.allowDestroy as a string", (c: any) => (c.audit.allowDestroy = "true"), 'Invalid audit.allowDestroy "true": use true or false.'],
    ["audit.allowDestroy as a number", (c: any) => (c.audit.allowDestroy = 1), "Invalid audit.allowDestroy 1: use true or false."],
    ["an unknown key in audit", (c: any) => (c.audit.allowDestory = true), "Unknown field audit.allowDestory: remove it or correct its spelling (unknown fields are rejected)."],
    ["a tag value with forbidden characters", (c: any) => (c.project = "a<b>"), 'Invalid project "a<b>": use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @.'],
  ])("rejects %s", (_what, edit, expected) => {
    expect(problems(edit)).toEqual([expected]);
  });

  test("reports a cross-field conflict together with an unrelated invalid field", () => {
    expect(
      problems((c) => {
        c.region = "mars-east-1";
        c.accounts.data.id = c.accounts.workload.id;
      }),
    ).toEqual([
      'Invalid region "mars-east-1": use an AWS commercial region id such as eu-west-1.',
      'Invalid accounts.data.id "111111111111": use an account other than accounts.workload.id (111111111111): the demo needs two accounts.',
    ]);
  });

  test("a fractional port stops zod before the cross-field checks (the conflict shows on the next run)", () => {
    expect(
      problems((c) => {
        c.eice.ports = [22.5];
        c.accounts.data.id = c.accounts.workload.id;
      }),
    ).toEqual(["Invalid eice.ports[0] 22.5: use a TCP port from 1 to 65535."]);
  });
});
