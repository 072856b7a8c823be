/**
 * The kernel state one `out_of_memory()` call reads, compiled from a validated snapshot
 * into flat typed arrays (one slot per task, in do_each_thread order, docs/oom-path.md §3.5).
 *
 * Unsigned longs are stored as float64 when they are at most 2^53 - 1, which is exact.
 * A larger value is stored as NaN with its exact bigint in a side table; the badness fast
 * path sees the NaN, fails its range test and defers to the exact bigint path.
 */

import {
  CAP_SYS_ADMIN_MASK,
  CAP_SYS_RAWIO_MASK,
  capabilityMask,
  OOM_DISABLE,
  PF_EXITING,
  PF_SWAPOFF,
  pfMask,
  shiftHz,
} from "../kernel/constants.js";
import type { SnapshotHead } from "../snapshot/normalize.js";
import { indexTasks, type TaskIndex, taskIndexOf } from "../snapshot/task-index.js";
import type { Bits, Snapshot } from "../snapshot/types.js";

/**
 * Bits of `TaskTable.attrs`: the per-task facts the selection loop tests, packed into one
 * word so that scoring a task reads one value instead of eight.
 */
export const ATTR_SHIFT_MASK = 0x1f; // bits 0-4: the right shifts of steps 10, 11 and 13 (negative oomkilladj)
export const ATTR_NICE = 1 << 5; // task_nice(p) > 0
export const ATTR_ADJ_UP_SHIFT = 8; // bits 8-12: a positive oomkilladj
export const ATTR_EXITING = 1 << 13;
export const ATTR_SWAPOFF = 1 << 14;
export const ATTR_MEMDIE = 1 << 15;
export const ATTR_INIT = 1 << 16; // pid == 1
export const ATTR_OOM_DISABLE = 1 << 17;
export const ATTR_SPECIAL =
  ATTR_EXITING | ATTR_SWAPOFF | ATTR_MEMDIE | ATTR_INIT | ATTR_OOM_DISABLE;

export interface TaskTable {
  readonly count: number;
  readonly pid: Int32Array;
  readonly tgid: Int32Array;
  /** Index into the mm table, -1 for a null mm. */
  readonly mm: Int32Array;
  readonly utime: Float64Array;
  readonly stime: Float64Array;
  readonly startTime: Float64Array;
  readonly nice: Int8Array;
  readonly uid: Uint32Array;
  readonly euid: Uint32Array;
  /** Effective capability mask (bits 0..30). */
  readonly caps: Uint32Array;
  readonly oomkilladj: Int8Array;
  /** `task->flags`. */
  readonly flags: Uint32Array;
  /** 1 when the task has TIF_MEMDIE. */
  readonly memdie: Uint8Array;
  /** The ATTR_* bits of each task, derived from the fields above. */
  readonly attrs: Int32Array;
  /** Index into the cpuset table. */
  readonly cpuset: Int32Array;
  /** Children list of task i: childList[childStart[i] .. childStart[i + 1]), as task indices. */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly comm: string[];
  /** Exact values of the ulongs stored as NaN above, keyed by task index. */
  readonly bigUtime: Map<number, bigint>;
  readonly bigStime: Map<number, bigint>;
  readonly bigStartTime: Map<number, bigint>;
}

/** `MmTable.rss` and `.swap` hold this where the snapshot does not give the value. */
export const NOT_GIVEN = -1;

export interface MmTable {
  readonly count: number;
  readonly totalVm: Float64Array;
  readonly bigTotalVm: Map<number, bigint>;
  /** Resident pages, stored as the ulongs above, or NOT_GIVEN. */
  readonly rss: Float64Array;
  readonly bigRss: Map<number, bigint>;
  /** Swap entries in pages, stored as the ulongs above, or NOT_GIVEN. */
  readonly swap: Float64Array;
  readonly bigSwap: Map<number, bigint>;
}

