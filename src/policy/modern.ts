/**
 * The modern kernel's victim selection (`oom_badness`, `/proc/PID/oom_score`), version by
 * version as spec/modern-oom.md §1 and §2 describe it. Pure: the live reader and the
 * replay parsers both feed it.
 *
 * Integer rules are C rules: `/` on bigint truncates toward zero, which is what C does for
 * signed `long` division too, so a negative `points * 1000 / totalpages` rounds up.
 */

import { chooseBest } from "./select.js";

export type KernelVersion = readonly [number, number, number];

/** The version the functions assume when none is given (the machine the spec measured). */
export const DEFAULT_KERNEL_VERSION: KernelVersion = [6, 18, 0];

export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;
export const LONG_MIN_64 = -(2n ** 63n);
export const LONG_MAX_64 = 2n ** 63n - 1n;

/** "6.18.44-foo" -> [6,18,44]; "5.10" -> [5,10,0]; also accepts a leading "v" or "Linux version ". */
export function parseKernelVersion(text: string): KernelVersion | null {
  const m = /^\s*(?:Linux version\s+)?v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
}

export interface ModernTask {
  pid: number;
  comm: string;
  /** MM_FILEPAGES + MM_ANONPAGES + MM_SHMEMPAGES, as the OOM killer reads them. */
  rssPages: bigint;
  /** MM_SWAPENTS. */
  swapPages: bigint;
  /** pgtables_bytes / PAGE_SIZE (4.15+), nr_ptes (+ nr_pmds) before. */
  pgtablesPages: bigint;
  oomScoreAdj: number;
  /** Global init: PID 1 of the initial PID namespace. */
  isInit: boolean;
  isKthread: boolean;
  /** Some thread of the process still has an mm. */
  hasMm: boolean;
  isVforkChild: boolean;
  /** Only 2.6.36 .. 4.16 give CAP_SYS_ADMIN tasks a bonus. Absent = false. */
  hasCapSysAdmin?: boolean;
  /** The mm was marked "OOM skip" (reaped). Not observable from /proc. Absent = false. */
  mmOomSkip?: boolean;
  /** The task is the "OOM origin" (swapoff, KSM unmerge). Not observable. Absent = false. */
  oomOrigin?: boolean;
}

/** Negative, zero or positive as a is before, equal to or after b. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

function atLeast(v: KernelVersion, major: number, minor: number, patch = 0): boolean {
  return compareKernelVersions(v, [major, minor, patch]) >= 0;
}

type Era = "proportional" | "pages" | "signed";
type RootBonus = "none" | "minus30permille" | "adjMinus30" | "threePercent";

/** The rules that vary with the version (modern-oom §2). */
export interface ModernRules {
  era: Era;
  /** Page tables in the baseline ("early 3.x"; taken as 3.0). */
  countsPgtables: boolean;
  rootBonus: RootBonus;
  skipsVforkChild: boolean;
  skipsOomSkipMm: boolean;
  /** 5.9+: the last task scanned wins a tie; before, the first. */
  lastWinsTie: boolean;
  /** Versions before 2.6.36 used the total_vm heuristic, which these inputs cannot express. */
  beforeRewrite: boolean;
}

const rulesCache = new Map<string, ModernRules>();

let lastVersion: KernelVersion | null = null;
let lastRules: ModernRules | null = null;

export function modernRules(version: KernelVersion = DEFAULT_KERNEL_VERSION): ModernRules {
  if (version === lastVersion && lastRules !== null) return lastRules;
  const rules = cachedRules(version);
  lastVersion = version;
  lastRules = rules;
  return rules;
}

function cachedRules(version: KernelVersion): ModernRules {
  const key = version.join(".");
  const cached = rulesCache.get(key);
  if (cached !== undefined) return cached;
  const rules = computeRules(version);
  if (rulesCache.size < 64) rulesCache.set(key, rules);
  return rules;
}

