/**
 * The one table `npm run preflight` prints: every row of the checks, and every account it could not
 * reach, as stack | address | finding | fix; or the same as JSON with `--json`.
 */
import { accountLabel } from "./targets";
import { rerunCommand, type PreflightResult } from "./index";

export const TABLE_HEADER = ["stack", "address", "finding", "fix"] as const;

/** The table's rows: unreachable accounts first (nothing behind them was checked), then the findings. */
export function tableRows(result: PreflightResult): string[][] {
  const unreachable = result.unreachable.map((u) => [
    u.providers
      .map((p) => p.replace(/ \(.*\)$/, ""))
      .filter((s, i, all) => all.indexOf(s) === i)
      .join(", "),
    `provider ${[...new Set(u.providers.map((p) => /\((.*)\)$/.exec(p)?.[1] ?? "aws"))].join(", ")}`,
    u.notChecked
      ? `not checked: under credentials "per-stack" it runs with the credentials of ${accountLabel(u.accountId, u.accountFields)}, and ${u.credentials} belong to account ${u.notChecked.ambientAccount}`
      : `cannot reach ${accountLabel(u.accountId, u.accountFields)} with ${u.credentials}: ${u.reason}`,
    u.notChecked
      ? `run preflight for this stack with account ${u.accountId}'s credentials: ${rerunCommand(u)}`
      : `give ${(u.fixFields ?? u.accountFields).length > 0 ? (u.fixFields ?? u.accountFields).join(" / ") : "the account"} a way in that works (profile or roleArn); nothing in it was checked`,
  ]);
  return [...unreachable, ...result.rows.map((r) => [r.stack, r.address, r.finding, r.fix])];
}

/** A plain-text table, columns padded, one row a line. */
export function formatTable(rows: readonly string[][]): string {
  const all = [[...TABLE_HEADER], ...rows];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join(" | ")
        .trimEnd(),
    )
    .join("\n");
}

/** The closing line: what the exit code means. */
export function summary(result: PreflightResult): string {
  if (result.exitCode === 2) {
    const notChecked = result.unreachable.filter((u) => u.notChecked).length;
    const unreached = result.unreachable.length - notChecked;
    const parts = [
      ...(unreached > 0 ? [`${unreached} account(s) could not be reached`] : []),
      ...(notChecked > 0
        ? [`${notChecked} account(s)' stacks not checked: run preflight for them with their credentials`]
        : []),
    ];
    return `${parts.join("; ")}: exit 2`;
  }
  if (result.exitCode === 1) return `${result.rows.length} finding(s): exit 1`;
  return "nothing in the way of the first apply: exit 0";
}

export function asJson(result: PreflightResult): string {
  return JSON.stringify(
    { exitCode: result.exitCode, rows: result.rows, unreachable: result.unreachable, notes: result.notes },
    null,
    2,
  );
}
