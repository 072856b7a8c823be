/**
 * What the allocator, direct reclaim and kswapd tell their caller: requests (sleep, run
 * the OOM killer) and events for the event stream. Events carry numbers, not prose; the
 * only text is the kernel's own log lines, emitted as `log` events with exact wording.
 */

import type { LogLevel } from "../oom/result.js";
import type { Zone } from "./zone.js";

/** Why a task sleeps uninterruptibly. */
export type SleepReason =
  /** `congestion_wait(WRITE, HZ/50)` in `__alloc_pages` retry loops (docs/oom-path.md §4.5). */
  | "congestion_wait"
  /** `congestion_wait(WRITE, HZ/10)` between direct-reclaim passes (docs/oom-path.md §4.6). */
  | "reclaim"
  /** `schedule_timeout_uninterruptible(1)` at the end of `out_of_memory` (docs/oom-path.md §7.6). */
  | "oom"
  /** `congestion_wait(WRITE, HZ/10)` between kswapd passes (docs/oom-path.md §4.7). */
  | "kswapd";

export type AllocEvent =
  /** The first attempt (low watermark, hardwall) failed: the slow path begins. */
  | {
      type: "alloc.stall";
      pid: number;
      gfpMask: number;
      order: number;
      classzoneIdx: number;
    }
  /**
   * A slow-path attempt succeeded; `step` is the step of docs/oom-path.md §4.5 that served it: 2 (after
   * a restart), 6, 7, 10 or 11. The fast path (the first step 2) emits nothing.
   */
  | {
      type: "alloc.success";
      pid: number;
      gfpMask: number;
      order: number;
      node: number;
      zoneType: number;
      step: number;
    }
  /** The no-watermark attempt of a PF_MEMALLOC or TIF_MEMDIE caller (step 7). */
  | { type: "alloc.reserve"; pid: number; order: number; success: boolean }
  /** The last-chance attempt at the high watermark before out_of_memory (step 11). */
  | { type: "alloc.last_chance"; pid: number; order: number; success: boolean }
  /** Step 12 decided to retry: back to rebalance after congestion_wait. */
  | { type: "alloc.retry"; pid: number; gfpMask: number; order: number; progress: boolean }
  /** The allocation returns failure (nopage); `printed` says whether the warning was logged. */
  | { type: "alloc.fail"; pid: number; gfpMask: number; order: number; printed: boolean }
  /** One priority pass of `try_to_free_pages`; counts are cumulative over the call. */
  | {
      type: "reclaim.pass";
      pid: number;
      priority: number;
      nrScanned: number;
      nrReclaimed: number;
    }
  /** `try_to_free_pages` returned `didSomeProgress` (1 or 0). */
  | {
      type: "reclaim.done";
      pid: number;
      didSomeProgress: number;
      nrScanned: number;
      nrReclaimed: number;
    }
  /** `wakeup_kswapd` woke the node's sleeping kswapd. */
  | { type: "kswapd.wake"; node: number; order: number }
  /** One run of `balance_pgdat` ended (a `loop_again` iteration). */
  | {
      type: "kswapd.balance";
      node: number;
      order: number;
      priority: number;
      nrReclaimed: number;
      allZonesOk: boolean;
    }
  /** kswapd goes back to sleep. */
  | { type: "kswapd.sleep"; node: number }
  /** kswapd flagged a zone `all_unreclaimable`. */
  | { type: "zone.unreclaimable"; node: number; zoneType: number; pagesScanned: number }
  /** A kernel log line, exact text without the trailing newline. */
  | { type: "log"; level: LogLevel; text: string };

/** What a generator of this folder yields to its caller. */
export type AllocRequest =
  /** Sleep uninterruptibly: advance the clock by `jiffies`, run others, then resume. */
  | { kind: "sleep"; jiffies: number; reason: SleepReason }
  /** Run `out_of_memory(zonelist, gfpMask, order)` and resume with an `OomAnswer`. */
  | { kind: "out_of_memory"; zonelist: readonly Zone[]; gfpMask: number; order: number }
  /** Record an event; resume with anything (ignored). */
  | { kind: "event"; event: AllocEvent };

/**
 * How the OOM core's call ended. `sleep` is the result's `sleep` field (docs/oom-path.md §7.6): when
 * true the allocator itself yields the one-jiffy `{kind:"sleep", reason:"oom"}` request,
 * so the caller must not sleep on its own. `stop` ends the allocation: the machine
 * panicked, or current deadlocked on the cpuset mutex (quirk Q4) and never returns.
 */
export interface OomAnswer {
  sleep: boolean;
  stop: null | "panic" | "deadlock";
}

/** How `__alloc_pages` ended. */
export type AllocOutcome =
  | { kind: "success"; zone: Zone }
  | { kind: "failure"; printed: boolean }
  | { kind: "stopped"; reason: "panic" | "deadlock" };
