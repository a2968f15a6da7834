import { isObject } from "../tfjson/json";
import { doc, pattern, section } from "./fields";
import { AL2023_AMI_PARAMETERS, instanceArchitecture, isMacType, parameterArchitecture } from "./instance-types";

/** `instance`: the EC2 instances of private-access and cross-account-s3. */

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SSM_PARAMETER = /^\/[A-Za-z0-9_.\-/]{1,2047}$/;

export const instanceSchema = section({
  type: doc(
    pattern(INSTANCE_TYPE, "use an EC2 instance type such as t3.micro or t4g.micro")
      .refine((type) => !isMacType(type), {
        error: "use a type that runs Amazon Linux: mac instances need macOS and a Dedicated Host",
      })
      .default("t3.micro"),
    {
      description:
        "instance type of both stacks' instances; Graviton types (`t4g`, `m7g`, `c7gn`, …) get the arm64 image; Mac types are refused; `ebs_optimized` is set only where AWS accepts it (not `t2`, `t1`, some previous-generation sizes)",
    },
  ),
  // Unset: the AL2023 parameter of the type's architecture (amiParameterFor).
  amiSsmParameter: doc(pattern(SSM_PARAMETER, "use an SSM parameter path that starts with /").optional(), {
    description:
      "where the AMI id is read at plan time; a path naming the other architecture (`x86_64`/`amd64` vs `arm64`/`aarch64`) is refused",
    unset: "AL2023 public parameter of the type's architecture (`…-x86_64` or `…-arm64`)",
  }),
  amiId: doc(pattern(AMI_ID, "use an AMI id such as ami-0123456789abcdef0").optional(), {
    description:
      "a fixed AMI instead of the lookup; its architecture is checked at plan time (a postcondition on `aws_ami`), not offline",
  }),
}).superRefine(
  (instance, ctx) => {
    // A Graviton type needs an arm64 image and the reverse: RunInstances refuses the pair. A parameter
    // whose path names no architecture cannot be checked here; a fixed amiId is checked at plan time.
    if (typeof instance.type !== "string" || !INSTANCE_TYPE.test(instance.type)) return;
    if (typeof instance.amiSsmParameter !== "string") return;
    const wanted = instanceArchitecture(instance.type);
    const named = parameterArchitecture(instance.amiSsmParameter);
    if (named !== undefined && named !== wanted) {
      ctx.addIssue({
        code: "custom",
        path: ["amiSsmParameter"],
        input: instance.amiSsmParameter,
        message: `use an ${wanted} image parameter for instance.type "${instance.type}" (${named} images do not boot on it), such as ${AL2023_AMI_PARAMETERS[wanted]}, or remove it to use that one`,
      });
    }
  },
  { when: ({ value }) => isObject(value) },
);
