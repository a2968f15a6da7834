/**
 * Resource addresses: what Terraform keys real objects by in state. A construct id that changes
 * changes the address, and Terraform then destroys the old object and creates a new one, unless the
 * configuration carries a `moved` block from the old address to the new one (cdktf writes one for
 * `resource.moveTo(target)` and `resource.moveFromId("type.old_name")`).
 * Used by `npm run addresses` (writes the checked-in list) and by __tests__/addresses.test.ts.
 */

import { stackView, type TfJson } from "../../lib/tfjson";

/** The parts of a synthesized stack (`cdk.tf.json`) that hold addresses: its resources and `moved` blocks. */
export type AddressedStack = Pick<TfJson, "resource" | "moved">;

/** The checked-in list: per stack id, its sorted resource addresses. */
export type AddressList = Record<string, string[]>;

/** Every managed resource address of a stack (`aws_vpc.Network_Vpc_1A2B3C4D`), sorted. */
export function resourceAddresses(stack: AddressedStack): string[] {
  return stackView("", stack)
    .resources()
    .map((r) => r.address)
    .sort();
}

/** The list for every stack, keys sorted, as `npm run addresses` writes it. */
export function addressList(stacks: Record<string, AddressedStack>): AddressList {
  return Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((id) => [id, resourceAddresses(stacks[id])]),
  );
}

/** `aws_x.y["k"]` or `aws_x.y[0]` (a move into one instance of a `for_each`/`count`) names `aws_x.y`. */
const withoutIndex = (address: string) => address.replace(/\[[^\]]*\]$/, "");

const REGENERATE =
  "use cdktf's resource.moveTo(target) or resource.moveFromId(oldAddress) so Terraform moves it, or, if destroying it is intended, run `npm run addresses` and commit docs/resource-addresses.json";

/**
 * Why the synthesized stacks do not match the recorded list; empty when they do. A recorded address
 * must still be synthesized, or be the `from` of a `moved` block whose `to` is synthesized. A
 * synthesized address must be recorded (or be where a recorded one moved), so the list stays current.
 * A recorded stack must still exist.
 */
export function addressProblems(recorded: AddressList, stacks: Record<string, AddressedStack>): string[] {
  const problems: string[] = [];
  for (const [id, addresses] of Object.entries(recorded)) {
    const stack = stacks[id];
    if (!stack) {
      problems.push(
        `Stack ${id} is recorded but no longer synthesized: its ${addresses.length} resources would be orphaned in its state; ${REGENERATE}.`,
      );
      continue;
    }
    const now = new Set(resourceAddresses(stack));
    for (const address of addresses) {
      if (now.has(address)) continue;
      const move = (stack.moved ?? []).find((m) => m.from === address);
      if (!move) {
        problems.push(
          `Stack ${id}: resource ${address} is no longer synthesized, so Terraform would destroy it (and create any renamed copy anew); ${REGENERATE}.`,
        );
      } else if (!now.has(withoutIndex(move.to))) {
        problems.push(
          `Stack ${id}: resource ${address} is moved to ${move.to}, which is not synthesized; ${REGENERATE}.`,
        );
      }
    }
  }
  for (const [id, stack] of Object.entries(stacks)) {
    const known = new Set(recorded[id] ?? []);
    // The target of a recorded resource's move is that same resource under its new address.
    for (const move of stack.moved ?? []) if (known.has(move.from)) known.add(withoutIndex(move.to));
    const added = resourceAddresses(stack).filter((a) => !known.has(a));
    if (added.length > 0) {
      problems.push(
        `Stack ${id}: ${added.join(", ")} ${added.length === 1 ? "is" : "are"} synthesized but not recorded; run \`npm run addresses\` and commit docs/resource-addresses.json so the list stays current.`,
      );
    }
  }
  return problems;
}
