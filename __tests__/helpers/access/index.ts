/**
 * The access-proof layer: scenario tables (scenarios/*.json) simulated against the policies of the
 * synthesized Terraform, and the policy inventory the lint walks. Imports the AGPL simulator, so it
 * lives under __tests__/ and is used only by tests and scripts/.
 */
export * from "./lint";
export * from "./policies";
export * from "./resolve";
export * from "./scenario-file";
export * from "./simulate";
