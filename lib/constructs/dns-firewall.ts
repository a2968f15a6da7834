import { Route53ResolverFirewallConfig } from "@cdktf/provider-aws/lib/route53-resolver-firewall-config";
import { Route53ResolverFirewallDomainList } from "@cdktf/provider-aws/lib/route53-resolver-firewall-domain-list";
import { Route53ResolverFirewallRule } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule";
import { Route53ResolverFirewallRuleGroup } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group";
import { Route53ResolverFirewallRuleGroupAssociation } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group-association";
import { Construct } from "constructs";
import { EVERY_DOMAIN } from "../policies/dns-firewall";

/**
 * Where the rule group sits among the VPC's rule groups. DNS Firewall evaluates a VPC's rule groups from
 * the lowest association priority up and stops at the first rule that matches (Route 53 Developer Guide,
 * "How Route 53 Resolver DNS Firewall filters DNS queries"); this group matches every query (its last
 * rule matches `*`), so groups after it never see one. Member accounts may use 100-9900
 * (AssociateFirewallRuleGroup, Priority: "The allowed values for Priority are between 100 and 9900");
 * 101 puts it first among the account's own groups, leaving 100 free as AWS advises ("leave space
 * between the numbers"), while groups an organisation's Firewall Manager policy places before every
 * account's still run first.
 */
export const RULE_GROUP_PRIORITY = 101;
/** Rule priorities in the group: the allow list first, the block of every other name last. */
export const ALLOW_RULE_PRIORITY = 100;
export const BLOCK_RULE_PRIORITY = 200;

export interface DnsFirewallProps {
  /** The VPC whose Route 53 Resolver queries are filtered: every query of every instance in it. */
  readonly vpcId: string;
  /**
   * Prefix of the domain lists', rule group's, rules' and association's names (letters, digits, `-`,
   * `_` and spaces, as Route 53 Resolver names allow). Names need not be unique: AWS keys these objects
   * by id, and CreateFirewallRuleGroup / CreateFirewallDomainList have no "already exists" error.
   */
  readonly name: string;
  /** Domain specifications the instances may resolve (see allowedAwsDomains); every other name is blocked. */
  readonly allowedDomains: readonly string[];
  /**
   * Whether this stack owns the VPC's DNS Firewall configuration (one per VPC) and sets it to fail
   * closed. Only for a VPC the stack builds: an existing VPC's configuration is its owner's.
   * @default false
   */
  readonly manageFailureMode?: boolean;
}

/**
 * A Route 53 Resolver DNS Firewall "walled garden" on one VPC (Route 53 Developer Guide, "Getting started
 * with Route 53 Resolver DNS Firewall", walled garden example): a rule group that first ALLOWs a list of
 * names, then BLOCKs every other name (`*`) with NODATA, associated with the VPC.
 *
 * Without it, the VPC's resolver looks up any name on the internet for any instance, so data encoded
 * in the names an instance looks up reaches whoever runs that domain's name servers: a way out that no
 * route, security group or endpoint policy sees, in every network mode, fully private included.
 */
export class DnsFirewall extends Construct {
  readonly allowedDomains: Route53ResolverFirewallDomainList;
  readonly everyDomain: Route53ResolverFirewallDomainList;
  readonly ruleGroup: Route53ResolverFirewallRuleGroup;
  readonly association: Route53ResolverFirewallRuleGroupAssociation;
  readonly failureMode?: Route53ResolverFirewallConfig;

  constructor(scope: Construct, id: string, props: DnsFirewallProps) {
    super(scope, id);
    const tags = (name: string) => ({ Name: name });
    this.allowedDomains = new Route53ResolverFirewallDomainList(this, "AllowedDomains", {
      name: `${props.name}-allowed-aws-domains`,
      domains: [...props.allowedDomains],
      tags: tags(`${props.name}-allowed-aws-domains`),
    });
    this.everyDomain = new Route53ResolverFirewallDomainList(this, "EveryDomain", {
      name: `${props.name}-every-domain`,
      domains: [EVERY_DOMAIN],
      tags: tags(`${props.name}-every-domain`),
    });
    this.ruleGroup = new Route53ResolverFirewallRuleGroup(this, "RuleGroup", {
      name: `${props.name}-dns-walled-garden`,
      tags: tags(`${props.name}-dns-walled-garden`),
    });
    new Route53ResolverFirewallRule(this, "AllowAwsDomains", {
      name: "allow-aws-service-domains",
      firewallRuleGroupId: this.ruleGroup.id,
      firewallDomainListId: this.allowedDomains.id,
      priority: ALLOW_RULE_PRIORITY,
      action: "ALLOW",
      // AWS's own names answer through CNAME chains of AWS's own names (S3's `s3-r-w.<region>…`); the
      // default, INSPECT_REDIRECTION_DOMAIN, would hold every name of the chain to the list and block
      // the answer when AWS renames a target. TRUST inspects only the first name (FirewallRule,
      // FirewallDomainRedirectionAction): the chain of an allowed name is AWS's to write, not an
      // instance's, so trusting it opens no name server anyone else runs.
      firewallDomainRedirectionAction: "TRUST_REDIRECTION_DOMAIN",
    });
    new Route53ResolverFirewallRule(this, "BlockEveryOtherDomain", {
      name: "block-every-other-domain",
      firewallRuleGroupId: this.ruleGroup.id,
      firewallDomainListId: this.everyDomain.id,
      priority: BLOCK_RULE_PRIORITY,
      action: "BLOCK",
      // "The query was successful, but no response is available": clients stop at once, where an
      // unanswered query would make them retry (Route 53 Developer Guide, "Rule actions in DNS
      // Firewall"; NODATA is also the console's default and the walled-garden example's).
      blockResponse: "NODATA",
    });
    this.association = new Route53ResolverFirewallRuleGroupAssociation(this, "Association", {
      name: `${props.name}-dns-walled-garden`,
      firewallRuleGroupId: this.ruleGroup.id,
      vpcId: props.vpcId,
      priority: RULE_GROUP_PRIORITY,
      // Set explicitly. Mutation protection would also refuse the disassociation `cdktf destroy` makes;
      // who may disassociate is IAM's to decide (route53resolver:DisassociateFirewallRuleGroup), and the
      // call is recorded by CloudTrail.
      mutationProtection: "DISABLED",
      tags: tags(`${props.name}-dns-walled-garden`),
    });
    if (props.manageFailureMode ?? false) {
      // Fail closed: when DNS Firewall does not answer, the resolver blocks the query (SERVFAIL)
      // instead of resolving it unfiltered (Route 53 Developer Guide, "DNS Firewall VPC configuration":
      // closed "favors security over availability"). It is AWS's default too; written down so that the
      // choice shows in review and a fail-open set in the console is reverted by the next apply.
      this.failureMode = new Route53ResolverFirewallConfig(this, "FailureMode", {
        resourceId: props.vpcId,
        firewallFailOpen: "DISABLED",
      });
    }
  }
}
