/**
 * The access-proof layer: scenario tables (scenarios/*.json) simulated against the policies of the
 * synthesized Terraform, and the policy inventory the lint walks. Imports the AGPL simulator (a
 * devDependency), so it is dev-only: used by __tests__/proofs and scripts/, never by lib/, stacks/ or
 * main.ts (a test enforces it).
 */
export * from "./lint";
export * from "./matrix";
export * from "./policies";
export * from "./resolve";
export * from "./scenario-file";
export * from "./simulate";
export * from "./synth";
