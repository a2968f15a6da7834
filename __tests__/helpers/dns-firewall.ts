/**
 * A model of Route 53 Resolver DNS Firewall's decision for one query, run on the rule groups read back
 * from a synthesized stack: which names an instance of a VPC may resolve.
 *
 * Matching follows AWS's documentation of domain lists (Route 53 Developer Guide):
 * - "Managing your own domain lists": a specification is letters, digits and hyphens in labels
 *   separated by periods, optionally starting with `*`;
 * - "Getting started with Route 53 Resolver DNS Firewall" (walled-garden example): `example.com` matches
 *   that name ("If you want the rule to apply to subdomains as well, you need to add those domains to the
 *   list also. For example, to add all of the example.com's subdomains, add *.example.com"), and a list
 *   holding `*` alone blocks every other domain;
 * - DNS names compare without regard to case (RFC 4343) and a trailing dot only marks a name as fully
 *   qualified (AWS lists domains with one, the provider writes them without).
 * Evaluation ("How Route 53 Resolver DNS Firewall filters DNS queries"): rule groups by ascending
 * association priority, rules within a group by ascending priority; the first rule whose list matches
 * ends the evaluation with its action (ALLOW and ALERT let the query through, BLOCK answers with its
 * block response); no match anywhere, and the query resolves as without the firewall.
 *
 * A specification outside that documented syntax (`*` inside a label, say) makes the model throw
 * rather than guess.
 */
import type { TfJson } from "./synth";

type Block = Record<string, unknown>;

export interface FirewallRule {
  readonly name: string;
  readonly priority: number;
  readonly action: "ALLOW" | "BLOCK" | "ALERT";
  readonly blockResponse?: string;
  /** The specifications of the rule's domain list. */
  readonly domains: readonly string[];
}

export interface FirewallRuleGroup {
  /** The association's priority among the VPC's rule groups. */
  readonly priority: number;
  /** In the order DNS Firewall evaluates them. */
  readonly rules: readonly FirewallRule[];
}

export type Verdict =
  | { readonly resolves: true; readonly rule?: string }
  | { readonly resolves: false; readonly rule: string; readonly response?: string };

const LABEL = /^[a-z0-9-]+$/;

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** Whether the domain specification `spec` matches the queried `name` (see the module comment). */
export function matchesDomain(spec: string, name: string): boolean {
  const query = normalize(name);
  const pattern = normalize(spec);
  if (pattern === "*") return true;
  const wildcard = pattern.startsWith("*.");
  const labels = (wildcard ? pattern.slice(2) : pattern).split(".");
  if (!labels.every((label) => LABEL.test(label))) {
    throw new Error(`domain specification ${JSON.stringify(spec)} is outside the syntax this model follows`);
  }
  const base = labels.join(".");
  return wildcard ? query.endsWith(`.${base}`) : query === base;
}

/** DNS Firewall's decision on a query for `name` from a VPC with these rule groups. */
export function verdict(groups: readonly FirewallRuleGroup[], name: string): Verdict {
  for (const group of [...groups].sort((a, b) => a.priority - b.priority)) {
    for (const rule of [...group.rules].sort((a, b) => a.priority - b.priority)) {
      if (!rule.domains.some((spec) => matchesDomain(spec, name))) continue;
      if (rule.action === "BLOCK") return { resolves: false, rule: rule.name, response: rule.blockResponse };
      return { resolves: true, rule: rule.name };
    }
  }
  return { resolves: true };
}

/** `${aws_x.NAME.id}` -> NAME; anything else (a literal id) is returned as it is. */
function referenced(type: string, value: unknown): string {
  const match = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.id\\}$`).exec(String(value));
  if (!match) throw new Error(`expected a reference to a ${type}'s id, got ${JSON.stringify(value)}`);
  return match[1];
}

/**
 * The rule groups a stack associates with the VPC `vpcId` (the literal id, or the reference Terraform
 * resolves to it), each with its rules and their domain lists, read back from the synthesized JSON.
 */
export function ruleGroupsOf(stack: TfJson, vpcId: string): FirewallRuleGroup[] {
  const resources = (type: string) => (stack.resource?.[type] ?? {}) as Record<string, Block>;
  const lists = resources("aws_route53_resolver_firewall_domain_list");
  const rules = Object.values(resources("aws_route53_resolver_firewall_rule"));
  return Object.values(resources("aws_route53_resolver_firewall_rule_group_association"))
    .filter((association) => association.vpc_id === vpcId)
    .map((association) => {
      const group = referenced("aws_route53_resolver_firewall_rule_group", association.firewall_rule_group_id);
      return {
        priority: Number(association.priority),
        rules: rules
          .filter(
            (rule) => referenced("aws_route53_resolver_firewall_rule_group", rule.firewall_rule_group_id) === group,
          )
          .map((rule) => {
            const list = lists[referenced("aws_route53_resolver_firewall_domain_list", rule.firewall_domain_list_id)];
            return {
              name: String(rule.name),
              priority: Number(rule.priority),
              action: rule.action as FirewallRule["action"],
              blockResponse: rule.block_response as string | undefined,
              domains: (list?.domains ?? []) as string[],
            };
          })
          .sort((a, b) => a.priority - b.priority),
      };
    });
}
