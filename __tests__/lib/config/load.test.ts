import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError, DEFAULT_CONFIG_PATH, loadSettings, refusalText, synthOutputDir } from "../../../lib/config";

const dir = mkdtempSync(path.join(tmpdir(), "guardrails-config-"));
function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const ACCOUNTS = { workload: { id: "111111111111" }, management: { id: "222222222222" }, data: { id: "333333333333" } };
/**
 * A configuration file holding `fields`, with the shipped placeholder accounts unless `fields` names
 * others (a real workload account also needs the audit section's subscriber and administrators).
 */
const configFile = (name: string, fields: Record<string, unknown>) =>
  file(name, JSON.stringify({ accounts: ACCOUNTS, ...fields }));

describe("loadSettings", () => {
  test("reads the shipped default configuration when ACCESS_GUARDRAILS_CONFIG is unset", () => {
    const settings = loadSettings({});
    expect(settings.source).toBe(DEFAULT_CONFIG_PATH);
    expect(settings.offline).toBe(false);
    expect(settings.config.accounts.workload.id).toMatch(/^\d{12}$/);
  });

  test("reads the file named by ACCESS_GUARDRAILS_CONFIG and fills in every default", () => {
    const minimal = configFile("minimal.json", { region: "us-east-2" });
    const { config, source } = loadSettings({ ACCESS_GUARDRAILS_CONFIG: minimal });
    expect(source).toBe(minimal);
    expect(config).toMatchObject({
      region: "us-east-2",
      project: "test",
      network: { natGateways: "single", vpcCidr: "10.0.0.0/16" },
      eice: { preserveClientIp: false, ports: [22], maxTunnelDurationSeconds: 3600, osUsers: ["ec2-user"] },
      scp: { variant: "deny-eice-except-describe", targetIds: [] },
      ssm: { userName: "TestUserA" },
      crossAccount: { createAccessKey: false },
    });
  });

  test.each([
    ["1", true],
    ["true", true],
    ["0", false],
    ["", false],
  ])("ACCESS_GUARDRAILS_OFFLINE=%j means offline is %s", (value, expected) => {
    expect(loadSettings({ ACCESS_GUARDRAILS_OFFLINE: value }).offline).toBe(expected);
  });

  test("rejects any other ACCESS_GUARDRAILS_OFFLINE value, naming it and what is allowed", () => {
    expect(() => loadSettings({ ACCESS_GUARDRAILS_OFFLINE: "yes" })).toThrow(
      'Invalid ACCESS_GUARDRAILS_OFFLINE "yes": use 1 (offline) or 0, or leave it unset.',
    );
  });

  test("reports every bad field of a file together, each with its value and what is allowed", () => {
    const bad = configFile("bad.json", {
      region: "eu-west-1",
      accounts: { ...ACCOUNTS, data: { id: "12345" } },
      network: { natGateways: "two" },
      scp: { variant: "deny-all" },
    });
    let error: unknown;
    try {
      loadSettings({ ACCESS_GUARDRAILS_CONFIG: bad });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'Invalid accounts.data.id "12345": use a 12-digit AWS account id.',
      'Invalid network.natGateways "two": use one of none, single, per-az.',
      'Invalid scp.variant "deny-all": use one of deny-eice, deny-eice-except-describe, deny-eice-and-eic, deny-all-instance-connect.',
    ]);
    expect((error as ConfigError).message).toContain(bad);
  });
});

describe("a refused configuration", () => {
  const refused = new ConfigError("config/team.json", ['Invalid region "eu-west-9": use a commercial Region.']);

  test("is printed alone when no earlier synthesis exists", () => {
    const project = mkdtempSync(path.join(dir, "fresh-"));
    expect(refusalText(refused, synthOutputDir(project))).toBe(
      'Configuration config/team.json is not valid:\n  - Invalid region "eu-west-9": use a commercial Region.\n',
    );
  });

  test("says an earlier cdktf.out is stale", () => {
    const project = mkdtempSync(path.join(dir, "synthesized-"));
    mkdirSync(path.join(project, "cdktf.out"));
    const text = refusalText(refused, synthOutputDir(project));
    expect(text.startsWith(refused.message + "\n")).toBe(true);
    expect(text).toMatch(
      /\nNote: .*cdktf\.out\/ holds the previous synthesis, made from an earlier configuration: it is stale and does not reflect config\/team\.json\. Nothing was synthesized or deleted; synthesize again once the configuration is fixed\.\n$/,
    );
  });

  test("names the output folder cdktf.json sets instead of cdktf.out", () => {
    const project = mkdtempSync(path.join(dir, "custom-output-"));
    writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ app: "node app.js", output: "synth-out" }));
    mkdirSync(path.join(project, "cdktf.out"));
    expect(synthOutputDir(project)).toBe(path.join(project, "synth-out"));
    // cdktf.out is not where this project synthesizes: nothing of its is stale.
    expect(refusalText(refused, synthOutputDir(project))).not.toContain("Note:");
    mkdirSync(path.join(project, "synth-out"));
    expect(refusalText(refused, synthOutputDir(project))).toContain("synth-out/ holds the previous synthesis");
  });
});
