/**
 * Stable addresses: every resource address recorded in docs/resource-addresses.json (written by
 * `npm run addresses`) is still synthesized with the default configuration, or moved by a `moved`
 * block; a renamed construct id would otherwise destroy and recreate a real resource.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformStack, Testing } from "cdktf";
import {
  addressList,
  addressProblems,
  resourceAddresses,
  type AddressList,
  type AddressedStack,
} from "../scripts/lib/addresses";
import { synthCached } from "./helpers";

const ADDRESSES_FILE = path.join(__dirname, "..", "docs", "resource-addresses.json");

describe("docs/resource-addresses.json", () => {
  const recorded: AddressList = JSON.parse(readFileSync(ADDRESSES_FILE, "utf8"));
  const { stacks } = synthCached({ offline: false });

  test("records every stack the app synthesizes", () => {
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(stacks).sort());
  });

  test.each(Object.keys(stacks).sort())(
    "%s: every recorded address is still synthesized or moved, and every synthesized one is recorded",
    (id) => {
      expect(addressProblems({ [id]: recorded[id] ?? [] }, { [id]: stacks[id] as AddressedStack })).toEqual([]);
    },
  );

  test("is sorted as `npm run addresses` writes it (so a regenerated list diffs cleanly)", () => {
    expect(Object.keys(recorded)).toEqual(Object.keys(recorded).sort());
    for (const addresses of Object.values(recorded)) expect(addresses).toEqual([...addresses].sort());
  });
});

describe("the address check on a fixture stack", () => {
  /** One stack with one bucket, as a version of the code would synthesize it. */
  function fixture(build: (stack: TerraformStack) => void): AddressedStack {
    const stack = new TerraformStack(Testing.app(), "fixture");
    build(stack);
    return JSON.parse(Testing.synth(stack));
  }
  const before = fixture((s) => new S3Bucket(s, "Logs", { bucket: "logs" }));
  const recorded: AddressList = { fixture: resourceAddresses(before) };

  test("records the bucket's address", () => {
    expect(recorded).toEqual({ fixture: ["aws_s3_bucket.Logs"] });
  });

  test("a renamed construct id fails, naming the stack, the address and both ways out", () => {
    const renamed = fixture((s) => new S3Bucket(s, "AccessLogs", { bucket: "logs" }));
    const problems = addressProblems(recorded, { fixture: renamed });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe(
      "Stack fixture: resource aws_s3_bucket.Logs is no longer synthesized, so Terraform would destroy it (and create any renamed copy anew); use cdktf's resource.moveTo(target) or resource.moveFromId(oldAddress) so Terraform moves it, or, if destroying it is intended, run `npm run addresses` and commit docs/resource-addresses.json.",
    );
    expect(problems[1]).toContain("Stack fixture: aws_s3_bucket.AccessLogs is synthesized but not recorded");
  });

  test("the same rename with moveFromId passes: the JSON carries moved { from, to }", () => {
    const moved = fixture((s) => new S3Bucket(s, "AccessLogs", { bucket: "logs" }).moveFromId("aws_s3_bucket.Logs"));
    expect(moved.moved).toEqual([{ from: "aws_s3_bucket.Logs", to: "aws_s3_bucket.AccessLogs" }]);
    expect(addressProblems(recorded, { fixture: moved })).toEqual([]);
  });

  test("the same rename with moveTo passes", () => {
    const moved = fixture((s) => {
      new S3Bucket(s, "AccessLogs", { bucket: "logs" }).addMoveTarget("access-logs");
      new S3Bucket(s, "Logs", { bucket: "logs" }).moveTo("access-logs");
    });
    expect(resourceAddresses(moved)).toEqual(["aws_s3_bucket.AccessLogs"]);
    expect(addressProblems(recorded, { fixture: moved })).toEqual([]);
  });

  test("a move to an address that is not synthesized fails", () => {
    const dangling = fixture((s) => new S3Bucket(s, "Logs", { bucket: "logs" }).moveToId("aws_s3_bucket.Gone"));
    expect(addressProblems(recorded, { fixture: dangling }).join("\n")).toContain(
      "Stack fixture: resource aws_s3_bucket.Logs is moved to aws_s3_bucket.Gone, which is not synthesized",
    );
  });

  test("a new resource fails until the list is regenerated", () => {
    const grown = fixture((s) => {
      new S3Bucket(s, "Logs", { bucket: "logs" });
      new S3Bucket(s, "Reports", { bucket: "reports" });
    });
    expect(addressProblems(recorded, { fixture: grown })).toEqual([
      "Stack fixture: aws_s3_bucket.Reports is synthesized but not recorded; run `npm run addresses` and commit docs/resource-addresses.json so the list stays current.",
    ]);
    expect(addressProblems(addressList({ fixture: grown }), { fixture: grown })).toEqual([]);
  });

  test("a stack that disappears fails", () => {
    expect(addressProblems(recorded, {}).join("\n")).toContain("Stack fixture is recorded but no longer synthesized");
  });
});
