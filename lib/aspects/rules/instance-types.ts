import type { Rule } from "../rule";

/**
 * Resource types that launch EC2 instances: an instance, or a launch template an Auto Scaling group or
 * fleet launches from. Rules on instance settings judge both, or a template would bypass them.
 */
export const INSTANCE_LAUNCH_TYPES: readonly string[] = ["aws_instance", "aws_launch_template"];

/** A rule on instance settings: judged on instances and launch templates alike. */
export function instanceRule(rule: Omit<Rule, "appliesTo">): Rule {
  return { ...rule, appliesTo: INSTANCE_LAUNCH_TYPES };
}
