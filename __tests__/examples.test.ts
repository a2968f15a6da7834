/**
 * The ready configurations of config/examples: each is validated as a file is (readConfigFile) and
 * synthesized once, in-process, with the guardrail pack, and shows the setting it exists for. The
 * Terraform layer (__tests__/terraform/offline.test.ts) validates and plans every one of their stacks
 * offline.
 */
import { readFileSync } from "node:fs";
import { parseConfig, PLACEHOLDER_ACCOUNT_IDS, readConfigFile, type Config } from "../lib/config";
import { backendKind } from "../scripts/lib/terraform";
import { synthApp, type SynthResult, type TfJson } from "./helpers";
import { EXAMPLES } from "./helpers/network-modes";

type Example = keyof typeof EXAMPLES;
const read = (example: Example) => readConfigFile(EXAMPLES[example]);
const synthesized: Partial<Record<Example, { config: Config; synthesis: SynthResult }>> = {};
/** Each example, validated and synthesized once for all the tests that read it. */
function example(name: Example): { config: Config; synthesis: SynthResult } {
  return (synthesized[name] ??= { config: read(name), synthesis: synthApp({ config: read(name) }) });
}
const resources = (stack: TfJson, type: string) =>
  Object.values(stack.resource?.[type] ?? {}) as Array<Record<string, unknown>>;
const types = (stack: TfJson) => Object.keys(stack.resource ?? {});
/** `level: message` of a stack's synth annotations at `level` (`warn`, `error`). */
const annotated = (synthesis: SynthResult, level: string) =>
  Object.entries(synthesis.annotations).flatMap(([id, list]) =>
    list.filter((a) => a.level === `@cdktf/${level}`).map((a) => `${id}: ${a.message}`),
  );

describe.each(Object.keys(EXAMPLES) as Example[])("config/examples/%s.json", (name) => {
  test("is a valid configuration and synthesizes every stack with no guardrail error", () => {
    const { synthesis } = example(name);
    expect(annotated(synthesis, "error")).toEqual([]);
    expect(Object.keys(synthesis.stacks).length).toBeGreaterThanOrEqual(7);
  });
});

describe("config/examples/organisation.json", () => {
  test("carries every field a real account requires: it validates with real account ids in place of the placeholders", () => {
    // The same file with each placeholder account (ids and ARNs alike) replaced by an id no placeholder
    // check exempts: audit.alarmEmail and audit.administratorArns must already be there.
    let text = readFileSync(EXAMPLES.organisation, "utf8");
    PLACEHOLDER_ACCOUNT_IDS.forEach((id, i) => (text = text.replaceAll(id, `12345678901${i}`)));
    expect(text).not.toMatch(new RegExp(PLACEHOLDER_ACCOUNT_IDS.join("|")));
    expect(() => parseConfig(JSON.parse(text), "organisation.json with real accounts")).not.toThrow();
    const config = read("organisation");
    expect(config.audit.alarmEmail).toBeDefined();
    expect(config.audit.administratorArns.length).toBeGreaterThan(0);
  });

  test("synthesizes without a warning: nothing an organisation must still decide is left open", () => {
    expect(annotated(example("organisation").synthesis, "warn")).toEqual([]);
  });

  test("builds no network: every workload stack joins the existing VPC, its route tables carry the S3 endpoint", () => {
    const { config, synthesis } = example("organisation");
    const existing = config.network.existing!;
    for (const id of ["private-access", "cross-account-s3"])
      expect(types(synthesis.stacks[id])).not.toContain("aws_vpc");
    const [gateway] = resources(synthesis.stacks["private-access"], "aws_vpc_endpoint").filter(
      (e) => e.vpc_endpoint_type === "Gateway",
    );
    expect(gateway).toMatchObject({ vpc_id: existing.vpcId, route_table_ids: existing.routeTableIds });
  });

  test("gives Session Manager to an Identity Center group through permission sets, not IAM users", () => {
    const { stacks } = example("organisation").synthesis;
    for (const id of ["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"]) {
      expect({ id, types: types(stacks[id]) }).toEqual({
        id,
        types: expect.arrayContaining(["aws_ssoadmin_permission_set", "aws_ssoadmin_account_assignment"]),
      });
      expect(types(stacks[id])).not.toContain("aws_iam_user");
    }
  });

  test("keeps every stack's state in S3", () => {
    const { config, synthesis } = example("organisation");
    expect(config.state.backend).toBe("s3");
    for (const [id, stack] of Object.entries(synthesis.stacks))
      expect({ id, backend: backendKind(stack) }).toEqual({ id, backend: "s3" });
  });
});

describe("config/examples/private.json", () => {
  test("is fully private: no NAT or internet gateway, Session Manager's interface endpoints, the DNS Firewall", () => {
    const { config, synthesis } = example("private");
    expect(config.network.natGateways).toBe("none");
    const stack = synthesis.stacks["private-access"];
    expect(types(stack)).not.toContain("aws_nat_gateway");
    expect(types(stack)).not.toContain("aws_internet_gateway");
    const services = resources(stack, "aws_vpc_endpoint")
      .filter((e) => e.vpc_endpoint_type === "Interface")
      .map((e) => String(e.service_name).split(".").at(-1));
    expect(services).toEqual(expect.arrayContaining(["ssm", "ssmmessages", "ec2messages"]));
    expect(types(stack)).toContain("aws_route53_resolver_firewall_rule_group_association");
  });
});

describe("config/examples/articles.json", () => {
  test('restores each article setting that the README\'s "Reproducing the articles" lists', () => {
    const { config } = example("articles");
    expect(config).toMatchObject({
      privateAccess: { instanceS3Access: "article" },
      ssm: { userAccess: "read-only", ownSessions: "name-prefix", sessionPreferences: "existing" },
      network: { natGateways: "single", dnsFirewall: false },
    });
    expect(config.orgPerimeter.organizationId).toBeUndefined();
  });

  test("leaves Session Manager's preferences alone and puts no DNS Firewall on either network", () => {
    const { stacks } = example("articles").synthesis;
    expect(Object.keys(stacks)).not.toContain("session-preferences");
    for (const id of ["private-access", "cross-account-s3"])
      expect(types(stacks[id])).not.toContain("aws_route53_resolver_firewall_rule_group_association");
  });
});
