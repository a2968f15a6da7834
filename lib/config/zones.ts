/**
 * Availability Zone IDs: stable names of physical zones. Zone names (`ap-northeast-1b`) map to
 * physical zones differently per account; zone IDs (`apne1-az3`) are the same in every account.
 * https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
 */

/** `apne1-az1`: a Region's zone-ID prefix (see zoneIdPrefix), `-az` and the zone's number. */
export const ZONE_ID = /^(af|ap|ca|eu|il|me|mx|sa|us)(c|n|s|e|w|ne|nw|se|sw)[1-9]-az[1-9]\d?$/;

/**
 * Zone IDs AWS has constrained or retired, never chosen for new subnets:
 * - apne1-az3 (ap-northeast-1): constrained, closed to new accounts, retirement announced for
 *   2025-02-28 (AWS notice "[Action Required] apne1-az3 Deprecation", quoted in
 *   https://dev.classmethod.jp/articles/20250228-tokyo-region-apne1-az3-decommissioned/); NAT gateways
 *   fail there with NotAvailableInZone (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html).
 * - use1-az3 (us-east-1): offers no Nitro instance types, so the default t3.micro cannot launch there
 *   (https://wolfman.dev/posts/exclude-use1-az3/, checked with describe-instance-type-offerings by zone ID).
 * Extend per deployment with `network.excludeZoneIds`.
 */
export const CONSTRAINED_ZONE_IDS: readonly string[] = ["apne1-az3", "use1-az3"];

const DIRECTIONS: Readonly<Record<string, string>> = {
  central: "c",
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};

/**
 * The zone-ID prefix of a commercial Region: `ap-northeast-1` → `apne1`, `eu-west-1` → `euw1`,
 * `us-east-1` → `use1`, `ca-central-1` → `cac1`. AWS documents the IDs of each Region, not this rule; it
 * holds for every Region listed in https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html
 * `undefined` for a region id outside the commercial pattern (config validation refuses those first).
 */
export function zoneIdPrefix(region: string): string | undefined {
  const m = /^([a-z]{2})-([a-z]+)-([1-9])$/.exec(region);
  const direction = m ? DIRECTIONS[m[2]] : undefined;
  return m && direction ? `${m[1]}${direction}${m[3]}` : undefined;
}

/** Whether a zone ID belongs to the Region (same prefix). */
export function zoneIdInRegion(zoneId: string, region: string): boolean {
  const prefix = zoneIdPrefix(region);
  return prefix !== undefined && zoneId.startsWith(`${prefix}-az`);
}
