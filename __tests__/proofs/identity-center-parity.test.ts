import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SCENARIO_DIR } from "../../proofs";

/*
 * Identity Center principals must get exactly what the IAM user of the same pattern gets (issue: "may
 * start sessions exactly where the IAM user may"). The scenario tables prove each decision; this check
 * proves the two tables ask the same questions: every IAM-user row has a permission-set row with the
 * same action, the same resource (a role session's id starts with its session name, `alice-…`, where
 * the IAM user's starts with the user name) and the same expected decision, and no row is extra.
 */
interface Row {
  readonly name: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly expect: string;
  readonly context: Record<string, string>;
}
const table = (file: string): { config?: unknown; scenarios: Row[] } =>
  JSON.parse(readFileSync(path.join(SCENARIO_DIR, file), "utf8"));
/** The session part of a session ARN reduced to whose it is; any other resource as it is. */
const question = (row: Row) => ({
  action: row.action,
  resource: row.resource.replace(/session\/[^/]*$/, "session/<id>"),
  expect: row.expect,
});

describe.each(["ssm-instance-arn", "ssm-fixed-tag", "ssm-abac"])("%s", (pattern) => {
  const users = table(`${pattern}.json`);
  const roles = table(`${pattern}.identity-center.json`);

  test("the permission-set table asks every question of the IAM-user table, with the same expected decision", () => {
    expect(roles.scenarios.map(question)).toEqual(users.scenarios.map(question));
  });

  test("its rows are made by a permission-set role session of Identity Center, which has no aws:username", () => {
    expect(roles.config).toEqual({ ssm: { principals: "identity-center", identityCenter: expect.any(Object) } });
    for (const row of roles.scenarios) {
      expect(row.principal).toMatch(
        /^arn:aws:sts::\{\{config\.accounts\.workload\.id\}\}:assumed-role\/AWSReservedSSO_[\w+=,.@-]+\/alice$/,
      );
      expect(row.context["aws:username"]).toBeUndefined();
      if (row.context["aws:userid"] !== undefined) expect(row.context["aws:userid"]).toMatch(/^AROA\w+:alice$/);
      // A role session's id starts with its session name: never with the IAM user's name.
      const session = /:session\/(.*)$/.exec(row.resource)?.[1];
      if (session !== undefined)
        expect({ row: row.name, session }).toEqual({
          row: row.name,
          session: expect.stringMatching(/^(alice|bob)[\w-]*-[0-9a-f]+$/),
        });
      const owner = row.context["ssm:resourceTag/aws:ssmmessages:session-id"];
      if (owner !== undefined) expect(owner).toMatch(/^AROA\w+:(alice|bob)[\w-]*$/);
    }
  });
});
