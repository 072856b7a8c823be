/**
 * Candidate views of a report's task table: the one place where the rows a kernel printed
 * become the neutral views every victim policy reads (src/policy/types.ts), so that any
 * registered policy can be run on a real report through `chooseVictim`.
 *
 * A row carries only the columns its kernel printed. What a row says is taken as it is; what
 * no row can say follows fixed assumptions, listed in `REPORT_VIEW_ASSUMPTIONS` and, for
 * the columns a table lacks, in the `assumptions` of the result:
 *
 * - the table lists each process once, by its thread group leader (dump_tasks), and only
 *   tasks with an mm that are no kernel threads: every view has an mm, none is a kthread;
 * - euid is the uid; uid 0 stands for CAP_SYS_ADMIN; CAP_SYS_RAWIO, nice, PF_SWAPOFF,
 *   PF_EXITING, TIF_MEMDIE and vfork sharing are not printed: absent, 0 and clear;
 * - the cpuset is taken to overlap the allocating task's;
 * - cpu time, start time and children are not printed: null (unknown), which the policies
 *   read as neutral, and which `unknown` reports so a caller can say a policy that ranks by
 *   them (`newest`) cannot rank;
 * - rss is the `rss` column, else the sum of `rss_anon`, `rss_file` and `rss_shmem`; page
 *   tables are `pgtables_bytes` / page size, else `nr_ptes` + `nr_pmds`; swap is `swapents`;
 *   a column none of these gives leaves the field null;
 * - oom_score_adj is the column of that name, else derived from `oom_adj`; oomkilladj is
 *   `oom_adj`, else derived from `oom_score_adj`; a table with neither has 0 for both.
 */

import { oomAdjFromScoreAdj, scoreAdjFromOomAdj } from "../policy/modern.js";
import { plainProcessView } from "../policy/plain-view.js";
import type { CandidateView } from "../policy/types.js";
import type { TaskRow, TaskTable } from "./types.js";

/** What every view of a report assumes, whatever the table's columns. */
export const REPORT_VIEW_ASSUMPTIONS: readonly string[] = [
  "each row is one process with an mm, no kernel thread (dump_tasks lists no others)",
  "euid = uid; uid 0 taken as CAP_SYS_ADMIN; CAP_SYS_RAWIO, nice, PF_SWAPOFF, PF_EXITING, TIF_MEMDIE and vfork sharing not printed: taken as absent, 0 and clear",
  "cpuset taken to overlap the allocating task's",
  "cpu time, start time and children not printed: unknown (policies read them as neutral)",
];

/** A view field no row of the table gives. */
export type UnknownField =
  | "totalVmPages"
  | "rssPages"
  | "swapPages"
  | "pgtablesPages"
  | "oomScoreAdj"
  | "uid"
  | "cpuTimeJiffies"
  | "startTimeSeconds"
  | "childrenTotalVmPages";

export interface ReportViews {
  /** One view per row, in table order (the kernel's scan order). */
  views: CandidateView[];
  /** Fields unknown for every view: the table has no column for them. */
  unknown: UnknownField[];
  /** The assumptions this table's columns add to `REPORT_VIEW_ASSUMPTIONS`. */
  assumptions: string[];
}

function col(row: TaskRow, name: string): bigint | null {
  return row.values[name] ?? null;
}

function clamp(v: bigint, lo: number, hi: number): number {
  return v < BigInt(lo) ? lo : v > BigInt(hi) ? hi : Number(v);
}

function sumOf(values: (bigint | null)[]): bigint | null {
  const known = values.filter((v): v is bigint => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0n);
}

/** The view of one row; `pageSizeBytes` converts `pgtables_bytes` to pages. */
export function viewOfRow(row: TaskRow, pageSizeBytes = 4096): CandidateView {
  const uidValue = col(row, "uid");
  const uid = uidValue === null ? -1 : Number(uidValue);
  const scoreAdj = col(row, "oom_score_adj");
  const oomAdj = col(row, "oom_adj");
  const oomScoreAdj =
    scoreAdj !== null
      ? clamp(scoreAdj, -1000, 1000)
      : oomAdj !== null
        ? scoreAdjFromOomAdj(clamp(oomAdj, -17, 15))
        : 0;
  const oomkilladj = oomAdj !== null ? clamp(oomAdj, -17, 15) : oomAdjFromScoreAdj(oomScoreAdj);
  const bytes = col(row, "pgtables_bytes");
  const pgtablesPages =
    bytes !== null
      ? bytes / BigInt(pageSizeBytes)
      : sumOf([col(row, "nr_ptes"), col(row, "nr_pmds")]);
  const rssPages =
    col(row, "rss") ?? sumOf([col(row, "rss_anon"), col(row, "rss_file"), col(row, "rss_shmem")]);
  const tgid = col(row, "tgid");
  return {
    ...plainProcessView(row.pid, row.comm),
    tgid: tgid === null ? row.pid : Number(tgid),
    uid,
    euid: uid,
    totalVmPages: col(row, "total_vm") ?? 0n,
    rssPages,
    swapPages: col(row, "swapents"),
    pgtablesPages,
    oomkilladj,
    oomScoreAdj,
    capSysAdmin: uid === 0,
    vforkChild: false,
  };
}

/** The views of a task table, with what its columns leave unknown. */
export function viewsOfTable(table: TaskTable, pageSizeBytes = 4096): ReportViews {
  const cols = new Set(table.columns);
  const has = (...names: string[]) => names.some((n) => cols.has(n));
  const unknown: UnknownField[] = [];
  const assumptions: string[] = [];
  if (!has("total_vm")) {
    unknown.push("totalVmPages");
    assumptions.push("total_vm: no column; 0 pages assumed");
  }
  if (!has("rss", "rss_anon", "rss_file", "rss_shmem")) {
    unknown.push("rssPages");
    assumptions.push("rss: no column; unknown (policies count 0 pages)");
  }
  if (!has("swapents")) {
    unknown.push("swapPages");
    assumptions.push("swap entries: no swapents column; unknown (policies count 0)");
  }
  if (!has("pgtables_bytes", "nr_ptes", "nr_pmds")) {
    unknown.push("pgtablesPages");
    assumptions.push("page tables: no column; unknown (policies count 0)");
  }
  if (!has("oom_score_adj", "oom_adj")) {
    unknown.push("oomScoreAdj");
    assumptions.push("oom_score_adj: no column; 0 assumed");
  } else if (!has("oom_score_adj")) {
    assumptions.push("oom_score_adj derived from the oom_adj column");
  }
  if (!has("uid")) {
    unknown.push("uid");
    assumptions.push("uid: no column; taken as not root");
  }
  unknown.push("cpuTimeJiffies", "startTimeSeconds", "childrenTotalVmPages");
  return {
    views: table.rows.map((row) => viewOfRow(row, pageSizeBytes)),
    unknown,
    assumptions,
  };
}
