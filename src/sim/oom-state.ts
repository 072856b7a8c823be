/**
 * The state one `out_of_memory()` call of the simulation reads, compiled straight from the
 * simulated kernel into the core's typed arrays (src/oom/state.ts), without the
 * `oomkit.snapshot/1` document in between. The document of the call is built only when
 * asked, from the compiled state and the few facts the state does not keep (parents,
 * TIF_SIGPENDING, mems_allowed, the names of mms and cpusets); it is the document that
 * `buildOomSnapshot` gives for the same instant, and compiling it gives the same state.
 */

import { CAPABILITIES, capabilityMask, PF_FLAGS, pfMask, shiftHz } from "../kernel/constants.js";
import type { KernelState } from "../kernel/kernel-state.js";
import type { Mm, Task } from "../kernel/task.js";
import {
  type CpusetSpec,
  compileCpusets,
  compileState,
  newMmTable,
  newTaskTable,
  nodeMask,
  type OomState,
  packAttrs,
  storeUlongNumber,
  ulongAt,
} from "../oom/state.js";
import type {
  Snapshot,
  SnapshotMm,
  SnapshotNode,
  SnapshotTask,
  ZonelistEntry,
} from "../snapshot/types.js";
import {
  buildOomSnapshot,
  capNames,
  flagNames,
  NO_CHILDREN,
  type OomCallInput,
  tifNames,
} from "./oom-snapshot.js";

/** Every capability bit a snapshot can name: the others never reach the state. */
const KNOWN_CAPS = capabilityMask(Object.keys(CAPABILITIES));
/** Every PF_* bit a snapshot can name. */
const KNOWN_PF = pfMask(Object.keys(PF_FLAGS));
const TWO_32 = 2 ** 32;

/** `TaskFacts.tif` bits. */
export const FACT_SIGPENDING = 1;
export const FACT_MEMDIE = 2;

/** What the snapshot document of a call holds and the compiled state does not. */
export interface TaskFacts {
  /** The parent's pid, 0 for the idle task. */
  readonly parent: Int32Array;
  /** FACT_SIGPENDING and FACT_MEMDIE at the call (the core sets TIF_MEMDIE in the state). */
  readonly tif: Uint8Array;
  readonly memsAllowed: (readonly number[])[];
  /** The path of each task's cpuset (the state keeps an index into the listed ones). */
  readonly cpusetPath: string[];
  /** The id of each mm of the state's mm table. */
  readonly mmIds: string[];
  /** The cpusets the document lists. */
  readonly cpusets: CpusetSpec[];
  readonly nodes: SnapshotNode[];
  readonly zonelist: ZonelistEntry[];
}

/** One call's state, and its snapshot document on demand (built once, then kept). */
export interface CompiledOomCall {
  readonly state: OomState;
  readonly snapshot: () => Snapshot;
}

function reduce(v: number, bits: 32 | 64): number {
  return bits === 32 && v >= TWO_32 ? v % TWO_32 : v;
}

/**
 * Compiles the kernel state at one `out_of_memory()` call. A children list that names a
 * task outside the task list (which the process model never makes) takes the document
 * route instead, so that both routes stay equal even then.
 */
export function compileOomCall(k: KernelState, call: OomCallInput): CompiledOomCall {
  const compiled = compileFromKernel(k, call);
  if (compiled === null) {
    const snapshot = buildOomSnapshot(k, call);
    return { state: compileState(snapshot), snapshot: () => snapshot };
  }
  const { state, facts } = compiled;
  let snapshot: Snapshot | null = null;
  return {
    state,
    snapshot: () => {
      snapshot ??= snapshotOfCompiled(state, facts);
      return snapshot;
    },
  };
}

const scratch = new WeakMap<KernelState, Int32Array>();

/**
 * Task index by pid, kept from call to call: only the slots of the listed tasks are
 * written, so a slot is trusted only where the task at its index is the one looked for.
 */
function pidScratch(k: KernelState, maxPid: number): Int32Array {
  let s = scratch.get(k);
  if (s === undefined || s.length <= maxPid) {
    s = new Int32Array(maxPid + 1 + (maxPid >> 1));
    scratch.set(k, s);
  }
  return s;
}

