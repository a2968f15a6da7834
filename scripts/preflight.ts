/**
 * `npm run preflight -- [--json] [<stack-id> ...]`: before the first apply, meet the real accounts.
 * Synthesizes every stack in-process, then, with the credentials each provider of the named stacks (by
 * default: all) will deploy with, makes read-only AWS calls (scripts/lib/preflight/commands.ts lists
 * every one) and prints one table of what the first apply would hit, each row with its fix. Exit 0 when
 * clear, 1 with findings, 2 when an account cannot be reached (or a stack id is unknown). Progress
 * lines, one per account, go to stderr.
 */
import { loadSettingsOrExit, OFFLINE_ENV } from "../lib/config";
import { synthesize } from "../lib/tfjson";
import { defineStacks, STACK_IDS } from "../main";
import { Clients, runPreflight } from "./lib/preflight";
import { parseArguments, unsynthesized } from "./lib/preflight/args";
import { asJson, formatTable, summary, tableRows } from "./lib/preflight/report";

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2), STACK_IDS);
  if ("error" in args) {
    process.stderr.write(`${args.error}\n`);
    return 2;
  }
  const settings = loadSettingsOrExit();
  if (settings.offline) {
    process.stderr.write(
      `${OFFLINE_ENV} is set: offline stacks name no account to reach. Unset it; preflight meets the real accounts.\n`,
    );
    return 2;
  }
  process.stderr.write(`preflight: synthesizing the stacks of ${settings.source}\n`);
  const { stacks, annotations } = synthesize((app) => defineStacks(app, settings));
  // cdktf synth refuses a synthesis with error annotations (the guardrails): so does preflight.
  const errors = Object.values(annotations)
    .flat()
    .filter((a) => a.level === "@cdktf/error");
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`${e.constructPath}: ${e.message}\n`);
    process.stderr.write("The stacks do not synthesize: fix the errors above (npx cdktf synth shows them) first.\n");
    return 1;
  }
  if (args.stacks) {
    const missing = unsynthesized(args.stacks, Object.keys(stacks));
    if (missing) {
      process.stderr.write(`${missing}\n`);
      return 2;
    }
  }
  const clients = new Clients();
  try {
    const result = await runPreflight(stacks, settings.config, {
      clients,
      progress: (line) => process.stderr.write(`${line}\n`),
      stacks: args.stacks,
    });
    if (args.json) {
      process.stdout.write(`${asJson(result)}\n`);
    } else {
      const rows = tableRows(result);
      if (rows.length > 0) process.stdout.write(`${formatTable(rows)}\n\n`);
      process.stdout.write(`${summary(result)}\n`);
    }
    return result.exitCode;
  } finally {
    clients.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`preflight failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
