/**
 * The one event stream of a simulation: everything that happens, as data, stamped with
 * the tick (jiffies since boot) at which it happened. The kernel log, the JSON lines and
 * the summary are renderings of it (src/report); nothing here is prose except the
 * kernel's own log lines.
 */

import type { AllocEvent } from "../alloc/events.js";
import type { LogLevel } from "../oom/result.js";
import type { OomStep, OomStepName } from "../oom/trace.js";

/** One per-CPU page list as show_mem() prints it: `hi`, `btch`, `usd`. */
export interface PcpInfo {
  high: number;
  batch: number;
  count: number;
}

/** A CPU's pageset in a zone: its hot and cold lists. */
export interface PagesetInfo {
  cpu: number;
  hot: PcpInfo;
  cold: PcpInfo;
}

/** Zone state for show_mem(), captured at the moment of the report. */
export interface ZoneInfo {
  node: number;
  name: string;
  freePages: number;
  minPages: number;
  lowPages: number;
  highPages: number;
  activePages: number;
  inactivePages: number;
  presentPages: number;
  pagesScanned: number;
  allUnreclaimable: boolean;
  lowmemReserve: number[];
  freeArea: number[];
  /** Every online CPU's lists, CPU 0 first. */
  pagesets: PagesetInfo[];
}

/** `swap_cache_info`, as show_swap_cache_info() prints it. */
export interface SwapCacheInfo {
  add: number;
  delete: number;
  findSuccess: number;
  findTotal: number;
  noentRace: number;
  existRace: number;
}

export interface MemInfo {
  /** Which architecture's show_mem() prints the report. */
  arch: "i386" | "x86_64";
  numa: boolean;
  /** The populated zones, in node then type order. */
  zones: ZoneInfo[];
  active: number;
  inactive: number;
  dirty: number;
  writeback: number;
  unstable: number;
  free: number;
  slab: number;
  mapped: number;
  pagetables: number;
  swapCache: SwapCacheInfo;
  swapFreePages: number;
  swapTotalPages: number;
  /** The page frames of every node (`pages of RAM`). */
  totalPages: number;
  /** Of which in HighMem zones (i386's `pages of HIGHMEM`). */
  highmemPages: number;
  /** PageReserved frames: the mem_map and the DMA reserve. */
  reservedPages: number;
  /** Sum of page_count - 1 over the pages in use. */
  sharedPages: number;
  /** Pages in the swap cache. */
  swapCachedPages: number;
}

/** A kernel log line, with the level printk gave it. */
export interface LogEvent {
  type: "log";
  level: Exclude<LogLevel, "placeholder">;
  text: string;
}

/** dump_stack() of a task: the stack itself is not modelled. */
export interface DumpStackEvent {
  type: "dump_stack";
  pid: number;
}

/**
 * show_mem(): the memory report, with the zone state of its moment (null where the state
 * is not known, as for one call replayed from a snapshot: the report is a placeholder).
 */
export interface ShowMemEvent {
  type: "show_mem";
  mem: MemInfo | null;
}

/** What the kernel printed: a log line, a stack dump or a memory report. */
export type PrintEvent = LogEvent | DumpStackEvent | ShowMemEvent;

export type { OomStepName };

type JsonValues<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

/** The details of one step as the stream carries them (src/oom/trace.ts, bigints as strings). */
export type OomStepDetail<S extends OomStepName> = JsonValues<
  Omit<Extract<OomStep, { step: S }>, "step">
>;

/** One step of a numbered out_of_memory() call, in the kernel's order. */
export type OomStepEvent = {
  [S in OomStepName]: { type: "oom.step"; n: number; step: S; detail: OomStepDetail<S> };
}[OomStepName];

/** A populated zone of the machine, as the memory timeline draws it. */
export interface MachineZone {
  node: number;
  name: string;
  presentPages: number;
  minPages: number;
  lowPages: number;
  highPages: number;
}

