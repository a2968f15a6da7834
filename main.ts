import { App, DISABLE_STACK_TRACE_IN_METADATA } from "cdktf";
import { applyGuardrails } from "./lib/aspects/guardrails";
import { loadSettingsOrExit, type Settings } from "./lib/config";
import { AuditStack } from "./stacks/audit";
import { CrossAccountS3Stack } from "./stacks/cross-account-s3";
import { OrgGuardrailsStack } from "./stacks/org-guardrails";
import { PrivateAccessStack } from "./stacks/private-access";
import { SessionPreferencesStack } from "./stacks/session-preferences";
import { SsmAbacStack } from "./stacks/ssm-abac";
import { SsmFixedTagStack } from "./stacks/ssm-fixed-tag";
import { SsmInstanceArnStack } from "./stacks/ssm-instance-arn";

/** Declares every stack of the project on `app`. Stack ids are the names users type: `cdktf plan <id>`. */
export function defineStacks(app: App, settings: Settings): void {
  const { config, offline } = settings;
  // Annotations (synth warnings) otherwise carry a stack trace of this machine's absolute paths into
  // manifest.json: noise in review, and the synthesized output must not depend on where it was made.
  app.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
  // Only with ssm.sessionPreferences "manage": with "existing" the document is someone else's, and the
  // stacks that would use it say in a synth warning what its owner must grant.
  const sessionPreferences =
    config.ssm.sessionPreferences === "manage"
      ? new SessionPreferencesStack(app, "session-preferences", { config, offline })
      : undefined;
  const sessionLogging = sessionPreferences?.logging;
  const privateAccess = new PrivateAccessStack(app, "private-access", { config, offline, sessionLogging });
  new OrgGuardrailsStack(app, "org-guardrails", { config, offline });
  // Pattern 1 names instances: the private-access target (a cross-stack reference) unless
  // ssm.targetInstanceIds lists others. The three ssm-* stacks deploy side by side (one user each).
  new SsmInstanceArnStack(app, "ssm-instance-arn", {
    config,
    offline,
    sessionLogging,
    defaultTargetInstanceId: privateAccess.target.instance.id,
  });
  new SsmFixedTagStack(app, "ssm-fixed-tag", { config, offline, sessionLogging });
  new SsmAbacStack(app, "ssm-abac", { config, offline, sessionLogging });
  new CrossAccountS3Stack(app, "cross-account-s3", { config, offline, sessionLogging });
  new AuditStack(app, "audit", { config, offline });
  // Keep last: the guardrail pack is added to each stack that exists now (cdktf never runs App aspects).
  applyGuardrails(app);
}

/** The `cdktf synth` entry point: validate the configuration, then synthesize every stack. */
export function main(): void {
  // Validated before the App exists: on a bad configuration nothing is synthesized.
  const settings = loadSettingsOrExit();
  const app = new App();
  defineStacks(app, settings);
  app.synth();
}

if (require.main === module) main();
