/**
 * The account ids of the shipped configurations (config/default.json and config/examples/*.json): no
 * real account has them, so `cdktf synth` runs out of the box and every provider's `allowed_account_ids`
 * makes a plan against a real account fail. A check that only matters where the stacks can reach a
 * real account (an alarm topic somebody must listen to, keys an administrator must not silence) asks
 * `isPlaceholderAccount` first. A test keeps this list and the shipped files in step.
 */
export const PLACEHOLDER_ACCOUNT_IDS = ["111111111111", "222222222222", "333333333333"] as const;

/**
 * True only for one of the shipped placeholder ids. Anything else, a mistyped id included, counts as a
 * real account: its checks are reported beside the id's own problem, so the file is fixed in one pass.
 * A placeholder written as a JSON number (`111111111111`) is refused for being a number, and counts as
 * the placeholder it becomes once quoted: the checks reported beside it are those that remain after the fix.
 */
export function isPlaceholderAccount(id: unknown): boolean {
  const text = typeof id === "number" ? String(id) : id;
  return typeof text === "string" && (PLACEHOLDER_ACCOUNT_IDS as readonly string[]).includes(text);
}
