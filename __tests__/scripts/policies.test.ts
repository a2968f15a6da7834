/**
 * `npm run policies -- <stack>`: every policy document a stack's synthesized JSON holds is printed once,
 * under its address, attribute and kind, and the printed JSON is the document AWS receives. The
 * expectation is read from the synthesized JSON here, by its own walk and its own table of kinds, not
 * with the command's code.
 */
import * as path from "node:path";
import { DEFAULT_CONFIG_PATH, type Config, type Settings } from "../../lib/config";
import type { TfJson } from "../../lib/tfjson";
import { configWith } from "../../proofs/synth";
import { parsePoliciesArguments, policiesCommand, policiesMain } from "../../scripts/policies";
import { synthCached, testConfig } from "../helpers";

/** Terraform type and argument -> the kind the command must print: the contract, written out. */
const EXPECTED_KIND: Readonly<Record<string, string>> = {
  "aws_iam_policy.policy": "identity",
  "aws_iam_role_policy.policy": "identity",
  "aws_iam_role.assume_role_policy": "trust",
  "aws_s3_bucket_policy.policy": "bucket",
  "aws_kms_key.policy": "key",
  "aws_vpc_endpoint.policy": "endpoint",
  "aws_organizations_policy.content": "scp",
  "aws_sns_topic_policy.policy": "topic",
  "aws_ssoadmin_permission_set_inline_policy.inline_policy": "permission-set",
};

interface Expected {
  readonly kind: string;
  readonly document: unknown;
}

/**
 * Every string argument of every resource (at any depth) that holds a policy document, keyed
 * `<address> · <argument path>`: a JSON object with a Statement once Terraform's `$${` escape is read
 * back as `${`. Arguments that would hold one in another form (`jsonencode`, a policy document data
 * source) are collected apart, so the test knows when its reading no longer covers the stack.
 */
function documentsIn(stack: TfJson): { documents: Map<string, Expected>; unread: string[] } {
  const documents = new Map<string, Expected>();
  const unread: string[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, block] of Object.entries(byName)) {
      const visit = (value: unknown, at: string): void => {
        if (typeof value === "string") {
          if (/jsonencode\(|data\.aws_iam_policy_document\./.test(value)) unread.push(`${type}.${name} ${at}`);
          let parsed: unknown;
          try {
            parsed = JSON.parse(value.split("$${").join("${"));
          } catch {
            return;
          }
          if (typeof parsed !== "object" || parsed === null || !("Statement" in parsed)) return;
          const kind = EXPECTED_KIND[`${type}.${at.replace(/\[\d+\]/g, "")}`] ?? `unexpected (${type}.${at})`;
          documents.set(`${type}.${name} · ${at}`, { kind, document: parsed });
        } else if (Array.isArray(value)) {
          value.forEach((v, i) => visit(v, `${at}[${i}]`));
        } else if (typeof value === "object" && value !== null) {
          for (const [k, v] of Object.entries(value)) if (k !== "//") visit(v, at ? `${at}.${k}` : k);
        }
      };
      visit(block, "");
    }
  }
  return { documents, unread };
}

interface Printed {
  readonly key: string;
  readonly kind: string;
  readonly json: string;
}

