/**
 * Replays one parsed report: recomputes every listed task's score under the rules of the
 * report's kernel (src/policy/modern.ts), predicts the victim, compares it with the task the
 * kernel selected, and ranks the same table by 2.6.20's `badness()` as far as a report allows.
 */

import { badnessOfView, linux2620Policy } from "../policy/linux-2620.js";
import {
  type KernelVersion,
  type ModernTask,
  modernRules,
  oomBadness,
  procOomScore,
  scoreAdjFromOomAdj,
  scoringEraOf,
  scoringErasIn,
  selectVictim,
} from "../policy/modern.js";
import { chooseVictim } from "../policy/select.js";
import type { PolicyContext } from "../policy/types.js";
import {
  formatRange,
  formatStart,
  formatVersion,
  inferKernelVersion,
  type KernelInference,
} from "./era.js";
import { type TotalPages, totalPagesOf } from "./totalpages.js";
import type { OomEvent, TaskRow } from "./types.js";
import { completeForItsKernel, verdictOf } from "./verdict.js";
import { viewsOfTable } from "./views.js";

/** What scoring a report's table with 2.6.20's badness() has to assume (docs/oom-path.md §5). */
export const BADNESS_2620_ASSUMPTIONS: readonly string[] = [
  "64-bit unsigned long (x86_64)",
  "children: not in the report; none assumed (2.6.20 adds total_vm/2 + 1 per child with its own mm)",
  "cpu time and run time: not in the report; assumed too small to divide (cpu_time < one unit, run time < 1024 s)",
  "nice: not in the report; assumed 0 (no doubling)",
  "capabilities: uid 0 taken as root (divide by 4); CAP_SYS_RAWIO assumed absent (a real root process usually has it: another divide by 4)",
  "cpuset: assumed to overlap the allocating task's (no divide by 8)",
  "PF_SWAPOFF, PF_EXITING, TIF_MEMDIE: assumed clear; each row is one task",
];

export interface TaskRef {
  pid: number;
  comm: string;
}

export interface ScoredTask {
  pid: number;
  comm: string;
  uid: bigint | null;
  totalVmPages: bigint | null;
  rssPages: bigint;
  swapPages: bigint;
  pgtablesPages: bigint;
  oomScoreAdj: number;
  /** Modern points; null when the task is not a candidate (adj -1000, pid 1). */
  points: bigint | null;
  /** `/proc/PID/oom_score` that version would show, measured against this report's totalpages. */
  oomScore: number;
  oomkilladj: number;
  /** 2.6.20 badness; null when 2.6.20 would skip the task (pid 1, OOM_DISABLE) or total_vm is unknown. */
  badness2620: bigint | null;
}

/** The victim under one scoring era the report's formats allow (modern-oom §2). */
export interface EraOutcome {
  /** "3.14-4.16". */
  era: string;
  rule: string;
  /** The release of the formats' range that stands for the era. */
  version: KernelVersion;
  victim: TaskRef | null;
  /** The era's victim is the kernel's; null when the report names no victim. */
  explains: boolean | null;
  /** Every eligible task scores the era's clamp value, so the first in the table wins. */
  allClamped: boolean;
}

export interface ReplayOptions {
  kernelVersion?: KernelVersion;
  pageSizeBytes?: number;
  totalSwapKb?: bigint;
}

export interface Replay {
  event: OomEvent;
  kernel: KernelInference;
  total: TotalPages;
  /** totalpages used for scoring (the report's, or an estimate when it has none). */
  scoringTotalPages: bigint;
  tasks: ScoredTask[];
  actual: TaskRef | null;
  /** Which line `actual` comes from. */
  actualFrom: string | null;
  /** The task the kernel killed when it differs from the selected one (a sacrificed child). */
  killedInstead: TaskRef | null;
  predicted: TaskRef | null;
  predictedBy: "modern" | "badness-2.6.20" | "oom_kill_allocating_task" | null;
  /**
   * The kill line says `oom_kill_allocating_task`: the kernel killed the allocating task
   * without ranking, so no score predicts it.
   */
  allocatingTaskKill: boolean;
  /**
   * When no release is printed and the formats leave a range of releases spanning more than
   * one scoring era: the victim under each of them. Empty otherwise.
   */
  eras: EraOutcome[];
  /** Every eligible task scored the clamp value (before 5.9): the first in the table won. */
  clampTie: { points: bigint; first: TaskRef; count: number } | null;
  /** How an unknown totalpages was estimated (memcg limit not printed), in words; null when known. */
  totalEstimate: string | null;
  match: boolean | null;
  /** The report lacks nothing its kernel prints (2.6.20 .. 2.6.35 print no task table). */
  complete: boolean;
  /** The event in plain words: the victim's arithmetic, or what the kill lines say. */
  verdict: string;
  ranking2620: { victim: TaskRef | null; adjFrom: string; assumptions: readonly string[] };
  assumptions: string[];
  notes: string[];
}

