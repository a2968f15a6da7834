import {
  amiParameterFor,
  instanceArchitecture,
  isMacType,
  parameterArchitecture,
  supportsEbsOptimization,
} from "../../../lib/config/instance-types";
import { zoneIdInRegion, zoneIdPrefix, ZONE_ID } from "../../../lib/config/zones";

describe("instance architecture from the type name", () => {
  test.each([
    // Graviton: `g` among the attribute letters after the generation digit, and a1.
    ["a1.medium", "arm64"],
    ["t4g.micro", "arm64"],
    ["m6g.large", "arm64"],
    ["m6gd.xlarge", "arm64"],
    ["m7g.large", "arm64"],
    ["m7gd.2xlarge", "arm64"],
    ["m8g.large", "arm64"],
    ["c6gn.large", "arm64"],
    ["c7gn.xlarge", "arm64"],
    ["c8g.medium", "arm64"],
    ["r6gd.large", "arm64"],
    ["r8g.large", "arm64"],
    ["x2gd.medium", "arm64"],
    ["x8g.large", "arm64"],
    ["im4gn.large", "arm64"],
    ["is4gen.medium", "arm64"],
    ["i4g.large", "arm64"],
    ["i8g.large", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["hpc7g.4xlarge", "arm64"],
    // x86_64: `g` as the series (GPU types) or no `g` at all.
    ["t3.micro", "x86_64"],
    ["t3a.nano", "x86_64"],
    ["t2.micro", "x86_64"],
    ["m5.large", "x86_64"],
    ["m6i.large", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["m7a.medium", "x86_64"],
    ["c5n.large", "x86_64"],
    ["g4dn.xlarge", "x86_64"],
    ["g4ad.xlarge", "x86_64"],
    ["g5.xlarge", "x86_64"],
    ["g6e.xlarge", "x86_64"],
    ["gr6.4xlarge", "x86_64"],
    ["p4d.24xlarge", "x86_64"],
    ["p5en.48xlarge", "x86_64"],
    ["inf2.xlarge", "x86_64"],
    ["trn1.2xlarge", "x86_64"],
    ["trn1n.32xlarge", "x86_64"],
    ["dl1.24xlarge", "x86_64"],
    ["x2iedn.xlarge", "x86_64"],
    ["z1d.large", "x86_64"],
    ["hpc7a.12xlarge", "x86_64"],
    ["u-6tb1.metal", "x86_64"],
    ["u7i-12tb.224xlarge", "x86_64"],
  ])("%s is %s", (type, architecture) => {
    expect(instanceArchitecture(type)).toBe(architecture);
  });

  test.each([
    ["t4g.micro", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"],
    ["t3.micro", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"],
  ])("an unset amiSsmParameter for %s resolves to %s", (type, parameter) => {
    expect(amiParameterFor({ type })).toBe(parameter);
    expect(amiParameterFor({ type, amiSsmParameter: "/custom/image" })).toBe("/custom/image");
  });

  test.each(["mac1.metal", "mac2.metal", "mac2-m2pro.metal"])("%s is a Mac type", (type) => {
    expect(isMacType(type)).toBe(true);
  });
  test.each(["m5.large", "m7g.large"])("%s is not a Mac type", (type) => expect(isMacType(type)).toBe(false));
});

describe("EBS optimization support", () => {
  test.each([
    ["t2.micro", false],
    ["t2.2xlarge", false],
    ["t1.micro", false],
    ["m1.small", false],
    ["m3.medium", false],
    ["c3.large", false],
    ["c3.8xlarge", false],
    ["r3.large", false],
    ["i2.8xlarge", false],
    ["cc2.8xlarge", false],
    ["hs1.8xlarge", false],
    ["m1.large", true],
    ["m3.xlarge", true],
    ["c3.4xlarge", true],
    ["r3.2xlarge", true],
    ["g2.2xlarge", true],
    ["m4.large", true],
    ["c4.large", true],
    ["t3.micro", true],
    ["t4g.nano", true],
    ["m7g.large", true],
  ])("%s accepts ebs_optimized = true: %s", (type, supported) => {
    expect(supportsEbsOptimization(type)).toBe(supported);
  });
});

describe("architecture named by an SSM parameter path", () => {
  test.each([
    ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "x86_64"],
    ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64", "arm64"],
    ["/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2", "x86_64"],
    ["/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id", "x86_64"],
    ["/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id", "arm64"],
    ["/aws/service/debian/release/12/latest/aarch64", "arm64"],
    ["/company/golden-image/latest", undefined],
    ["/company/farm64/latest", undefined],
  ])("%s names %s", (parameter, architecture) => {
    expect(parameterArchitecture(parameter)).toBe(architecture);
  });
});

describe("zone IDs", () => {
  test.each([
    ["ap-northeast-1", "apne1"],
    ["ap-northeast-3", "apne3"],
    ["ap-southeast-2", "apse2"],
    ["ap-south-1", "aps1"],
    ["ap-east-1", "ape1"],
    ["us-east-1", "use1"],
    ["us-west-2", "usw2"],
    ["eu-west-1", "euw1"],
    ["eu-central-1", "euc1"],
    ["eu-north-1", "eun1"],
    ["eu-south-2", "eus2"],
    ["ca-central-1", "cac1"],
    ["ca-west-1", "caw1"],
    ["sa-east-1", "sae1"],
    ["me-central-1", "mec1"],
    ["af-south-1", "afs1"],
    ["il-central-1", "ilc1"],
    ["mx-central-1", "mxc1"],
  ])("%s has the zone-ID prefix %s", (region, prefix) => {
    expect(zoneIdPrefix(region)).toBe(prefix);
    expect(zoneIdInRegion(`${prefix}-az1`, region)).toBe(true);
    expect(ZONE_ID.test(`${prefix}-az1`)).toBe(true);
  });

  test.each([
    "apne1-az",
    "apne1-az0",
    "ap-northeast-1a",
    "APNE1-AZ1",
    "apne1-az1 ",
    "use1-bos1-az1",
    "xxw1-az1",
    "apne-az1",
  ])("%s is not a regional zone ID", (id) => expect(ZONE_ID.test(id)).toBe(false));

  test("a zone ID of another region is not in the region", () => {
    expect(zoneIdInRegion("use1-az1", "us-east-2")).toBe(false);
    expect(zoneIdInRegion("apne1-az1", "ap-northeast-1")).toBe(true);
  });
});