/** The state and the facts, or null where a child is not in the task list. */
export function compileFromKernel(
  k: KernelState,
  call: OomCallInput,
): { state: OomState; facts: TaskFacts } | null {
  const bits = k.bits;
  const hz = k.hz;
  const list: Task[] = [];
  let childTotal = 0;
  let maxPid = 0;
  for (const leader of k.processList.values()) {
    for (const t of leader.group.threads) {
      list.push(t);
      if (t.pid > maxPid) maxPid = t.pid;
      if (t.children !== null) childTotal += t.children.size;
    }
  }
  const n = list.length;
  const indexOfPid = pidScratch(k, maxPid);
  for (let i = 0; i < n; i++) indexOfPid[list[i]!.pid] = i;

  const all = [...k.cpusets.values()];
  const listed = call.cpusetsEnabled ? all : all.filter((c) => c.path === "/");
  const cpusets: CpusetSpec[] = listed.map((c) => ({
    path: c.path,
    mems: [...c.mems],
    mem_exclusive: c.memExclusive,
  }));
  const cs = compileCpusets(cpusets);

  const mmIds: string[] = [];
  const mmIndex = new Map<string, number>();
  const mmList: Mm[] = [];

  const t = newTaskTable(n, childTotal);
  const facts: TaskFacts = {
    parent: new Int32Array(n),
    tif: new Uint8Array(n),
    memsAllowed: new Array<readonly number[]>(n),
    cpusetPath: new Array<string>(n),
    mmIds,
    cpusets,
    nodes: call.nodes.map((x) => ({ id: x.id, memory: x.memory })),
    zonelist: call.zonelist,
  };
  let lastMm: Mm | null = null;
  let lastMmIndex = -1;
  let lastCpusetPath: string | null = null;
  let lastCpuset = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const task = list[i]!;
    t.pid[i] = task.pid;
    t.tgid[i] = task.tgid;
    const mm = task.mm;
    if (mm === null) t.mm[i] = -1;
    else {
      if (mm !== lastMm) {
        lastMm = mm;
        let index = mmIndex.get(mm.id);
        if (index === undefined) {
          index = mmList.length;
          mmIndex.set(mm.id, index);
          mmIds.push(mm.id);
          mmList.push(mm);
        }
        lastMmIndex = index;
      }
      t.mm[i] = lastMmIndex;
    }
    storeUlongNumber(t.utime, t.bigUtime, i, reduce(task.utimeJiffies, bits));
    storeUlongNumber(t.stime, t.bigStime, i, reduce(task.stimeJiffies, bits));
    storeUlongNumber(t.startTime, t.bigStartTime, i, Math.floor(task.startTicks / hz));
    t.nice[i] = task.staticPrio - 120;
    t.uid[i] = task.uid;
    t.euid[i] = task.euid;
    t.caps[i] = task.caps & KNOWN_CAPS;
    t.oomkilladj[i] = task.oomkilladj;
    t.flags[i] = task.flags & KNOWN_PF;
    t.memdie[i] = task.memdie ? 1 : 0;
    t.attrs[i] = packAttrs(t, i);
    const path = task.cpuset.path;
    if (path !== lastCpusetPath) {
      lastCpusetPath = path;
      // A path the document does not list compiles to slot 0, as compileState does.
      lastCpuset = cs.index.get(path) ?? 0;
    }
    t.cpuset[i] = lastCpuset;
    t.comm[i] = task.comm;
    t.childStart[i] = next;
    if (task.children !== null) {
      for (const child of task.children) {
        // A slot left by an earlier call names another task: the child is not listed.
        const index = indexOfPid[child.pid]!;
        if (child.pid > maxPid || list[index] !== child) return null;
        t.childList[next++] = index;
      }
    }
    facts.parent[i] = task.parent === null ? 0 : task.parent.pid;
    facts.tif[i] = (task.sigpending ? FACT_SIGPENDING : 0) | (task.memdie ? FACT_MEMDIE : 0);
    facts.memsAllowed[i] = task.memsAllowed;
    facts.cpusetPath[i] = path;
  }
  t.childStart[n] = next;

  const mms = newMmTable(mmList.length);
  for (let m = 0; m < mmList.length; m++) {
    const mm = mmList[m]!;
    const usage = call.mmUsage(mm);
    storeUlongNumber(mms.totalVm, mms.bigTotalVm, m, reduce(mm.totalVmPages, bits));
    storeUlongNumber(mms.rss, mms.bigRss, m, reduce(usage.resident, bits));
    storeUlongNumber(mms.swap, mms.bigSwap, m, reduce(usage.swapped, bits));
  }

  const current = indexOfPid[call.current.pid]!;
  if (list[current] !== call.current) return null;
  const state: OomState = {
    bits,
    hz,
    shiftHz: shiftHz(hz),
    uptime: BigInt(Math.floor(k.ticks / hz)),
    panicOnOom: call.panicOnOom,
    numa: call.numa,
    cpusetsEnabled: call.cpusetsEnabled,
    nodesWithMemory: nodeMask(call.nodes.filter((x) => x.memory).map((x) => x.id)),
    numberOfCpusets: cpusets.length,
    cpusetExclusiveMems: cs.exclusive,
    tasks: t,
    mms,
    current,
    currentMemsAllowed: nodeMask(list[current]!.memsAllowed),
    gfpMask: call.gfpMask,
    order: call.order,
    zonelistNodes: call.zonelist.map((z) => z.node),
    notifierFreed: BigInt(call.notifierFreed),
    printkRatelimit: call.printkRatelimit,
    printkSuppressed: call.printkSuppressed,
    uninitNodemask: 0n,
  };
  return { state, facts };
}