function column(row: TaskRow, ...names: string[]): bigint | null {
  for (const name of names) {
    const v = row.values[name];
    if (v !== undefined) return v;
  }
  return null;
}

function clampInt(v: bigint | null, lo: number, hi: number): number | null {
  if (v === null) return null;
  return v < BigInt(lo) ? lo : v > BigInt(hi) ? hi : Number(v);
}

function modernTaskOf(row: TaskRow, pageSize: bigint): ModernTask {
  const adj =
    clampInt(column(row, "oom_score_adj"), -1000, 1000) ??
    scoreAdjFromOomAdj(clampInt(column(row, "oom_adj"), -17, 15) ?? 0);
  const bytes = column(row, "pgtables_bytes");
  const pgtables =
    bytes !== null
      ? bytes / pageSize
      : (column(row, "nr_ptes") ?? 0n) + (column(row, "nr_pmds") ?? 0n);
  const uid = column(row, "uid");
  return {
    pid: row.pid,
    comm: row.comm,
    rssPages: column(row, "rss") ?? 0n,
    swapPages: column(row, "swapents") ?? 0n,
    pgtablesPages: pgtables,
    oomScoreAdj: adj,
    isInit: row.pid === 1,
    isKthread: false,
    hasMm: true,
    isVforkChild: false,
    hasCapSysAdmin: uid === 0n,
  };
}

function tableAssumptions(e: OomEvent, kernel: KernelInference): string[] {
  const out: string[] = [];
  const cols = e.table?.columns ?? [];
  const rules = modernRules(kernel.version);
  if (!cols.includes("swapents")) out.push("swap entries: no swapents column; 0 assumed");
  if (rules.countsPgtables && !cols.some((c) => c === "pgtables_bytes" || c === "nr_ptes")) {
    out.push("page tables: no column; 0 assumed");
  }
  if (rules.rootBonus !== "none" && e.table?.rows.some((r) => r.values.uid === 0n)) {
    out.push("uid 0 taken as CAP_SYS_ADMIN for the root bonus of that kernel");
  }
  if (rules.skipsVforkChild) out.push("no task assumed to be a vfork child or already reaped");
  return out;
}

function refOf(t: { pid: number; comm: string }): TaskRef {
  return { pid: t.pid, comm: t.comm };
}

function actualOf(e: OomEvent): [TaskRef | null, string | null, TaskRef | null] {
  const commFor = (pid: number, comm: string | null): string =>
    comm ??
    e.table?.rows.find((r) => r.pid === pid)?.comm ??
    (e.summary?.pid === pid ? e.summary.task : null) ??
    "?";
  const killed = e.killed[0];
  if (e.select) {
    const sel = { pid: e.select.pid, comm: e.select.comm };
    const instead =
      killed && killed.pid !== sel.pid
        ? { pid: killed.pid, comm: commFor(killed.pid, killed.comm) }
        : null;
    return [sel, `line ${e.select.line}: 'Kill process .. score' (the selected task)`, instead];
  }
  if (killed) {
    return [
      { pid: killed.pid, comm: commFor(killed.pid, killed.comm) },
      `line ${killed.line}: 'Killed process'`,
      null,
    ];
  }
  if (e.summary?.pid != null) {
    return [
      { pid: e.summary.pid, comm: e.summary.task ?? "?" },
      `line ${e.summary.line}: oom-kill: summary (task=, pid=)`,
      null,
    ];
  }
  return [null, null, null];
}

