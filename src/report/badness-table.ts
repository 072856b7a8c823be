/**
 * The `oomkit badness` view: every task's 2.6.20 score, highest first, the terms that
 * made it, and why selection passes over the others.
 */

import type { Selection } from "../oom/select_bad_process.js";
import type { BadnessRow } from "../oom/table.js";
import type { Snapshot } from "../snapshot/types.js";
import { shortTerm } from "./explain.js";

export const SKIP_REASONS: Readonly<Record<string, string>> = {
  no_mm: "no mm: kernel thread, zombie, or past exit_mm",
  init: "init: pid 1 is never selected",
  oom_disable: "OOM_DISABLE: oomkilladj is -17",
};

/** Rows in the order the report shows them: scored highest first (ties in task order), then skipped. */
export function rankRows(rows: readonly BadnessRow[]): {
  scored: BadnessRow[];
  skipped: BadnessRow[];
} {
  const scored = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.skip === null)
    .sort((a, b) =>
      a.row.points! > b.row.points! ? -1 : a.row.points! < b.row.points! ? 1 : a.index - b.index,
    )
    .map(({ row }) => row);
  return { scored, skipped: rows.filter((row) => row.skip !== null) };
}

export function renderBadnessTable(
  rows: readonly BadnessRow[],
  selection: Selection,
  chosenPid: number | null,
): string[] {
  const { scored, skipped } = rankRows(rows);
  const out: string[] = [];
  const width = Math.max(6, ...scored.map((r) => r.points!.toString().length));
  out.push(
    `${"PID".padStart(7)} ${"TGID".padStart(7)} ${"COMM".padEnd(15)} ${"SCORE".padStart(width)}  TERMS`,
  );
  for (const row of scored) {
    const mark = row.pid === chosenPid ? "  <- selected" : "";
    const abort =
      row.aborts === null
        ? ""
        : `  [selection aborts here: ${row.aborts === "memdie" ? "TIF_MEMDIE" : "PF_EXITING"}]`;
    out.push(
      `${String(row.pid).padStart(7)} ${String(row.tgid).padStart(7)} ${row.comm.padEnd(15)} ${row.points!.toString().padStart(width)}  ${row.terms
        .filter((term) => term.by !== 1n)
        .map(shortTerm)
        .join(", ")}${mark}${abort}`,
    );
  }
  if (skipped.length > 0) {
    out.push("", "Not scored by select_bad_process():");
    for (const row of skipped) {
      const abort =
        row.aborts === null
          ? ""
          : `; selection aborts here (${row.aborts === "memdie" ? "TIF_MEMDIE" : "PF_EXITING"})`;
      out.push(
        `${String(row.pid).padStart(7)} ${String(row.tgid).padStart(7)} ${row.comm.padEnd(15)} ${SKIP_REASONS[row.skip!]}${abort}`,
      );
    }
  }
  out.push("");
  if (selection.kind === "abort")
    out.push(
      "Selection: aborted (a task is already dying and holds its mm); nothing would be killed.",
    );
  else if (selection.kind === "none")
    out.push("Selection: no killable task; the kernel would panic.");
  else out.push(`Selection: pid ${chosenPid} (ties go to the earlier task in the task list).`);
  return out;
}

/** The `oomkit badness --json` document: the same rows, every task with its terms. */
export function badnessJson(
  snapshot: Snapshot,
  rows: readonly BadnessRow[],
  selection: Selection,
  chosenPid: number | null,
) {
  const { scored, skipped } = rankRows(rows);
  return {
    current: snapshot.current,
    uptime: snapshot.kernel.uptime.toString(),
    selection: selection.kind,
    selected: chosenPid,
    tasks: [...scored, ...skipped].map((row) => ({
      pid: row.pid,
      tgid: row.tgid,
      comm: row.comm,
      points: row.points === null ? null : row.points.toString(),
      skip: row.skip,
      aborts: row.aborts,
      terms: row.terms.map((t) => ({
        term: t.term,
        before: t.before.toString(),
        after: t.after.toString(),
        detail: t.detail,
      })),
    })),
  };
}
