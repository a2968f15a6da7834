import {
  deployOrder,
  destroyOrder,
  readersOf,
  READS_FROM,
  STACK_IDS,
  withProducers,
} from "../../../lib/stack/dependencies";

/** A graph small enough to state every order by hand. */
const GRAPH = { base: [], left: ["base"], right: ["base"], top: ["left", "right"], alone: [] };
const IDS = ["top", "alone", "right", "left", "base"];

describe("the stack dependency graph", () => {
  test("deploys every producer before its readers, other stacks in the order given", () => {
    expect(deployOrder(IDS, GRAPH)).toEqual(["alone", "base", "right", "left", "top"]);
  });

  test("destroys in the reverse order: every reader before the stacks it reads", () => {
    expect(destroyOrder(IDS, GRAPH)).toEqual(["top", "left", "right", "base", "alone"]);
  });

  test("orders the project's stacks with every producer first", () => {
    const order = deployOrder(STACK_IDS);
    for (const id of STACK_IDS) {
      for (const producer of READS_FROM[id])
        expect({ id, before: order.indexOf(producer) < order.indexOf(id) }).toEqual({ id, before: true });
    }
    expect([...order].sort()).toEqual([...STACK_IDS].sort());
  });

  test("orders only the stacks given, a producer left out is not added", () => {
    expect(deployOrder(["top", "left"], GRAPH)).toEqual(["left", "top"]);
  });

  test("refuses a cycle, naming its stacks", () => {
    expect(() => deployOrder(["a", "b", "c"], { a: ["b"], b: ["a"], c: [] })).toThrow(
      "The stacks a, b read each other's state in a cycle: no order can deploy them.",
    );
  });

  test("names the direct readers of a stack", () => {
    expect(readersOf("base", IDS, GRAPH)).toEqual(["right", "left"]);
    expect(readersOf("session-preferences", STACK_IDS)).toEqual([
      "private-access",
      "ssm-instance-arn",
      "ssm-fixed-tag",
      "ssm-abac",
      "cross-account-s3",
    ]);
  });

  test("adds the producers of a selection, directly or through another, in deploy order", () => {
    expect(withProducers(["top"], IDS, GRAPH)).toEqual(["base", "right", "left", "top"]);
    expect(withProducers(["ssm-instance-arn"], STACK_IDS)).toEqual([
      "session-preferences",
      "private-access",
      "ssm-instance-arn",
    ]);
  });
});