/** Replays one event. Pure; never throws for any parsed event. */
export function replayEvent(e: OomEvent, opts: ReplayOptions = {}): Replay {
  const pageSizeBytes = opts.pageSizeBytes ?? 4096;
  const pageSize = BigInt(pageSizeBytes);
  const kernel = inferKernelVersion(e, opts.kernelVersion);
  const total = totalPagesOf(e, { pageSizeBytes, totalSwapKb: opts.totalSwapKb });
  const rows = e.table?.rows ?? [];
  const modern = rows.map((r) => modernTaskOf(r, pageSize));
  const assumptions = [...total.assumptions];
  const notes = [...kernel.notes];
  if (pageSizeBytes === 4096 && opts.pageSizeBytes === undefined)
    assumptions.push("page size 4096 bytes");

  let scoringTotalPages = total.totalPages;
  let totalEstimate: string | null = null;
  if (scoringTotalPages === null && total.constraint === "CONSTRAINT_MEMCG") {
    const estimate = memcgEstimate(e, modern, kernel, pageSize);
    scoringTotalPages = estimate.pages;
    totalEstimate = estimate.from;
    assumptions.push(
      `totalpages estimated: the memcg's limit is not in the report; ${scoringTotalPages} pages from ${estimate.from}`,
    );
  } else if (scoringTotalPages === null) {
    const sum = modern.reduce((s, t) => s + t.rssPages + t.swapPages, 0n);
    scoringTotalPages = sum > 0n ? sum : 1n;
    assumptions.push(
      `totalpages unknown (${total.how}); the oom_score_adj term uses the listed tasks' rss + swap, ${scoringTotalPages} pages`,
    );
  }
  if (rows.length > 0) assumptions.push(...tableAssumptions(e, kernel));

  const hasOomAdj = e.table?.columns.includes("oom_adj") ?? false;
  // 2.6.20's badness() and select_bad_process() through the policy seam, on the views of
  // the table: what a report does not print is neutral there (BADNESS_2620_ASSUMPTIONS).
  const views = e.table === null ? [] : viewsOfTable(e.table, pageSizeBytes).views;
  const ctx2620: PolicyContext = {
    bits: 64,
    hz: 250,
    uptimeSeconds: 0n,
    totalPages: scoringTotalPages,
    current: -1,
  };
  const tasks: ScoredTask[] = rows.map((r, i) => {
    const t = modern[i];
    const view = views[i]!;
    const skipped2620 = r.pid === 1 || view.oomkilladj === -17 || column(r, "total_vm") === null;
    return {
      pid: r.pid,
      comm: r.comm,
      uid: column(r, "uid"),
      totalVmPages: column(r, "total_vm"),
      rssPages: t.rssPages,
      swapPages: t.swapPages,
      pgtablesPages: t.pgtablesPages,
      oomScoreAdj: t.oomScoreAdj,
      points: oomBadness(t, scoringTotalPages, kernel.version),
      oomScore: procOomScore(t, scoringTotalPages, kernel.version),
      oomkilladj: view.oomkilladj,
      badness2620: skipped2620 ? null : badnessOfView(view, ctx2620),
    };
  });
  const chosen2620 = chooseVictim(views, linux2620Policy, ctx2620);
  const ranking2620 = {
    victim: chosen2620.kind === "chosen" ? refOf(rows[chosen2620.index]!) : null,
    adjFrom: hasOomAdj
      ? "oomkilladj: the table's oom_adj column"
      : "oomkilladj: oom_score_adj read as oom_adj (modern-oom §3)",
    assumptions: BADNESS_2620_ASSUMPTIONS,
  };

  const [actual, actualFrom, killedInstead] = actualOf(e);
  let predicted: TaskRef | null = null;
  let predictedBy: Replay["predictedBy"] = null;
  const allocatingOnly = [e.select?.message, ...e.killed.map((k) => k.message)].some(
    (m) => m?.includes("oom_kill_allocating_task") === true,
  );
  let eras: EraOutcome[] = [];
  let clampTie: Replay["clampTie"] = null;
  if (allocatingOnly) {
    predicted = e.allocating ? refOf(e.allocating) : null;
    predictedBy = predicted ? "oom_kill_allocating_task" : null;
    notes.push(
      "vm.oom_kill_allocating_task: the kernel kills the allocating task, not the highest score",
    );
  } else if (rows.length > 0 && modernRules(kernel.version).beforeRewrite) {
    predicted = ranking2620.victim;
    predictedBy = predicted ? "badness-2.6.20" : null;
    notes.push(
      `kernel ${formatVersion(kernel.version)} used the total_vm heuristic: predicted with the 2.6.20 badness and its assumptions`,
      "points and oom_score follow the 2.6.36 rules here, for comparison only",
    );
  } else if (rows.length > 0) {
    const victim = selectVictim(modern, scoringTotalPages, kernel.version);
    predicted = victim ? refOf(victim) : null;
    predictedBy = predicted ? "modern" : null;
    clampTie = clampTieOf(modern, scoringTotalPages, kernel.version);
    eras = erasOf(kernel, modern, scoringTotalPages, actual);
    const lo = kernel.range.lo;
    if (eras.length === 0 && kernel.source === "formats" && !modernRules(lo).beforeRewrite) {
      const other = selectVictim(modern, scoringTotalPages, lo);
      if (other && victim && other.pid !== victim.pid) {
        notes.push(
          `under ${formatStart(lo)} rules the victim would be ${other.pid} (${other.comm})`,
        );
      }
    }
  }
  const match = predicted && actual ? predicted.pid === actual.pid : null;
  if (match === false) notes.push(...mismatchNotes(e, tasks, actual!, predicted!));
  // The allocating-task path prints no ranking score (it passes 0): nothing to check.
  const scoreNote = allocatingOnly ? null : checkPrintedScore(e, tasks, kernel, scoringTotalPages);
  if (scoreNote) notes.push(scoreNote);
  const verdict = verdictOf({
    event: e,
    version: kernel.version,
    versionHi: kernel.range.hi,
    total,
    scoringTotalPages,
    modern,
    actual,
    killedInstead,
    predicted,
    predictedBy,
    allocatingTaskKill: allocatingOnly,
    eras,
    rangeText: formatRange(kernel.range.lo, kernel.range.hi),
    clampTie,
    totalEstimate,
  });
  return {
    event: e,
    kernel,
    total,
    scoringTotalPages,
    tasks,
    actual,
    actualFrom,
    killedInstead,
    predicted,
    predictedBy,
    allocatingTaskKill: allocatingOnly,
    eras,
    clampTie,
    totalEstimate,
    match,
    complete: completeForItsKernel(e, kernel.range.hi),
    verdict,
    ranking2620,
    assumptions,
    notes,
  };
}

