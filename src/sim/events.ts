/**
 * The one event stream of a simulation: everything that happens, as data, stamped with
 * the tick (jiffies since boot) at which it happened. The kernel log, the JSON lines and
 * the summary are renderings of it (src/report); nothing here is prose except the
 * kernel's own log lines.
 */

import type { AllocEvent } from "../alloc/events.js";
import type { LogLevel } from "../oom/result.js";

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

/** A kernel log line; a show_mem() placeholder carries the zone state of its moment. */
export interface LogEvent {
  type: "log";
  level: LogLevel;
  text: string;
  mem?: MemInfo;
}

export type OomStepName =
  | "notifier"
  | "ratelimit"
  | "lock"
  | "constraint"
  | "panic_on_oom"
  | "select"
  | "kill"
  | "unlock"
  | "sleep";

export type KernelEvent =
  | {
      type: "sim.start";
      seed: number;
      bits: number;
      hz: number;
      tasks: number;
      presentPages: number;
      /** The victim policy a run names (absent: 2.6.20's own badness()). */
      policy?: string;
    }
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
  | { type: "oom.step"; n: number; step: OomStepName; detail: Record<string, unknown> }
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

export type EventBody = KernelEvent | AllocEvent | LogEvent;

/** An event of the stream: its body plus the tick (jiffies since boot) it happened at. */
export type SimEvent = EventBody & { tick: number };

export type EventSink = (e: SimEvent) => void;
