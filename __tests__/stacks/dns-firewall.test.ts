/**
 * The workload VPC's Route 53 Resolver DNS Firewall, read back from the synthesized stacks and judged by
 * a model of DNS Firewall's evaluation (__tests__/helpers/dns-firewall.ts): which names an instance may
 * resolve. The default configuration's cross-account-s3 (always without NAT) has it; private-access
 * with its NAT keeps the article's resolver. Fully private private-access and an existing VPC are
 * covered in network.test.ts, beside their syntheses.
 */
import { ruleGroupsOf, verdict } from "../helpers/dns-firewall";
import { stackUnderTest } from "../helpers/stack-test";
import { allowedAwsDomains } from "../../lib/policies/dns-firewall";

const REGION = "eu-west-1";
const stack = stackUnderTest("cross-account-s3");
const vpc = stack.ref("aws_vpc", "Network_Vpc", "id");
const groups = ruleGroupsOf(stack, vpc);

describe("cross-account-s3's DNS Firewall (on by default: its network has no NAT)", () => {
  test("one rule group on the VPC: the AWS domains allowed first, every other name blocked last with NODATA", () => {
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(group.priority).toBe(101);
    const last = group.rules[group.rules.length - 1];
    expect(last).toMatchObject({ action: "BLOCK", blockResponse: "NODATA", domains: ["*"] });
    // Every rule before the block allows; nothing after it could ever be reached.
    expect(group.rules.slice(0, -1).map((r) => r.action)).toEqual(["ALLOW"]);
    expect(new Set(group.rules.map((r) => r.priority)).size).toBe(group.rules.length);
  });

  test("fails closed: the VPC's resolver blocks a query DNS Firewall does not answer", () => {
    expect(stack.only("aws_route53_resolver_firewall_config")).toMatchObject({
      resource_id: vpc,
      firewall_fail_open: "DISABLED",
    });
  });

  test("trusts the CNAME chains of the allowed AWS names only, not of the blocked ones", () => {
    const rules = Object.values(stack.all("aws_route53_resolver_firewall_rule"));
    expect(rules.map((r) => [r.action, r.firewall_domain_redirection_action])).toEqual(
      expect.arrayContaining([
        ["ALLOW", "TRUST_REDIRECTION_DOMAIN"],
        ["BLOCK", undefined],
      ]),
    );
  });

  test.each([
    // Session Manager, session logs and the session key, through the interface endpoints' private DNS.
    "ssm.eu-west-1.amazonaws.com.",
    "ssmmessages.eu-west-1.amazonaws.com.",
    "ec2messages.eu-west-1.amazonaws.com.",
    "logs.eu-west-1.amazonaws.com.",
    "kms.eu-west-1.amazonaws.com.",
    // S3 through the gateway endpoint: the AL2023 repositories (IPv4 and dual-stack names of the
    // mirror list), SSM Agent's bucket, path-style requests, and any name in a case the client chose.
    "al2023-repos-eu-west-1-de612dc2.s3.dualstack.eu-west-1.amazonaws.com.",
    "al2023-repos-eu-west-1-de612dc2.s3.eu-west-1.amazonaws.com.",
    "amazon-ssm-eu-west-1.s3.eu-west-1.amazonaws.com.",
    "s3.eu-west-1.amazonaws.com.",
    "S3.EU-WEST-1.AMAZONAWS.COM",
    // The instance's own EC2 host name.
    "ip-10-1-8-10.eu-west-1.compute.internal.",
  ])("resolves %s", (name) => {
    expect(verdict(groups, name)).toEqual({ resolves: true, rule: "allow-aws-service-domains" });
  });

  test.each([
    // Data in the name, to a domain whose name servers the attacker runs: the exfiltration it closes.
    "bWFsaWNpb3VzIHBheWxvYWQ.exfil.attacker.example.",
    "attacker.example.",
    // AWS names a suffix trick or a missing label turns into someone else's.
    "ssm.eu-west-1.amazonaws.com.attacker.example.",
    "x.ssm.eu-west-1.amazonaws.com.",
    "eu-west-1.amazonaws.com.",
    // Services and regions the instance has no endpoint for.
    "sts.eu-west-1.amazonaws.com.",
    "ssm.us-east-1.amazonaws.com.",
    "bucket.s3.us-east-1.amazonaws.com.",
    "s3.amazonaws.com.",
    // Reverse lookups and other internal zones.
    "10.8.1.10.in-addr.arpa.",
    "ip-10-0-0-1.us-east-1.compute.internal.",
  ])("blocks %s with NODATA", (name) => {
    expect(verdict(groups, name)).toEqual({ resolves: false, rule: "block-every-other-domain", response: "NODATA" });
  });
});

describe("cross-account-s3's walk-through (DefenceSteps)", () => {
  test("shows an allowed AWS name resolving and any other name getting no answer, and no longer says DNS leaves", () => {
    const defence = (stack.output?.DefenceSteps as { value: string }).value;
    expect(defence).toContain("getent ahosts ssm.eu-west-1.amazonaws.com\n");
    expect(defence).toContain(`getent ahosts example.com || echo "no answer: blocked by B's DNS Firewall"`);
    expect(defence).not.toContain("DNS queries still leave");
  });
});

describe("private-access with a NAT gateway (the default, as in the article)", () => {
  test("has no DNS Firewall: its resolver looks up any name, an attacker's included", () => {
    const article = stackUnderTest("private-access");
    expect(Object.keys(article.all("aws_route53_resolver_firewall_rule_group_association"))).toEqual([]);
    expect(
      verdict(ruleGroupsOf(article, article.ref("aws_vpc", "Network_Vpc", "id")), "exfil.attacker.example"),
    ).toEqual({ resolves: true });
  });
});

describe("the allowed AWS domains of us-east-1", () => {
  test("add S3's legacy global names, which resolve to us-east-1, and EC2's ec2.internal host names", () => {
    const domains = allowedAwsDomains("us-east-1");
    expect(domains).toEqual(expect.arrayContaining(["s3.amazonaws.com", "*.s3.amazonaws.com", "*.ec2.internal"]));
    expect(domains).not.toContain("*.us-east-1.compute.internal");
    expect(allowedAwsDomains(REGION)).not.toEqual(expect.arrayContaining(["s3.amazonaws.com"]));
  });
});