function mismatchNotes(
  e: OomEvent,
  tasks: ScoredTask[],
  actual: TaskRef,
  predicted: TaskRef,
): string[] {
  const a = tasks.find((t) => t.pid === actual.pid);
  const p = tasks.find((t) => t.pid === predicted.pid);
  if (!a) return [`the kernel's victim ${actual.pid} is not in the task table`];
  const notes = [
    `recomputed points: victim ${a.points ?? "ineligible"}, predicted ${p?.points ?? "?"}`,
  ];
  if (!e.complete) notes.push("the report is incomplete; missing rows may explain the difference");
  return notes;
}

/** Pre-4.19 kill lines print the selected task's score: a check of the totalpages used. */
function checkPrintedScore(
  e: OomEvent,
  tasks: ScoredTask[],
  kernel: KernelInference,
  totalPages: bigint,
): string | null {
  if (!e.select || modernRules(kernel.version).beforeRewrite) return null;
  const t = tasks.find((x) => x.pid === e.select!.pid);
  if (!t || t.points === null) return null;
  const rules = modernRules(kernel.version);
  const recomputed =
    rules.era === "proportional"
      ? t.points
      : (t.points * 1000n) / (totalPages > 0n ? totalPages : 1n);
  return recomputed === e.select.score
    ? null
    : `the kernel printed score ${e.select.score} for ${t.pid}; recomputed ${recomputed} (totalpages may differ)`;
}

/**
 * Before 5.9 an eligible task scores at least 1: when every one of them (two or more) scores
 * exactly that, the first in the table wins (modern-oom §2, "Why 5.9 matters").
 */
