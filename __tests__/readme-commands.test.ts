/**
 * Every cdktf command the repository's Markdown tells a user to run is one cdktf accepts, in an order
 * that works: each `cdktf deploy|destroy|plan|diff` (code blocks and inline code) and each loop over
 * stacks of every tracked *.md file is checked against the default synthesis's stacks and the
 * dependencies cdktf records for them (__tests__/helpers/cdktf-commands.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  cdktfCommands,
  commandProblems,
  loopProblems,
  refusal,
  stackLoops,
  type ManifestStack,
} from "./helpers/cdktf-commands";
import { synthCached } from "./helpers";

const ROOT = path.join(__dirname, "..");
/** The Markdown files of the repository, as git tracks them (a fresh clone has exactly these). */
const MARKDOWN = execFileSync("git", ["ls-files", "--", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !f.split("/").includes("node_modules"));
const text = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const manifestStacks = (): ManifestStack[] => Object.values(synthCached().manifest.stacks);

const commands = MARKDOWN.flatMap((file) => cdktfCommands(text(file)).map((c) => [file, c.line, c.text, c] as const));
const loops = MARKDOWN.flatMap((file) => stackLoops(text(file)).map((l) => [file, l.line, l.text, l] as const));

/** The dependency shape of the default synthesis, fixed here so the checker's own tests stay exact. */
const FIXTURE: ManifestStack[] = [
  { name: "private-access", dependencies: [] },
  { name: "ssm-instance-arn", dependencies: ["private-access"] },
  { name: "ssm-abac", dependencies: [] },
  { name: "audit", dependencies: [] },
];

const one = (markdown: string) => {
  const found = cdktfCommands(markdown);
  expect(found).toHaveLength(1);
  return found[0];
};
const oneLoop = (markdown: string) => {
  const found = stackLoops(markdown);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("the cdktf commands of the repository's Markdown", () => {
  test("every tracked Markdown file is read, and they hold deploy, destroy and plan commands and a loop to check", () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(["README.md", "docs/cross-account-s3-walkthrough.md"]));
    for (const verb of ["deploy", "destroy", "plan"]) {
      expect({ verb, found: commands.some(([, , , c]) => c.verb === verb) }).toEqual({ verb, found: true });
    }
    expect(loops.length).toBeGreaterThan(0);
  });

  test("the default synthesis has the dependencies the commands must respect", () => {
    const dependencies = (id: string) => [...synthCached().manifest.stacks[id].dependencies].sort();
    expect(dependencies("ssm-instance-arn")).toEqual(["private-access", "session-preferences"]);
    for (const id of ["private-access", "cross-account-s3", "ssm-fixed-tag", "ssm-abac"]) {
      expect({ id, dependencies: dependencies(id) }).toEqual({ id, dependencies: ["session-preferences"] });
    }
  });

  test.each(commands)("%s:%i `%s` is accepted by cdktf, its stacks in an order that works", (_f, _l, _t, command) => {
    expect(commandProblems(command, manifestStacks())).toEqual([]);
  });

  test.each(loops)("%s:%i `%s` covers every stack, each after the stacks it reads", (_f, _l, _t, loop) => {
    expect(loopProblems(loop, manifestStacks())).toEqual([]);
  });
});

describe("the command checker refuses what cdktf refuses", () => {
  test.each([
    [
      "deploy of a dependant alone",
      "```sh\nnpx cdktf deploy ssm-instance-arn\n```",
      "dependencies are not included in the stacks to run: private-access",
    ],
    [
      "destroy of a stack others depend on",
      "```sh\ncdktf destroy private-access --auto-approve\n```",
      "dependant stacks are not included in the stacks to run: ssm-instance-arn",
    ],
    [
      "a glob that selects the dependant only",
      "```sh\ncdktf deploy 'ssm-*'\n```",
      "dependencies are not included in the stacks to run: private-access",
    ],
    ["an unknown stack", "Run `cdktf deploy private-acess` first.", "Could not find stack for pattern 'private-acess'"],
    ["no stack where there are several", "before `cdktf destroy`", "Found more than one stack"],
    [
      "a command split over a line in prose",
      "the next `cdktf deploy\n  ssm-instance-arn` restores",
      "dependencies are not included",
    ],
    [
      "a command after && and with a continuation",
      "```sh\ncd x && cdktf deploy \\\n  ssm-instance-arn\n```",
      "dependencies are not included",
    ],
    [
      "a value option before the stack",
      "```sh\ncdktf destroy --parallelism 1 private-access\n```",
      "dependant stacks are not included",
    ],
    [
      "a plan of an unknown stack",
      "```sh\nnpx cdktf plan private-acess --skip-synth\n```",
      "Could not find stack: private-acess",
    ],
    ["a plan of two stacks", "`cdktf plan audit ssm-abac`", "cdktf plan takes one stack"],
    ["a shell variable outside a loop", '```sh\ncdktf deploy "$STACK"\n```', "$STACK is a shell variable"],
  ])("%s", (_name, markdown, message) => {
    expect(refusal(one(markdown), FIXTURE).join("\n")).toContain(message);
  });

  test.each([
    ["deploy naming the dependency too", "```sh\ncdktf deploy private-access ssm-instance-arn\n```"],
    ["deploy by a glob covering both", "```sh\ncdktf deploy '*'\n```"],
    ["destroy naming the dependant too", "`cdktf destroy ssm-instance-arn private-access`"],
    ["destroy of the dependant alone", "```sh\ncdktf destroy ssm-instance-arn   # first\n```"],
    ["the flag cdktf offers", "```sh\ncdktf deploy ssm-instance-arn --ignore-missing-stack-dependencies\n```"],
    ["a stack with no dependencies", "After `cdktf deploy audit`, run"],
    ["a plan of one stack", "```sh\nnpx cdktf plan ssm-instance-arn --skip-synth\n```"],
  ])("accepts %s", (_name, markdown) => {
    expect(refusal(one(markdown), FIXTURE)).toEqual([]);
  });

  test("reads no `#` comment, and no bare mention of `cdktf plan` in prose", () => {
    expect(cdktfCommands("```sh\n# cdktf deploy ssm-instance-arn\n```\n(`cdktf diff` takes one stack)")).toEqual([]);
  });
});

