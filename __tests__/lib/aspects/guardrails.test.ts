import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { defineStacks } from "../../../main";
import { applyGuardrails, evaluateStack, GuardrailAspect } from "../../../lib/aspects/guardrails";
import type { Rule } from "../../../lib/aspects/rule";
import { GUARDRAIL_RULES } from "../../../lib/aspects/rules";
import { iamNameClashes } from "../../../lib/aspects/iam-names";
import { suppressGuardrail } from "../../../lib/aspects/suppressions";
import { defaultConfig, resourcesOf, synthCached, type TfJson } from "../../helpers";
import { guardrailFixture } from "../../helpers/guardrails";
import { STACK_IDS } from "../../../lib/stack/dependencies";

/**
 * The default configuration's deliberate exceptions, by stack: the flow-log group of each VPC this
 * project builds has no customer managed key (see PrivateNetwork), and says so in its `//` block.
 */
const EXPECTED_SUPPRESSIONS: Readonly<Record<string, readonly string[]>> = {
  "private-access": ["LOGS_GROUP_KMS_ENCRYPTED"],
  "cross-account-s3": ["LOGS_GROUP_KMS_ENCRYPTED"],
};

/** An instance breaking two rules: no IMDSv2 and no explicit associate_public_ip_address. */
const looseInstance = (stack: TerraformStack, id: string) =>
  new Instance(stack, id, {
    ami: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    rootBlockDevice: { encrypted: true },
  });

