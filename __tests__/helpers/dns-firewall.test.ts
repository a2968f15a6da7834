/**
 * The DNS Firewall model the stack tests judge the synthesized rule groups with: its matching and
 * evaluation order, on the examples AWS's documentation gives.
 */
import { matchesDomain, verdict, type FirewallRuleGroup } from "./dns-firewall";

describe("a domain specification", () => {
  test.each([
    // The walled-garden example: example.com alone, its subdomains only through *.example.com.
    ["example.com", "example.com", true],
    ["example.com", "www.example.com", false],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "example.com", false],
    // A suffix of a label is not a subdomain.
    ["*.example.com", "badexample.com", false],
    ["*.example.com", "example.com.attacker.example", false],
    // `*` alone: every name (the example's "AllDomains" list).
    ["*", "anything.attacker.example", true],
    // Case and the trailing dot of a fully qualified name do not matter.
    ["example.com", "EXAMPLE.com.", true],
    ["*.Example.COM", "www.example.com", true],
  ])("%s matches %s: %s", (spec, name, expected) => {
    expect(matchesDomain(spec, name)).toBe(expected);
  });

  test.each(["*example.com", "www.*.com", "ex_ample.com"])("outside the documented syntax (%s) is refused", (spec) => {
    expect(() => matchesDomain(spec, "www.example.com")).toThrow(/outside the syntax/);
  });
});

describe("a query", () => {
  const allow = { name: "allow", action: "ALLOW" as const, domains: ["example.com", "*.example.com"] };
  const block = { name: "block", action: "BLOCK" as const, blockResponse: "NODATA", domains: ["*"] };

  test("stops at the first matching rule in priority order, whatever order the rules are listed in", () => {
    const groups: FirewallRuleGroup[] = [
      {
        priority: 101,
        rules: [
          { ...block, priority: 200 },
          { ...allow, priority: 100 },
        ],
      },
    ];
    expect(verdict(groups, "www.example.com")).toEqual({ resolves: true, rule: "allow" });
    expect(verdict(groups, "exfil.attacker.example")).toEqual({ resolves: false, rule: "block", response: "NODATA" });
  });

  test("meets rule groups in association priority order: a group with a lower number decides first", () => {
    const groups: FirewallRuleGroup[] = [
      { priority: 200, rules: [{ ...allow, priority: 1 }] },
      { priority: 101, rules: [{ ...block, priority: 1 }] },
    ];
    expect(verdict(groups, "www.example.com")).toEqual({ resolves: false, rule: "block", response: "NODATA" });
  });

  test("resolves when no rule matches, as with no firewall at all", () => {
    expect(verdict([], "exfil.attacker.example")).toEqual({ resolves: true });
    expect(verdict([{ priority: 101, rules: [{ ...allow, priority: 100 }] }], "attacker.example")).toEqual({
      resolves: true,
    });
  });
});
