/**
 * `npm run plan:offline -- <stack-id> [more cdktf plan flags]`
 *
 * `cdktf plan` with no AWS access: offline provider mode (dummy credentials, no AWS calls), a generated
 * Terraform CLI config that installs hashicorp/aws from a local mirror when there is one, and
 * `--skip-provider-lock` because `terraform providers lock` needs the registry.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { terraformEnv } from "./lib/terraform";

const args = process.argv.slice(2);
if (args.length === 0 || args[0].startsWith("-")) {
  process.stderr.write("Usage: npm run plan:offline -- <stack-id> (for example private-access)\n");
  process.exit(2);
}
const env = {
  ...terraformEnv(path.join(__dirname, "..", ".tmp", "terraform")),
  ACCESS_GUARDRAILS_OFFLINE: "1",
  // Keep the configuration the caller chose.
  ...(process.env.ACCESS_GUARDRAILS_CONFIG ? { ACCESS_GUARDRAILS_CONFIG: process.env.ACCESS_GUARDRAILS_CONFIG } : {}),
};
const cdktf = path.join(__dirname, "..", "node_modules", ".bin", "cdktf");
const result = spawnSync(cdktf, ["plan", ...args, "--skip-provider-lock"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