/** The machine a run simulates, as its renderings need it. */
export interface MachineInfo {
  numa: boolean;
  cpus: number;
  /** The populated zones, in node then type order (the order of `mem.sample` values). */
  zones: MachineZone[];
  swapPages: number;
}

export type KernelEvent =
  | {
      type: "sim.start";
      seed: number;
      bits: number;
      hz: number;
      tasks: number;
      presentPages: number;
      /** The machine's printk_time: log lines carry `[seconds.micro]` times. */
      printkTime: boolean;
      machine: MachineInfo;
      /** The victim policy a run names (absent: 2.6.20's own badness()). */
      policy?: string;
    }
  /**
   * The free pages of each populated zone (sim.start's machine.zones order) at the end of
   * a tick in which they changed; only in a run that asks for samples.
   */
  | { type: "mem.sample"; free: number[] }
  | {
      type: "sim.end";
      reason: "idle" | "until" | "panic" | "interrupted";
      tasks: number;
      freePages: number;
    }
  | { type: "sim.skip"; pid: number | null; action: string; why: string; entry: number }
  | {
      type: "task.fork";
      pid: number;
      parent: number;
      comm: string;
      thread: boolean;
      sharedMm: boolean;
    }
  | { type: "task.exec"; pid: number; oldPid: number; comm: string }
  | { type: "task.oom_adj"; pid: number; value: number }
  | { type: "task.map"; pid: number; pages: number; totalVm: number }
  | {
      type: "task.signal";
      pid: number;
      comm: string;
      signal: 9;
      reason: "oom" | "group_exit" | "exec" | "scenario" | "guard";
    }
  | {
      type: "task.exit";
      pid: number;
      tgid: number;
      comm: string;
      code: number;
      zombie: boolean;
      /** What made it exit: "exit", or the first SIGKILL's reason ("oom", "group_exit", ...). */
      cause: string;
    }
  | { type: "task.reap"; pid: number; comm: string; by: "self" | "parent" | "exec" }
  | { type: "task.reparent"; pid: number; to: number }
  | { type: "mm.free"; mm: string; pid: number; comm: string; pages: number; byZone: number[] }
  | { type: "mm.put"; mm: string; pid: number; users: number }
  | { type: "oom.invoked"; n: number; pid: number; comm: string; gfpMask: number; order: number }
  | OomStepEvent
  | { type: "oom.badness"; n: number; rows: { pid: number; comm: string; points: string }[] }
  | {
      type: "oom.kill";
      n: number;
      selected: number;
      points: string;
      victim: number;
      comm: string;
      constraint: string;
    }
  | { type: "oom.result"; n: number; outcome: string; sleep: boolean }
  | { type: "oom.blocked"; pid: number; comm: string }
  /** A userspace guard (a comparison's `guard`) chose a victim and sends it SIGKILL. */
  | {
      type: "guard.kill";
      pid: number;
      comm: string;
      level: "term" | "kill";
      policy: string;
      points: string;
      /** What its triggers measured, in words. */
      triggers: string;
    }
  | {
      type: "alloc.request";
      pid: number;
      gfpMask: number;
      order: number;
      pages: number;
      use: string;
    }
  | {
      type: "alloc.done";
      pid: number;
      gfpMask: number;
      order: number;
      ok: boolean;
      stallTicks: number;
    }
  | { type: "alloc.pending"; pid: number; gfpMask: number; order: number; stallTicks: number }
  | { type: "panic"; message: string };

/**
 * Everything the stream carries. The allocator's own log lines reach it as print events
 * (its show_mem() and dump_stack() placeholders become their typed events).
 */
export type EventBody = KernelEvent | Exclude<AllocEvent, { type: "log" }> | PrintEvent;

/** An event of the stream: its body plus the tick (jiffies since boot) it happened at. */
export type SimEvent = EventBody & { tick: number };

export type EventSink = (e: SimEvent) => void;
