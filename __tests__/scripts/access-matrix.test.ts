/**
 * `npm run access-matrix`: the summary of who reaches which instance through which door and under which
 * condition, the rows grouped by stack and principal, and the user's configuration (ACCESS_GUARDRAILS_CONFIG)
 * evaluated without touching the tracked docs/access-matrix.md. A few scenario files keep it cheap; the
 * whole matrix is compared with the committed file by __tests__/proofs/scenarios.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_CONFIG_PATH, readConfigFile } from "../../lib/config";
import { parsePolicy, statementsOf } from "../../lib/tfjson";
import { loadScenarioFile, SCENARIO_DIR, type ScenarioFile } from "../../proofs";
import { ACCESS_MATRIX_FILE, accessMatrix, applicability, parseMatrixArguments } from "../../scripts/access-matrix";
import { synthCached } from "../helpers";
import { testStacks } from "../proofs/stacks";

const dir = mkdtempSync(path.join(tmpdir(), "guardrails-access-matrix-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => loadScenarioFile(path.join(SCENARIO_DIR, name));
/** The default configuration's own files (no config, or one that equals the default) and one SCP variant. */
const FILES: ScenarioFile[] = [
  file("private-access.json"),
  file("ssm-instance-arn.json"),
  file("org-guardrails.deny-eice-except-describe.json"),
  file("org-guardrails.deny-eice.json"),
];

async function run(args: string[], env: NodeJS.ProcessEnv = {}, files: ScenarioFile[] = FILES) {
  let stdout = "";
  let stderr = "";
  const code = await accessMatrix(args, env, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stacksFor: testStacks,
    files,
  });
  return { code, stdout, stderr };
}

