import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { Annotations, Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { CONSTRAINED_ZONE_IDS, zoneIdInRegion, zoneIdPrefix } from "../config/zones";

export interface NetworkZonesProps {
  /** Region of the network; its constrained zones are excluded and the offline placeholder named after it. */
  readonly region: string;
  /**
   * Two zone IDs to place the subnets in, the same physical zones in every account.
   * @default - the first two usable zones of the account, resolved at plan time
   */
  readonly availabilityZoneIds?: readonly string[];
  /** Zone IDs never chosen by the plan-time lookup, besides the built-in constrained ones. @default [] */
  readonly excludeZoneIds?: readonly string[];
  /** Offline mode: no AWS call, so no lookup; placeholder zones with a warning. @default false */
  readonly offline?: boolean;
}

/**
 * The two zone IDs a network's subnets go in (literals, or references to a plan-time lookup). Pinned
 * IDs are used as given. Otherwise `aws_availability_zones` (created in `scope` as `Zones`) lists the
 * account's zones that are available, need no opt-in (no Local or Wavelength Zones) and are not
 * constrained or excluded, and the first two are used; a postcondition stops the plan when fewer than
 * two remain. Offline, `<prefix>-az1` and `<prefix>-az2` stand in, with a warning.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/availability_zones
 */
export function networkZoneIds(scope: Construct, props: NetworkZonesProps): [string, string] {
  const pinned = props.availabilityZoneIds;
  if (pinned !== undefined && pinned.length === 2) return [pinned[0], pinned[1]];
  if (props.offline) {
    const prefix = zoneIdPrefix(props.region) ?? props.region;
    const placeholder: [string, string] = [`${prefix}-az1`, `${prefix}-az2`];
    Annotations.of(scope).addWarning(
      `Offline mode: zone lookup skipped, placeholder zones ${placeholder.join(", ")} used. Set network.availabilityZoneIds to plan with real zones.`,
    );
    return placeholder;
  }
  const excluded = [
    ...CONSTRAINED_ZONE_IDS.filter((id) => zoneIdInRegion(id, props.region)),
    ...(props.excludeZoneIds ?? []),
  ];
  const zones = new DataAwsAvailabilityZones(scope, "Zones", {
    state: "available",
    // Local and Wavelength Zones are `opted-in` or `not-opted-in`: a regional network stays out of them.
    filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    excludeZoneIds: [...new Set(excluded)],
    lifecycle: {
      postcondition: [
        {
          condition: "${length(self.zone_ids) >= 2}",
          errorMessage: `Fewer than two usable Availability Zones in ${props.region} after excluding ${excluded.join(", ") || "none"}: shorten network.excludeZoneIds or set network.availabilityZoneIds.`,
        },
      ],
    },
  });
  return [0, 1].map((i) => Token.asString(Fn.element(zones.zoneIds, i))) as [string, string];
}
