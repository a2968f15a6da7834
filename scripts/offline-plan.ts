/**
 * `npm run plan:offline`                          plans every stack, prints one summary table
 * `npm run plan:offline -- <stack-id>… [flags]`   plans the named stacks, printing each plan; the flags
 *                                                 (`-no-color`, `-target=…`) go to `terraform plan`
 *
 * A plan with no AWS access and no state: offline provider mode (dummy credentials, no AWS call), a
 * generated Terraform CLI config that installs hashicorp/aws from a local mirror when there is one, and
 * the app synthesized to a throwaway folder, .tmp/offline-plan/, where every stack gets a local backend
 * and each read of another stack's state is answered by a placeholder state with the outputs the
 * producing stack would have (scripts/lib/offline-plan.ts). The configured state (the project folder's
 * `terraform.<id>.tfstate`, the S3 bucket, the HCP Terraform workspaces) is never read or written, so a
 * stack plans offline before the stacks it reads are applied, on a fresh clone as anywhere.
 *
 * Exits 0 when every stack planned, 1 when one did not (naming it) or the configuration or synthesis
 * failed, 2 on a wrong argument.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, loadSettings, type Settings } from "../lib/config";
import { deployOrder, STACK_IDS } from "../lib/stack/dependencies";
import { synthesize, type Synthesis } from "../lib/tfjson";
import {
  planInTests,
  prepareOfflinePlan,
  readPlan,
  stripAnsi,
  summaryTable,
  type PreparedStack,
  type StackPlan,
} from "./lib/offline-plan";
import { terraform, terraformEnv } from "./lib/terraform";

/** What the offline plan leaves alone, by `state.backend`. */
const CONFIGURED_STATE: Record<Settings["config"]["state"]["backend"], string> = {
  local: "the project folder's terraform.<stack-id>.tfstate files are",
  s3: "the S3 state is",
  cloud: "the HCP Terraform workspaces are",
};
const rel = (p: string) => path.relative(process.cwd(), p) || ".";

/** Where the offline plan works and talks: the project folder and the terminal, or a test's stand-ins. */
export interface OfflinePlanIo {
  /** The project folder: the work goes to `<root>/.tmp/offline-plan`, the Terraform CLI config to `<root>/.tmp/terraform`. */
  readonly root: string;
  /** The caller's environment (ACCESS_GUARDRAILS_CONFIG, PATH, a provider mirror). */
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string | Buffer) => void;
  readonly stderr: (text: string | Buffer) => void;
  /**
   * Synthesizes the app with `settings` into `outdir` (kept), or into a temporary folder (removed).
   * @default - main.ts's `defineStacks` on a real App, as `cdktf synth` does
   */
  readonly synth?: (settings: Settings, outdir?: string) => Synthesis;
}

/** Synthesizes the app with `settings`, as `cdktf synth` would (the same wiring, main.ts's defineStacks). */
function synth(settings: Settings, outdir?: string): Synthesis {
  // Loaded here: a wrong argument or configuration is reported before the stacks are.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be
  const { defineStacks } = require("../main") as typeof import("../main");
  return synthesize((app) => defineStacks(app, settings), outdir !== undefined, outdir);
}

