/**
 * `npm run plan:offline -- <stack-id> [more cdktf plan flags]`
 *
 * `cdktf plan` with no AWS access: offline provider mode (dummy credentials, no AWS calls), a generated
 * Terraform CLI config that installs hashicorp/aws from a local mirror when there is one, and
 * `--skip-provider-lock` because `terraform providers lock` needs the registry.
 *
 * With `state.backend` s3 or cloud, the real state is never read or written: the app is synthesized to
 * a throwaway folder under .tmp/, the stack there gets a local backend over its s3 or cloud one
 * (writeThrowawayBackend), and `cdktf plan --skip-synth` plans it from that folder. A stack that reads
 * another's state through `terraform_remote_state` cannot be planned that way: its input is in the
 * shared state.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, loadSettings } from "../lib/config";
import type { TfJson } from "../lib/tfjson";
import { terraformEnv, writeThrowawayBackend } from "./lib/terraform";

const args = process.argv.slice(2);
if (args.length === 0 || args[0].startsWith("-")) {
  process.stderr.write("Usage: npm run plan:offline -- <stack-id> (for example private-access)\n");
  process.exit(2);
}
const [stackId, ...flags] = args;
const root = path.join(__dirname, "..");
const env = {
  ...terraformEnv(path.join(root, ".tmp", "terraform")),
  ACCESS_GUARDRAILS_OFFLINE: "1",
  // Keep the configuration the caller chose.
  ...(process.env.ACCESS_GUARDRAILS_CONFIG ? { ACCESS_GUARDRAILS_CONFIG: process.env.ACCESS_GUARDRAILS_CONFIG } : {}),
};
const cdktf = path.join(root, "node_modules", ".bin", "cdktf");
const cdktfRun = (cdktfArgs: string[]) => spawnSync(cdktf, cdktfArgs, { stdio: "inherit", env }).status ?? 1;

let backend: string;
try {
  backend = loadSettings(env).config.state.backend;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

if (backend === "local") {
  process.exit(cdktfRun(["plan", stackId, ...flags, "--skip-provider-lock"]));
}

const workDir = path.join(root, ".tmp", "offline-plan");
const outdir = path.join(workDir, "cdktf.out");
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const synthStatus = cdktfRun(["synth", "--output", outdir]);
if (synthStatus !== 0) process.exit(synthStatus);
const stackDir = path.join(outdir, "stacks", stackId);
const stackFile = path.join(stackDir, "cdk.tf.json");
if (!existsSync(stackFile)) {
  process.stderr.write(`No stack ${stackId} was synthesized: name a stack id such as private-access.\n`);
  process.exit(2);
}
const stack = JSON.parse(readFileSync(stackFile, "utf8")) as TfJson;
const reads = Object.keys(stack.data?.terraform_remote_state ?? {});
if (reads.length > 0) {
  process.stderr.write(
    `${stackId} reads another stack's state from the ${backend} backend (${reads.join(", ")}), which an offline plan must not touch: plan a stack without cross-stack inputs, or run npm test (mocked inputs).\n`,
  );
  process.exit(2);
}
const statePath = path.join(workDir, `terraform.${stackId}.tfstate`);
writeThrowawayBackend(stackDir, statePath);
process.stdout.write(
  `state.backend is ${backend}: planning against a throwaway local state (${path.relative(root, statePath)}); the ${backend} state is neither read nor written.\n`,
);
process.exit(cdktfRun(["plan", stackId, ...flags, "--skip-synth", "--output", outdir, "--skip-provider-lock"]));
