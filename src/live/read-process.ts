/**
 * Reads one process (a thread group) and its threads through a ProcFs. A process that
 * vanishes mid-read is reported as such, never thrown; a file we may not read falls back
 * to a documented default and is named in `missing`.
 */
import { parseChildren, parseIntFile } from "./parse-misc.js";
import { type ProcStat, parseStat } from "./parse-stat.js";
import { type ProcStatus, parseStatus } from "./parse-status.js";
import type { ProcFs } from "./procfs.js";

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
  status: ProcStatus;
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
}

async function readThreads(fs: ProcFs, pid: number, stat: ProcStat): Promise<LiveThread[] | null> {
  let tids: number[] = [pid];
  if (stat.numThreads > 1) {
    const names = await fs.list(`${pid}/task`);
    if (names === null) return null;
    const others = names
      .filter((n) => /^\d{1,10}$/.test(n))
      .map(Number)
      .filter((t) => t !== pid);
    tids = [pid, ...others];
  }
  const threads: LiveThread[] = [];
  for (const tid of tids) {
    // A single-threaded process: its own line is the thread's (times then include any
    // threads that have exited, the one difference; one read fewer per process).
    let tstat: ProcStat | null = tids.length === 1 ? stat : null;
    if (tstat === null) {
      const r = await fs.read(`${pid}/task/${tid}/stat`);
      if (r.kind === "ok") tstat = parseStat(r.text);
    }
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
export async function readChildren(fs: ProcFs, p: LiveProcess): Promise<void> {
  let denied = false;
  for (const t of p.threads) {
    const c = await fs.read(`${p.pid}/task/${t.tid}/children`);
    t.children = c.kind === "ok" ? parseChildren(c.text) : null;
    if (c.kind === "denied" || (c.kind === "ok" && t.children === null)) denied = true;
  }
  if (denied && !p.missing.includes("children")) p.missing.push("children");
}

/** The mm counters, taken from the leader or, for a zombie leader, a live thread. */
async function readMm(
  fs: ProcFs,
  pid: number,
  stat: ProcStat,
  status: ProcStatus,
  threads: LiveThread[],
): Promise<LiveMm | null> {
  if (stat.vsizeBytes > 0n || status.hasMm) {
    return {
      vsizeBytes: stat.vsizeBytes,
      rssPages: stat.rssPages < 0n ? 0n : stat.rssPages,
      vmSwapKb: status.vmSwapKb ?? 0n,
      vmPteKb: status.vmPteKb ?? 0n,
    };
  }
  for (const t of threads) {
    if (t.tid === pid || t.stat.vsizeBytes === 0n) continue;
    const ts = await fs.readText(`${pid}/task/${t.tid}/status`);
    const tstatus = ts === null ? null : parseStatus(ts);
    return {
      vsizeBytes: t.stat.vsizeBytes,
      rssPages: t.stat.rssPages < 0n ? 0n : t.stat.rssPages,
      vmSwapKb: tstatus?.vmSwapKb ?? 0n,
      vmPteKb: tstatus?.vmPteKb ?? 0n,
    };
  }
  return null;
}

export async function readProcess(
  fs: ProcFs,
  pid: number,
  opts: ReadProcessOptions,
): Promise<ProcessRead> {
  const statRead = await fs.read(`${pid}/stat`);
  if (statRead.kind === "vanished") return { kind: "vanished" };
  if (statRead.kind === "denied") return { kind: "denied" };
  if (statRead.kind === "error") return { kind: "vanished" };
  const stat = parseStat(statRead.text);
  if (stat === null) return { kind: "garbled", file: `${pid}/stat` };

  const missing: string[] = [];
  const statusRead = await fs.read(`${pid}/status`);
  if (statusRead.kind === "vanished") return { kind: "vanished" };
  if (statusRead.kind !== "ok") missing.push("status");
  const status = parseStatus(statusRead.kind === "ok" ? statusRead.text : "");

  const adjText = await fs.readText(`${pid}/oom_score_adj`);
  const adj = adjText === null ? null : parseIntFile(adjText);
  if (adj === null || adj < -1000 || adj > 1000) missing.push("oom_score_adj");

  let kernelOomScore: number | null = null;
  if (opts.oomScore) {
    const s = await fs.readText(`${pid}/oom_score`);
    kernelOomScore = s === null ? null : parseIntFile(s);
  }

  const threads = await readThreads(fs, pid, stat);
  if (threads === null) return { kind: "vanished" };
  const mm = await readMm(fs, pid, stat, status, threads);
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
