/**
 * Reads one process (a thread group) and its threads through a ProcFs. A process that
 * vanishes mid-read is reported as such, never thrown; a file we may not read falls back
 * to a documented default and is named in `missing`.
 */
import {
  type LiveStatus,
  parseChildrenBytes,
  parseIntBytes,
  parseStatBytes,
  parseStatusBytes,
} from "./parse-bytes.js";
import type { ProcStat } from "./parse-stat.js";
import { type ProcFs, READ_DENIED, READ_VANISHED } from "./procfs.js";

export interface LiveThread {
  tid: number;
  stat: ProcStat;
  /** From task/TID/children; null when not read or unreadable (then PPid is used). */
  children: number[] | null;
}

/** The mm counters of the process, from its first thread that still has an mm. */
export interface LiveMm {
  vsizeBytes: bigint;
  /** /proc stat field 24: what the modern OOM killer reads (6.2+: approximate). */
  rssPages: bigint;
  vmSwapKb: bigint;
  vmPteKb: bigint;
}

export interface LiveProcess {
  pid: number;
  /** /proc/PID/stat (process-wide times; the name and state of the leader). */
  stat: ProcStat;
  status: LiveStatus;
  oomScoreAdj: number;
  /** What the kernel shows in /proc/PID/oom_score, or null if not read. */
  kernelOomScore: number | null;
  /** Leader first, then the others in the kernel's thread-list order. */
  threads: LiveThread[];
  /** null: no thread has an mm (kernel thread, zombie). */
  mm: LiveMm | null;
  /** Files that could not be read and got a default ("oom_score_adj", "children", ...). */
  missing: string[];
  /** Set later by the machine reader (modern-oom §4.1 heuristic). */
  isVforkChild: boolean;
}

export type ProcessRead =
  | { kind: "ok"; process: LiveProcess }
  | { kind: "vanished" }
  | { kind: "denied" }
  | { kind: "garbled"; file: string };

export interface ReadProcessOptions {
  /** Read /proc/PID/oom_score too (rank shows it; --check compares with it). */
  oomScore: boolean;
  /**
   * Read every thread's stat (default true). false: the leader's line stands for the
   * process, and the other threads are read only to find the mm of a leader without one.
   */
  threads?: boolean;
}

/** The thread ids of a process, leader first; null when its task directory is gone. */
function threadIds(fs: ProcFs, pid: number, stat: ProcStat): number[] | null {
  if (stat.numThreads <= 1) return [pid];
  const names = fs.listSync(`${pid}/task`);
  if (names === null) return null;
  const tids = [pid];
  for (const n of names) {
    if (!isPidName(n)) continue;
    const t = Number(n);
    if (t !== pid) tids.push(t);
  }
  return tids;
}