function tifOf(bits: number): string[] {
  return tifNames((bits & FACT_SIGPENDING) !== 0, (bits & FACT_MEMDIE) !== 0);
}

/**
 * The snapshot of a call compiled straight from the kernel (src/sim/oom-state.ts), from
 * its state and the facts kept beside it: the document `buildOomSnapshot` gives at the
 * same instant. TIF_MEMDIE comes from the facts, since the call itself sets it in the state.
 */
export function snapshotOfCompiled(s: OomState, facts: TaskFacts): Snapshot {
  const t = s.tasks;
  const m = s.mms;
  const tasks: SnapshotTask[] = new Array(t.count);
  for (let i = 0; i < t.count; i++) {
    let children = NO_CHILDREN;
    const from = t.childStart[i]!;
    const to = t.childStart[i + 1]!;
    if (to > from) {
      children = [];
      for (let c = from; c < to; c++) children.push(t.pid[t.childList[c]!]!);
    }
    const mm = t.mm[i]!;
    tasks[i] = {
      pid: t.pid[i]!,
      tgid: t.tgid[i]!,
      parent: facts.parent[i]!,
      children,
      comm: t.comm[i]!,
      mm: mm < 0 ? null : facts.mmIds[mm]!,
      utime: ulongAt(t.utime, t.bigUtime, i),
      stime: ulongAt(t.stime, t.bigStime, i),
      start_time: ulongAt(t.startTime, t.bigStartTime, i),
      nice: t.nice[i]!,
      uid: t.uid[i]!,
      euid: t.euid[i]!,
      caps: capNames(t.caps[i]!),
      oomkilladj: t.oomkilladj[i]!,
      flags: flagNames(t.flags[i]!),
      tif: tifOf(facts.tif[i]!),
      cpuset: facts.cpusetPath[i]!,
      mems_allowed: facts.memsAllowed[i] as number[],
    };
  }
  const mms: SnapshotMm[] = facts.mmIds.map((id, j) => ({
    id,
    total_vm: ulongAt(m.totalVm, m.bigTotalVm, j),
    rss: ulongAt(m.rss, m.bigRss, j),
    swap: ulongAt(m.swap, m.bigSwap, j),
  }));
  return {
    format: "oomkit.snapshot/1",
    kernel: {
      bits: s.bits,
      hz: s.hz,
      uptime: s.uptime,
      panic_on_oom: s.panicOnOom,
      CONFIG_NUMA: s.numa,
      CONFIG_CPUSETS: s.cpusetsEnabled,
      nodes: facts.nodes.map((n) => ({ id: n.id, memory: n.memory })),
    },
    cpusets: facts.cpusets.map((c) => ({
      path: c.path,
      mems: [...c.mems],
      mem_exclusive: c.mem_exclusive,
    })),
    mms,
    tasks,
    current: t.pid[s.current]!,
    request: { gfp_mask: s.gfpMask, order: s.order, zonelist: facts.zonelist },
    env: {
      notifier_freed: s.notifierFreed,
      printk_ratelimit: s.printkRatelimit,
      printk_suppressed: s.printkSuppressed,
      uninit_nodemask: [],
    },
  };
}
