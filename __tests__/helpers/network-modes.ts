import { readFileSync } from "node:fs";
import { DISABLE_STACK_TRACE_IN_METADATA } from "cdktf";
import { DEFAULT_CONFIG_PATH, parseConfig, type Config } from "../../lib/config";
import { synthesize, type Synthesis } from "../../lib/tfjson";

/** The stacks that build (or join) a network in the workload account. */
export const NETWORK_STACKS = ["private-access", "cross-account-s3"] as const;

export const EXISTING_VPC = "vpc-0123456789abcdef0";
export const EXISTING_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] as const;
export const EXISTING_ROUTE_TABLES = ["rtb-0123456789abcdef0", "rtb-0fedcba9876543210"] as const;

/**
 * The shipped configuration file with its `network` section replaced (and `crossAccount.vpcCidr` left
 * out with `existing`, where writing it is refused), validated as a file would be.
 */
export function networkConfig(network: Record<string, unknown>): Config {
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
  raw.network = network;
  return parseConfig(raw, `network ${JSON.stringify(network)}`);
}

/** The network settings the stack tests and the Terraform checks synthesize besides the default. */
export const NETWORK_MODES = {
  /**
   * No NAT: no internet gateway or public subnet, Session Manager through interface endpoints, and the
   * DNS Firewall (on by default without NAT).
   */
  private: { natGateways: "none" },
  /** An organisation's VPC with two subnets, its route tables, interface endpoints and the DNS Firewall. */
  existing: {
    existing: { vpcId: EXISTING_VPC, subnetIds: [...EXISTING_SUBNETS], routeTableIds: [...EXISTING_ROUTE_TABLES] },
    interfaceEndpoints: true,
    dnsFirewall: true,
  },
} as const;

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