/** A directory name of 1 to 10 digits. */
export function isPidName(n: string): boolean {
  if (n.length === 0 || n.length > 10) return false;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function readThreads(fs: ProcFs, pid: number, stat: ProcStat): LiveThread[] | null {
  const tids = threadIds(fs, pid, stat);
  if (tids === null) return null;
  // A single-threaded process: its own line is the thread's (times then include any
  // threads that have exited, the one difference; one read fewer per process).
  if (tids.length === 1) return [{ tid: pid, stat, children: null }];
  const threads: LiveThread[] = [];
  for (const tid of tids) {
    const n = fs.readBytes(`${pid}/task/${tid}/stat`);
    let tstat = n < 0 ? null : parseStatBytes(fs.bytes, n);
    if (tstat === null) {
      // A thread that exited between the listing and the read; the leader falls back
      // to the process-wide line, which is what a single-threaded process shows anyway.
      if (tid !== pid) continue;
      tstat = stat;
    }
    threads.push({ tid, stat: tstat, children: null });
  }
  return threads;
}

/**
 * Fills each thread's children list from task/TID/children (the 2.6.20 model hangs
 * children off the thread that forked them). A list that cannot be read stays null and
 * the process is marked, so the caller falls back to PPid.
 */
export function readChildren(fs: ProcFs, p: LiveProcess): void {
  let denied = false;
  for (const t of p.threads) {
    const n = fs.readBytes(`${p.pid}/task/${t.tid}/children`);
    t.children = n < 0 ? null : parseChildrenBytes(fs.bytes, n);
    if (n === READ_DENIED || (n >= 0 && t.children === null)) denied = true;
  }
  if (denied && !p.missing.includes("children")) p.missing.push("children");
}

function hasOwnMm(stat: ProcStat, status: LiveStatus): boolean {
  return stat.vsizeBytes > 0n || status.hasMm;
}

/** The mm counters, taken from the leader or, for a zombie leader, a live thread. */
function readMm(
  fs: ProcFs,
  pid: number,
  stat: ProcStat,
  status: LiveStatus,
  threads: LiveThread[],
): LiveMm | null {
  if (hasOwnMm(stat, status)) {
    return {
      vsizeBytes: stat.vsizeBytes,
      rssPages: stat.rssPages < 0n ? 0n : stat.rssPages,
      vmSwapKb: status.vmSwapKb ?? 0n,
      vmPteKb: status.vmPteKb ?? 0n,
    };
  }
  for (const t of threads) {
    if (t.tid === pid || t.stat.vsizeBytes === 0n) continue;
    const n = fs.readBytes(`${pid}/task/${t.tid}/status`);
    const tstatus = n < 0 ? null : parseStatusBytes(fs.bytes, n);
    return {
      vsizeBytes: t.stat.vsizeBytes,
      rssPages: t.stat.rssPages < 0n ? 0n : t.stat.rssPages,
      vmSwapKb: tstatus?.vmSwapKb ?? 0n,
      vmPteKb: tstatus?.vmPteKb ?? 0n,
    };
  }
  return null;
}

/** A file of one integer, or null when unreadable or not one. */
function readInt(fs: ProcFs, path: string): number | null {
  const n = fs.readBytes(path);
  return n < 0 ? null : parseIntBytes(fs.bytes, n);
}

/** The status of a process whose status file could not be read: nothing known. */
const NO_STATUS_BYTES = new Uint8Array(0);

/** Reads one process, each of its files once. */
export function readProcess(fs: ProcFs, pid: number, opts: ReadProcessOptions): ProcessRead {
  const statLength = fs.readBytes(`${pid}/stat`);
  if (statLength === READ_DENIED) return { kind: "denied" };
  if (statLength < 0) return { kind: "vanished" };
  const stat = parseStatBytes(fs.bytes, statLength);
  if (stat === null) return { kind: "garbled", file: `${pid}/stat` };

  const missing: string[] = [];
  const statusLength = fs.readBytes(`${pid}/status`);
  if (statusLength === READ_VANISHED) return { kind: "vanished" };
  if (statusLength < 0) missing.push("status");
  const status =
    statusLength < 0
      ? parseStatusBytes(NO_STATUS_BYTES, 0)
      : parseStatusBytes(fs.bytes, statusLength);

  const adj = readInt(fs, `${pid}/oom_score_adj`);
  if (adj === null || adj < -1000 || adj > 1000) missing.push("oom_score_adj");

  const kernelOomScore = opts.oomScore ? readInt(fs, `${pid}/oom_score`) : null;

  const threads =
    opts.threads === false && hasOwnMm(stat, status)
      ? [{ tid: pid, stat, children: null }]
      : readThreads(fs, pid, stat);
  if (threads === null) return { kind: "vanished" };
  const mm = readMm(fs, pid, stat, status, threads);
  return {
    kind: "ok",
    process: {
      pid,
      stat,
      status,
      oomScoreAdj: adj === null || adj < -1000 || adj > 1000 ? 0 : adj,
      kernelOomScore,
      threads,
      mm,
      missing,
      isVforkChild: false,
    },
  };
}
