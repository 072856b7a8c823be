/**
 * Reads a whole machine through a ProcFs: the global quantities (page size, memory,
 * uptime, nodes, zones, kernel version) and every visible process, in task-list order.
 * Whatever cannot be observed gets a default, and the default is named in `assumptions`.
 */
import {
  DEFAULT_KERNEL_VERSION,
  type KernelVersion,
  parseKernelVersion,
} from "../policy/modern.js";
import {
  parseMeminfo,
  parseStatm,
  parseUptime,
  parseZoneinfo,
  type ZoneInfo,
} from "./parse-misc.js";
import { MODERN_PF_FORKNOEXEC, parseStat } from "./parse-stat.js";
import { parseNodeList, parseStatus } from "./parse-status.js";
import type { ProcFs } from "./procfs.js";
import { isPidName, type LiveProcess, readChildren, readProcess } from "./read-process.js";

/** USER_HZ: the unit of /proc tick counts. 100 on x86 and arm64 builds; not in /proc. */
export const USER_HZ = 100;

export interface LiveNode {
  id: number;
  memory: boolean;
}

export interface LiveMachine {
  root: string;
  /** Thread groups in task-list order (start time, then pid). */
  processes: LiveProcess[];
  pageSizeBytes: number;
  userHz: number;
  uptimeSeconds: bigint;
  memTotalKb: bigint;
  swapTotalKb: bigint;
  /** totalram_pages + total_swap_pages (modern-oom §4.2). */
  totalPages: bigint;
  kernelRelease: string | null;
  kernelVersion: KernelVersion;
  nodes: LiveNode[];
  zones: ZoneInfo[];
  /** The reading process's pid, when the tree is the live /proc. */
  selfPid: number | null;
  /** Whether the reader is in the initial PID namespace (then PID 1 is the global init). */
  initialPidNs: boolean;
  skipped: { vanished: number; denied: number; garbled: number };
  assumptions: string[];
}

export interface ReadMachineOptions {
  /** Read /proc/PID/oom_score of every process (default true). */
  oomScore?: boolean;
  /** Read children files of every thread (default true). */
  children?: boolean;
  /** The root's names, when the caller has listed it already. */
  names?: string[];
  /** Read the processes (default true); false: the machine-wide quantities only. */
  processes?: boolean;
}

const VFORK_WCHANS = new Set(["kernel_clone", "_do_fork", "do_fork"]);

/** The page size, from a process whose VmSize (kB) and statm size (pages) agree. */
export async function readPageSize(
  fs: ProcFs,
  pids: number[],
  assumptions: string[],
): Promise<number> {
  return readPageSizeSync(fs, pids, assumptions);
}

function readPageSizeSync(fs: ProcFs, pids: number[], assumptions: string[]): number {
  const candidates = ["self", ...pids.slice(0, 8).map(String)];
  for (const who of candidates) {
    const statm = fs.readTextSync(`${who}/statm`);
    const status = fs.readTextSync(`${who}/status`);
    if (statm === null || status === null) continue;
    const pages = parseStatm(statm)?.sizePages ?? 0n;
    const kb = parseStatus(status).vmSizeKb ?? 0n;
    if (pages === 0n || kb === 0n || kb % pages !== 0n) continue;
    const bytes = Number((kb / pages) * 1024n);
    if (bytes >= 4096 && (bytes & (bytes - 1)) === 0) return bytes;
  }
  assumptions.push("page size not observable: 4096 bytes assumed");
  return 4096;
}

function readNodes(fs: ProcFs, assumptions: string[]): LiveNode[] {
  const online = fs.readSysSync("devices/system/node/online");
  const ids = online === null ? null : parseNodeList(online);
  if (ids === null || ids.length === 0 || ids.some((i) => i > 63)) {
    assumptions.push("NUMA nodes not observable: a single node 0 with memory assumed");
    return [{ id: 0, memory: true }];
  }
  const hasMemText = fs.readSysSync("devices/system/node/has_memory");
  const withMemory = hasMemText === null ? null : parseNodeList(hasMemText);
  return ids.map((id) => ({ id, memory: withMemory === null ? true : withMemory.includes(id) }));
}

function readSelf(fs: ProcFs): { pid: number | null; initialNs: boolean | null } {
  const stat = fs.readTextSync("self/stat");
  const status = fs.readTextSync("self/status");
  const pid = stat === null ? null : (parseStat(stat)?.pid ?? null);
  const nspid = status === null ? null : parseStatus(status).nspid;
  return { pid, initialNs: nspid === null ? null : nspid.length === 1 };
}

/** modern-oom §4.1: parent in D in kernel_clone, child PF_FORKNOEXEC with identical counters. */
function markVforkChildren(fs: ProcFs, processes: LiveProcess[]): void {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  for (const p of processes) {
    if ((p.stat.flags & MODERN_PF_FORKNOEXEC) === 0 || p.mm === null) continue;
    const parent = byPid.get(p.stat.ppid);
    if (parent === undefined || parent.mm === null || parent.stat.state !== "D") continue;
    if (parent.mm.vsizeBytes !== p.mm.vsizeBytes || parent.mm.rssPages !== p.mm.rssPages) continue;
    const wchan = fs.readTextSync(`${parent.pid}/wchan`)?.trim() ?? "";
    if (VFORK_WCHANS.has(wchan)) p.isVforkChild = true;
  }
}

