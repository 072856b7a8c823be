/**
 * `rank --check` (modern-oom §4.2): recompute every process's /proc/PID/oom_score with the
 * modern policy and compare. The kernel's value is read before and after the inputs; a
 * process whose value moved, or whose prediction missed while it may have been moving, is
 * read again a few times. Only processes whose value held still are counted. Each process
 * is read once (a retry aside): the machine-wide quantities come first, then one pass.
 */
import { type KernelVersion, type ModernTask, procOomScore } from "../policy/modern.js";
import { parseIntBytes, parseStatBytes } from "./parse-bytes.js";
import { MODERN_PF_FORKNOEXEC } from "./parse-stat.js";
import { displayName, type ProcFs } from "./procfs.js";
import { type LiveMachine, pidsOf, readMachineSync } from "./read-machine.js";
import { type LiveProcess, readProcess } from "./read-process.js";
import { toModernTask } from "./to-modern.js";

export interface CheckMismatch {
  pid: number;
  comm: string;
  kernel: number;
  predicted: number;
  inputs: ModernTask;
}

export interface CheckReport {
  /** Processes whose oom_score held still across the read. */
  checked: number;
  agreed: number;
  mismatches: CheckMismatch[];
  /** Still moving after every retry. */
  unstable: number[];
  /** Gone before they could be read, or unreadable. */
  vanished: number;
  totalPages: bigint;
  version: KernelVersion;
  pageSizeBytes: number;
}

const VFORK_WCHANS = new Set(["kernel_clone", "_do_fork", "do_fork"]);

function readScore(fs: ProcFs, pid: number): number | null {
  const n = fs.readBytes(`${pid}/oom_score`);
  return n < 0 ? null : parseIntBytes(fs.bytes, n);
}

/** The vfork heuristic for one process, reading its parent now (modern-oom §4.1). */
function vforkNow(fs: ProcFs, p: LiveProcess): boolean {
  if ((p.stat.flags & MODERN_PF_FORKNOEXEC) === 0 || p.mm === null) return false;
  const n = fs.readBytes(`${p.stat.ppid}/stat`);
  const parent = n < 0 ? null : parseStatBytes(fs.bytes, n);
  if (parent === null || parent.state !== "D") return false;
  if (parent.vsizeBytes !== p.mm.vsizeBytes || parent.rssPages !== p.mm.rssPages) return false;
  const wchan = fs.readTextSync(`${p.stat.ppid}/wchan`)?.trim() ?? "";
  return VFORK_WCHANS.has(wchan);
}

type Attempt =
  | { kind: "gone" }
  | { kind: "moving"; startTicks: bigint }
  | {
      kind: "done";
      kernel: number;
      predicted: number;
      task: ModernTask;
      comm: string;
      startTicks: bigint;
    };

function attempt(fs: ProcFs, pid: number, machine: LiveMachine): Attempt {
  const before = readScore(fs, pid);
  if (before === null) return { kind: "gone" };
  // The modern policy needs the process-wide line: other threads only for a leader's mm.
  const r = readProcess(fs, pid, { oomScore: false, threads: false });
  if (r.kind !== "ok") return { kind: "gone" };
  r.process.isVforkChild = vforkNow(fs, r.process);
  const after = readScore(fs, pid);
  if (after === null) return { kind: "gone" };
  const startTicks = r.process.stat.startTicks;
  if (after !== before) return { kind: "moving", startTicks };
  const task = toModernTask(r.process, machine);
  const predicted = procOomScore(task, machine.totalPages, machine.kernelVersion);
  const comm = displayName(r.process.stat.comm);
  return { kind: "done", kernel: after, predicted, task, comm, startTicks };
}

export async function checkOomScores(fs: ProcFs, retries = 5): Promise<CheckReport> {
  const names = fs.listSync("") ?? [];
  const machine = readMachineSync(fs, {
    oomScore: false,
    children: false,
    names,
    processes: false,
  });
  const pids = pidsOf(names);
  const report: CheckReport = {
    checked: 0,
    agreed: 0,
    mismatches: [],
    unstable: [],
    vanished: 0,
    totalPages: machine.totalPages,
    version: machine.kernelVersion,
    pageSizeBytes: machine.pageSizeBytes,
  };
  const seen: { pid: number; last: Exclude<Attempt, { kind: "gone" }> }[] = [];
  for (const pid of pids) {
    let last: Attempt = { kind: "gone" };
    for (let i = 0; i < retries; i++) {
      last = attempt(fs, pid, machine);
      if (last.kind === "gone") break;
      if (last.kind === "done" && last.kernel === last.predicted) break;
    }
    if (last.kind === "gone") report.vanished += 1;
    else seen.push({ pid, last });
  }
  // In task-list order (start time, then pid), as the machine reader lists processes.
  seen.sort((a, b) =>
    a.last.startTicks !== b.last.startTicks
      ? a.last.startTicks < b.last.startTicks
        ? -1
        : 1
      : a.pid - b.pid,
  );
  for (const { pid, last } of seen) {
    if (last.kind === "moving") report.unstable.push(pid);
    else {
      report.checked += 1;
      if (last.kernel === last.predicted) report.agreed += 1;
      else {
        report.mismatches.push({
          pid,
          comm: last.comm,
          kernel: last.kernel,
          predicted: last.predicted,
          inputs: last.task,
        });
      }
    }
  }
  return report;
}