function computeRules(version: KernelVersion): ModernRules {
  const beforeRewrite = !atLeast(version, 2, 6, 36);
  const v: KernelVersion = beforeRewrite ? [2, 6, 36] : version;
  const era: Era = atLeast(v, 5, 9) ? "signed" : atLeast(v, 3, 7) ? "pages" : "proportional";
  let rootBonus: RootBonus = "none";
  if (!atLeast(v, 3, 7)) rootBonus = "minus30permille";
  else if (!atLeast(v, 3, 14)) rootBonus = "adjMinus30";
  else if (!atLeast(v, 4, 17)) rootBonus = "threePercent";
  return {
    era,
    countsPgtables: atLeast(v, 3, 0),
    rootBonus,
    skipsVforkChild: atLeast(v, 4, 7),
    skipsOomSkipMm: atLeast(v, 4, 6),
    lastWinsTie: era === "signed",
    beforeRewrite,
  };
}

/** Why a task is not a candidate (modern-oom §1.1), or null when it is one. */
export function ineligibleReason(task: ModernTask, rules: ModernRules): string | null {
  if (task.isInit) return "global init";
  if (task.isKthread) return "kernel thread";
  if (!task.hasMm) return "no thread has an mm";
  if (task.oomScoreAdj === OOM_SCORE_ADJ_MIN) return "oom_score_adj is -1000 (OOM_SCORE_ADJ_MIN)";
  if (rules.skipsOomSkipMm && task.mmOomSkip === true) return "mm marked OOM skip (reaped)";
  if (rules.skipsVforkChild && task.isVforkChild) return "vfork child sharing its parent's mm";
  return null;
}

function safeTotal(totalPages: bigint): bigint {
  return totalPages > 0n ? totalPages : 1n;
}

interface Computation {
  /** null: ineligible. */
  points: bigint | null;
  rows: { term: string; value: string; note: string }[];
}

/**
 * The whole computation; with `explain` it also records each intermediate value (the
 * selection path skips that work).
 */
function computeBadness(
  task: ModernTask,
  totalPages: bigint,
  version: KernelVersion | undefined,
  explain: boolean,
): Computation {
  const rules = modernRules(version);
  const rows: Computation["rows"] = [];
  const row = (term: string, value: bigint | number | string, note: string) => {
    if (explain) rows.push({ term, value: String(value), note });
  };
  if (rules.beforeRewrite) {
    row(
      "version",
      "< 2.6.36",
      "the total_vm heuristic of that era needs inputs a modern task lacks; 2.6.36 rules used",
    );
  }
  const reason = ineligibleReason(task, rules);
  if (reason !== null) {
    row("eligible", "no", reason);
    return { points: null, rows };
  }
  row("eligible", "yes", "not init, not a kernel thread, has an mm, adj above -1000");
  const total = safeTotal(totalPages);
  if (rules.era === "proportional" && task.oomOrigin === true) {
    row("points", 1000n, "OOM origin task (PF_OOM_ORIGIN) scores the maximum");
    return { points: 1000n, rows };
  }
  row("rss", task.rssPages, "file + anon + shmem pages");
  row("swap", task.swapPages, "swap entries");
  let base = task.rssPages + task.swapPages;
  if (rules.countsPgtables) {
    row("pgtables", task.pgtablesPages, "page-table pages");
    base += task.pgtablesPages;
  } else {
    row("pgtables", 0n, "not counted before 3.0");
  }
  const root = task.hasCapSysAdmin === true;
  let adj = BigInt(task.oomScoreAdj);
  if (rules.era === "proportional") {
    let points = (base * 1000n) / total;
    if (explain) {
      const pgt = rules.countsPgtables ? " + pgtables" : "";
      row("per-mille", points, `(rss + swap${pgt}) * 1000 / ${total}`);
    }
    if (root) {
      points -= 30n;
      row("root bonus", -30n, "CAP_SYS_ADMIN: minus 30 per mille");
    }
    points += adj;
    row("oom_score_adj", adj, "added to the per-mille score");
    const clamped = points <= 0n ? 1n : points < 1000n ? points : 1000n;
    row("points", clamped, "eligible tasks are clamped to 1..1000");
    return { points: clamped, rows };
  }
  let points = base;
  row("baseline", points, "pages");
  if (root && rules.rootBonus === "adjMinus30") {
    adj -= 30n;
    row("root bonus", -30n, "CAP_SYS_ADMIN: oom_score_adj lowered by 30 before scaling");
  } else if (root && rules.rootBonus === "threePercent") {
    const bonus = (points * 3n) / 100n;
    points -= bonus;
    row("root bonus", -bonus, "CAP_SYS_ADMIN: minus 3 % of the points, truncated");
  }
  const unit = total / 1000n;
  const adjPages = adj * unit;
  if (explain) row("adj x totalpages/1000", adjPages, `${adj} * (${total} / 1000 = ${unit})`);
  points += adjPages;
  if (rules.era === "pages") {
    const clamped = points > 0n ? points : 1n;
    row("points", clamped, "eligible tasks score at least 1 (before 5.9)");
    return { points: clamped, rows };
  }
  row("points", points, "signed; may be negative (5.9+)");
  return { points, rows };
}