function byStartThenPid(a: LiveProcess, b: LiveProcess): number {
  if (a.stat.startTicks !== b.stat.startTicks)
    return a.stat.startTicks < b.stat.startTicks ? -1 : 1;
  return a.pid - b.pid;
}

export async function readMachine(fs: ProcFs, opts: ReadMachineOptions = {}): Promise<LiveMachine> {
  return readMachineSync(fs, opts);
}

/** The numeric names of a listing (the pids), ascending. */
export function pidsOf(names: readonly string[]): number[] {
  const pids: number[] = [];
  for (const n of names) if (isPidName(n)) pids.push(Number(n));
  return pids.sort((a, b) => a - b);
}

/** `readMachine`, synchronously: every read of a scan is a synchronous one. */
export function readMachineSync(fs: ProcFs, opts: ReadMachineOptions = {}): LiveMachine {
  const assumptions: string[] = [];
  const names = opts.names ?? fs.listSync("") ?? [];
  const pids = pidsOf(names);

  const meminfo = parseMeminfo(fs.readTextSync("meminfo") ?? "");
  const memTotalKb = meminfo.get("MemTotal") ?? 0n;
  const swapTotalKb = meminfo.get("SwapTotal") ?? 0n;
  if (!meminfo.has("MemTotal")) assumptions.push("MemTotal not readable: totalpages taken as 0");
  const uptime = parseUptime(fs.readTextSync("uptime") ?? "");
  if (uptime === null) assumptions.push("uptime not readable: 0 assumed");
  const release = fs.readTextSync("sys/kernel/osrelease")?.trim() ?? null;
  const parsedVersion = release === null ? null : parseKernelVersion(release);
  if (parsedVersion === null) {
    assumptions.push(`kernel version not readable: ${DEFAULT_KERNEL_VERSION.join(".")} assumed`);
  }
  const pageSizeBytes = readPageSizeSync(fs, pids, assumptions);
  const pageKb = BigInt(pageSizeBytes / 1024);
  const self = readSelf(fs);
  if (self.initialNs === null) {
    assumptions.push("PID namespace of the reader unknown: the initial namespace assumed");
  }
  const nodes = readNodes(fs, assumptions);
  const zones = parseZoneinfo(fs.readTextSync("zoneinfo") ?? "");

  const skipped = { vanished: 0, denied: 0, garbled: 0 };
  const processes: LiveProcess[] = [];
  const readOpts = { oomScore: opts.oomScore ?? true };
  for (const pid of opts.processes === false ? [] : pids) {
    const r = readProcess(fs, pid, readOpts);
    if (r.kind === "ok") processes.push(r.process);
    else skipped[r.kind === "garbled" ? "garbled" : r.kind] += 1;
  }
  if (opts.children ?? true) {
    // Only processes that some listed process names as its parent have children to list.
    const parents = new Set(processes.map((p) => p.stat.ppid));
    for (const p of processes) if (parents.has(p.pid)) readChildren(fs, p);
  }
  processes.sort(byStartThenPid);
  markVforkChildren(fs, processes);

  assumptions.push(
    `clock ticks taken as USER_HZ = ${USER_HZ}`,
    "task-list order taken as start time, then pid",
    "only threads share an mm (CLONE_VM sharing between processes is not observable)",
    "no task is an OOM victim already, none is the swapoff/OOM origin, no mm is OOM-skipped",
  );
  if (skipped.vanished > 0) assumptions.push(`${skipped.vanished} process(es) vanished while read`);
  if (skipped.denied > 0)
    assumptions.push(`${skipped.denied} process(es) not readable (permission)`);
  if (skipped.garbled > 0)
    assumptions.push(`${skipped.garbled} process(es) with an unreadable stat`);
  const defaults = new Map<string, number>();
  for (const p of processes) for (const m of p.missing) defaults.set(m, (defaults.get(m) ?? 0) + 1);
  for (const [file, n] of defaults) {
    const fallback =
      file === "children"
        ? "children taken from PPid, attributed to the thread-group leader"
        : file === "oom_score_adj"
          ? "oom_score_adj 0 assumed"
          : "uid 0, no capabilities assumed";
    assumptions.push(`${file} unreadable for ${n} process(es): ${fallback}`);
  }

  return {
    root: fs.root,
    processes,
    pageSizeBytes,
    userHz: USER_HZ,
    uptimeSeconds: uptime ?? 0n,
    memTotalKb,
    swapTotalKb,
    totalPages: memTotalKb / pageKb + swapTotalKb / pageKb,
    kernelRelease: release,
    kernelVersion: parsedVersion ?? DEFAULT_KERNEL_VERSION,
    nodes,
    zones,
    selfPid: self.pid,
    initialPidNs: self.initialNs ?? true,
    skipped,
    assumptions,
  };
}
