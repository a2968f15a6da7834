/**
 * The domain lists of the workload VPC's Route 53 Resolver DNS Firewall, as data (the construct that
 * deploys them is lib/constructs/dns-firewall.ts).
 *
 * Domain specifications follow AWS's syntax for your own domain lists: letters, digits and hyphens in
 * labels separated by periods, optionally starting with `*` (Route 53 Developer Guide, "Managing your
 * own domain lists"). A name matches itself only; `*.example.com` matches the names below example.com,
 * at any depth, and `*` alone matches every name ("to add all of the example.com's subdomains, add
 * *.example.com to the list"; the walled-garden example blocks the rest with a list holding `*`: Route 53
 * Developer Guide, "Getting started with Route 53 Resolver DNS Firewall").
 *
 * Written without the trailing dot: AWS returns each domain with one, and hashicorp/aws 5.x removes it
 * when it reads the list back (resource aws_route53_resolver_firewall_domain_list, "AWS' response
 * contains a trailing dot at the end, this causes the domains to never match"), so a configured dot
 * would show as a change on every plan.
 */

/**
 * Every name the list matches: what the rule that blocks the rest uses (the walled-garden example's
 * "AllDomains" list).
 */
export const EVERY_DOMAIN = "*";

/**
 * The services whose regional names the instances call. The SSM agent registers and carries sessions
 * through `ssm`, `ssmmessages` and (agents before 3.3.40.0) `ec2messages`; logged, encrypted sessions add
 * `logs` and `kms` (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html,
 * as for lib/constructs/interface-endpoints.ts). With interface endpoints these names resolve, inside the VPC, to the endpoints'
 * addresses (private DNS), which DNS Firewall filters like any other name (Route 53 Developer Guide,
 * "Using DNS Firewall to filter outbound DNS traffic": it "can also block resolution requests to
 * resources in private hosted zones ... including VPC endpoint names").
 *
 * No STS: the instance role's credentials come from the instance metadata service, an address, not a
 * name; nothing on the instance calls STS.
 */
export const INSTANCE_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs", "kms"] as const;

/**
 * What the workload VPC's instances may resolve in `region`; everything else is blocked:
 * - the regional endpoints of INSTANCE_SERVICES;
 * - S3's regional names, path-style and virtual-hosted, IPv4 and dual-stack, which the S3 gateway
 *   endpoint serves: SSM Agent's buckets, session transcripts, and the Amazon Linux 2023 repositories.
 *   AL2023's repository file (/etc/yum.repos.d/amazonlinux.repo) reads its mirror list from
 *   `https://al2023-repos-$awsregion-de612dc2.s3$dualstack.$awsregion.$awsdomain/...`, where
 *   `$dualstack` is empty or `.dualstack`: both forms are below the two wildcards. In us-east-1 also
 *   S3's legacy global names, which older SDKs (the agent's among them) use there and which resolve to
 *   us-east-1's addresses;
 * - EC2's internal host names of the region (`ip-10-0-8-5.eu-west-1.compute.internal`, in us-east-1
 *   `….ec2.internal`): the instance looks up its own name (sudo, the agent's host information), and
 *   the VPC's resolver answers them from AWS's own data.
 *
 * Every allowed name is in a zone AWS answers for itself: a query for one of them reaches no name
 * server anyone else runs, so encoding data in it (a bucket name that does not exist, say) tells
 * nobody outside AWS anything.
 */
export function allowedAwsDomains(region: string): string[] {
  const regional = `${region}.amazonaws.com`;
  const s3 = [`s3.${regional}`, `*.s3.${regional}`, `s3.dualstack.${regional}`, `*.s3.dualstack.${regional}`];
  const usEast1 = region === "us-east-1";
  return [
    ...INSTANCE_SERVICES.map((service) => `${service}.${regional}`),
    ...s3,
    ...(usEast1 ? ["s3.amazonaws.com", "*.s3.amazonaws.com"] : []),
    usEast1 ? "*.ec2.internal" : `*.${region}.compute.internal`,
  ];
}
