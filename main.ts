import { App } from "cdktf";
import { ConfigError, loadSettings, type Settings } from "./lib/config";
import { OrgGuardrailsStack } from "./stacks/org-guardrails";
import { PrivateAccessStack } from "./stacks/private-access";

/** Declares every stack of the project on `app`. Stack ids are the names users type: `cdktf plan <id>`. */
export function defineStacks(app: App, settings: Settings): void {
  const { config, offline } = settings;
  new PrivateAccessStack(app, "private-access", { config, offline });
  new OrgGuardrailsStack(app, "org-guardrails", { config, offline });
}

function main(): void {
  let settings: Settings;
  try {
    // Validated before the App exists: on a bad configuration nothing is synthesized.
    settings = loadSettings();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const app = new App();
  defineStacks(app, settings);
  app.synth();
}

if (require.main === module) main();
