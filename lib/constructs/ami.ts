import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import type { Config } from "../config";

/**
 * AMI used in offline mode when no `instance.amiId` is configured: offline mode makes no AWS call, so
 * the SSM parameter cannot be read. An offline plan is for review; it is never applied.
 */
export const OFFLINE_PLACEHOLDER_AMI = "ami-00000000000000000";

export interface InstanceAmiProps {
  /** The `instance` section of the configuration: a pinned `amiId` or the SSM parameter to read. */
  readonly instance: Config["instance"];
  /** Offline mode: no AWS call, so no parameter lookup either. */
  readonly offline: boolean;
}

/**
 * The AMI id for a stack's private instance, in one place for every stack: the configured
 * `instance.amiId` if set; offline, a placeholder (with a warning, since the parameter cannot be read);
 * otherwise the current AL2023 image from its public SSM parameter, read at plan time.
 * The data source is created in `scope` under the id `Al2023Ami`, so call this once per stack.
 */
export function instanceAmi(scope: Construct, props: InstanceAmiProps): string {
  const { instance, offline } = props;
  if (instance.amiId) return instance.amiId;
  if (offline) {
    Annotations.of(scope).addWarning(
      `Offline mode: AMI lookup ${instance.amiSsmParameter} skipped, placeholder ${OFFLINE_PLACEHOLDER_AMI} used. Set instance.amiId to plan with a real image.`,
    );
    return OFFLINE_PLACEHOLDER_AMI;
  }
  // `insecure_value`: the parameter is public and not a secret; `value` would be marked sensitive and
  // hide the AMI id from every plan.
  return new DataAwsSsmParameter(scope, "Al2023Ami", { name: instance.amiSsmParameter }).insecureValue;
}
