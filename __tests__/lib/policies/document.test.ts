import { assertPolicySize, policy, serviceTrustPolicy } from "../../../lib/policies/document";

describe("assertPolicySize", () => {
  const document = policy({ Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
  const size = JSON.stringify(document).length;

  test("accepts a document of exactly the limit", () => {
    expect(() => assertPolicySize(document, size, "The policy")).not.toThrow();
  });

  test("names the document, its size and the limit when it is larger", () => {
    expect(() => assertPolicySize(document, size - 1, "The policy")).toThrow(
      `The policy is ${size} characters; AWS accepts at most ${size - 1}. Shorten the allow-list.`,
    );
  });

  test("lets the caller write the whole message from the size, to name the field that grew it", () => {
    expect(() => assertPolicySize(document, 10, (actual) => `Invalid field: ${actual} > 10.`)).toThrow(
      `Invalid field: ${size} > 10.`,
    );
  });
});

describe("serviceTrustPolicy", () => {
  test("lets one service assume the role and grants nothing else", () => {
    expect(serviceTrustPolicy("vpc-flow-logs.amazonaws.com")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(serviceTrustPolicy("ec2.amazonaws.com", "Ec2AssumesInstanceRole").Statement[0].Sid).toBe(
      "Ec2AssumesInstanceRole",
    );
  });
});
