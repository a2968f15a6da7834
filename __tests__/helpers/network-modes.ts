import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DISABLE_STACK_TRACE_IN_METADATA } from "cdktf";
import { DEFAULT_CONFIG_PATH, parseConfig, type Config } from "../../lib/config";
import { synthesize, type Synthesis } from "../../lib/tfjson";

/**
 * The ready configurations shipped in config/examples (besides the state examples): what a newcomer
 * copies, and what the stack tests' network modes and the Terraform layer synthesize.
 */
export const EXAMPLES = {
  /** A real organisation: an existing VPC, Identity Center principals, S3 state. */
  organisation: path.join(path.dirname(DEFAULT_CONFIG_PATH), "examples", "organisation.json"),
  /** Fully private: no NAT, interface endpoints, the DNS Firewall. */
  private: path.join(path.dirname(DEFAULT_CONFIG_PATH), "examples", "private.json"),
  /** The articles' settings (the README's "Reproducing the articles"). */
  articles: path.join(path.dirname(DEFAULT_CONFIG_PATH), "examples", "articles.json"),
} as const;

/** The `network` section an example file writes (as written: its defaults not filled in). */
function exampleNetwork(example: keyof typeof EXAMPLES): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLES[example], "utf8")).network;
}

/** The stacks that build (or join) a network in the workload account. */
export const NETWORK_STACKS = ["private-access", "cross-account-s3"] as const;

/** The network settings the stack tests synthesize besides the default: those of the examples. */
export const NETWORK_MODES = {
  /**
   * config/examples/private.json's: no NAT, so no internet gateway or public subnet, Session Manager
   * through interface endpoints, and the DNS Firewall.
   */
  private: exampleNetwork("private"),
  /**
   * config/examples/organisation.json's: an organisation's VPC with two subnets, their route tables,
   * interface endpoints and the DNS Firewall.
   */
  existing: exampleNetwork("organisation"),
};

const existing = NETWORK_MODES.existing.existing as { vpcId: string; subnetIds: string[]; routeTableIds: string[] };
export const EXISTING_VPC: string = existing.vpcId;
export const EXISTING_SUBNETS: readonly string[] = existing.subnetIds;
export const EXISTING_ROUTE_TABLES: readonly string[] = existing.routeTableIds;

/**
 * The shipped configuration file with its `network` section replaced (and `crossAccount.vpcCidr` left
 * out with `existing`, where writing it is refused), validated as a file would be.
 */
export function networkConfig(network: Record<string, unknown>): Config {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
  raw.network = network;
  return parseConfig(raw, `network ${JSON.stringify(network)}`);
}

/**
 * Only the two network stacks of `config`, with the guardrail pack, synthesized the way the App does:
 * a third of the cost of the whole App, for the tests that vary `network` alone.
 */
export function synthNetworkStacks(config: Config, offline = false, keep = false): Synthesis {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy, like synthApp: only these tests load the stacks */
  const { PrivateAccessStack } = require("../../stacks/private-access") as typeof import("../../stacks/private-access");
  const { CrossAccountS3Stack } =
    require("../../stacks/cross-account-s3") as typeof import("../../stacks/cross-account-s3");
  const { applyGuardrails } = require("../../lib/aspects/guardrails") as typeof import("../../lib/aspects/guardrails");
  /* eslint-enable @typescript-eslint/no-require-imports */
  return synthesize((app) => {
    app.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    new PrivateAccessStack(app, "private-access", { config, offline });
    new CrossAccountS3Stack(app, "cross-account-s3", { config, offline });
    applyGuardrails(app);
  }, keep);
}
