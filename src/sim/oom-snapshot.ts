/**
 * The kernel state at the instant of an `out_of_memory()` call, as the snapshot the OOM
 * core reads (docs/formats.md §2): tasks in do_each_thread order with their exact
 * children lists, the mms they use (total_vm, and the anonymous pages each holds in RAM and
 * in swap), the cpusets, current, the request and what the other subsystems answer (the
 * notifier chain, the shared printk rate limit).
 */

import { CAPABILITIES, PF_FLAGS } from "../kernel/constants.js";
import type { KernelState } from "../kernel/kernel-state.js";
import type { Mm, Task } from "../kernel/task.js";
import type { Snapshot, SnapshotMm, SnapshotTask, ZonelistEntry } from "../snapshot/types.js";

const PF_ENTRIES = Object.entries(PF_FLAGS);
const CAP_ENTRIES = Object.entries(CAPABILITIES);

/** Names of the set bits, in table order; cached per distinct mask. */
function namesOf(mask: number, table: [string, number][], cache: Map<number, string[]>): string[] {
  let names = cache.get(mask);
  if (names === undefined) {
    names = [];
    for (const [name, bit] of table)
      if ((mask & bit) >>> 0 === bit >>> 0 && bit !== 0) names.push(name);
    cache.set(mask, names);
  }
  return names;
}

const pfCache = new Map<number, string[]>();

/** The PF_* names of a task->flags mask (bits no name stands for are left out). */
export function flagNames(flags: number): string[] {
  return namesOf(flags, PF_ENTRIES, pfCache);
}
const capCache = new Map<number, string[]>();
const CAP_BITS: [string, number][] = CAP_ENTRIES.map(([n, b]) => [n, 2 ** b]);

/** The CAP_* names of a capability mask (bits no name stands for are left out). */
export function capNames(caps: number): string[] {
  let names = capCache.get(caps);
  if (names === undefined) {
    names = [];
    for (const [name, bit] of CAP_BITS) if (Math.floor(caps / bit) % 2 === 1) names.push(name);
    capCache.set(caps, names);
  }
  return names;
}

export interface OomCallInput {
  current: Task;
  gfpMask: number;
  order: number;
  zonelist: ZonelistEntry[];
  panicOnOom: number;
  numa: boolean;
  cpusetsEnabled: boolean;
  nodes: readonly { id: number; memory: boolean }[];
  notifierFreed: number;
  printkRatelimit: boolean;
  printkSuppressed: number;
  /** An mm's anonymous pages in RAM and in swap (the snapshot's `rss` and `swap`). */
  mmUsage: (mm: Mm) => { resident: number; swapped: number };
}

/**
 * A call as the benchmarks and tests make one: `current` asking for one page with
 * `gfpMask` from node 0's Normal zone, on a machine with cpusets and without NUMA, the
 * notifiers freeing nothing and the printk rate limit open.
 */
export function plainOomCall(
  port: {
    readonly nodes: readonly { id: number; memory: boolean }[];
    anonSplit(pagesByZone: readonly number[]): { resident: number; swapped: number };
  },
  current: Task,
  gfpMask: number,
): OomCallInput {
  return {
    current,
    gfpMask,
    order: 0,
    zonelist: [{ node: 0, zone: "Normal" }],
    panicOnOom: 0,
    numa: false,
    cpusetsEnabled: true,
    nodes: port.nodes,
    notifierFreed: 0,
    printkRatelimit: true,
    printkSuppressed: 0,
    mmUsage: (mm) => port.anonSplit(mm.pagesByZone),
  };
}

const NO_TIF: string[] = [];
const TIF_SIG = ["TIF_SIGPENDING"];
const TIF_MEM = ["TIF_MEMDIE"];
const TIF_BOTH = ["TIF_SIGPENDING", "TIF_MEMDIE"];

/** The `tif` list of a task (shared lists: the snapshot is read-only once built). */
export function tifNames(sigpending: boolean, memdie: boolean): string[] {
  return memdie ? (sigpending ? TIF_BOTH : TIF_MEM) : sigpending ? TIF_SIG : NO_TIF;
}

/** The children list of a childless task, shared. */
export const NO_CHILDREN: number[] = [];
const TWO_32 = 2 ** 32;

/** A ulong from a non-negative safe integer (reduced modulo 2^32 on 32-bit). */
function ulong(v: number, bits: 32 | 64): bigint {
  return BigInt(bits === 32 && v >= TWO_32 ? v % TWO_32 : v);
}

function snapshotTask(t: Task, bits: 32 | 64, hz: number): SnapshotTask {
  const tif = tifNames(t.sigpending, t.memdie);
  let children = NO_CHILDREN;
  if (t.children !== null && t.children.size > 0) {
    children = [];
    for (const c of t.children) children.push(c.pid);
  }
  return {
    pid: t.pid,
    tgid: t.tgid,
    parent: t.parent === null ? 0 : t.parent.pid,
    children,
    comm: t.comm,
    mm: t.mm === null ? null : t.mm.id,
    utime: ulong(t.utimeJiffies, bits),
    stime: ulong(t.stimeJiffies, bits),
    start_time: BigInt(Math.floor(t.startTicks / hz)),
    nice: t.staticPrio - 120,
    uid: t.uid,
    euid: t.euid,
    caps: capNames(t.caps),
    oomkilladj: t.oomkilladj,
    flags: flagNames(t.flags),
    tif,
    cpuset: t.cpuset.path,
    // Shared, never mutated: the snapshot is read-only once built.
    mems_allowed: t.memsAllowed as number[],
  };
}

/** Builds the snapshot of the kernel state for one out_of_memory() call. */
export function buildOomSnapshot(k: KernelState, call: OomCallInput): Snapshot {
  const tasks: SnapshotTask[] = [];
  const mms: SnapshotMm[] = [];
  const seenMm = new Set<string>();
  for (const leader of k.processList.values()) {
    for (const t of leader.group.threads) {
      tasks.push(snapshotTask(t, k.bits, k.hz));
      const mm = t.mm;
      if (mm !== null && !seenMm.has(mm.id)) {
        seenMm.add(mm.id);
        const usage = call.mmUsage(mm);
        mms.push({
          id: mm.id,
          total_vm: ulong(mm.totalVmPages, k.bits),
          rss: ulong(usage.resident, k.bits),
          swap: ulong(usage.swapped, k.bits),
        });
      }
    }
  }
  const cpusets = [...k.cpusets.values()].map((c) => ({
    path: c.path,
    mems: [...c.mems],
    mem_exclusive: c.memExclusive,
  }));
  return {
    format: "oomkit.snapshot/1",
    kernel: {
      bits: k.bits,
      hz: k.hz,
      uptime: BigInt(Math.floor(k.ticks / k.hz)),
      panic_on_oom: call.panicOnOom,
      CONFIG_NUMA: call.numa,
      CONFIG_CPUSETS: call.cpusetsEnabled,
      nodes: call.nodes.map((n) => ({ id: n.id, memory: n.memory })),
    },
    cpusets: call.cpusetsEnabled ? cpusets : cpusets.filter((c) => c.path === "/"),
    mms,
    tasks,
    current: call.current.pid,
    request: { gfp_mask: call.gfpMask, order: call.order, zonelist: call.zonelist },
    env: {
      notifier_freed: BigInt(call.notifierFreed),
      printk_ratelimit: call.printkRatelimit,
      printk_suppressed: call.printkSuppressed,
      uninit_nodemask: [],
    },
  };
}
