/**
 * Reading synthesized Terraform JSON back: the one module the guardrail aspect, the access proofs, the
 * tests and the scripts use to look at `cdk.tf.json`.
 */
export * from "./json";
export * from "./policy";
export * from "./stack";
export * from "./synthesize";
