import type { StacksFor } from "../../proofs";
import { synthCached } from "../helpers/synth";

/** The proofs read the test suite's shared synthesis, so each configuration is synthesized once per run. */
export const testStacks: StacksFor = (config) => synthCached({ config, offline: false }).stacks;
