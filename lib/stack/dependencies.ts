/**
 * The stacks of the project and which reads which: the dependency graph cdktf records (a reader's
 * `terraform_remote_state` of its producer) and the orders that follow from it. Kept apart from main.ts,
 * which re-exports the graph, so that scripts and tests that only need the order (the offline plan,
 * the README's generated commands, the command checker) do not load every stack and the provider's
 * classes (a second and more).
 */

/** Every stack id, in the order `defineStacks` declares them. Stack ids are the names users type: `cdktf plan <id>`. */
export const STACK_IDS = [
  "session-preferences",
  "private-access",
  "org-guardrails",
  "ssm-instance-arn",
  "ssm-fixed-tag",
  "ssm-abac",
  "cross-account-s3",
  "audit",
] as const;
export type StackId = (typeof STACK_IDS)[number];

/** The stacks each stack reads from through cross-stack references: a reader needs its producer in the app. */
export const READS_FROM: Record<StackId, readonly StackId[]> = {
  "session-preferences": [],
  "private-access": ["session-preferences"],
  "org-guardrails": [],
  "ssm-instance-arn": ["session-preferences", "private-access"],
  "ssm-fixed-tag": ["session-preferences"],
  "ssm-abac": ["session-preferences"],
  "cross-account-s3": ["session-preferences"],
  audit: [],
};

/** A dependency graph: each stack and the stacks whose state it reads (READS_FROM, or cdktf's manifest). */
export type ReadsFrom = Readonly<Record<string, readonly string[]>>;

/**
 * `ids` with every producer before its readers, as `cdktf deploy` applies them; ties keep the order of
 * `ids`. A producer missing from `ids` is not added (a configuration may synthesize fewer stacks:
 * `ssm.sessionPreferences: "existing"` has no session-preferences).
 * @throws naming the stacks of a cycle, which cdktf would refuse as well.
 */
export function deployOrder<T extends string>(ids: readonly T[], readsFrom: ReadsFrom = READS_FROM): T[] {
  const wanted = new Set<string>(ids);
  const ordered: T[] = [];
  const placed = new Set<string>();
  while (ordered.length < ids.length) {
    const next = ids.find(
      (id) => !placed.has(id) && (readsFrom[id] ?? []).every((p) => placed.has(p) || !wanted.has(p)),
    );
    if (next === undefined) {
      const left = ids.filter((id) => !placed.has(id));
      throw new Error(`The stacks ${left.join(", ")} read each other's state in a cycle: no order can deploy them.`);
    }
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}

/** `ids` with every reader before the stacks it reads, as `cdktf destroy` removes them. */
export function destroyOrder<T extends string>(ids: readonly T[], readsFrom: ReadsFrom = READS_FROM): T[] {
  return deployOrder(ids, readsFrom).reverse();
}

/** The stacks that read `producer`'s state directly, in `ids` order. */
export function readersOf<T extends string>(
  producer: string,
  ids: readonly T[],
  readsFrom: ReadsFrom = READS_FROM,
): T[] {
  return ids.filter((id) => (readsFrom[id] ?? []).includes(producer));
}

/** `selected` and every stack they read from, directly or through another, in deploy order. */
export function withProducers<T extends string>(
  selected: readonly T[],
  all: readonly T[],
  readsFrom: ReadsFrom = READS_FROM,
): T[] {
  const needed = new Set<string>();
  const add = (id: string): void => {
    if (needed.has(id)) return;
    needed.add(id);
    (readsFrom[id] ?? []).forEach(add);
  };
  selected.forEach(add);
  return deployOrder(
    all.filter((id) => needed.has(id)),
    readsFrom,
  );
}
