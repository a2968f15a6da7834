import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AnnotationMetadataEntryType, Aspects, Testing, TerraformStack } from "cdktf";
import { GuardrailAspect } from "../../lib/aspects/guardrails";

export interface GuardrailAnnotation {
  /** `EC2_IMDSV2_REQUIRED`, read from the message's leading `[...]`. */
  readonly ruleId: string;
  /** Construct path the annotation is attached to, `fixture/Instance`. */
  readonly path: string;
  readonly message: string;
}

export interface GuardrailReport {
  readonly errors: GuardrailAnnotation[];
  readonly warnings: GuardrailAnnotation[];
  readonly infos: GuardrailAnnotation[];
}

function annotations(stack: TerraformStack, type: string): GuardrailAnnotation[] {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === type && typeof m.data === "string" && m.data.startsWith("["))
      .map((m) => ({
        ruleId: /^\[([A-Z0-9_]+)/.exec(m.data)?.[1] ?? "",
        path: c.node.path,
        message: m.data as string,
      })),
  );
}

/**
 * Builds a one-stack fixture (stack id `fixture`, an AWS provider already in it), runs the guardrail
 * Aspect on it the way synth does, and returns the annotations the pack attached.
 */
export function guardrailFixture(build: (stack: TerraformStack) => void): GuardrailReport {
  const stack = new TerraformStack(Testing.app(), "fixture");
  new AwsProvider(stack, "Aws", { region: "eu-west-1" });
  build(stack);
  Aspects.of(stack).add(new GuardrailAspect());
  Testing.synth(stack);
  return {
    errors: annotations(stack, AnnotationMetadataEntryType.ERROR),
    warnings: annotations(stack, AnnotationMetadataEntryType.WARN),
    infos: annotations(stack, AnnotationMetadataEntryType.INFO),
  };
}
