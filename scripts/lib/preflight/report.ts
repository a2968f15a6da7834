/**
 * The one table `npm run preflight` prints: every row of the checks, and every account it could not
 * reach, as stack | address | finding | fix; or the same as JSON with `--json`.
 */
import { accountLabel } from "./targets";
import type { PreflightResult } from "./index";

export const TABLE_HEADER = ["stack", "address", "finding", "fix"] as const;

/** The table's rows: unreachable accounts first (nothing behind them was checked), then the findings. */
export function tableRows(result: PreflightResult): string[][] {
  const unreachable = result.unreachable.map((u) => [
    u.providers.map((p) => p.replace(/ \(.*\)$/, "")).join(", "),
    `provider ${[...new Set(u.providers.map((p) => /\((.*)\)$/.exec(p)?.[1] ?? "aws"))].join(", ")}`,
    `cannot reach ${accountLabel(u.accountId, u.accountFields)} with ${u.credentials}: ${u.reason}`,
    `give ${u.accountFields.length > 0 ? u.accountFields.join(" / ") : "the account"} a way in that works (profile or roleArn); nothing in it was checked`,
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
  if (result.exitCode === 2) return `${result.unreachable.length} account(s) could not be reached: exit 2`;
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