function clampTieOf(
  modern: readonly ModernTask[],
  totalPages: bigint,
  version: KernelVersion,
): Replay["clampTie"] {
  const era = scoringEraOf(version);
  if (era === null || era.clamp === null) return null;
  let first: ModernTask | null = null;
  let count = 0;
  for (const t of modern) {
    const points = oomBadness(t, totalPages, version);
    if (points === null) continue;
    if (points !== era.clamp) return null;
    first ??= t;
    count++;
  }
  return first === null || count < 2 ? null : { points: era.clamp, first: refOf(first), count };
}

/**
 * Where the report prints no release and its formats allow several scoring eras, the victim
 * under each, through the modern policy of a release of that era.
 */
function erasOf(
  kernel: KernelInference,
  modern: readonly ModernTask[],
  totalPages: bigint,
  actual: TaskRef | null,
): EraOutcome[] {
  if (kernel.release !== null || kernel.source === "option") return [];
  const spans = scoringErasIn(kernel.range.lo, kernel.range.hi);
  if (spans.length < 2) return [];
  return spans.map(({ era, version }) => {
    const v = selectVictim(modern, totalPages, version);
    const victim = v === null ? null : refOf(v);
    return {
      era: era.label,
      rule: era.rule,
      version,
      victim,
      explains: actual === null ? null : victim !== null && victim.pid === actual.pid,
      allClamped: clampTieOf(modern, totalPages, version) !== null,
    };
  });
}

/** A task's points without its oom_score_adj term and root bonus: rss + swap (+ page tables). */
function basePages(t: ModernTask, version: KernelVersion): bigint {
  return t.rssPages + t.swapPages + (modernRules(version).countsPgtables ? t.pgtablesPages : 0n);
}

/**
 * totalpages of a memcg OOM whose limit the excerpt does not print, from the best the report
 * holds: the score of the pre-4.19 kill line, which is the victim's points per mille of
 * totalpages; the usage printed with an unlimited memory limit (some other limit was hit: a
 * guess at best); else the listed tasks' rss + swap, a lower bound.
 */
function memcgEstimate(
  e: OomEvent,
  modern: readonly ModernTask[],
  kernel: KernelInference,
  pageSize: bigint,
): { pages: bigint; from: string } {
  const memory = e.memcg?.memory;
  const pageKb = pageSize / 1024n > 0n ? pageSize / 1024n : 1n;
  const select = e.select;
  const victim = select ? modern.find((t) => t.pid === select.pid) : undefined;
  const version = kernel.version;
  if (
    select &&
    victim &&
    select.score > 0n &&
    // 2.6.36 .. 3.6 clamp the per-mille score to 1000: a 1000 says only "at least".
    (modernRules(version).era !== "proportional" || select.score < 1000n) &&
    victim.oomScoreAdj === 0 &&
    victim.hasCapSysAdmin !== true &&
    !modernRules(version).beforeRewrite
  ) {
    // score = base * 1000 / totalpages, truncated: totalpages lies in
    // (base * 1000 / (score + 1), base * 1000 / score]; the middle is taken.
    const base = basePages(victim, version);
    const hi = (base * 1000n) / select.score;
    const lo = (base * 1000n) / (select.score + 1n) + 1n;
    if (hi >= lo && hi > 0n) {
      return {
        pages: (lo + hi) / 2n,
        from: `the kill line's score ${select.score} for ${victim.pid} (${victim.comm}): ${base} pages are ${select.score} per mille of ${lo} .. ${hi} pages, the middle taken`,
      };
    }
  }
  if (memory && memory.usageKb > 0n) {
    return {
      pages: memory.usageKb / pageKb > 0n ? memory.usageKb / pageKb : 1n,
      from: `the memcg's usage, ${memory.usageKb} kB (its memory limit is printed as unlimited, so another limit, such as memory+swap, was hit; a guess)`,
    };
  }
  const sum = modern.reduce((s, t) => s + t.rssPages + t.swapPages, 0n);
  return {
    pages: sum > 0n ? sum : 1n,
    from: "the listed tasks' rss + swap (at least what the memcg holds; its limit may be higher)",
  };
}
