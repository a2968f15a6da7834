import { Annotations, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { Construct, IConstruct } from "constructs";
import { iamNameClashes, iamNameClashMessage } from "./iam-names";
import { stackView, type ResourceJson, type StackView, type TfJson } from "../tfjson";
import { ruleLabel, type Rule, type RuleResult } from "./rule";
import { GUARDRAIL_RULES } from "./rules";

/** One rule judged non-compliant on one resource. */
export interface Finding {
  readonly ruleId: string;
  /** Terraform address, `aws_instance.Target_Instance_8C3F1B2A`. */
  readonly address: string;
  /** Construct path, where the annotation is attached. */
  readonly path: string;
  /** `[RULE_ID (mirrors)] reason Fix: ... (address)`, as shown by `cdktf synth`. */
  readonly message: string;
  /** The recorded reason when the finding is a deliberate, suppressed exception. */
  readonly suppressedBecause?: string;
  /** Set when the rule threw instead of judging: never suppressed, since nothing was judged. */
  readonly ruleFailed?: true;
}

/**
 * `[EC2_IMDSV2_REQUIRED (CKV_AWS_79 / EC2.8)] <reason> Fix: <fix> (aws_instance.X)`: the id to suppress
 * with, the checks a reviewer knows, why, how to fix, and the Terraform address.
 */
export function findingMessage(rule: Rule, address: string): string {
  return `[${ruleLabel(rule)}] ${rule.reason} Fix: ${rule.fix} (${address})`;
}

/**
 * `[RULE_ID] rule failed on aws_x.Y: <message>. ...`: a rule that throws is a bug in the rule, not a
 * finding; the message says which rule, on which resource, and what it threw, so synth fails readably.
 */
export function ruleFailureMessage(rule: Rule, address: string, error: unknown): string {
  const what = error instanceof Error ? error.message : String(error);
  return `[${rule.id}] rule failed on ${address}: ${what}. The resource was not judged by this rule; fix the rule in lib/aspects/rules (or the resource's unexpected JSON it could not read).`;
}

/** The rule's answer, or the error it threw (a rule bug must not hide the other rules' findings). */
function judge(rule: Rule, resource: ResourceJson, view: StackView): RuleResult | { error: unknown } {
  try {
    return rule.check(resource, view);
  } catch (error) {
    return { error };
  }
}

/**
 * Runs the rules over a synthesized stack: a pure function of the JSON, so the same answer comes from
 * the Aspect during synth and from a test reading `cdk.tf.json`. A rule that throws on a resource
 * becomes a finding naming the rule and the error; the other rules still run.
 */
export function evaluateStack(stackName: string, stack: TfJson, rules: readonly Rule[] = GUARDRAIL_RULES): Finding[] {
  const view = stackView(stackName, stack);
  const findings: Finding[] = [];
  for (const resource of view.resources()) {
    for (const rule of rules) {
      if (rule.appliesTo !== "*" && !rule.appliesTo.includes(resource.type)) continue;
      const result = judge(rule, resource, view);
      if (typeof result === "object") {
        const message = ruleFailureMessage(rule, resource.address, result.error);
        findings.push({ ruleId: rule.id, address: resource.address, path: resource.path, message, ruleFailed: true });
        continue;
      }
      if (result !== "non-compliant") continue;
      findings.push({
        ruleId: rule.id,
        address: resource.address,
        path: resource.path,
        message: findingMessage(rule, resource.address),
        suppressedBecause: resource.suppressions[rule.id],
      });
    }
  }
  return findings;
}

/** Suppressions that silenced nothing: stale exceptions a reviewer should remove. */
export function unusedSuppressions(stackName: string, stack: TfJson, findings: readonly Finding[]) {
  return stackView(stackName, stack)
    .resources()
    .flatMap((r) => Object.keys(r.suppressions).map((ruleId) => ({ ruleId, address: r.address, path: r.path })))
    .filter((s) => !findings.some((f) => f.ruleId === s.ruleId && f.address === s.address));
}

/**
 * The guardrail pack as a cdktf Aspect. It acts once per stack: it synthesizes the stack's Terraform
 * JSON (tokens resolved, exactly what `cdk.tf.json` will hold), runs every rule, and turns each finding
 * into an error annotation on the offending resource, which makes `cdktf synth` exit non-zero.
 * Suppressed findings become info annotations naming the reason; a rule that throws is an error
 * annotation naming the rule and its error, so synth fails with a message instead of a stack trace.
 */
export class GuardrailAspect implements IAspect {
  private readonly visited = new WeakSet<TerraformStack>();
  /**
   * Every stack judged so far, for the checks no single stack can answer (IAM names are unique per
   * account, and several stacks share one). A clash is reported on the later stack's resource.
   */
  private readonly judged: Array<{ id: string; json: TfJson }> = [];

  constructor(private readonly rules: readonly Rule[] = GUARDRAIL_RULES) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.visited.has(node)) return;
    this.visited.add(node);
    const tf = node.toTerraform() as TfJson;
    const byPath = new Map<string, IConstruct>(node.node.findAll().map((c) => [c.node.path, c]));
    const findings = evaluateStack(node.node.id, tf, this.rules);
    for (const finding of findings) {
      const target = byPath.get(finding.path) ?? node;
      if (finding.suppressedBecause !== undefined) {
        Annotations.of(target).addInfo(`[${finding.ruleId}] suppressed: ${finding.suppressedBecause}`);
      } else {
        Annotations.of(target).addError(finding.message);
      }
    }
    this.judged.push({ id: node.node.id, json: tf });
    for (const clash of iamNameClashes(this.judged).filter((c) => c.stack === node.node.id)) {
      Annotations.of(byPath.get(clash.path) ?? node).addError(iamNameClashMessage(clash));
    }
    for (const stale of unusedSuppressions(node.node.id, tf, findings)) {
      Annotations.of(byPath.get(stale.path) ?? node).addWarning(
        `[${stale.ruleId}] suppression on ${stale.address} silences nothing: remove it.`,
      );
    }
  }
}

/**
 * Applies the pack to every stack under `app`. Call it after the last stack is defined: cdktf invokes
 * the aspects of each stack and its children only, so an aspect added to the App itself never runs.
 */
export function applyGuardrails(app: Construct, rules: readonly Rule[] = GUARDRAIL_RULES): GuardrailAspect {
  const aspect = new GuardrailAspect(rules);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    Aspects.of(stack).add(aspect);
  }
  return aspect;
}
