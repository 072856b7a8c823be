/**
 * One event's verdict in plain words, for an SRE asking "why this one?": the arithmetic of
 * the kernel's victim's points under the rules of the report's kernel (rss, swap, page
 * tables, the oom_score_adj term, totalpages and where it came from), and how it stood
 * against the prediction; or, for a report of a kernel that prints no task table, what
 * its kill lines do say. Pure.
 */

import { explainModern, type KernelVersion, type ModernTask } from "../policy/modern.js";
import type { TotalPages } from "./totalpages.js";
import type { OomEvent } from "./types.js";

/** 2.6.36 turned oom_dump_tasks on by default; before it a report holds no task table. */
export function printsNoTaskTable(hi: KernelVersion | null): boolean {
  if (hi === null) return false;
  const [a, b, c] = hi;
  return a < 2 || (a === 2 && (b < 6 || (b === 6 && (c ?? 0) <= 35)));
}

/** Whether a report lacks nothing its kernel prints: the table is not missed where there is none. */
export function completeForItsKernel(e: OomEvent, hi: KernelVersion | null): boolean {
  if (e.complete) return true;
  return (
    e.problems.length === 0 &&
    e.missing.length === 1 &&
    e.missing[0] === "task table" &&
    printsNoTaskTable(hi)
  );
}

export interface VerdictInput {
  event: OomEvent;
  version: KernelVersion;
  versionHi: KernelVersion | null;
  total: TotalPages;
  scoringTotalPages: bigint;
  modern: readonly ModernTask[];
  actual: { pid: number; comm: string } | null;
  killedInstead: { pid: number; comm: string } | null;
  predicted: { pid: number; comm: string } | null;
  predictedBy: string | null;
  /** The kill line says oom_kill_allocating_task. */
  allocatingTaskKill: boolean;
  /** The victim under each scoring era the formats allow (no release printed). */
  eras: readonly {
    era: string;
    victim: { pid: number; comm: string } | null;
    explains: boolean | null;
    allClamped: boolean;
  }[];
  /** The formats' range of releases, as text. */
  rangeText: string;
  clampTie: { points: bigint; first: { pid: number; comm: string }; count: number } | null;
  totalEstimate: string | null;
}

function who(t: { pid: number; comm: string }): string {
  return `${t.pid} (${t.comm})`;
}

/** The terms of the task's points under `version`: "rss 5087, swap 0, pgtables 22, ...". */
function arithmetic(task: ModernTask, totalPages: bigint, version: KernelVersion): string {
  const terms = explainModern(task, totalPages, version).filter((t) => t.term !== "eligible");
  return terms.map((t) => `${t.term} ${t.value}`).join(", ");
}

export function verdictOf(v: VerdictInput): string {
  const e = v.event;
  if (v.actual === null) return "the report names no victim";
  if (v.allocatingTaskKill) {
    const alloc = e.allocating ?? null;
    const known =
      alloc === null
        ? `; the stack dump line that names the allocating task's pid is not in the report${e.header ? ` (the header names ${e.header.comm})` : ""}`
        : alloc.pid === v.actual.pid
          ? ""
          : `; the allocating task was ${who(alloc)}, so the victim shown is not it (a sacrificed child, or a mixed-up capture)`;
    return `vm.oom_kill_allocating_task is set: the kernel killed the allocating task ${who(v.actual)} without ranking, so no score predicts it${known}`;
  }
  if (e.table === null && printsNoTaskTable(v.versionHi)) {
    const score = e.select?.score;
    const chosen = `the kernel chose ${who(v.actual)}${score === undefined ? "" : ` with badness ${score}`}`;
    const killed =
      v.killedInstead === null
        ? "and killed it"
        : `and killed its child ${who(v.killedInstead)} first (oom_kill_process tries each child with its own mm before the task)`;
    return `a 2.6.20 .. 2.6.35 report prints no task table, so it is judged on its kill lines: ${chosen} ${killed}`;
  }
  if (v.predictedBy === null)
    return `the kernel killed ${who(v.actual)}; the report holds no task table to check it against`;
  const relative =
    v.total.constraint === "CONSTRAINT_MEMCG"
      ? v.totalEstimate !== null
        ? ` (memcg OOM; the limit is not in the report, so totalpages is estimated: ${v.scoringTotalPages} pages from ${v.totalEstimate})`
        : ` (memcg OOM: scores are relative to the cgroup's limit, ${v.scoringTotalPages} pages)`
      : ` (totalpages ${v.scoringTotalPages}: ${v.total.totalPages === null ? "estimated" : v.total.how})`;
  const tail = clampText(v) + erasText(v);
  const victim = v.modern.find((t) => t.pid === v.actual!.pid);
  const sums =
    victim === undefined || v.predictedBy !== "modern"
      ? ""
      : `; its points: ${arithmetic(victim, v.scoringTotalPages, v.version)}`;
  if (v.predicted !== null && v.predicted.pid === v.actual.pid) {
    return `the kernel killed ${who(v.actual)}, the task with the most points by the ${v.predictedBy} rules${relative}${sums}${tail}`;
  }
  const other = v.predicted === null ? null : v.modern.find((t) => t.pid === v.predicted!.pid);
  const theirs =
    other === undefined || other === null || v.predictedBy !== "modern"
      ? ""
      : `; ${who(v.predicted!)}: ${arithmetic(other, v.scoringTotalPages, v.version)}`;
  return `the kernel killed ${who(v.actual)}, but the ${v.predictedBy} rules put ${v.predicted === null ? "no task" : who(v.predicted)} first${relative}${sums}${theirs}${tail}`;
}

/** Before 5.9, every eligible task at the clamp value: the first in the table wins. */
function clampText(v: VerdictInput): string {
  const t = v.clampTie;
  if (t === null || v.predictedBy !== "modern") return "";
  return `; every eligible task (${t.count}) scores ${t.points}, the clamp before 5.9, so the first in the table, ${who(t.first)}, wins`;
}

/** Which of the scoring eras the formats allow explain the kernel's choice. */
function erasText(v: VerdictInput): string {
  if (v.eras.length === 0) return "";
  const yes = v.eras.filter((x) => x.explains === true).map((x) => x.era);
  const no = v.eras.filter((x) => x.explains !== true);
  const noText = no
    .map(
      (x) =>
        `${x.era} (${x.victim === null ? "no victim" : who(x.victim)}${x.allClamped ? ": every eligible task scores 1 there, so the first in the table wins" : ""})`,
    )
    .join(", ");
  const head = `; no release printed, the formats allow ${v.rangeText}`;
  if (yes.length === 0)
    return `${head}: no scoring era in it explains the kernel's choice (${noText})`;
  const verb = yes.length === 1 ? "explains" : "explain";
  return `${head}: ${yes.join(", ")} ${verb} the kernel's choice${no.length === 0 ? "" : `, not ${noText}`}`;
}
