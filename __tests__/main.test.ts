import { READS_FROM, STACK_IDS, type StackId } from "../main";
import { synthApp, synthCached, testConfig, type SynthResult, type TfJson } from "./helpers";

/** A stack without the outputs only its readers ask for (`cross-stack-output-*`). */
function withoutCrossStackOutputs(json: TfJson): TfJson {
  const output = Object.fromEntries(
    Object.entries(json.output ?? {}).filter(([name]) => !name.startsWith("cross-stack-output-")),
  );
  const { output: _dropped, ...rest } = json;
  return Object.keys(output).length > 0 ? { ...rest, output } : rest;
}

// The stack tests read most stacks from a selection (__tests__/helpers/synth.ts `stackJson`); what they
// prove holds for `cdktf synth` only if a selected stack is the stack the whole app writes.
describe("defineStacks with a selection of stacks", () => {
  const whole = synthCached();
  const selection = (stacks: readonly StackId[]): SynthResult => synthApp({}, false, undefined, stacks);

  test("declares the selected stacks and every stack they read from, each as the whole app writes it", () => {
    const { stacks } = selection(["ssm-instance-arn"]);
    expect(Object.keys(stacks).sort()).toEqual(["private-access", "session-preferences", "ssm-instance-arn"]);
    expect(stacks["ssm-instance-arn"]).toEqual(whole.stacks["ssm-instance-arn"]);
    // The producers keep the outputs ssm-instance-arn reads and lack only those of the readers left out.
    for (const producer of ["private-access", "session-preferences"] as const) {
      expect(withoutCrossStackOutputs(stacks[producer])).toEqual(withoutCrossStackOutputs(whole.stacks[producer]));
    }
  });

  test("READS_FROM, which the selection follows, names exactly the dependencies cdktf records for each stack", () => {
    // A read added to the wiring but not to READS_FROM would leave a selected stack without its producer.
    expect(Object.keys(whole.manifest.stacks).sort()).toEqual([...STACK_IDS].sort());
    for (const id of STACK_IDS) {
      const recorded = [...whole.manifest.stacks[id].dependencies].sort();
      expect({ id, reads: [...READS_FROM[id]].sort() }).toEqual({ id, reads: recorded });
    }
  });

  test("declares a stack that reads from no other alone", () => {
    const { stacks } = selection(["audit", "org-guardrails"]);
    expect(Object.keys(stacks).sort()).toEqual(["audit", "org-guardrails"]);
    expect(stacks.audit).toEqual(whole.stacks.audit);
    expect(stacks["org-guardrails"]).toEqual(whole.stacks["org-guardrails"]);
  });

  test("declares no session-preferences with existing preferences, as the whole app does", () => {
    const settings = { config: testConfig({ ssm: { sessionPreferences: "existing" } }) };
    const { stacks } = synthApp(settings, false, undefined, ["ssm-abac"]);
    expect(Object.keys(stacks)).toEqual(["ssm-abac"]);
    expect(stacks["ssm-abac"]).toEqual(synthCached(settings).stacks["ssm-abac"]);
  });
});
