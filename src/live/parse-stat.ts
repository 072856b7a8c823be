/**
 * `/proc/PID/stat` and `/proc/PID/task/TID/stat` (proc(5)). Pure; never throws.
 *
 * The name (field 2) is whatever the task set with prctl/exec and may hold spaces,
 * parentheses and newlines, so it is taken between the FIRST "(" and the LAST ")";
 * fields 3.. follow the last ")" separated by single spaces.
 */

export interface ProcStat {
  pid: number;
  /** Raw name bytes as latin1 characters (see procfs.ts). */
  comm: string;
  /** Field 3: R, S, D, Z, T, t, X, I, ... */
  state: string;
  /** Field 4. */
  ppid: number;
  /** Field 5: the process group. */
  pgrp: number;
  /** Field 9: task->flags (decimal). */
  flags: number;
  /** Fields 14, 15: clock ticks (USER_HZ). */
  utimeTicks: bigint;
  stimeTicks: bigint;
  /** Field 19. */
  nice: number;
  /** Field 20. */
  numThreads: number;
  /** Field 22: clock ticks since boot. */
  startTicks: bigint;
  /** Field 23: bytes; 0 when the task has no mm. */
  vsizeBytes: bigint;
  /** Field 24: pages (on 6.2+ the same approximate sum the OOM killer reads). */
  rssPages: bigint;
}

/** Field boundaries of fields 3..24 of the last line parsed: [start, end) pairs. */
const bounds = new Int32Array(2 * 22);

const LAST_FIELD = 24;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Marks fields 3..24 after the name, split on runs of white space; the rest is not
 * looked at. Returns how many fields were found.
 */
function markFields(text: string, from: number): number {
  let i = from;
  const n = text.length;
  let count = 0;
  while (count <= LAST_FIELD - 3) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    bounds[2 * count] = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    bounds[2 * count + 1] = i;
    count++;
  }
  return count;
}

/**
 * The decimal integer text[start, end) (an optional "-", then digits, at most 21
 * characters) as a number, or NaN when it is not one or is not a safe integer.
 */
function numberAt(text: string, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len > 21) return Number.NaN;
  let i = start;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  if (i === end) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  // Up to 15 digits the sum is exact; beyond, Number() rounds as the text says.
  if (len > 15) v = Math.abs(Number(text.slice(start, end)));
  if (!Number.isSafeInteger(v)) return Number.NaN;
  return negative ? -v : v;
}

/** Field n (3..24) as a safe integer, or null. */
function numField(text: string, n: number): number | null {
  const v = numberAt(text, bounds[2 * (n - 3)]!, bounds[2 * (n - 3) + 1]!);
  return Number.isNaN(v) ? null : v;
}

/** Field n (3..24) as a bigint, however large, or null when it is not an integer. */
function bigField(text: string, n: number): bigint | null {
  const start = bounds[2 * (n - 3)]!;
  const end = bounds[2 * (n - 3) + 1]!;
  const v = numberAt(text, start, end);
  if (!Number.isNaN(v)) return BigInt(v);
  const s = text.slice(start, end);
  return /^-?\d{1,21}$/.test(s) && s.length <= 21 ? BigInt(s) : null;
}

/** The pid before the name: one non-negative safe integer, white space around it. */
function pidOf(text: string, open: number): number | null {
  const t = text.slice(0, open).trim();
  const v = numberAt(t, 0, t.length);
  return Number.isNaN(v) || v < 0 ? null : v;
}

/** Parses stat text; null when it is not a stat line with at least 24 fields. */
export function parseStat(text: string): ProcStat | null {
  if (typeof text !== "string") return null;
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = pidOf(text, open);
  if (pid === null) return null;
  const fields = markFields(text, close + 1);
  if (fields < LAST_FIELD - 2) return null;
  const ppid = numField(text, 4);
  const pgrp = numField(text, 5);
  const flags = numField(text, 9);
  const utimeTicks = bigField(text, 14);
  const stimeTicks = bigField(text, 15);
  const nice = numField(text, 19);
  const numThreads = numField(text, 20);
  const startTicks = bigField(text, 22);
  const vsizeBytes = bigField(text, 23);
  const rssPages = bigField(text, 24);
  if (
    ppid === null ||
    pgrp === null ||
    flags === null ||
    utimeTicks === null ||
    stimeTicks === null ||
    nice === null ||
    numThreads === null ||
    startTicks === null ||
    vsizeBytes === null ||
    rssPages === null
  ) {
    return null;
  }
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: text.slice(bounds[0]!, bounds[1]!),
    ppid,
    pgrp,
    flags: flags >>> 0,
    utimeTicks,
    stimeTicks,
    nice,
    numThreads,
    startTicks,
    vsizeBytes,
    rssPages,
  };
}

/** Modern PF_KTHREAD (0x00200000; in 2.6.20 this bit meant PF_BORROWED_MM). */
export const MODERN_PF_KTHREAD = 0x00200000;
/** Modern PF_FORKNOEXEC (same bit in 2.6.20). */
export const MODERN_PF_FORKNOEXEC = 0x40;

/**
 * Modern `task->flags` bits whose flag still exists in 2.6.20, by name (modern-oom §5).
 * Bits are translated through the names, never copied.
 */
export const MODERN_PF_TO_2620: readonly (readonly [number, string])[] = [
  [0x4, "PF_EXITING"],
  [0x40, "PF_FORKNOEXEC"],
  [0x100, "PF_SUPERPRIV"],
  [0x200, "PF_DUMPCORE"],
  [0x400, "PF_SIGNALED"],
  [0x800, "PF_MEMALLOC"],
  [0x2000, "PF_USED_MATH"],
  [0x8000, "PF_NOFREEZE"],
  [0x20000, "PF_KSWAPD"],
  [0x400000, "PF_RANDOMIZE"],
];

/** The 2.6.20 PF names of a modern flags word. */
export function translatePfFlags(modernFlags: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of MODERN_PF_TO_2620) {
    if ((modernFlags & bit) !== 0) names.push(name);
  }
  return names;
}