/** The documents in the command's output: each `## address · argument · kind (…)` heading and its ```json block. */
function printedDocuments(output: string): Printed[] {
  const sections = output.split(/^## /m).slice(1);
  return sections
    .filter((s) => !s.startsWith("Attached by reference") && !s.startsWith("Not policies"))
    .map((s) => {
      const heading = /^(\S+) · (\S+) · ([a-z-]+) \(.+\)\n/.exec(s);
      const json = /```json\n([\s\S]*?)\n```/.exec(s);
      if (!heading || !json) throw new Error(`Unreadable section:\n${s.slice(0, 200)}`);
      return { key: `${heading[1]} · ${heading[2]}`, kind: heading[3], json: json[1] };
    });
}

function run(args: string[], config: Config = testConfig()) {
  let stdout = "";
  let stderr = "";
  const settings: Settings = { config, offline: false, source: DEFAULT_CONFIG_PATH };
  const code = policiesCommand(args, {
    settings,
    synth: (s) => synthCached({ config: s.config, offline: false }),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

function expectEveryDocumentOnce(stackId: string, config?: Config) {
  const stack = synthCached({ config: config ?? testConfig(), offline: false }).stacks[stackId];
  const { documents, unread } = documentsIn(stack);
  expect(unread).toEqual([]);
  const { code, stdout, stderr } = run([stackId], config);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const printed = printedDocuments(stdout);
  // Each heading once, and exactly the documents the JSON holds.
  expect(printed.map((p) => p.key).sort()).toEqual([...documents.keys()].sort());
  for (const p of printed) {
    expect({ key: p.key, kind: p.kind }).toEqual({ key: p.key, kind: documents.get(p.key)!.kind });
    // Pretty-printed with 2 spaces, and the same document AWS receives.
    expect(p.json).toMatch(/^\{\n {2}"/);
    expect(JSON.parse(p.json)).toEqual(documents.get(p.key)!.document);
  }
  return { documents, stdout };
}

const defaultStacks = Object.keys(synthCached().stacks);

describe("npm run policies -- <stack>", () => {
  test("the default configuration synthesizes the stacks this test walks", () => {
    expect(defaultStacks).toEqual(expect.arrayContaining(["private-access", "org-guardrails", "audit"]));
  });

  test.each(defaultStacks)(
    "%s: every policy document is printed once, under its address and kind, as synthesized",
    (id) => {
      const { documents } = expectEveryDocumentOnce(id);
      expect(documents.size).toBeGreaterThan(0);
    },
  );

  test("the kinds of the default stacks: SCP, identity, trust, bucket, key, endpoint and topic all appear", () => {
    const kinds = new Set(defaultStacks.flatMap((id) => printedDocuments(run([id]).stdout).map((p) => p.kind)));
    expect([...kinds].sort()).toEqual(["bucket", "endpoint", "identity", "key", "scp", "topic", "trust"]);
  });

  test("Identity Center principals: the permission set's inline policy is printed as kind permission-set", () => {
    // The configuration of the Identity Center scenario files, so the run's syntheses are shared.
    const config = configWith(
      { ssm: { principals: "identity-center", identityCenter: { groupName: "Operators" } } },
      "test",
    );
    const { documents, stdout } = expectEveryDocumentOnce("ssm-abac", config);
    expect([...documents.values()].map((d) => d.kind)).toContain("permission-set");
    expect(stdout).toMatch(/^## aws_ssoadmin_permission_set_inline_policy\.\S+ · inline_policy · permission-set \(/m);
  });

  test("IAM policy variables print as AWS reads them, Terraform references as written", () => {
    const { stdout } = run(["ssm-instance-arn"]);
    expect(stdout).toContain("${aws:username}");
    expect(stdout).not.toContain("$${");
    expect(stdout).toMatch(/\$\{aws_instance\.|\$\{data\.terraform_remote_state\./);
  });

  test("policies attached by ARN are listed with what they attach to", () => {
    const { stdout } = run(["private-access"]);
    expect(stdout).toMatch(
      /^- `aws_iam_role_policy_attachment\.Target_SsmCore_\w+`: policy_arn = `arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore`, role = `\$\{aws_iam_role\.Target_Role_\w+\.name\}`$/m,
    );
  });

  test("the session preferences document is named as not a policy", () => {
    const { stdout } = run(["session-preferences"]);
    expect(stdout).toMatch(
      /^- `aws_ssm_document\.SessionPreferences`: an SSM document; its content is settings or steps, not a policy/m,
    );
  });

  test("--kind keeps the documents of that kind only", () => {
    const all = printedDocuments(run(["private-access"]).stdout);
    const trust = printedDocuments(run(["private-access", "--kind", "trust"]).stdout);
    expect(trust.length).toBeGreaterThan(0);
    expect(trust).toEqual(all.filter((p) => p.kind === "trust"));
  });

  test("--kind without a stack prints that kind's documents in every stack that holds some", () => {
    const { code, stdout } = run(["--kind", "endpoint"]);
    expect(code).toBe(0);
    const holding = defaultStacks.filter((id) =>
      [...documentsIn(synthCached().stacks[id]).documents.values()].some((d) => d.kind === "endpoint"),
    );
    expect(holding.length).toBeGreaterThan(0);
    expect(stdout.match(/^# Policies of .+$/gm)).toEqual(holding.map((id) => `# Policies of ${id}`));
    expect(new Set(printedDocuments(stdout).map((p) => p.kind))).toEqual(new Set(["endpoint"]));
  });

  test("no stack: lists each stack with its document count by kind, and exits 0", () => {
    const { code, stdout } = run([]);
    expect(code).toBe(0);
    const orgGuardrails = documentsIn(synthCached().stacks["org-guardrails"]).documents.size;
    expect(stdout).toMatch(
      new RegExp(`^ {2}org-guardrails +${orgGuardrails} documents? \\(${orgGuardrails} scp\\)$`, "m"),
    );
    for (const id of defaultStacks) expect(stdout).toMatch(new RegExp(`^ {2}${id} `, "m"));
  });
});

describe("npm run policies: refused arguments", () => {
  test("an unknown stack names the value and the stack ids", () => {
    const { code, stdout, stderr } = run(["private-acess"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      'Unknown stack "private-acess": use one of session-preferences, private-access, org-guardrails, ssm-instance-arn, ssm-fixed-tag, ssm-abac, cross-account-s3, audit.\n',
    );
  });

  test.each([
    [["--kind", "inline"], 'Invalid --kind "inline": use one of'],
    [["--kind"], "Invalid --kind (no value): use one of"],
    [["--verbose"], 'Unknown option "--verbose"'],
    [["audit", "ssm-abac"], 'One stack at a time: got "audit" and "ssm-abac"'],
  ])("%j is refused", (args, message) => {
    const parsed = parsePoliciesArguments(args);
    expect("error" in parsed && parsed.error).toContain(message);
  });

  test("the command reads the configuration file ACCESS_GUARDRAILS_CONFIG names, as the app does", () => {
    const missing = path.join(__dirname, "no-such-config.json");
    let stdout = "";
    let stderr = "";
    const code = policiesMain(
      ["audit"],
      { ACCESS_GUARDRAILS_CONFIG: missing },
      {
        synth: () => {
          throw new Error("synthesized despite an unreadable configuration");
        },
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      },
    );
    expect(stdout).toBe("");
    expect(stderr).toContain(`Cannot read ${missing}: the file does not exist`);
    expect(code).toBe(1);
  });
});
