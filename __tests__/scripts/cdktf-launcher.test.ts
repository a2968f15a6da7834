/**
 * The npm scripts' launcher (scripts/cdktf.js, `npm run synth|deploy|plan|diff|destroy`): it validates the
 * configuration before cdktf starts and hands every argument to cdktf. The hand-over is replaced by a
 * recorder in-process; one test spawns the launcher with a bad configuration, as `npm run synth` does,
 * and shows the refusal printed once while cdktf never starts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, OFFLINE_ENV } from "../../lib/config";
import { testConfig } from "../helpers";

interface Launcher {
  COMMANDS: readonly string[];
  CONFIG_ENV: string;
  OFFLINE_ENV: string;
  configPath(env: NodeJS.ProcessEnv): string;
  outputOption(args: readonly string[]): string | undefined;
  validate(env: NodeJS.ProcessEnv, outputDir?: string): "cached" | "validated";
  main(argv: readonly string[], options: { env: NodeJS.ProcessEnv; handOver: (args: string[]) => void }): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script of the project
const launcher = require("../../scripts/cdktf.js") as Launcher;
const ROOT = path.join(__dirname, "..", "..");

const dir = mkdtempSync(path.join(tmpdir(), "guardrails-launcher-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A configuration file of its own (its own bytes, so no earlier validation of it counts). */
function configFile(edit: (config: Record<string, unknown>) => void = () => {}): string {
  const config = { ...structuredClone(testConfig()), project: `launcher-${process.pid}-${Date.now()}-${files}` };
  edit(config);
  const file = path.join(dir, `config-${files++}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Runs the launcher in-process; `exit` is the code it exited with, `handedOver` what cdktf received. */
function launch(argv: string[], env: NodeJS.ProcessEnv) {
  const handedOver: string[][] = [];
  let stderr = "";
  const exit = jest.spyOn(process, "exit").mockImplementation((code) => {
    throw new Error(`exit ${String(code)}`);
  });
  const write = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  let code: number | undefined;
  try {
    launcher.main(argv, { env, handOver: (args) => handedOver.push(args) });
  } catch (err) {
    const match = /^exit (\d+)$/.exec((err as Error).message);
    if (!match) throw err;
    code = Number(match[1]);
  } finally {
    exit.mockRestore();
    write.mockRestore();
  }
  return { code, stderr, handedOver };
}

describe("npm run synth|deploy|plan|diff|destroy (scripts/cdktf.js)", () => {
  test("reads the configuration from the same variables, and the same default file, as the app", () => {
    expect(launcher.CONFIG_ENV).toBe(CONFIG_ENV);
    expect(launcher.OFFLINE_ENV).toBe(OFFLINE_ENV);
    expect(launcher.configPath({})).toBe(DEFAULT_CONFIG_PATH);
    expect(launcher.configPath({ [CONFIG_ENV]: "config/examples/state-s3.json" })).toBe(
      path.resolve("config/examples/state-s3.json"),
    );
  });

  test("every command it runs is an npm script of the same name", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json as data
    const { scripts } = require("../../package.json") as { scripts: Record<string, string> };
    for (const command of launcher.COMMANDS) expect(scripts[command]).toBe(`node scripts/cdktf.js ${command}`);
    expect(launcher.COMMANDS).toEqual(["synth", "deploy", "plan", "diff", "destroy"]);
  });

  test("hands the command, the stack names and the options to cdktf (npm run deploy -- audit)", () => {
    const env = { [CONFIG_ENV]: configFile() };
    expect(launch(["deploy", "audit", "--auto-approve"], env)).toEqual({
      code: undefined,
      stderr: "",
      handedOver: [["deploy", "audit", "--auto-approve"]],
    });
    expect(launch(["synth"], env).handedOver).toEqual([["synth"]]);
  });

  test("refuses a bad configuration once, with every problem, and does not start cdktf", () => {
    const bad = configFile((c) => {
      c.region = "eu-west-9";
      (c.accounts as { workload: { id: unknown } }).workload.id = 111111111111;
    });
    const { code, stderr, handedOver } = launch(["deploy", "audit"], { [CONFIG_ENV]: bad });
    expect(code).toBe(1);
    expect(handedOver).toEqual([]);
    expect(stderr.match(/is not valid:/g)).toHaveLength(1);
    expect(stderr).toContain(`Configuration ${bad} is not valid:\n  - Invalid region "eu-west-9": `);
    expect(stderr).toContain(
      '\n  - Invalid accounts.workload.id 111111111111: it is a number; write it as a string in quotes, "111111111111": JSON numbers lose leading zeros.\n',
    );
  });

  test("validates a configuration once, and again as soon as its file changes", () => {
    const file = configFile();
    const env = { [CONFIG_ENV]: file };
    expect(launcher.validate(env)).toBe("validated");
    expect(launcher.validate(env)).toBe("cached");
    // The offline switch is part of what is validated.
    expect(launcher.validate({ ...env, [OFFLINE_ENV]: "1" })).toBe("validated");
    writeFileSync(file, JSON.stringify({ ...testConfig(), region: "eu-west-9" }));
    const { code, handedOver } = launch(["synth"], env);
    expect(code).toBe(1);
    expect(handedOver).toEqual([]);
  });

  test("refuses a command it does not run, naming the ones it does", () => {
    const { code, stderr, handedOver } = launch(["get"], {});
    expect(code).toBe(2);
    expect(handedOver).toEqual([]);
    expect(stderr).toContain("Usage: node scripts/cdktf.js <synth|deploy|plan|diff|destroy> [cdktf arguments]");
    expect(stderr).toContain('received "get"');
  });

  test.each([
    [["audit"], undefined],
    [["--output", "out"], "out"],
    [["-o", "out", "audit"], "out"],
    [["--output=out"], "out"],
  ])("finds the output folder in %j", (args, expected) => {
    expect(launcher.outputOption(args)).toBe(expected);
  });

  test("spawned as npm runs it, prints the refusal once, names the stale cdktf.out and starts no cdktf", () => {
    const project = mkdtempSync(path.join(dir, "project-"));
    // If cdktf started, it would run this app, which leaves a mark.
    writeFileSync(
      path.join(project, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: `node -e "require('fs').writeFileSync('cdktf-started', '')"` }),
    );
    mkdirSync(path.join(project, "cdktf.out"));
    writeFileSync(path.join(project, "cdktf.out", "manifest.json"), "{}");
    const bad = configFile((c) => (c.region = "eu-west-9"));
    const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "cdktf.js"), "synth"], {
      cwd: project,
      env: { ...process.env, [CONFIG_ENV]: bad, [OFFLINE_ENV]: "" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.match(/is not valid:/g)).toHaveLength(1);
    expect(result.stderr.match(/Invalid region "eu-west-9"/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\[ERROR\]|Command output on stderr/);
    expect(result.stderr).toContain(
      "Note: cdktf.out/ holds the previous synthesis, made from an earlier configuration: it is stale",
    );
    expect(existsSync(path.join(project, "cdktf-started"))).toBe(false);
    expect(readdirSync(path.join(project, "cdktf.out"))).toEqual(["manifest.json"]);
  });
});