/** Points as the OOM killer's selection computes them for that version; null = ineligible. */
export function oomBadness(
  task: ModernTask,
  totalPages: bigint,
  version?: KernelVersion,
): bigint | null {
  return computeBadness(task, totalPages, version, false).points;
}

function procScoreOf(points: bigint | null, totalPages: bigint, rules: ModernRules): bigint {
  if (points === null) return 0n;
  const total = safeTotal(totalPages);
  if (rules.era === "signed") return ((1000n + (points * 1000n) / total) * 2n) / 3n;
  if (rules.era === "pages") return (points * 1000n) / total;
  return points;
}

/** What /proc/PID/oom_score shows for that version (§1.5 for 5.9+, §2 for older). */
export function procOomScore(
  task: ModernTask,
  totalPages: bigint,
  version?: KernelVersion,
): number {
  const rules = modernRules(version);
  return Number(procScoreOf(oomBadness(task, totalPages, version), totalPages, rules));
}

/**
 * The value the selection loop compares, with the OOM-origin override (§1.4); null when
 * the task is not a candidate.
 */
export function selectionPoints(task: ModernTask, totalPages: bigint, version?: KernelVersion) {
  const rules = modernRules(version);
  if (task.oomOrigin === true && !task.isInit && !task.isKthread && rules.era !== "proportional") {
    return rules.era === "signed" ? LONG_MAX_64 : 2n ** 64n - 1n;
  }
  return oomBadness(task, totalPages, version);
}

/** The victim among tasks given in scan order, with that version's tie rule (§1.4). */
export function selectVictim(
  tasks: readonly ModernTask[],
  totalPages: bigint,
  version?: KernelVersion,
): ModernTask | null {
  const choice = chooseBest(
    tasks.length,
    (i) => {
      const points = selectionPoints(tasks[i]!, totalPages, version);
      return points === null ? { kind: "skip" } : { kind: "score", points };
    },
    modernRules(version).lastWinsTie ? "last" : "first",
  );
  return choice.kind === "chosen" ? tasks[choice.index]! : null;
}

/** Term-by-term explanation for --explain. */
export function explainModern(
  task: ModernTask,
  totalPages: bigint,
  version?: KernelVersion,
): { term: string; value: string; note: string }[] {
  const rules = modernRules(version);
  const { points, rows } = computeBadness(task, totalPages, version, true);
  const total = safeTotal(totalPages);
  const score = procScoreOf(points, totalPages, rules);
  let formula = "ineligible tasks read 0";
  if (points !== null) {
    if (rules.era === "signed") formula = `(1000 + ${points} * 1000 / ${total}) * 2 / 3`;
    else if (rules.era === "pages") formula = `${points} * 1000 / ${total}`;
    else formula = "the points themselves (0..1000)";
  }
  const out = [...rows];
  if (task.oomOrigin === true && rules.era !== "proportional" && points !== null) {
    out.push({ term: "OOM origin", value: "max", note: "wins the selection outright" });
  }
  out.push({ term: "oom_score", value: String(score), note: formula });
  return out;
}

