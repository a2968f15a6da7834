import { App, DISABLE_STACK_TRACE_IN_METADATA } from "cdktf";
import { applyGuardrails } from "./lib/aspects/guardrails";
import { loadSettingsOrExit, managesSessionPreferences, type Settings } from "./lib/config";
import { READS_FROM, STACK_IDS, type StackId } from "./lib/stack/dependencies";
import { AuditStack } from "./stacks/audit";
import { CrossAccountS3Stack } from "./stacks/cross-account-s3";
import { OrgGuardrailsStack } from "./stacks/org-guardrails";
import { PrivateAccessStack } from "./stacks/private-access";
import { SessionPreferencesStack } from "./stacks/session-preferences";
import { SsmAbacStack } from "./stacks/ssm-abac";
import { SsmFixedTagStack } from "./stacks/ssm-fixed-tag";
import { SsmInstanceArnStack } from "./stacks/ssm-instance-arn";

// The dependency graph lives in a module of its own: scripts and tests that need only the order load no stack.
export { READS_FROM, STACK_IDS, type StackId };

/** `selected` and every stack they read from, directly or through another. */
function withProducers(selected: readonly StackId[]): ReadonlySet<StackId> {
  const declared = new Set<StackId>();
  const add = (id: StackId): void => {
    if (declared.has(id)) return;
    declared.add(id);
    READS_FROM[id].forEach(add);
  };
  selected.forEach(add);
  return declared;
}

/**
 * Declares the stacks of the project on `app`: every stack, or only `selected` and the stacks they read
 * from. A selection is for tests that read a few stacks: each selected stack synthesizes as in the whole
 * app, but a producer lacks the `cross-stack-output-*` outputs of readers left out, and the guardrail
 * checks across stacks (IAM names) see only the stacks declared. `cdktf synth` always declares all.
 */
export function defineStacks(app: App, settings: Settings, selected: readonly StackId[] = STACK_IDS): void {
  const { config, offline } = settings;
  const declared = withProducers(selected);
  // Annotations (synth warnings) otherwise carry a stack trace of this machine's absolute paths into
  // manifest.json: noise in review, and the synthesized output must not depend on where it was made.
  app.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
  // Only with ssm.sessionPreferences "manage" or "adopt": with "existing" the document is someone else's,
  // and the stacks that would use it say in a synth warning what its owner must grant.
  const sessionPreferences =
    managesSessionPreferences(config.ssm) && declared.has("session-preferences")
      ? new SessionPreferencesStack(app, "session-preferences", { config, offline })
      : undefined;
  const sessionLogging = sessionPreferences?.logging;
  const privateAccess = declared.has("private-access")
    ? new PrivateAccessStack(app, "private-access", { config, offline, sessionLogging })
    : undefined;
  if (declared.has("org-guardrails")) new OrgGuardrailsStack(app, "org-guardrails", { config, offline });
  // Pattern 1 names instances: the private-access target (a cross-stack reference) unless
  // ssm.targetInstanceIds lists others. The three ssm-* stacks deploy side by side (one user each).
  if (declared.has("ssm-instance-arn")) {
    new SsmInstanceArnStack(app, "ssm-instance-arn", {
      config,
      offline,
      sessionLogging,
      // Declared with it: READS_FROM names private-access as a producer of ssm-instance-arn.
      defaultTargetInstanceId: privateAccess?.target.instance.id,
    });
  }
  if (declared.has("ssm-fixed-tag")) new SsmFixedTagStack(app, "ssm-fixed-tag", { config, offline, sessionLogging });
  if (declared.has("ssm-abac")) new SsmAbacStack(app, "ssm-abac", { config, offline, sessionLogging });
  if (declared.has("cross-account-s3")) {
    new CrossAccountS3Stack(app, "cross-account-s3", { config, offline, sessionLogging });
  }
  if (declared.has("audit")) new AuditStack(app, "audit", { config, offline });
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