export interface OomState {
  readonly bits: Bits;
  readonly hz: number;
  readonly shiftHz: number;
  /** Whole seconds of the monotonic clock (`uptime.tv_sec`). */
  readonly uptime: bigint;
  readonly panicOnOom: number;
  readonly numa: boolean;
  readonly cpusetsEnabled: boolean;
  /** Bit n set when online node n has memory. */
  readonly nodesWithMemory: bigint;
  readonly numberOfCpusets: number;
  /** Per cpuset: the mems of its nearest mem-exclusive ancestor (itself included). */
  readonly cpusetExclusiveMems: bigint[];
  readonly tasks: TaskTable;
  readonly mms: MmTable;
  /** Index of `current` in the task table. */
  readonly current: number;
  /** `current->mems_allowed` as a node mask. */
  readonly currentMemsAllowed: bigint;
  readonly gfpMask: number;
  readonly order: number;
  /** The node of each zonelist entry, in order. */
  readonly zonelistNodes: number[];
  readonly notifierFreed: bigint;
  readonly printkRatelimit: boolean;
  readonly printkSuppressed: number;
  readonly uninitNodemask: bigint;
}

export function nodeMask(ids: readonly number[]): bigint {
  let mask = 0n;
  for (const id of ids) mask |= 1n << BigInt(id);
  return mask;
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Stores the ulong `v` in slot i: as a float64 when exact, else NaN and the bigint aside. */
export function storeUlong(
  arr: Float64Array,
  big: Map<number, bigint>,
  i: number,
  v: bigint,
): void {
  if (v <= MAX_SAFE_BIG) arr[i] = Number(v);
  else {
    arr[i] = Number.NaN;
    big.set(i, v);
  }
}

/** `storeUlong` of a non-negative integer held as a number (the same slot, the same bigint). */
export function storeUlongNumber(
  arr: Float64Array,
  big: Map<number, bigint>,
  i: number,
  v: number,
): void {
  if (v <= Number.MAX_SAFE_INTEGER) arr[i] = v;
  else {
    arr[i] = Number.NaN;
    big.set(i, BigInt(v));
  }
}

/** The exact value of a ulong slot. */
export function ulongAt(arr: Float64Array, big: Map<number, bigint>, i: number): bigint {
  const v = arr[i];
  return Number.isNaN(v) ? big.get(i)! : BigInt(v);
}

/** The exact value of an optional ulong slot, or null where it holds NOT_GIVEN. */
export function optionalUlongAt(
  arr: Float64Array,
  big: Map<number, bigint>,
  i: number,
): bigint | null {
  return arr[i] === NOT_GIVEN ? null : ulongAt(arr, big, i);
}

/**
 * A ulong as compiling reads it: as a document writes it (a number up to 2^53 - 1, or a
 * string of decimal digits) or as a normalised snapshot holds it (a bigint).
 */
export type UlongInput = number | string | bigint;

/** `storeUlong` of a validated ulong in any of its input forms; absent is 0. */
function storeUlongInput(
  arr: Float64Array,
  big: Map<number, bigint>,
  i: number,
  v: UlongInput | undefined,
): void {
  if (typeof v === "number") arr[i] = v;
  else if (v === undefined) arr[i] = 0;
  else storeUlong(arr, big, i, BigInt(v));
}

function storeOptionalUlong(
  arr: Float64Array,
  big: Map<number, bigint>,
  i: number,
  v: UlongInput | undefined,
): void {
  if (v === undefined) arr[i] = NOT_GIVEN;
  else storeUlongInput(arr, big, i, v);
}

/** The ATTR_* word of task i, from its compiled fields. */
export function packAttrs(t: TaskTable, i: number): number {
  const caps = t.caps[i]!;
  const adj = t.oomkilladj[i]!;
  let shift = 0;
  if ((caps & CAP_SYS_ADMIN_MASK) !== 0 || t.uid[i] === 0 || t.euid[i] === 0) shift += 2;
  if ((caps & CAP_SYS_RAWIO_MASK) !== 0) shift += 2;
  if (adj < 0 && adj !== OOM_DISABLE) shift -= adj;
  let attrs = shift;
  if (t.nice[i]! > 0) attrs |= ATTR_NICE;
  if (adj > 0) attrs |= adj << ATTR_ADJ_UP_SHIFT;
  if ((t.flags[i]! & PF_EXITING) !== 0) attrs |= ATTR_EXITING;
  if ((t.flags[i]! & PF_SWAPOFF) !== 0) attrs |= ATTR_SWAPOFF;
  if (t.memdie[i] !== 0) attrs |= ATTR_MEMDIE;
  if (t.pid[i] === 1) attrs |= ATTR_INIT;
  if (adj === OOM_DISABLE) attrs |= ATTR_OOM_DISABLE;
  return attrs;
}

/** A cpuset as the state reads it: its path, its mems and whether it is mem-exclusive. */
export interface CpusetSpec {
  readonly path: string;
  readonly mems: readonly number[];
  readonly mem_exclusive: boolean;
}

/**
 * The cpuset table: each path's index, and per cpuset the mems of its nearest
 * mem-exclusive ancestor (`OomState.cpusetExclusiveMems`).
 */
export function compileCpusets(cpusets: readonly CpusetSpec[]): {
  index: Map<string, number>;
  exclusive: bigint[];
} {
  const index = new Map<string, number>();
  cpusets.forEach((c, i) => {
    index.set(c.path, i);
  });
  const parentPath = (path: string): string | null => {
    if (path === "/") return null;
    const cut = path.lastIndexOf("/");
    return cut === 0 ? "/" : path.slice(0, cut);
  };
  // nearest_exclusive_ancestor(): walk up while not mem_exclusive and a parent exists.
  const exclusive = cpusets.map((c) => {
    let cs = c;
    for (;;) {
      const up = parentPath(cs.path);
      if (cs.mem_exclusive || up === null) break;
      cs = cpusets[index.get(up)!]!;
    }
    return nodeMask(cs.mems);
  });
  return { index, exclusive };
}

/** An mm table of `count` zeroed slots. */
export function newMmTable(count: number): MmTable {
  return {
    count,
    totalVm: new Float64Array(count),
    bigTotalVm: new Map(),
    rss: new Float64Array(count),
    bigRss: new Map(),
    swap: new Float64Array(count),
    bigSwap: new Map(),
  };
}

/** An mm as compiling reads it: as a document writes it, or normalised. */
export interface MmInput {
  readonly id: string;
  readonly total_vm: UlongInput;
  readonly rss?: UlongInput;
  readonly swap?: UlongInput;
}

function compileMms(
  list: readonly MmInput[],
  known: Map<string, number> | undefined,
): { table: MmTable; index: Map<string, number> } {
  const table = newMmTable(list.length);
  const index = known ?? new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const mm = list[i]!;
    if (known === undefined) index.set(mm.id, i);
    storeUlongInput(table.totalVm, table.bigTotalVm, i, mm.total_vm);
    storeOptionalUlong(table.rss, table.bigRss, i, mm.rss);
    storeOptionalUlong(table.swap, table.bigSwap, i, mm.swap);
  }
  return { table, index };
}

