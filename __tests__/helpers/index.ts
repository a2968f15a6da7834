export * from "./lookup";
export * from "./synth";