describe("guardrail pack on the project's stacks", () => {
  test("the default configuration synthesizes every stack with zero error annotations", () => {
    const { annotations } = synthCached();
    expect(Object.keys(annotations).sort()).toEqual([...STACK_IDS].sort());
    for (const id of STACK_IDS) {
      expect(annotations[id].filter((a) => a.level === "@cdktf/error")).toEqual([]);
    }
  });

  test.each(STACK_IDS)("the written cdk.tf.json of %s has no findings beyond its recorded exceptions", (id) => {
    const stack = synthCached().stacks[id];
    const findings = evaluateStack(id, stack);
    expect(findings.filter((f) => f.suppressedBecause === undefined)).toEqual([]);
    expect(findings.map((f) => f.ruleId).sort()).toEqual([...(EXPECTED_SUPPRESSIONS[id] ?? [])].sort());
    if (!(id in EXPECTED_SUPPRESSIONS)) expect(JSON.stringify(stack)).not.toContain("guardrail_suppressions");
  });

  test("the check is live on the written JSON: private-access without IMDSv2 would be flagged", () => {
    const written = synthCached().stacks["private-access"];
    const mutated = JSON.parse(JSON.stringify(written));
    for (const instance of Object.values<Record<string, unknown>>(mutated.resource.aws_instance))
      delete instance.metadata_options;
    const unsuppressed = evaluateStack("private-access", mutated).filter((f) => f.suppressedBecause === undefined);
    expect(unsuppressed.map((f) => f.ruleId)).toEqual(["EC2_IMDSV2_REQUIRED"]);
  });

  test("every stack defineStacks declares carries the guardrail aspect", () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), "guardrails-aspects-")) });
    defineStacks(app, { config: defaultConfig(), offline: false, source: "test" });
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    expect(stacks.map((s) => s.node.id).sort()).toEqual([...STACK_IDS].sort());
    for (const stack of stacks) {
      expect(Aspects.of(stack).all.filter((a) => a instanceof GuardrailAspect)).toHaveLength(1);
    }
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe("IAM names across stacks", () => {
  const stacksOf = (result: { stacks: Record<string, TfJson> }) =>
    Object.entries(result.stacks).map(([id, json]) => ({ id, json }));

  test("the default configuration creates every literal IAM name once per account", () => {
    expect(iamNameClashes(stacksOf(synthCached()))).toEqual([]);
  });

  test("the check is live on the written JSON: two ssm stacks with one user name clash in the workload account", () => {
    const stacks = stacksOf(synthCached()).map(({ id, json }) => ({
      id,
      json: JSON.parse(JSON.stringify(json)) as TfJson,
    }));
    const abac = stacks.find((s) => s.id === "ssm-abac")!;
    for (const user of Object.values<Record<string, unknown>>(abac.json.resource!.aws_iam_user))
      user.name = "TestUserA";
    const clashes = iamNameClashes(stacks);
    expect(clashes).toEqual([
      expect.objectContaining({ account: "111111111111", type: "aws_iam_user", name: "TestUserA" }),
    ]);
    // Whichever comes second is reported, the other named as the first creator.
    expect([clashes[0].stack, clashes[0].first.split(":")[0]].sort()).toEqual(["ssm-abac", "ssm-instance-arn"]);
  });

  /** Two stacks, each creating the user `name` through a provider pinned to `accounts[i]`. */
  function twoStacks(accounts: [string, string]) {
    const outdir = mkdtempSync(path.join(tmpdir(), "guardrails-iam-names-"));
    const app = new App({ outdir });
    accounts.forEach((account, i) => {
      const stack = new TerraformStack(app, `stack-${i + 1}`);
      new AwsProvider(stack, "Aws", { region: "eu-west-1", allowedAccountIds: [account] });
      new IamUser(stack, "User", { name: "operator" });
    });
    applyGuardrails(app);
    return { app, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  }

  test("synth fails when two stacks create one IAM name in one account, naming both and the fix", () => {
    const { app, cleanup } = twoStacks(["111111111111", "111111111111"]);
    expect(() => app.synth()).toThrow(
      /\[stack-2\/User\] \[IAM_NAME_UNIQUE_PER_ACCOUNT\] aws_iam_user "operator" is also created by stack-1:aws_iam_user\.User in account 111111111111.*EntityAlreadyExists/,
    );
    cleanup();
  });

  test("the same name in two accounts is fine", () => {
    const { app, cleanup } = twoStacks(["111111111111", "222222222222"]);
    expect(() => app.synth()).not.toThrow();
    cleanup();
  });
});

describe("guardrail pack on a non-compliant stack", () => {
  /** An app whose one stack `fixture` holds the loose instance `Loose`, in its own output folder. */
  function looseApp() {
    const outdir = mkdtempSync(path.join(tmpdir(), "guardrails-fail-"));
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "fixture");
    new AwsProvider(stack, "Aws", { region: "eu-west-1" });
    looseInstance(stack, "Loose");
    return { app, stack, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  }

  test("app.synth() fails with the rule id, the construct path and the fix", () => {
    const { app, cleanup } = looseApp();
    applyGuardrails(app);
    expect(() => app.synth()).toThrow(
      /\[fixture\/Loose\] \[EC2_IMDSV2_REQUIRED \(CKV_AWS_79 \/ EC2\.8\)\].*Fix: Set metadata_options/,
    );
    cleanup();
  });

  test("a rule that throws is reported with its id, the resource and the error; the other rules still run", () => {
    const { app, cleanup } = looseApp();
    const throwing: Rule = {
      id: "THROWING_RULE",
      mirrors: [],
      reason: "Exists to throw.",
      fix: "None.",
      appliesTo: ["aws_instance"],
      check() {
        throw new TypeError("Cannot read properties of undefined (reading 'http_tokens')");
      },
    };
    applyGuardrails(app, [throwing, ...GUARDRAIL_RULES]);
    let message = "";
    try {
      app.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      "[fixture/Loose] [THROWING_RULE] rule failed on aws_instance.Loose: Cannot read properties of undefined (reading 'http_tokens'). The resource was not judged by this rule",
    );
    expect(message).toMatch(/\[fixture\/Loose\] \[EC2_IMDSV2_REQUIRED /);
    // The readable annotation, not the rule's own stack trace.
    expect(message).not.toContain("at Object.check");
    cleanup();
  });

  test("a rule that throws is a finding no suppression silences", () => {
    const written = synthCached().stacks["private-access"];
    const boom: Rule = {
      ...GUARDRAIL_RULES[0],
      check: () => {
        throw new Error("boom");
      },
    };
    const findings = evaluateStack("private-access", written, [boom]);
    expect(findings.length).toBeGreaterThan(0);
    expect(
      findings.every(
        (f) => f.ruleFailed === true && f.suppressedBecause === undefined && f.message.includes(": boom."),
      ),
    ).toBe(true);
  });

  test("an aspect added to the App alone checks nothing (why applyGuardrails adds it to each stack)", () => {
    const { app, cleanup } = looseApp();
    Aspects.of(app).add(new GuardrailAspect());
    expect(() => app.synth()).not.toThrow();
    cleanup();
  });
});

describe("suppressGuardrail", () => {
  test("a reasoned suppression silences exactly that rule on that resource", () => {
    const report = guardrailFixture((stack) => {
      const excepted = looseInstance(stack, "Excepted");
      looseInstance(stack, "Other");
      suppressGuardrail(
        excepted,
        "EC2_IMDSV2_REQUIRED",
        "Legacy agent on this image only speaks IMDSv1 (ticket OPS-42).",
      );
    });
    expect(report.errors.map((e) => `${e.ruleId} ${e.path}`).sort()).toEqual([
      "EC2_IMDSV2_REQUIRED fixture/Other",
      "EC2_NO_PUBLIC_IP fixture/Excepted",
      "EC2_NO_PUBLIC_IP fixture/Other",
    ]);
    expect(report.infos).toEqual([
      {
        ruleId: "EC2_IMDSV2_REQUIRED",
        path: "fixture/Excepted",
        message: "[EC2_IMDSV2_REQUIRED] suppressed: Legacy agent on this image only speaks IMDSv1 (ticket OPS-42).",
      },
    ]);
  });

  test("the suppression and its reason are recorded in the resource's // block of the synthesized JSON", () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), "guardrails-suppress-")) });
    const stack = new TerraformStack(app, "fixture");
    new AwsProvider(stack, "Aws", { region: "eu-west-1" });
    const instance = looseInstance(stack, "Excepted");
    suppressGuardrail(
      instance,
      "EC2_IMDSV2_REQUIRED",
      "Legacy agent on this image only speaks IMDSv1 (ticket OPS-42).",
    );
    suppressGuardrail(instance, "EC2_NO_PUBLIC_IP", "The subnet decides; it is private (reviewed in PR 7).");
    applyGuardrails(app);
    app.synth();
    const written = JSON.parse(readFileSync(path.join(app.outdir, "stacks", "fixture", "cdk.tf.json"), "utf8"));
    expect(resourcesOf(written, "aws_instance").Excepted["//"]).toMatchObject({
      guardrail_suppressions: {
        EC2_IMDSV2_REQUIRED: "Legacy agent on this image only speaks IMDSv1 (ticket OPS-42).",
        EC2_NO_PUBLIC_IP: "The subnet decides; it is private (reviewed in PR 7).",
      },
    });
    rmSync(app.outdir, { recursive: true, force: true });
  });

  test.each([
    ["an empty reason", ""],
    ["a blank reason", "         "],
    ["a reason too short to explain anything", "temporary"],
    ["no reason at all", undefined as unknown as string],
  ])("rejects %s", (_what, reason) => {
    const stack = new TerraformStack(Testing.app(), "fixture");
    const instance = looseInstance(stack, "Excepted");
    expect(() => suppressGuardrail(instance, "EC2_IMDSV2_REQUIRED", reason)).toThrow(
      `Suppression of EC2_IMDSV2_REQUIRED on fixture/Excepted needs a reason of at least 10 characters saying why the exception is deliberate; got ${JSON.stringify(reason)}.`,
    );
  });

  test("rejects a rule id that is not in the pack, listing the ids", () => {
    const stack = new TerraformStack(Testing.app(), "fixture");
    const instance = looseInstance(stack, "Excepted");
    expect(() => suppressGuardrail(instance, "CKV_AWS_79", "Legacy agent needs IMDSv1 here.")).toThrow(
      /^Cannot suppress unknown guardrail "CKV_AWS_79" on fixture\/Excepted: use one of EC2_NO_PUBLIC_IP, .*EC2_IMDSV2_REQUIRED/,
    );
  });

  test("warns about a suppression that silences nothing", () => {
    const report = guardrailFixture((stack) => {
      const instance = new Instance(stack, "Compliant", {
        ami: "ami-0123456789abcdef0",
        instanceType: "t3.micro",
        associatePublicIpAddress: false,
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true },
      });
      suppressGuardrail(instance, "EC2_IMDSV2_REQUIRED", "Left over from the IMDSv1 migration.");
    });
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((w) => w.message)).toEqual([
      "[EC2_IMDSV2_REQUIRED] suppression on aws_instance.Compliant silences nothing: remove it.",
    ]);
  });
});
