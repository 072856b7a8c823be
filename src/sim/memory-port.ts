/**
 * What the simulation needs from the page allocator, in the simulation's own terms. The
 * real allocator (src/alloc) is adapted to it in alloc-adapter.ts; tests may plug in a
 * trivial stand-in. Keeping the engine behind this port lets the process model, the
 * scheduler and the event stream be tested without the allocator's details.
 */

import type { AllocEvent, OomAnswer } from "../alloc/events.js";
import type { PageUse } from "../alloc/zone.js";
import type { Task } from "../kernel/task.js";
import type { ZonelistEntry } from "../snapshot/types.js";
import type { EventBody, MemInfo } from "./events.js";

export type PortRequest =
  | { kind: "sleep"; jiffies: number; reason: string }
  | { kind: "out_of_memory"; zonelist: ZonelistEntry[]; gfpMask: number; order: number }
  /** An event to emit; the allocator's own log lines are turned into print events first. */
  | { kind: "event"; event: EventBody | AllocEvent };

export type PortOutcome =
  | { kind: "success"; zone: number }
  | { kind: "failure"; printed: boolean }
  | { kind: "stopped"; reason: "panic" | "deadlock" };

/** The resume value of a generator: the OOM answer after an out_of_memory request. */
export type PortResume = OomAnswer | undefined;

export type PortGenerator<R> = Generator<PortRequest, R, PortResume>;

export interface MemoryPort {
  /** Number of zones (global zone indices 0..zoneCount-1). */
  readonly zoneCount: number;
  /** Online nodes and whether they have memory. */
  readonly nodes: readonly { id: number; memory: boolean }[];
  readonly numa: boolean;
  /**
   * Steps 1-2 of `__alloc_pages` (the low-watermark attempt): the zone index that served
   * the pages, or -1; then `allocate` must be the very next call.
   */
  allocateFast(task: Task, gfpMask: number, order: number, use: PageUse): number;
  /**
   * The slow path of `__alloc_pages(gfp, order, zonelist)` for `task`; on success the 2^order pages are
   * charged to the returned zone as `use`.
   */
  allocate(task: Task, gfpMask: number, order: number, use: PageUse): PortGenerator<PortOutcome>;
  /** Gives `pages` pages of `use` charged to `zone` back to the free lists. */
  free(zone: number, use: PageUse, pages: number): void;
  /** Nodes whose kswapd was woken and must start at the next tick. */
  wokenKswapds(): number[];
  /** kswapd's `balance_pgdat` runs for `node`, until it goes back to sleep. */
  kswapd(node: number): PortGenerator<void>;
  /** Zone state for show_mem(). */
  memInfo(): MemInfo;
  presentPages(): number;
  freePages(): number;
  /** Swap space in pages. */
  swapTotalPages(): number;
  /**
   * An mm's anonymous pages (charged per zone) split into those in RAM and those in swap.
   * Reclaim does not record whose pages it wrote out, so each zone's swapped share is
   * attributed in proportion, as `free` gives the slots back.
   */
  anonSplit(pagesByZone: readonly number[]): { resident: number; swapped: number };
  /** Null when free + used = present in every zone, else what is wrong. */
  conservation(): string | null;
  /** `printk_ratelimit()` now: whether a message may pass and how many were missed before. */
  printkRatelimit(): { allowed: boolean; suppressed: number };
}
