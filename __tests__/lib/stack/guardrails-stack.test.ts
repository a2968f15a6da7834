import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { GuardrailsStack, type GuardrailsStackProps } from "../../../lib/stack/guardrails-stack";
import { synthCached, testConfig, type TfJson } from "../../helpers";

/** Each stack's home account in config/default.json, written out by hand. */
const HOME_ACCOUNTS: Record<string, string> = {
  "private-access": "111111111111",
  "org-guardrails": "222222222222",
  "ssm-instance-arn": "111111111111",
  "ssm-fixed-tag": "111111111111",
  "ssm-abac": "111111111111",
  "cross-account-s3": "111111111111",
  audit: "111111111111",
  "session-preferences": "111111111111",
};

const defaultProvider = (stack: TfJson) => (stack.provider?.aws ?? []).filter((p) => p.alias === undefined);

describe("GuardrailsStack", () => {
  const { stacks } = synthCached();

  test("is the base of every stack main.ts declares", () => {
    expect(Object.keys(stacks).sort()).toEqual(Object.keys(HOME_ACCOUNTS).sort());
  });

  test.each(Object.entries(HOME_ACCOUNTS))(
    "%s has one default provider, pinned to account %s, with the project's default tags",
    (id, account) => {
      expect(defaultProvider(stacks[id])).toEqual([
        expect.objectContaining({
          region: "eu-west-1",
          allowed_account_ids: [account],
          default_tags: [{ tags: { Project: "test", ManagedBy: "ec2-access-guardrails" } }],
        }),
      ]);
    },
  );

  test.each(Object.keys(HOME_ACCOUNTS))("%s keeps its state in a local backend named after the stack", (id) => {
    expect(stacks[id].terraform?.backend).toEqual({ local: { path: `../../../terraform.${id}.tfstate` } });
  });

  test("gives a new stack the same wiring with no code of its own, and a second account through providerFor", () => {
    class TwoAccounts extends GuardrailsStack {
      constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
        super(scope, id, props, "management");
        this.providerFor("DataAws", "data", { alias: "data" });
      }
    }
    const stack = new TwoAccounts(Testing.app(), "two-accounts", { config: testConfig(), offline: false });
    const json = JSON.parse(Testing.synth(stack)) as TfJson;
    expect(json.provider?.aws).toEqual([
      expect.objectContaining({ allowed_account_ids: ["222222222222"] }),
      expect.objectContaining({ alias: "data", allowed_account_ids: ["333333333333"] }),
    ]);
    expect(json.terraform?.backend).toEqual({ local: { path: "../../../terraform.two-accounts.tfstate" } });
    expect(stack.account.id).toBe("222222222222");
  });
});
