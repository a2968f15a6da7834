import * as path from "node:path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { Config } from "../config";

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
 * Gives `stack` its local backend at {@link localStatePath}.
 *
 * A stack that reads this one's outputs gets a `terraform_remote_state` "local" data source with the
 * same `path` (cdktf copies it from this backend); it resolves to the same file because every stack
 * folder sits at the same depth under `<outdir>/stacks/`.
 */
export function localStateBackend(stack: TerraformStack): LocalBackend {
  return new LocalBackend(stack, { path: localStatePath(stack.node.id) });
}

/** The object that holds a stack's state in the shared bucket: `<keyPrefix><stack-id>.tfstate`. */
export function s3StateKey(keyPrefix: string, stackId: string): string {
  return `${keyPrefix}${stackId}.tfstate`;
}

/** The HCP Terraform / Terraform Enterprise workspace that holds a stack's state. */
export function cloudWorkspaceName(workspacePrefix: string, stackId: string): string {
  return `${workspacePrefix}${stackId}`;
}

/**
 * Gives `stack` the backend `config.state` chooses, one state per stack. Called once by
 * GuardrailsStack (lib/stack/guardrails-stack.ts), so every stack gets the same kind.
 *
 * - `local`: {@link localStateBackend}, byte for byte what the stacks synthesized before `state` existed.
 * - `s3`: the stack's own key in the shared bucket. `encrypt` is always on (SSE-S3, or SSE-KMS with
 *   `kmsKeyId`). Locking is Terraform's S3 lock file (`use_lockfile`, GA in Terraform 1.11; the
 *   DynamoDB arguments are deprecated), which cdktf 0.21's S3BackendConfig cannot express: an override.
 *   A role is assumed through the `assume_role` object; the top-level `role_arn` is deprecated
 *   (developer.hashicorp.com/terraform/language/backend/s3, "Assume Role Configuration").
 * - `cloud`: the stack's own named workspace. cdktf's reader reads it through the `remote` backend
 *   of `terraform_remote_state` (organization, hostname, workspace name), which HCP Terraform serves
 *   only when the source workspace shares its state with the reader's (workspace setting "Remote state
 *   sharing").
 *
 * A stack that reads this one's outputs gets a `terraform_remote_state` that cdktf builds from this
 * backend's settings (`getRemoteStateDataSource`): the same bucket, region, encryption and role at this
 * stack's key, or this stack's workspace. No lock: a read takes none.
 */
export function stateBackend(stack: TerraformStack, config: Config): LocalBackend | S3Backend | CloudBackend {
  const { state } = config;
  const stackId = stack.node.id;
  switch (state.backend) {
    case "local":
      return localStateBackend(stack);
    case "s3": {
      const backend = new S3Backend(stack, {
        bucket: state.bucket,
        key: s3StateKey(state.keyPrefix, stackId),
        region: state.region ?? config.region,
        encrypt: true,
        ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
        ...(state.roleArn ? { assumeRole: { roleArn: state.roleArn } } : {}),
      });
      backend.addOverride("use_lockfile", true);
      return backend;
    }
    case "cloud":
      return new CloudBackend(stack, {
        organization: state.organization,
        hostname: state.hostname,
        workspaces: new NamedCloudWorkspace(cloudWorkspaceName(state.workspacePrefix, stackId)),
      });
  }
}