/** Runs `terraform plan` in one prepared folder, showing its output as it comes, and keeps a copy. */
function planOne(
  stack: PreparedStack,
  flags: readonly string[],
  env: NodeJS.ProcessEnv,
  io: OfflinePlanIo,
): Promise<StackPlan> {
  return new Promise((resolve) => {
    const child = spawn("terraform", ["plan", "-input=false", ...flags], { cwd: stack.dir, env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      io.stdout(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      io.stderr(chunk);
    });
    const done = (ok: boolean, extra = "") => {
      const text = stripAnsi(output + extra);
      resolve({ id: stack.id, ok, output: text, report: readPlan(text) });
    };
    child.on("error", (err) => done(false, `\n${err.message}\n`));
    child.on("close", (code) => done(code === 0));
  });
}

/** The whole command: returns its exit code. */
export async function offlinePlan(args: readonly string[], io: OfflinePlanIo): Promise<number> {
  const say = (text: string) => io.stdout(`${text}\n`);
  const complain = (text: string) => io.stderr(`${text}\n`);
  const work = path.join(io.root, ".tmp", "offline-plan");
  const named = args.filter((a) => !a.startsWith("-"));
  const flags = args.filter((a) => a.startsWith("-"));
  if (named.length === 0 && flags.length > 0) {
    complain(
      `The flags ${flags.join(" ")} are for terraform plan, which runs for named stacks: ` +
        `npm run plan:offline -- private-access ${flags.join(" ")}`,
    );
    return 2;
  }

  const env: NodeJS.ProcessEnv = {
    ...terraformEnv(path.join(io.root, ".tmp", "terraform"), io.env),
    ACCESS_GUARDRAILS_OFFLINE: "1",
  };
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    complain(err.message);
    return 1;
  }

  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const synthesizeApp = io.synth ?? synth;
  const offline = synthesizeApp(settings, path.join(work, "cdktf.out"));
  // A configuration may synthesize fewer stacks (no session-preferences with existing preferences).
  const ids: string[] = deployOrder(STACK_IDS.filter((id) => id in offline.stacks));
  const unknown = named.filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    complain(
      `No stack ${unknown.join(", ")} in this configuration (${rel(settings.source)}): name one of ${ids.join(", ")}. ` +
        `A flag's value is written with "=" (-target=aws_vpc.Network).`,
    );
    return 2;
  }
  const errors = Object.entries(offline.annotations).flatMap(([id, notes]) =>
    notes.filter((n) => n.level === "@cdktf/error").map((n) => `${id}: ${n.message}`),
  );
  if (errors.length > 0) {
    complain(`Synthesis failed, nothing was planned:\n  ${errors.join("\n  ")}`);
    return 1;
  }
  // The producers' outputs shape the placeholder values; offline providers name no account, so the
  // values come from the same configuration synthesized online (which makes no AWS call either).
  const online = synthesizeApp({ ...settings, offline: false });
  const prepared = prepareOfflinePlan(offline, online.stacks, work);

  const selected = named.length > 0 ? ids.filter((id) => named.includes(id)) : ids;
  say(
    `Planning ${selected.join(", ")} offline (${rel(settings.source)}), each against a throwaway local state in ` +
      `${rel(path.join(work, "state"))}: ${CONFIGURED_STATE[settings.config.state.backend]} neither read nor written. ` +
      `Never apply an offline plan.`,
  );
  for (const id of selected) {
    const { placeholders } = prepared[id];
    if (placeholders.length === 0) continue;
    say(
      `${id}: its reads of the state of ${placeholders.map((p) => p.producer).join(" and ")} are answered with placeholders ` +
        `derived from the synthesized outputs (${placeholders.map((p) => rel(p.file)).join(", ")}), not from real state.`,
    );
  }

  let plans: Record<string, StackPlan>;
  if (named.length > 0) {
    plans = {};
    for (const id of selected) {
      say(`\n=== ${id} ===`);
      const init = await terraform(["init", "-input=false", "-no-color"], prepared[id].dir, env);
      plans[id] = init.ok
        ? await planOne(prepared[id], flags, env, io)
        : { id, ok: false, output: init.output, report: { warnings: [] } };
      if (!init.ok) complain(init.output);
    }
  } else {
    const resources = (id: string) =>
      Object.values(offline.stacks[id].resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    plans = await planInTests(prepared, selected, path.join(work, "tests"), env, resources);
  }

  const planDir = path.join(work, "plans");
  mkdirSync(planDir, { recursive: true });
  for (const plan of Object.values(plans)) writeFileSync(path.join(planDir, `${plan.id}.txt`), plan.output);
  const warnings = (id: string) => [
    ...offline.annotations[id].filter((n) => n.level === "@cdktf/warn").map((n) => `synth: ${n.message}`),
    ...plans[id].report.warnings.map((w) => `terraform: ${w}`),
  ];
  say("");
  say(
    summaryTable(
      selected.map((id) => ({
        stack: id,
        ok: plans[id].ok,
        toAdd: plans[id].report.toAdd,
        warnings: warnings(id).length,
        placeholders: prepared[id].placeholders.map((p) => p.producer),
      })),
    ),
  );
  const warned = selected.filter((id) => warnings(id).length > 0);
  if (warned.length > 0)
    say(
      `\nWarnings:\n${warned
        .map((id) =>
          warnings(id)
            .map((w) => `  ${id}: ${w}`)
            .join("\n"),
        )
        .join("\n")}`,
    );
  say(`\nEach stack's plan: ${rel(planDir)}/<stack-id>.txt`);

  const failed = selected.filter((id) => !plans[id].ok);
  for (const id of failed) {
    if (named.length === 0) complain(`\n=== ${id} ===\n${plans[id].output.trim()}`);
  }
  if (failed.length > 0) {
    complain(`\nThe offline plan failed for ${failed.join(", ")}.`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  const io: OfflinePlanIo = {
    root: path.join(__dirname, ".."),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  offlinePlan(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      io.stderr(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
