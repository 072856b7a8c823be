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

function isInteger(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 21) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function toBig(s: string | undefined): bigint | null {
  if (s === undefined || !isInteger(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? BigInt(n) : BigInt(s);
}

function toNum(s: string | undefined): number | null {
  if (s === undefined || !isInteger(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Field n (1-based, n >= 3) of the part after the last ")". */
function field(rest: string[], n: number): string | undefined {
  return rest[n - 3];
}

const LAST_FIELD = 24;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Fields 3..24 after the name, split on runs of white space; the rest is not looked at. */
function fieldsAfter(text: string, from: number): string[] {
  const out: string[] = [];
  let i = from;
  const n = text.length;
  while (out.length <= LAST_FIELD - 3) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    out.push(text.slice(start, i));
  }
  return out;
}

/** Parses stat text; null when it is not a stat line with at least 24 fields. */
export function parseStat(text: string): ProcStat | null {
  if (typeof text !== "string") return null;
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = toNum(text.slice(0, open).trim());
  if (pid === null || pid < 0) return null;
  const rest = fieldsAfter(text, close + 1);
  const state = field(rest, 3);
  const ppid = toNum(field(rest, 4));
  const pgrp = toNum(field(rest, 5));
  const flags = toNum(field(rest, 9));
  const utimeTicks = toBig(field(rest, 14));
  const stimeTicks = toBig(field(rest, 15));
  const nice = toNum(field(rest, 19));
  const numThreads = toNum(field(rest, 20));
  const startTicks = toBig(field(rest, 22));
  const vsizeBytes = toBig(field(rest, 23));
  const rssPages = toBig(field(rest, 24));
  if (
    state === undefined ||
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
    state,
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
