/**
 * The offline plan's preparation and its report, shared by `npm run plan:offline` (scripts/offline-plan.ts)
 * and the Terraform layer of the test suite, which plans the very folders prepared here.
 *
 * A synthesized stack cannot be planned offline as written: its backend is the configured state (S3,
 * HCP Terraform, or the project folder's state files), which an offline plan must never read or write,
 * and a stack that reads another stack's state (`terraform_remote_state`) fails with "Unable to find
 * remote state" until that stack is applied. So every stack folder gets one override file
 * (developer.hashicorp.com/terraform/language/files/override): a local backend in the throwaway folder,
 * and each `terraform_remote_state` re-pointed at a placeholder state file (backend `local`, `config.path`)
 * that holds the producing stack's outputs, with values derived from its synthesized outputs
 * (`remoteStateOutputs`, the generator the mocked runs use for `override_data`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { TfJson } from "../../lib/tfjson";
import { inParallel, realPlanTestFile, remoteStateOutputs, terraform, testFileResults } from "./terraform";

/**
 * The file the preparation writes into each stack folder. Terraform merges an `override.tf.json` over
 * the folder's other files: a top-level block's arguments replace the same arguments of the block with
 * the same header, and a `backend` block replaces the original `backend` or `cloud` block
 * (developer.hashicorp.com/terraform/language/files/override, "Merging terraform blocks").
 */
export const OVERRIDE_FILE = "override.tf.json";

/** A placeholder state answering one producer's outputs. */
export interface Placeholder {
  /** The producing stack (from cdktf's `cross-stack-reference-input-<id>`), or the data source's name. */
  readonly producer: string;
  /** The state file the reads are pointed at. */
  readonly file: string;
  /** Output name -> the value written for it. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** One stack folder made ready for an offline plan. */
export interface PreparedStack {
  readonly id: string;
  /** The synthesized folder, planned in place (it now holds the override file). */
  readonly dir: string;
  /** The throwaway local state the plan uses instead of the configured one. */
  readonly statePath: string;
  /** The stacks whose state this one reads, each answered by a placeholder; empty for a stack that reads none. */
  readonly placeholders: readonly Placeholder[];
}

/** The producing stack's id, from the data source cdktf names after it. */
const CROSS_STACK_INPUT = /^cross-stack-reference-input-(.+)$/;

/**
 * A Terraform state snapshot (format version 4, what Terraform 1.x writes) holding only `outputs`: all
 * that `terraform_remote_state` reads. An old `terraform_version` keeps any 1.x able to read it.
 */
export function placeholderState(
  producer: string,
  outputs: Readonly<Record<string, string>>,
  sensitive: ReadonlySet<string> = new Set(),
): object {
  return {
    version: 4,
    terraform_version: "1.0.0",
    serial: 1,
    lineage: `offline-plan-placeholder-${producer}`,
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([name, value]) => [
        name,
        { value, type: "string", ...(sensitive.has(name) ? { sensitive: true } : {}) },
      ]),
    ),
    resources: [],
    check_results: null,
  };
}

/**
 * The override file of one stack folder: its backend replaced by a local one at `statePath` (a backend
 * block in an override file replaces the stack's backend or `cloud` block), and each remote-state read
 * in `reads` (data source name -> placeholder file) pointed at its file. An override replaces the
 * arguments it names and keeps the others: `workspace` stays `terraform.workspace`, which is `default`.
 * Paths are absolute: Terraform resolves a relative `config.path` from the directory it runs in, which
 * is not the stack's folder when the stack is planned as a module (`terraform test`).
 */
export function offlineOverride(statePath: string, reads: Readonly<Record<string, string>>): object {
  const data = Object.fromEntries(
    Object.entries(reads).map(([name, file]) => [name, { backend: "local", config: { path: file } }]),
  );
  return {
    terraform: { backend: { local: { path: statePath } } },
    ...(Object.keys(data).length > 0 ? { data: { terraform_remote_state: data } } : {}),
  };
}

