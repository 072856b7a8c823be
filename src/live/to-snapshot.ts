/**
 * A live machine as a 2.6.20 `Snapshot` (modern-oom §5, docs/formats.md §2). The result is
 * valid by construction: threads follow their leader, parents are listed pids or 0,
 * children lists are exactly the tasks naming their parent, names are printable ASCII.
 */

import { ProcError, UsageError } from "../errors.js";
import { CAPABILITIES, pidMaxLimit } from "../kernel/constants.js";
import { GFP_HIGHUSER } from "../kernel/gfp.js";
import { oomAdjFromScoreAdj } from "../policy/modern.js";
import type {
  Snapshot,
  SnapshotCpuset,
  SnapshotMm,
  SnapshotTask,
  ZonelistEntry,
  ZoneName,
} from "../snapshot/types.js";
import { translatePfFlags } from "./parse-stat.js";
import type { LiveMachine } from "./read-machine.js";
import type { LiveProcess } from "./read-process.js";

export interface SnapshotOptions {
  /** HZ of the simulated kernel (jiffies = ticks * hz / USER_HZ). */
  hz: number;
  /** The allocating task; default: the reader itself if listed, else the largest RSS. */
  current?: number;
  bits?: 32 | 64;
  /** `vm.panic_on_oom` of the machine, if read. */
  panicOnOom?: number;
}

export interface LiveSnapshot {
  snapshot: Snapshot;
  /** How `current` was chosen, in words. */
  currentPolicy: string;
  assumptions: string[];
}

/** GFP_HIGHUSER: a user page fault, the commonest way into the OOM killer. */
export const LIVE_GFP_MASK = GFP_HIGHUSER;
const ZONE_ORDER: readonly ZoneName[] = ["HighMem", "Normal", "DMA32", "DMA"];

/** At most 15 printable ASCII characters; every other byte becomes "?". */
export function sanitizeComm(latin1: string): string {
  return latin1.replace(/[^\x20-\x7e]/g, "?").slice(0, 15);
}

const capCache = new Map<bigint, string[]>();

/** Effective capabilities by name (bits 0..30, the ones 2.6.20 knows). */
function capNames(capEff: bigint | null): string[] {
  if (capEff === null) return [];
  const cached = capCache.get(capEff);
  if (cached !== undefined) return cached;
  const names = Object.entries(CAPABILITIES)
    .filter(([, bit]) => ((capEff >> BigInt(bit)) & 1n) === 1n)
    .map(([name]) => name);
  if (capCache.size < 256) capCache.set(capEff, names);
  return names;
}

function clampU32(n: number | undefined): number {
  if (n === undefined || !Number.isInteger(n) || n < 0) return 0;
  return Math.min(n, 4294967295);
}

/**
 * Parents of thread-group leaders: the thread whose children file lists the process, else
 * the leader of PPid when listed, else 0 (the idle task; used for hidden or vanished parents).
 */
function leaderParents(processes: LiveProcess[], listedTgids: Set<number>): Map<number, number> {
  const tgidOfTid = new Map<number, number>();
  for (const p of processes) for (const t of p.threads) tgidOfTid.set(t.tid, p.pid);
  const parent = new Map<number, number>();
  for (const p of processes) {
    for (const t of p.threads) {
      for (const c of t.children ?? []) {
        if (!listedTgids.has(c) || c === p.pid || parent.has(c)) continue;
        parent.set(c, t.tid);
      }
    }
  }
  for (const p of processes) {
    if (parent.has(p.pid)) continue;
    const pp = p.stat.ppid;
    parent.set(p.pid, pp !== p.pid && listedTgids.has(pp) ? pp : 0);
  }
  // A claim that points into the child's own group (pid reuse mid-read) becomes 0.
  for (const [child, par] of parent) if (tgidOfTid.get(par) === child) parent.set(child, 0);
  return parent;
}

function buildZonelist(machine: LiveMachine, assumptions: string[]): ZonelistEntry[] {
  const online = new Set(machine.nodes.map((n) => n.id));
  const entries: ZonelistEntry[] = [];
  const nodeIds = [...online].sort((a, b) => a - b);
  for (const node of nodeIds) {
    for (const zone of ZONE_ORDER) {
      const z = machine.zones.find((x) => x.node === node && x.zone === zone);
      if (z !== undefined && z.presentPages > 0n) entries.push({ node, zone });
    }
  }
  if (entries.length === 0) {
    assumptions.push("zones not readable: zonelist Normal, DMA32, DMA of each node assumed");
    for (const node of nodeIds) {
      for (const zone of ["Normal", "DMA32", "DMA"] as const) entries.push({ node, zone });
    }
  }
  return entries;
}

