import * as path from "node:path";
import { LocalBackend, TerraformStack } from "cdktf";

/**
 * Where a stack's local state lives, as Terraform reads it: relative to the stack's own folder.
 *
 * cdktf writes each stack to `<outdir>/stacks/<id>/` and runs Terraform there, so three levels up is the
 * folder that holds `cdktf.out`: the project root by default, the same `terraform.<id>.tfstate` cdktf's
 * own default names. cdktf's default is an absolute path of the machine that synthesized, which breaks
 * as soon as the checkout moves or `cdktf.out` is copied. The state stays outside `cdktf.out`, because
 * `cdktf synth` deletes the folder of a stack it no longer synthesizes.
 * Terraform resolves a relative `path` from the root module, the stack's folder (backend "local":
 * "path - The path to the tfstate file. This defaults to "terraform.tfstate" relative to the root
 * module", developer.hashicorp.com/terraform/language/backend/local).
 */
export function localStatePath(stackId: string): string {
  // POSIX separators on every OS: Terraform accepts them on Windows too, and the JSON stays the same.
  return path.posix.join("..", "..", "..", `terraform.${stackId}.tfstate`);
}

/**
 * Gives `stack` its local backend at {@link localStatePath}. Every stack gets its backend here, called
 * once by GuardrailsStack (lib/stack/guardrails-stack.ts), so that another backend (s3, cloud) can later
 * be chosen for all of them at once.
 *
 * A stack that reads this one's outputs gets a `terraform_remote_state` "local" data source with the
 * same `path` (cdktf copies it from this backend); it resolves to the same file because every stack
 * folder sits at the same depth under `<outdir>/stacks/`.
 */
export function localStateBackend(stack: TerraformStack): LocalBackend {
  return new LocalBackend(stack, { path: localStatePath(stack.node.id) });
}