/** The summary table's rows, as cells. */
const summaryRows = (markdown: string) =>
  markdown
    .split("## Who can reach which instance")[1]
    .split(/\n## /)[0]
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| principal") && !l.startsWith("| ---"))
    .map((l) =>
      l
        .slice(2, -2)
        .split(" | ")
        .map((c) => c.trim()),
    );

/** Every table row of the grouped part, with the stack and principal headings it sits under. */
function groupedRows(markdown: string): Array<{ stack: string; principal: string; scenario: string }> {
  const rows: Array<{ stack: string; principal: string; scenario: string }> = [];
  let stack = "";
  let principal = "";
  for (const line of markdown.split("## Rows by stack and principal")[1].split("\n")) {
    if (line.startsWith("### ")) [stack, principal] = [line.slice(4), ""];
    else if (line.startsWith("#### ")) principal = line.slice(5).replace(/^`|`$/g, "");
    else if (line.startsWith("| ") && !line.startsWith("| scenario") && !line.startsWith("| ---")) {
      rows.push({ stack, principal, scenario: line.slice(2).split(" | ")[0] });
    }
  }
  return rows;
}

const snapshotOfDocs = () => ({
  text: readFileSync(ACCESS_MATRIX_FILE, "utf8"),
  mtime: statSync(ACCESS_MATRIX_FILE).mtimeMs,
});

describe("npm run access-matrix with the shipped configuration", () => {
  let result: Awaited<ReturnType<typeof run>>;
  const out = path.join(dir, "matrix.md");
  const docsBefore = snapshotOfDocs();
  beforeAll(async () => {
    result = await run(["--out", out]);
  });

  test("proves every row, writes the matrix where --out says and leaves docs/ alone", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = FILES.reduce((n, f) => n + f.scenarios.length, 0);
    expect(result.stdout).toContain(`\n${rows} scenarios, 0 failing; wrote `);
    expect(readFileSync(out, "utf8")).toBe(result.stdout.slice(0, result.stdout.indexOf(`\n${rows} scenarios`)));
    expect(snapshotOfDocs()).toEqual(docsBefore);
  });

  test("the operator's EICE tunnel is summarized with every condition key of the allowing statement, read from the synthesized policy", () => {
    const stack = synthCached().stacks["private-access"];
    const [name, policy] = Object.entries(stack.resource!.aws_iam_policy).find(([n]) =>
      n.startsWith("EiceOperatorPolicy"),
    )!;
    const statement = statementsOf(parsePolicy((policy as { policy: string }).policy)).find(
      (s) => s.Sid === "OpenTunnelToPrivateInstances",
    )!;
    const keys = Object.values(statement.Condition!).flatMap((block) => Object.keys(block));
    expect(keys).toEqual(
      expect.arrayContaining([
        "ec2-instance-connect:remotePort",
        "ec2-instance-connect:privateIpAddress",
        "ec2-instance-connect:maxTunnelDuration",
      ]),
    );
    const tunnel = summaryRows(result.stdout).filter((r) => r[1] === "EICE tunnel");
    expect(tunnel).toHaveLength(1);
    const [principal, , target, condition, grantedBy, provenIn] = tunnel[0];
    expect(principal).toBe("`arn:aws:iam::111111111111:user/operator`");
    expect(target).toMatch(/^`10\.0\.128\.10:22` through endpoint `eice-[0-9a-f]{17}`/);
    for (const key of keys) expect(condition).toContain(`\`${key}\``);
    expect(condition).toContain("`ec2-instance-connect:remotePort` NumericEquals `22`");
    expect(grantedBy).toBe(`aws_iam_policy.${name}#OpenTunnelToPrivateInstances`);
    expect(provenIn).toBe("private-access.json");
  });

  test("each door the default files allow appears, and nothing denied or only proven by a variant", () => {
    const rows = summaryRows(result.stdout);
    expect(rows.map((r) => `${r[0]} ${r[1]}`).sort()).toEqual([
      "`arn:aws:iam::111111111111:role/WorkloadAdmin` EIC key push",
      "`arn:aws:iam::111111111111:user/TestUserA` Session Manager",
      "`arn:aws:iam::111111111111:user/operator` EIC key push",
      "`arn:aws:iam::111111111111:user/operator` EICE tunnel",
    ]);
    // deny-eice.json also allows WorkloadAdmin's key push, but it proves another SCP variant.
    expect(rows.map((r) => r[5])).not.toContain("org-guardrails.deny-eice.json");
    const keyPush = rows.find((r) => r[0].includes("user/operator") && r[1] === "EIC key push")!;
    expect(keyPush[2]).toMatch(/^`i-[0-9a-f]{17}` \(aws_instance\.Target_Instance\) as `ec2-user`$/);
    expect(keyPush[3]).toBe("`ec2:osuser` StringEquals `ec2-user`");
    expect(rows.find((r) => r[0].includes("WorkloadAdmin"))![4]).toContain("(the scenario's stand-in policy)");
    // The validated path (StartSession): the grant comes from the simulator's own analysis.
    const session = rows.find((r) => r[1] === "Session Manager")!;
    expect(session[3]).toContain("`ssm:SessionDocumentAccessCheck` BoolIfExists `true`");
    expect(session[4]).toMatch(/^aws_iam_policy\.SessionUser_SessionPolicy(_\w+)?#StartSessionOnTargetInstances$/);
  });

  test("every row sits once under its stack and the principal that makes the request", () => {
    const grouped = groupedRows(result.stdout);
    const expected = FILES.flatMap((f) =>
      f.scenarios.map((s) => ({
        stack: f.stack,
        principal: s.principal
          .replace("{{config.accounts.workload.id}}", "111111111111")
          .replace("{{config.ssm.userName}}", "TestUserA"),
        scenario: `${s.name}${s.unsafe ? " †" : ""}${f.file === `${f.stack}.json` ? "" : ` (${f.file})`}`,
      })),
    );
    // Principals written with a reference ({{ref:...}}) are compared by stack and scenario only.
    const comparable = (r: { principal: string }) => !r.principal.includes("{{");
    expect(grouped.map((r) => `${r.stack} > ${r.scenario}`).sort()).toEqual(
      expected.map((r) => `${r.stack} > ${r.scenario.replace(/\|/g, "\\|")}`).sort(),
    );
    for (const row of expected.filter(comparable)) {
      expect(grouped).toContainEqual({ ...row, scenario: row.scenario.replace(/\|/g, "\\|") });
    }
    // Each principal heading appears once per stack: rows are grouped, not interleaved.
    const headings = result.stdout.split("### ").flatMap((section) => section.match(/^#### .+$/gm) ?? []);
    expect(new Set(headings).size).toBe(headings.length);
  });
});

describe("npm run access-matrix with ACCESS_GUARDRAILS_CONFIG", () => {
  // The user's configuration: SCP variant deny-eice, and tunnels to port 2222 instead of 22.
  const userConfig = path.join(dir, "user.json");
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));
  writeFileSync(
    userConfig,
    JSON.stringify({ ...raw, eice: { ...raw.eice, ports: [2222] }, scp: { ...raw.scp, variant: "deny-eice" } }),
  );
  let result: Awaited<ReturnType<typeof run>>;
  const docsBefore = snapshotOfDocs();
  beforeAll(async () => {
    result = await run([], { ACCESS_GUARDRAILS_CONFIG: userConfig });
  });

  test("evaluates the files that hold in it, shows differences as such, exits 0 and writes nothing", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`against \`${userConfig}\``);
    expect(result.stdout).toMatch(
      /\n\d+ scenarios of 3 files evaluated against .* \(1 file proves other configurations\), [1-9]\d* differ from the shipped expectation; docs\/access-matrix\.md left as it is/,
    );
    expect(snapshotOfDocs()).toEqual(docsBefore);
  });

  test("the tunnel to port 22 the shipped configuration allows is a difference, not a failure", () => {
    expect(result.stdout).toMatch(
      /^\| an operator opens a tunnel to port 22 of a private address for 3600 s through this endpoint † \| `ec2-instance-connect:OpenTunnel` \| Allowed \| \*\*ImplicitlyDenied\*\* ≠ \|/m,
    );
    expect(summaryRows(result.stdout).filter((r) => r[1] === "EICE tunnel")).toEqual([]);
  });

  test("the file proving the shipped SCP variant is listed as not evaluated, naming the field", () => {
    expect(result.stdout).toContain("- org-guardrails.deny-eice-except-describe.json: `scp.variant`");
    expect(groupedRows(result.stdout).some((r) => r.scenario.includes("deny-eice-except-describe.json"))).toBe(false);
    // The variant the user chose is theirs: its allowed key push is in the summary.
    expect(summaryRows(result.stdout).map((r) => r[5])).toContain("org-guardrails.deny-eice.json");
  });

  test("--out writes the user's matrix to the file named", async () => {
    const out = path.join(dir, "user-matrix.md");
    const again = await run(["--out", out], { ACCESS_GUARDRAILS_CONFIG: userConfig }, [
      file("org-guardrails.deny-eice.json"),
    ]);
    expect(again.code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^# Access matrix\n\nEvaluated by `npm run access-matrix` against/);
    expect(snapshotOfDocs()).toEqual(docsBefore);
  });

  test("an unreadable configuration exits 1 naming the file, before any simulation", async () => {
    const missing = path.join(dir, "missing.json");
    const { code, stdout, stderr } = await run([], { ACCESS_GUARDRAILS_CONFIG: missing });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`Cannot read ${missing}: the file does not exist`);
  });
});

describe("which scenario files apply to a configuration", () => {
  const defaults = readConfigFile(DEFAULT_CONFIG_PATH);
  const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, "utf8"));

  test.each([
    ["private-access.json", { applies: true }],
    ["org-guardrails.deny-eice-except-describe.json", { applies: true }],
    ["org-guardrails.deny-eice.json", { fields: ["scp.variant"] }],
    ["ssm-abac.identity-center.json", { fields: ["ssm.principals", "ssm.identityCenter.groupName"] }],
  ])("%s against config/default.json: %j", (name, verdict) => {
    expect(applicability(file(name), raw, defaults)).toEqual(verdict);
  });
});

describe("npm run access-matrix: refused arguments", () => {
  test.each([[["--out"]], [["--out", "--verbose"]], [["matrix.md"]]])(
    "%j is refused, naming the argument",
    async (args) => {
      const parsed = parseMatrixArguments(args);
      expect("error" in parsed && parsed.error).toMatch(
        /^Unknown argument ".+": use npm run access-matrix \[-- --out <file>\]/,
      );
      const { code, stdout } = await run(args);
      expect(code).toBe(2);
      expect(stdout).toBe("");
    },
  );
});