/**
 * Prepares every stack of a synthesis (`outdir`, `stacks`: an offline-mode synthesis) for an offline
 * plan, writing only into the stack folders and `workDir`: the override file of each folder, a throwaway
 * state path per stack (`<workDir>/state/<id>.tfstate`) and one placeholder state per producer read
 * (`<workDir>/placeholder-state/<producer>.tfstate`, every output any reader reads). `producers` are the
 * stacks whose outputs shape the values (an online synthesis of the same configuration: its providers
 * name the accounts the ARNs belong to, which offline providers leave out).
 */
export function prepareOfflinePlan(
  synthesis: { readonly outdir: string; readonly stacks: Readonly<Record<string, TfJson>> },
  producers: Readonly<Record<string, TfJson>>,
  workDir: string,
): Record<string, PreparedStack> {
  const stateDir = path.resolve(workDir, "state");
  const placeholderDir = path.resolve(workDir, "placeholder-state");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(placeholderDir, { recursive: true });

  // Every output read of each producer, over all readers: one placeholder state per producer.
  const reads = Object.fromEntries(
    Object.entries(synthesis.stacks).map(([id, stack]) => [id, remoteStateOutputs(stack, producers)]),
  );
  const byProducer: Record<string, Record<string, string>> = {};
  for (const outputsByRead of Object.values(reads)) {
    for (const [name, outputs] of Object.entries(outputsByRead)) {
      Object.assign((byProducer[producerOf(name)] ??= {}), outputs);
    }
  }
  const fileOf = (producer: string) => path.join(placeholderDir, `${producer}.tfstate`);
  for (const [producer, outputs] of Object.entries(byProducer)) {
    const declared = producers[producer]?.output ?? {};
    const sensitive = new Set(Object.keys(outputs).filter((name) => declared[name]?.sensitive === true));
    writeFileSync(fileOf(producer), `${JSON.stringify(placeholderState(producer, outputs, sensitive), null, 2)}\n`);
  }

  const prepared: Record<string, PreparedStack> = {};
  for (const id of Object.keys(synthesis.stacks)) {
    const dir = path.resolve(synthesis.outdir, "stacks", id);
    const statePath = path.join(stateDir, `${id}.tfstate`);
    const names = Object.keys(reads[id]);
    writeFileSync(
      path.join(dir, OVERRIDE_FILE),
      `${JSON.stringify(offlineOverride(statePath, Object.fromEntries(names.map((n) => [n, fileOf(producerOf(n))]))), null, 2)}\n`,
    );
    const placeholders = names.map((name) => ({
      producer: producerOf(name),
      file: fileOf(producerOf(name)),
      outputs: reads[id][name],
    }));
    prepared[id] = { id, dir, statePath, placeholders };
  }
  return prepared;
}

function producerOf(dataSourceName: string): string {
  return CROSS_STACK_INPUT.exec(dataSourceName)?.[1] ?? dataSourceName;
}

/** What one `terraform plan` printed, read back from its `-no-color` output. */
export interface PlanReport {
  /** `Plan: N to add, …`; 0 for "No changes."; undefined when the plan did not finish. */
  readonly toAdd?: number;
  readonly toChange?: number;
  readonly toDestroy?: number;
  /** The summary line of each warning Terraform printed (`│ Warning: <summary>`). */
  readonly warnings: readonly string[];
}

export function readPlan(output: string): PlanReport {
  const warnings = [...output.matchAll(/^[│|]? ?Warning: (.+)$/gm)].map((m) => m[1].trim());
  const counts = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./m.exec(output);
  if (counts) {
    return { toAdd: Number(counts[1]), toChange: Number(counts[2]), toDestroy: Number(counts[3]), warnings };
  }
  if (/^No changes\./m.test(output)) return { toAdd: 0, toChange: 0, toDestroy: 0, warnings };
  return { warnings };
}

/** One row of the offline plan's summary. */
export interface SummaryRow {
  readonly stack: string;
  readonly ok: boolean;
  readonly toAdd?: number;
  /** Synth warnings of the stack, then Terraform's. */
  readonly warnings: number;
  /** Producers whose state was answered by a placeholder. */
  readonly placeholders: readonly string[];
}