/**
 * A task table of `count` zeroed slots with room for `childTotal` children: the one layout
 * that every route into the state (a snapshot, the simulated kernel) fills.
 */
export function newTaskTable(count: number, childTotal: number): TaskTable {
  return {
    count,
    pid: new Int32Array(count),
    tgid: new Int32Array(count),
    mm: new Int32Array(count),
    utime: new Float64Array(count),
    stime: new Float64Array(count),
    startTime: new Float64Array(count),
    nice: new Int8Array(count),
    uid: new Uint32Array(count),
    euid: new Uint32Array(count),
    caps: new Uint32Array(count),
    oomkilladj: new Int8Array(count),
    flags: new Uint32Array(count),
    memdie: new Uint8Array(count),
    attrs: new Int32Array(count),
    cpuset: new Int32Array(count),
    childStart: new Int32Array(count + 1),
    childList: new Int32Array(childTotal),
    comm: new Array<string>(count),
    bigUtime: new Map(),
    bigStime: new Map(),
    bigStartTime: new Map(),
  };
}

/**
 * `mask(names)` with a memory: the lists of a normalised snapshot are shared, frozen
 * arrays (one per distinct list), so a list is converted once, not once per task; and a
 * document as written repeats one list task after task (the capabilities of root), so a
 * list equal to the one before is not converted again.
 */
