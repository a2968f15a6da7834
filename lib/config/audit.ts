import type { z } from "zod";
import { isObject } from "../tfjson/json";
import { bool, doc, objectLockSchema, pattern, retentionDays, section, userOrRoleArns } from "./fields";
import { isPlaceholderAccount } from "./placeholders";

/** `audit`: the audit stack's trail, its evidence buckets and keys, and the alarms. */

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const auditSchema = section({
  alarmEmail: doc(pattern(EMAIL, "use an email address").optional(), {
    description:
      "email subscribed to the alarm topic (it must confirm the subscription); for accounts other than the shipped placeholders required unless `audit.noAlarmSubscriber` is true",
  }),
  // The opt-out of the subscriber requirement (auditAlarmIssues): a team that subscribes its own
  // endpoint (chat, paging, a queue) to the AlarmTopicArn output says so here, in the file a reviewer reads.
  noAlarmSubscriber: doc(bool().default(false), {
    description:
      "`true`: subscribe nobody to the alarm topic and accept it, because you subscribe your own endpoint (chat, paging, a queue) to the `AlarmTopicArn` output; not together with `audit.alarmEmail`",
  }),
  logRetentionDays: doc(retentionDays.default(365), { description: "CloudTrail log-group retention in days" }),
  // Off: the trail bucket, its key and the log group survive `cdktf destroy audit` (evidence).
  // On only for throwaway demo accounts; the bucket is still never force-destroyed.
  allowDestroy: doc(bool().default(false), {
    description:
      "let `cdktf destroy audit` delete the trail's bucket, key and log group, and `audit.administratorArns` (then required) empty the bucket first (throwaway demo accounts only; the bucket is still never force-destroyed)",
  }),
  logReaderArns: doc(userOrRoleArns.default([]), {
    description:
      "existing roles/users granted to list and read the trail's log files (bucket policy) and decrypt them (key policy); others read only if their IAM policies grant both `s3:GetObject` and `kms:Decrypt`",
  }),
  // Empty: the bucket-level changes Terraform makes stay open, or the next deploy that changes the
  // bucket policy would be denied; only expiry and replication rules are denied to everyone.
  objectLock: doc(objectLockSchema.optional(), {
    description:
      "S3 Object Lock default retention on the trail bucket (not with `audit.allowDestroy`); enabling it on an existing bucket is in place and cannot be undone",
    unset: "no Object Lock: the bucket policy alone denies deletes",
  }),
  administratorArns: doc(userOrRoleArns.default([]), {
    description:
      "existing roles/users that alone may change the trail bucket's policy, versioning, encryption, public access block, lifecycle or replication, or delete it, and disable, schedule the deletion of or replace the policy of the audit and alarm-topic keys (list the role that runs `cdktf deploy audit`: KMS refuses a key policy that locks its caller out), and with `audit.allowDestroy` alone delete its log files; empty (only for the shipped placeholder accounts): lifecycle and replication rules are denied to everyone, every other bucket and key change left to IAM (not allowed with `audit.allowDestroy`)",
  }),
});

/**
 * Retiring the audit stack deletes the trail bucket's log files first, and with `audit.allowDestroy` the
 * bucket policy lets only `audit.administratorArns` delete them (trailBucketProtections): with nobody
 * named, nobody can empty the bucket, the emptying loop of docs/stacks/audit.md never ends and `cdktf destroy audit`
 * stops at the non-empty bucket.
 */
export function auditDestroyIssues(config: { audit: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  const { allowDestroy, administratorArns } = config.audit;
  if (allowDestroy !== true || !Array.isArray(administratorArns) || administratorArns.length > 0) return;
  ctx.addIssue({
    code: "custom",
    path: ["audit", "administratorArns"],
    input: administratorArns,
    message:
      "list the role that runs `cdktf destroy audit` (and anyone else who empties the trail bucket) when audit.allowDestroy is true: only audit.administratorArns may then delete the trail's log files, so with none the bucket can never be emptied and the destroy stops at it; or set audit.allowDestroy to false",
  });
}

/**
 * Where the audit stack reaches a real account (its workload account is not a shipped placeholder):
 * - someone must receive the alarms: `audit.alarmEmail`, or the explicit opt-out `audit.noAlarmSubscriber`
 *   (an alarm topic without a subscriber fires into the void, and only a synth warning would say so);
 * - someone must be named to administer the audit keys: with `audit.administratorArns` empty the key
 *   policies cannot deny kms:DisableKey / ScheduleKeyDeletion / PutKeyPolicy to everyone else (the
 *   deploying role would be denied too, and KMS refuses a policy that locks its caller out), so any
 *   account administrator could silence the trail and its alarms by disabling one key.
 * Both fields together contradict each other wherever the accounts are.
 */
export function auditAlarmIssues(
  config: { accounts: Record<string, unknown>; audit: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const { alarmEmail, noAlarmSubscriber, administratorArns, allowDestroy } = config.audit;
  if (alarmEmail !== undefined && noAlarmSubscriber === true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "noAlarmSubscriber"],
      input: noAlarmSubscriber,
      message:
        "remove it, or remove audit.alarmEmail: it says the alarm topic gets no subscriber, and audit.alarmEmail subscribes one",
    });
  }
  const workload = config.accounts.workload;
  if (!isObject(workload) || isPlaceholderAccount(workload.id)) return;
  const account = typeof workload.id === "string" ? workload.id : JSON.stringify(workload.id);
  if (alarmEmail === undefined && noAlarmSubscriber !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "alarmEmail"],
      input: undefined,
      message: `set the address that receives the audit alarms, or set audit.noAlarmSubscriber to true if you subscribe your own endpoint to the AlarmTopicArn output: accounts.workload.id ${account} is not one of the shipped placeholder accounts, and there an alarm topic with no subscriber fires alarms that reach no one`,
    });
  }
  // With allowDestroy the same empty list is already refused, with the reason that applies then.
  if (Array.isArray(administratorArns) && administratorArns.length === 0 && allowDestroy !== true) {
    ctx.addIssue({
      code: "custom",
      path: ["audit", "administratorArns"],
      input: administratorArns,
      message: `list the role that runs \`cdktf deploy audit\` (and any break-glass role): accounts.workload.id ${account} is not one of the shipped placeholder accounts, and there the audit keys' policies deny kms:DisableKey, kms:ScheduleKeyDeletion and kms:PutKeyPolicy to everyone but audit.administratorArns; with nobody named, any account administrator could disable the keys and silence the trail and its alarms`,
    });
  }
}

/**
 * Object Lock keeps every object version until its retention ends, and `audit.allowDestroy` promises a
 * bucket that can be emptied and destroyed: with both, `cdktf destroy` stops at a bucket nobody may
 * empty (COMPLIANCE) or only by bypassing the lock the bucket policy denies to everyone (GOVERNANCE).
 */
export function objectLockIssues(
  config: { audit: Record<string, unknown>; ssm: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  if (config.audit.allowDestroy !== true) return;
  const logs = isObject(config.ssm.sessionLogs) ? config.ssm.sessionLogs : {};
  for (const [path, lock] of [
    [["audit", "objectLock"], config.audit.objectLock],
    [["ssm", "sessionLogs", "objectLock"], logs.objectLock],
  ] as const) {
    if (lock === undefined) continue;
    ctx.addIssue({
      code: "custom",
      path: [...path],
      input: lock,
      message: `remove it, or set audit.allowDestroy to false: a bucket under Object Lock cannot be emptied before its retention ends, so the destroy audit.allowDestroy allows would stop at it`,
    });
  }
}
