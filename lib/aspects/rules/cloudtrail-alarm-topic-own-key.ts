import { refersTo, type ResourceJson, type StackView } from "../../tfjson";
import type { Rule } from "../rule";

/** Every action list of a metric alarm that can name a topic to notify. */
const ALARM_ACTION_ATTRIBUTES = ["alarm_actions", "ok_actions", "insufficient_data_actions"] as const;

/** The KMS keys of the stack that a trail's log files or a trail's log group are encrypted with. */
function trailKeys(stack: StackView): ResourceJson[] {
  const trails = stack.resources("aws_cloudtrail");
  const trailLogGroups = stack
    .resources("aws_cloudwatch_log_group")
    .filter((group) => trails.some((trail) => refersTo(trail.config.cloud_watch_logs_group_arn, group)));
  return stack
    .resources("aws_kms_key")
    .filter(
      (key) =>
        trails.some((trail) => refersTo(trail.config.kms_key_id, key)) ||
        trailLogGroups.some((group) => refersTo(group.config.kms_key_id, key)),
    );
}

/**
 * One key for the trail (or its log group) and the topic its alarms notify is one switch that silences
 * the whole audit: disable it and CloudTrail stops delivering, CloudWatch Logs refuses new events (so no
 * metric filter counts the DisableKey call), and the alarm could not publish to the topic anyway. The
 * alarm topic takes a key of its own. Judges an SNS topic that a metric alarm notifies, by the key its
 * kms_master_key_id refers to; a topic without a key reference of this stack is not judged here.
 */
export const CLOUDTRAIL_ALARM_TOPIC_OWN_KEY: Rule = {
  id: "CLOUDTRAIL_ALARM_TOPIC_OWN_KEY",
  mirrors: [],
  reason:
    "An alarm topic encrypted with the trail's key goes silent with the trail: disabling that one key stops the log events and the alarm that would report it.",
  fix: "Encrypt the alarm topic with a KMS key of its own, not the key of a trail or of a trail's log group.",
  appliesTo: ["aws_sns_topic"],
  check(topic, stack) {
    const notified = ALARM_ACTION_ATTRIBUTES.some(
      (attribute) => stack.referencing(topic, "aws_cloudwatch_metric_alarm", attribute).length > 0,
    );
    if (!notified) return "not-applicable";
    const keys = stack.resources("aws_kms_key").filter((key) => refersTo(topic.config.kms_master_key_id, key));
    if (keys.length === 0) return "not-applicable";
    const shared = new Set(trailKeys(stack).map((key) => key.address));
    return keys.some((key) => shared.has(key.address)) ? "non-compliant" : "compliant";
  },
};