function cachedMask(
  mask: (names: readonly string[]) => number,
): (names: readonly string[]) => number {
  const known = new Map<readonly string[], number>();
  let last: readonly string[] | null = null;
  let lastMask = 0;
  return (names) => {
    // An empty list leaves the memory alone: lists of root and of others alternate.
    if (names.length === 0) return 0;
    if (names === last || (last !== null && sameNames(names, last))) return lastMask;
    let m = known.get(names);
    if (m === undefined) {
      m = mask(names);
      if (Object.isFrozen(names)) known.set(names, m);
    }
    last = names;
    lastMask = m;
    return m;
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A task as compiling reads it: as a validated document writes it (defaults not applied,
 * docs/formats.md §2) or normalised (every key present), so that the loader can compile a
 * document without building a normalised task first.
 */
export interface TaskInput {
  readonly pid: number;
  readonly tgid?: number;
  readonly parent: number;
  readonly children?: readonly number[];
  readonly comm: string;
  readonly mm: string | null;
  readonly utime?: UlongInput;
  readonly stime?: UlongInput;
  readonly start_time?: UlongInput;
  readonly nice?: number;
  readonly uid: number;
  readonly euid: number;
  readonly caps?: readonly string[];
  readonly oomkilladj?: number;
  readonly flags?: readonly string[];
  readonly tif?: readonly string[];
  readonly cpuset?: string;
  readonly mems_allowed?: readonly number[];
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/** `mms` is each mm id's index, or each task's mm index (-1 for none) when already known. */
function compileTasks(
  list: readonly TaskInput[],
  index: TaskIndex,
  mms: Map<string, number> | Int32Array,
  cpusetIndex: Map<string, number>,
): TaskTable {
  const n = list.length;
  const { pidIndex, defaultStart, defaultList } = index;
  let childTotal = 0;
  for (let i = 0; i < n; i++) {
    const children = list[i]!.children;
    childTotal +=
      children === undefined ? defaultStart[i + 1]! - defaultStart[i]! : children.length;
  }
  const t = newTaskTable(n, childTotal);
  const taskMm = mms instanceof Int32Array ? mms : undefined;
  const mmIndex = mms instanceof Int32Array ? undefined : mms;
  const capsOf = cachedMask(capabilityMask);
  const flagsOf = cachedMask(pfMask);
  let lastMm: string | null = null;
  let lastMmIndex = 0;
  let lastCpuset: string | null = null;
  let lastCpusetIndex = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const task = list[i]!;
    t.pid[i] = task.pid;
    t.tgid[i] = task.tgid ?? task.pid;
    if (taskMm !== undefined) t.mm[i] = taskMm[i]!;
    else {
      const mm = task.mm;
      if (mm === null) t.mm[i] = -1;
      else {
        // The threads of a group name one mm, one after another.
        if (mm !== lastMm) {
          lastMm = mm;
          lastMmIndex = mmIndex!.get(mm)!;
        }
        t.mm[i] = lastMmIndex;
      }
    }
    storeUlongInput(t.utime, t.bigUtime, i, task.utime);
    storeUlongInput(t.stime, t.bigStime, i, task.stime);
    storeUlongInput(t.startTime, t.bigStartTime, i, task.start_time);
    t.nice[i] = task.nice ?? 0;
    t.uid[i] = task.uid;
    t.euid[i] = task.euid;
    t.caps[i] = capsOf(task.caps ?? NO_NAMES);
    t.oomkilladj[i] = task.oomkilladj ?? 0;
    t.flags[i] = flagsOf(task.flags ?? NO_NAMES);
    t.memdie[i] = task.tif?.includes("TIF_MEMDIE") === true ? 1 : 0;
    t.attrs[i] = packAttrs(t, i);
    const cpuset = task.cpuset ?? "/";
    if (cpuset !== lastCpuset) {
      lastCpuset = cpuset;
      lastCpusetIndex = cpusetIndex.get(cpuset)!;
    }
    t.cpuset[i] = lastCpusetIndex;
    t.comm[i] = task.comm;
    t.childStart[i] = next;
    const children = task.children;
    if (children === undefined) {
      for (let j = defaultStart[i]!, end = defaultStart[i + 1]!; j < end; j++) {
        t.childList[next++] = defaultList[j]!;
      }
    } else {
      for (let c = 0; c < children.length; c++) {
        // A pid not in the list (never in a valid snapshot) compiles to slot 0.
        t.childList[next++] = Math.max(taskIndexOf(pidIndex, children[c]!), 0);
      }
    }
  }
  t.childStart[n] = next;
  return t;
}

/** Compiles a validated snapshot; the snapshot itself is not kept. */
export function compileState(snapshot: Snapshot): OomState {
  return compileParts(snapshot, snapshot.mms, snapshot.tasks, indexTasks(snapshot.tasks));
}

/** What the loader's checks already found: where each mm id is, and each task's mm. */
export interface KnownMms {
  readonly mmIds: Map<string, number>;
  readonly taskMm: Int32Array;
}

/**
 * Compiles a snapshot from its parts: its normalised head, and its mms and tasks as a
 * validated document writes them or normalised, with the task index of those tasks and,
 * when the checks found them, the mm of each task.
 */
export function compileParts(
  head: SnapshotHead,
  mmList: readonly MmInput[],
  taskList: readonly TaskInput[],
  index: TaskIndex,
  known?: KnownMms,
): OomState {
  const k = head.kernel;
  const cpusets = compileCpusets(head.cpusets);
  const mms = compileMms(mmList, known?.mmIds);
  const tasks = compileTasks(taskList, index, known?.taskMm ?? mms.index, cpusets.index);
  const current = taskIndexOf(index.pidIndex, head.current);
  const currentTask = taskList[current]!;
  const currentCpuset = currentTask.cpuset ?? "/";
  const currentMems =
    currentTask.mems_allowed ?? head.cpusets.find((c) => c.path === currentCpuset)?.mems ?? [];
  return {
    bits: k.bits,
    hz: k.hz,
    shiftHz: shiftHz(k.hz),
    uptime: k.uptime,
    panicOnOom: k.panic_on_oom,
    numa: k.CONFIG_NUMA,
    cpusetsEnabled: k.CONFIG_CPUSETS,
    nodesWithMemory: nodeMask(k.nodes.filter((n) => n.memory).map((n) => n.id)),
    numberOfCpusets: head.cpusets.length,
    cpusetExclusiveMems: cpusets.exclusive,
    tasks,
    mms: mms.table,
    current,
    currentMemsAllowed: nodeMask(currentMems),
    gfpMask: head.request.gfp_mask,
    order: head.request.order,
    zonelistNodes: head.request.zonelist.map((z) => z.node),
    notifierFreed: head.env.notifier_freed,
    printkRatelimit: head.env.printk_ratelimit,
    printkSuppressed: head.env.printk_suppressed,
    uninitNodemask: nodeMask(head.env.uninit_nodemask),
  };
}

/** Whether task i has PF_EXITING. */
export function isExiting(s: OomState, i: number): boolean {
  return (s.tasks.flags[i]! & PF_EXITING) !== 0;
}