function chooseCurrent(
  machine: LiveMachine,
  tasks: SnapshotTask[],
  requested: number | undefined,
): { pid: number; policy: string } {
  const listed = new Set(tasks.map((t) => t.pid));
  if (requested !== undefined) {
    if (!listed.has(requested)) {
      throw new UsageError(`--current ${requested}: no such task in ${machine.root}`);
    }
    return { pid: requested, policy: `pid ${requested} (--current)` };
  }
  if (machine.selfPid !== null && listed.has(machine.selfPid)) {
    return { pid: machine.selfPid, policy: `the reader itself (pid ${machine.selfPid})` };
  }
  let best: LiveProcess | null = null;
  for (const p of machine.processes) {
    // Only a task of the snapshot can be its current one (pids beyond the limit are left out).
    if (!listed.has(p.pid)) continue;
    if (p.mm !== null && (best === null || p.mm.rssPages > (best.mm?.rssPages ?? 0n))) best = p;
  }
  if (best !== null) {
    return { pid: best.pid, policy: `the process with the largest RSS (pid ${best.pid})` };
  }
  return { pid: tasks[0]!.pid, policy: `the first task listed (pid ${tasks[0]!.pid})` };
}

/**
 * Every pid once: a pid reused while the tree was read (a thread id seen again as a
 * process, or twice as a thread) keeps its first appearance only.
 */
function uniqueTasks(processes: LiveProcess[]): LiveProcess[] {
  const seen = new Set<number>();
  const out: LiveProcess[] = [];
  for (const p of processes) {
    if (seen.has(p.pid)) continue;
    const threads = p.threads.filter((t) => t.tid === p.pid || !seen.has(t.tid));
    for (const t of threads) seen.add(t.tid);
    out.push(threads.length === p.threads.length ? p : { ...p, threads });
  }
  return out;
}

