/**
 * Every `cdktf deploy` / `cdktf destroy` the README tells a user to run is one cdktf accepts: its stack
 * selection is checked against the synthesized manifest's dependencies the way cdktf checks it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { cdktfCommands, refusal, type ManifestStack } from "./helpers/cdktf-commands";
import { synthCached } from "./helpers";

const README = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const manifestStacks = (): ManifestStack[] => Object.values(synthCached().manifest.stacks);

/** The dependency shape of the default synthesis, fixed here so the checker's own tests stay exact. */
const FIXTURE: ManifestStack[] = [
  { name: "private-access", dependencies: [] },
  { name: "ssm-instance-arn", dependencies: ["private-access"] },
  { name: "ssm-abac", dependencies: [] },
  { name: "audit", dependencies: [] },
];

const one = (markdown: string) => {
  const commands = cdktfCommands(markdown);
  expect(commands).toHaveLength(1);
  return commands[0];
};

describe("the README's cdktf commands", () => {
  const commands = cdktfCommands(README);

  test("the README has deploy and destroy commands to check", () => {
    expect(commands.filter((c) => c.verb === "deploy").length).toBeGreaterThan(0);
    expect(commands.filter((c) => c.verb === "destroy").length).toBeGreaterThan(0);
  });

  test("the default synthesis has the dependencies the commands must respect", () => {
    const dependencies = (id: string) => [...synthCached().manifest.stacks[id].dependencies].sort();
    expect(dependencies("ssm-instance-arn")).toEqual(["private-access", "session-preferences"]);
    for (const id of ["private-access", "cross-account-s3", "ssm-fixed-tag", "ssm-abac"]) {
      expect({ id, dependencies: dependencies(id) }).toEqual({ id, dependencies: ["session-preferences"] });
    }
  });

  test.each(commands.map((c) => [c.line, c.text, c] as const))(
    "README.md:%i `%s` is accepted by cdktf",
    (_line, _text, command) => {
      expect(refusal(command, manifestStacks())).toEqual([]);
    },
  );
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
  ])("accepts %s", (_name, markdown) => {
    expect(refusal(one(markdown), FIXTURE)).toEqual([]);
  });

  test("reads commands only, not `cdktf plan` or a `#` comment", () => {
    expect(cdktfCommands("```sh\nnpx cdktf plan ssm-instance-arn\n# cdktf deploy ssm-instance-arn\n```")).toEqual([]);
  });
});