describe("the command checker judges the order of a list of stacks", () => {
  test.each([
    [
      "a deploy naming a reader before the stack it reads",
      "`cdktf deploy ssm-instance-arn private-access`",
      "ssm-instance-arn comes before private-access, whose state it reads",
    ],
    [
      "a destroy naming a stack before its reader",
      "`cdktf destroy private-access ssm-instance-arn`",
      "private-access is destroyed before ssm-instance-arn, which reads its state",
    ],
  ])("refuses %s", (_name, markdown, message) => {
    expect(commandProblems(one(markdown), FIXTURE)).toEqual([message]);
  });

  test("accepts producers first for deploy and last for destroy", () => {
    expect(commandProblems(one("`cdktf deploy private-access ssm-instance-arn`"), FIXTURE)).toEqual([]);
    expect(commandProblems(one("`cdktf destroy ssm-instance-arn private-access`"), FIXTURE)).toEqual([]);
  });
});

describe("the command checker judges loops over stacks", () => {
  const ALL = "private-access ssm-instance-arn ssm-abac audit";
  const loop = (list: string, body: string, comment = "") =>
    `\`\`\`sh\nfor stack in ${list}; do${comment}\n  ${body} || exit 1\ndone\n\`\`\``;

  test("reads the loop's stacks and runs its command once per stack, and no command of its body on its own", () => {
    const found = oneLoop(loop(ALL, 'npx cdktf plan "$stack" --skip-synth --no-color'));
    expect(found).toMatchObject({ verb: "plan", stacks: ALL.split(" "), subset: false, line: 2 });
    expect(found.iterations.map((c) => c.text)).toContain("cdktf plan ssm-abac --skip-synth --no-color");
    expect(cdktfCommands(loop(ALL, 'npx cdktf plan "$stack"'))).toEqual([]);
    expect(loopProblems(found, FIXTURE)).toEqual([]);
  });

  test.each([
    [
      "a plan loop that leaves a stack out",
      loop("private-access ssm-instance-arn audit", 'cdktf plan "$stack"'),
      'the loop leaves out ssm-abac: name every stack, or mark a loop meant for some of them with "# subset" on its for line',
    ],
    [
      "a plan loop with a reader before the stack it reads",
      loop("ssm-instance-arn private-access ssm-abac audit", 'cdktf plan "${stack}"'),
      "ssm-instance-arn comes before private-access, whose state it reads",
    ],
    [
      "a destroy loop with a stack before its reader",
      loop(ALL, "cdktf destroy $stack --ignore-missing-stack-dependencies"),
      "private-access is destroyed before ssm-instance-arn, which reads its state",
    ],
    [
      "a deploy loop whose iterations cdktf refuses (one stack each, its dependency missing)",
      loop(ALL, 'cdktf deploy "$stack" --auto-approve'),
      "cdktf deploy ssm-instance-arn --auto-approve: The following dependencies are not included in the stacks to run: private-access",
    ],
    [
      "a loop over an unknown stack",
      loop(`${ALL} privat-access`, 'cdktf plan "$stack"'),
      "Could not find stack: privat-access",
    ],
  ])("refuses %s", (_name, markdown, message) => {
    expect(loopProblems(oneLoop(markdown), FIXTURE).join("\n")).toContain(message);
  });

  test("accepts a loop marked as covering some stacks only", () => {
    const subset = oneLoop(loop("private-access audit", 'cdktf plan "$stack"', "   # subset: the workload account"));
    expect(subset.subset).toBe(true);
    expect(loopProblems(subset, FIXTURE)).toEqual([]);
  });
});