/** The summary as a plain-text table: stack, to add, warnings, placeholder reads, result. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ["stack", "to add", "warnings", "reads answered by placeholders", "result"];
  const cells = rows.map((r) => [
    r.stack,
    r.toAdd === undefined ? "-" : String(r.toAdd),
    String(r.warnings),
    r.placeholders.length > 0 ? r.placeholders.join(", ") : "-",
    r.ok ? "planned" : "FAILED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** The `terraform test` file that plans stack `id` (the Terraform layer of the suite names its files alike). */
export const offlinePlanFile = (id: string): string => `${id}.offline.tftest.hcl`;

/** One stack's offline plan: whether it planned, Terraform's words, and what they report. */
export interface StackPlan {
  readonly id: string;
  readonly ok: boolean;
  /** The plan as Terraform printed it (`-no-color`), or the errors that stopped it. */
  readonly output: string;
  readonly report: PlanReport;
}

/** Terraform's colours, for reading back a plan that was shown in colour. */
// eslint-disable-next-line no-control-regex -- the escape character is what starts a colour code
export const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, "");

/**
 * Diagnostics of a `terraform test` process's stderr that concern stack `id`: Terraform names the test
 * file (`<id>.offline.tftest.hcl`) or the stack's folder (`…/stacks/<id>/cdk.tf.json`) in each one.
 */
export function diagnosticsOf(stderr: string, id: string): string {
  const blocks = stderr.split(/^(?=(?:[│╷] ?)?(?:Error|Warning): )/m);
  const mine = blocks.filter((b) => b.includes(offlinePlanFile(id)) || b.includes(`stacks/${id}/`));
  return mine.join("").trim();
}

/**
 * Plans `ids` of `prepared` the way the suite's Terraform layer does, sharing the provider: a test
 * root in `root` calls each stack folder as a module in a `run` block with `command = plan` (a real
 * plan with the stack's own, offline, providers; `terraform test` keeps state in memory), one
 * `terraform init` installs the provider once for all, and two `terraform test` processes (one per core)
 * each load its schema once. Eight separate `terraform plan`s start the provider eight times and took
 * four times as long here.
 */
export async function planInTests(
  prepared: Readonly<Record<string, PreparedStack>>,
  ids: readonly string[],
  root: string,
  env: NodeJS.ProcessEnv,
  weight: (id: string) => number = () => 1,
): Promise<Record<string, StackPlan>> {
  mkdirSync(root, { recursive: true });
  // `terraform init` installs the modules of the test files only in a folder that has a configuration.
  writeFileSync(path.join(root, "main.tf.json"), "{}\n");
  for (const id of ids) {
    writeFileSync(path.join(root, offlinePlanFile(id)), realPlanTestFile(path.relative(root, prepared[id].dir)));
  }
  const results: Record<string, StackPlan> = {};
  const init = await terraform(["init", "-input=false", "-no-color"], root, env);
  if (!init.ok) {
    for (const id of ids) results[id] = { id, ok: false, output: init.output, report: { warnings: [] } };
    return results;
  }
  const groups: Array<{ ids: string[]; weight: number }> = [
    { ids: [], weight: 0 },
    { ids: [], weight: 0 },
  ];
  for (const id of [...ids].sort((a, b) => weight(b) - weight(a))) {
    const lighter = groups[0].weight <= groups[1].weight ? groups[0] : groups[1];
    lighter.ids.push(id);
    lighter.weight += weight(id);
  }
  await inParallel(
    groups.filter((g) => g.ids.length > 0),
    2,
    async (group) => {
      const filters = group.ids.map((id) => `-filter=${offlinePlanFile(id)}`);
      const run = await terraform(["test", "-verbose", "-no-color", ...filters], root, env);
      const files = testFileResults(run.stdout);
      const stderr = run.output.slice(run.stdout.length);
      for (const id of group.ids) {
        const file = files[offlinePlanFile(id)];
        const output = [file?.output ?? "", diagnosticsOf(stderr, id) || (file?.status === "pass" ? "" : stderr)]
          .filter(Boolean)
          .join("\n");
        results[id] = { id, ok: file?.status === "pass", output, report: readPlan(output) };
      }
    },
  );
  return results;
}