/**
 * Reading `/proc/PID/oom_adj` (modern-oom §3): 1000 -> 15, -1000 -> -17, otherwise
 * `oom_score_adj * 17 / 1000` truncated toward zero and capped at 15.
 */
export function oomAdjFromScoreAdj(oomScoreAdj: number): number {
  if (oomScoreAdj === OOM_SCORE_ADJ_MAX) return 15;
  if (oomScoreAdj === OOM_SCORE_ADJ_MIN) return -17;
  return Math.min(15, Math.trunc((oomScoreAdj * 17) / 1000));
}

/** Writing `/proc/PID/oom_adj` (modern-oom §3): 15 -> 1000, -17 -> -1000, else adj * 1000 / 17. */
export function scoreAdjFromOomAdj(oomAdj: number): number {
  if (oomAdj === 15) return OOM_SCORE_ADJ_MAX;
  if (oomAdj === -17) return OOM_SCORE_ADJ_MIN;
  return Math.trunc((oomAdj * 1000) / 17);
}

/** One span of releases whose selection rules are the same (modern-oom §2). */
export interface ScoringEra {
  /** "3.14-4.16", "5.9+". */
  label: string;
  from: KernelVersion;
  /** Last release of the era (patch 9999: any X.Y); null: no end. */
  to: KernelVersion | null;
  /** The rule in a few words. */
  rule: string;
  /** The value every eligible task is clamped up to, before 5.9; null when points are signed. */
  clamp: bigint | null;
}

/** The eras of modern selection, oldest first; modernRules() holds what each one does. */
export const SCORING_ERAS: readonly ScoringEra[] = [
  {
    label: "2.6.36-3.6",
    from: [2, 6, 36],
    to: [3, 6, 9999],
    rule: "per-mille of totalpages, root -30, clamped to 1..1000, the first of equals wins",
    clamp: 1n,
  },
  {
    label: "3.7-3.13",
    from: [3, 7, 0],
    to: [3, 13, 9999],
    rule: "pages, root bonus 3 % of totalpages, at least 1, the first of equals wins",
    clamp: 1n,
  },
  {
    label: "3.14-4.16",
    from: [3, 14, 0],
    to: [4, 16, 9999],
    rule: "pages, root bonus 3 % of the task's own points, at least 1, the first of equals wins",
    clamp: 1n,
  },
  {
    label: "4.17-5.8",
    from: [4, 17, 0],
    to: [5, 8, 9999],
    rule: "pages, no root bonus, at least 1, the first of equals wins",
    clamp: 1n,
  },
  {
    label: "5.9+",
    from: [5, 9, 0],
    to: null,
    rule: "signed pages, no clamp, the last of equals wins",
    clamp: null,
  },
];

/** The era a release belongs to; null before the 2.6.36 rewrite. */
export function scoringEraOf(version: KernelVersion): ScoringEra | null {
  for (let i = SCORING_ERAS.length - 1; i >= 0; i--) {
    const era = SCORING_ERAS[i]!;
    if (compareKernelVersions(version, era.from) >= 0) return era;
  }
  return null;
}

/**
 * The eras a range of releases (`hi` null: no end) overlaps, each with the release of the
 * range that stands for it: the later of the era's start and the range's start.
 */
export function scoringErasIn(
  lo: KernelVersion,
  hi: KernelVersion | null,
): { era: ScoringEra; version: KernelVersion }[] {
  const out: { era: ScoringEra; version: KernelVersion }[] = [];
  for (const era of SCORING_ERAS) {
    if (era.to !== null && compareKernelVersions(era.to, lo) < 0) continue;
    if (hi !== null && compareKernelVersions(era.from, hi) > 0) continue;
    out.push({ era, version: compareKernelVersions(era.from, lo) >= 0 ? era.from : lo });
  }
  return out;
}