export function liveToSnapshot(machine: LiveMachine, opts: SnapshotOptions): LiveSnapshot {
  const assumptions: string[] = [];
  const bits = opts.bits ?? 64;
  const limit = pidMaxLimit(bits);
  const processes = uniqueTasks(machine.processes.filter((p) => p.pid >= 1 && p.pid < limit));
  if (processes.length < machine.processes.length) {
    assumptions.push(`processes with pids of ${limit} or more left out (bits ${bits})`);
  }
  if (processes.length === 0) {
    throw new ProcError({
      path: machine.root,
      code: "ENOPROC",
      message: `${machine.root}: no process could be read`,
    });
  }
  const listedTgids = new Set(processes.map((p) => p.pid));
  const leaderParent = leaderParents(processes, listedTgids);
  const onlineIds = machine.nodes.map((n) => n.id);
  const hz = BigInt(opts.hz);
  const userHz = BigInt(machine.userHz);
  const pageSize = BigInt(machine.pageSizeBytes);

  // An unsigned long counter (jiffies, pages) or a signed one (seconds) of the simulated
  // kernel cannot hold more than its width: a /proc value beyond it is clamped, and said.
  const ulongMax = (1n << BigInt(bits)) - 1n;
  const longMax = (1n << BigInt(bits - 1)) - 1n;
  const clamped = new Set<string>();
  const clamp = (v: bigint, max: bigint, what: string): bigint => {
    if (v <= max) return v;
    clamped.add(what);
    return max;
  };

  const mms: SnapshotMm[] = [];
  const mmIdOf = new Map<number, string>();
  for (const p of processes) {
    if (p.mm === null) continue;
    const id = `mm${p.pid}`;
    mmIdOf.set(p.pid, id);
    mms.push({ id, total_vm: clamp(p.mm.vsizeBytes / pageSize, ulongMax, "total_vm") });
  }
  // A vfork child shares its parent's mm (modern-oom §4.1 heuristic).
  for (const p of processes) {
    const parentMm = mmIdOf.get(p.stat.ppid);
    if (p.isVforkChild && parentMm !== undefined) mmIdOf.set(p.pid, parentMm);
  }

  const tasks: SnapshotTask[] = [];
  for (const p of processes) {
    const mmId = mmIdOf.get(p.pid) ?? null;
    const uids = p.status.uids;
    const mems = (p.status.memsAllowedList ?? onlineIds).filter((n) => onlineIds.includes(n));
    const caps = capNames(p.status.capEff);
    const oomkilladj = oomAdjFromScoreAdj(p.oomScoreAdj);
    for (const t of p.threads) {
      if (t.tid >= limit) continue;
      tasks.push({
        pid: t.tid,
        tgid: p.pid,
        parent: leaderParent.get(p.pid) ?? 0,
        children: [],
        comm: sanitizeComm(t.stat.comm),
        mm: mmId !== null && t.stat.vsizeBytes > 0n ? mmId : null,
        utime: clamp((t.stat.utimeTicks * hz) / userHz, ulongMax, "utime"),
        stime: clamp((t.stat.stimeTicks * hz) / userHz, ulongMax, "stime"),
        start_time: clamp(t.stat.startTicks / userHz, longMax, "start_time"),
        nice: Math.max(-20, Math.min(19, t.stat.nice)),
        uid: clampU32(uids?.[0]),
        euid: clampU32(uids?.[1]),
        caps: [...caps],
        oomkilladj,
        flags: translatePfFlags(t.stat.flags),
        tif: [],
        cpuset: "/",
        mems_allowed: mems.length > 0 ? mems : [...onlineIds],
      });
    }
  }
  fillChildren(tasks, processes);

  const current = chooseCurrent(machine, tasks, opts.current);
  const cpusets: SnapshotCpuset[] = [{ path: "/", mems: [...onlineIds], mem_exclusive: true }];
  const snapshot: Snapshot = {
    format: "oomkit.snapshot/1",
    kernel: {
      bits,
      hz: opts.hz,
      uptime: clamp(machine.uptimeSeconds, longMax, "uptime"),
      panic_on_oom: opts.panicOnOom ?? 0,
      CONFIG_NUMA: true,
      CONFIG_CPUSETS: true,
      nodes: machine.nodes.map((n) => ({ id: n.id, memory: n.memory })),
    },
    cpusets,
    mms,
    tasks,
    current: current.pid,
    request: { gfp_mask: LIVE_GFP_MASK, order: 0, zonelist: buildZonelist(machine, assumptions) },
    env: { notifier_freed: 0n, printk_ratelimit: true, printk_suppressed: 0, uninit_nodemask: [] },
  };
  for (const what of clamped) {
    const max = what === "uptime" || what === "start_time" ? "LONG_MAX" : "ULONG_MAX";
    assumptions.push(`${what} beyond ${max} of a ${bits}-bit kernel: clamped to ${max}`);
  }
  assumptions.push(
    `HZ ${opts.hz}: jiffies = ticks * ${opts.hz} / ${machine.userHz}`,
    `current (the allocating task): ${current.policy}`,
    "request: GFP_HIGHUSER, order 0 (a user page fault); one cpuset (the top one)",
    "children lists: leaders in the kernel's children-file order, each followed by its threads",
    "a process whose parent is not listed (hidden, vanished) gets parent 0",
    "names: bytes outside 0x20-0x7E become '?', cut to 15",
  );
  return { snapshot, currentPolicy: current.policy, assumptions };
}

/** Every task's children list: exactly the tasks naming it as parent (docs/formats.md §2.4). */
function fillChildren(tasks: SnapshotTask[], processes: LiveProcess[]): void {
  const byPid = new Map(tasks.map((t) => [t.pid, t]));
  for (const t of tasks) if (t.parent !== 0 && !byPid.has(t.parent)) t.parent = 0;
  const groupOf = new Map<number, SnapshotTask[]>();
  for (const t of tasks) {
    const g = groupOf.get(t.tgid);
    if (g === undefined) groupOf.set(t.tgid, [t]);
    else g.push(t);
  }
  const fileOrder = new Map<number, number[]>();
  for (const p of processes) for (const t of p.threads) fileOrder.set(t.tid, t.children ?? []);
  const placed = new Set<number>();
  const addGroup = (parent: SnapshotTask, tgid: number) => {
    if (placed.has(tgid)) return;
    const group = groupOf.get(tgid);
    if (group === undefined || group[0]!.parent !== parent.pid) return;
    placed.add(tgid);
    for (const member of group) parent.children.push(member.pid);
  };
  for (const t of tasks) {
    for (const c of fileOrder.get(t.pid) ?? []) addGroup(t, c);
  }
  for (const t of tasks) {
    if (t.pid !== t.tgid || t.parent === 0) continue;
    const parent = byPid.get(t.parent);
    if (parent !== undefined) addGroup(parent, t.tgid);
  }
}
