import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Annotations } from "cdktf";
import type { Construct } from "constructs";
import type { Config } from "../config";
import { amiParameterFor, instanceArchitecture } from "../config/instance-types";

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
 * otherwise the current image from its public SSM parameter (by default AL2023 of the instance type's
 * architecture), read at plan time.
 * The data sources are created in `scope` under the ids `Al2023Ami` / `PinnedAmi`, so call this once per stack.
 */
export function instanceAmi(scope: Construct, props: InstanceAmiProps): string {
  const { instance, offline } = props;
  const architecture = instanceArchitecture(instance.type);
  const parameter = amiParameterFor(instance);
  if (instance.amiId) {
    if (offline) {
      // Configuration holds only the id; what image it is can only be asked of AWS.
      Annotations.of(scope).addWarning(
        `Offline mode: the architecture of instance.amiId ${instance.amiId} cannot be checked; instance.type ${instance.type} needs an ${architecture} image. An online plan checks it.`,
      );
      return instance.amiId;
    }
    // A fixed image cannot be inspected at synth: the plan reads it and stops before RunInstances would
    // refuse an image of the other architecture. `image-id` matches exactly one image the account may use.
    new DataAwsAmi(scope, "PinnedAmi", {
      filter: [{ name: "image-id", values: [instance.amiId] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.architecture == "${architecture}"}`,
            errorMessage: `instance.amiId ${instance.amiId} is not an ${architecture} image, which instance.type ${instance.type} needs: choose an image of that architecture or another type.`,
          },
        ],
      },
    });
    return instance.amiId;
  }
  if (offline) {
    Annotations.of(scope).addWarning(
      `Offline mode: AMI lookup ${parameter} skipped, placeholder ${OFFLINE_PLACEHOLDER_AMI} used. Set instance.amiId to plan with a real image.`,
    );
    return OFFLINE_PLACEHOLDER_AMI;
  }
  // `insecure_value`: the parameter is public and not a secret; `value` would be marked sensitive and
  // hide the AMI id from every plan.
  return new DataAwsSsmParameter(scope, "Al2023Ami", { name: parameter }).insecureValue;
}
