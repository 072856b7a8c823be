/**
 * `__alloc_pages(gfp, order, zonelist)` of 2.6.20, step by step as docs/oom-path.md §4.5 numbers
 * them. The slow path is a generator: it yields sleeps (`congestion_wait`, the reclaim
 * naps, the one-jiffy OOM sleep), the `out_of_memory` call and events, and the caller
 * lets time pass and other tasks run before resuming it.
 *
 * The fast path (step 2 succeeding) is `allocPagesFast`, a plain function that allocates
 * nothing; call the generator `allocPagesSlow` only when it returns null.
 */

import { PF_MEMALLOC } from "../kernel/constants.js";
import { printkSuppressedLine } from "../kernel/printk.js";
import type { AllocContext } from "./context.js";
import type { AllocOutcome, AllocRequest, OomAnswer } from "./events.js";
import { getPageFromFreelist } from "./freelist.js";
import {
  __GFP_FS,
  __GFP_HARDWALL,
  __GFP_HIGH,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_REPEAT,
  __GFP_WAIT,
  ALLOC_CPUSET,
  ALLOC_HARDER,
  ALLOC_HIGH,
  ALLOC_NO_WATERMARKS,
  ALLOC_WMARK_HIGH,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  GFP_THISNODE_BITS,
  MAX_ORDER,
  RETRY_ORDER_LIMIT,
} from "./gfp.js";
import { wakeupKswapd } from "./kswapd.js";
import { congestionWaitJiffies, tryToFreePages } from "./try-to-free-pages.js";
import type { MemoryModel, PageUse, Zone } from "./zone.js";

type Slow = Generator<AllocRequest, AllocOutcome, unknown>;

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 0 || order >= MAX_ORDER) {
    throw new RangeError(`order must be an integer from 0 to ${MAX_ORDER - 1}, got ${order}`);
  }
}

/**
 * Steps 1-2: the first attempt, at the low watermark with the cpuset hardwall. Returns
 * the zone that served 2^order pages (now charged to it as `use`), or null.
 */
export function allocPagesFast(
  mem: MemoryModel,
  ctx: AllocContext,
  gfp: number,
  order: number,
  zonelist: readonly Zone[],
  use: PageUse,
): Zone | null {
  return getPageFromFreelist(
    mem,
    ctx,
    gfp | __GFP_HARDWALL,
    order,
    zonelist,
    ALLOC_WMARK_LOW | ALLOC_CPUSET,
    use,
  );
}

/** The whole of `__alloc_pages`: the fast attempt, then the slow path if it failed. */
export function* allocPages(
  mem: MemoryModel,
  ctx: AllocContext,
  gfp: number,
  order: number,
  zonelist: readonly Zone[],
  use: PageUse,
): Slow {
  checkOrder(order);
  const zone = allocPagesFast(mem, ctx, gfp, order, zonelist, use);
  if (zone !== null) return { kind: "success", zone };
  return yield* allocPagesSlow(mem, ctx, gfp, order, zonelist, use);
}

/** The `alloc_flags` of step 5. */
function slowAllocFlags(ctx: AllocContext, gfp: number): number {
  const wait = gfp & __GFP_WAIT;
  let flags = ALLOC_WMARK_MIN;
  if ((ctx.isRealtime() && !ctx.inInterrupt) || !wait) flags |= ALLOC_HARDER;
  if (gfp & __GFP_HIGH) flags |= ALLOC_HIGH;
  if (wait) flags |= ALLOC_CPUSET;
  return flags;
}

/**
 * `__alloc_pages` after a failed `allocPagesFast` (which must be the call just made, with
 * nothing changed since): steps 3-12 and nopage, then the full path again after each
 * `out_of_memory`.
 */
export function* allocPagesSlow(
  mem: MemoryModel,
  ctx: AllocContext,
  gfp: number,
  order: number,
  zonelist: readonly Zone[],
  use: PageUse,
): Slow {
  checkOrder(order);
  // Step 1: an empty zonelist fails silently.
  if (zonelist.length === 0) return { kind: "failure", printed: false };
  const pid = ctx.pid;
  const wait = gfp & __GFP_WAIT;
  yield {
    kind: "event",
    event: { type: "alloc.stall", pid, gfpMask: gfp, order, classzoneIdx: zonelist[0].type },
  };
  const success = function* (zone: Zone, step: number): Slow {
    yield {
      kind: "event",
      event: {
        type: "alloc.success",
        pid,
        gfpMask: gfp,
        order,
        node: zone.nodeId,
        zoneType: zone.type,
        step,
      },
    };
    return { kind: "success", zone };
  };
  let firstAttemptMade = true;
  for (;;) {
    // restart: step 2 (already made by allocPagesFast on the first round).
    if (!firstAttemptMade) {
      const zone = allocPagesFast(mem, ctx, gfp, order, zonelist, use);
      if (zone !== null) return yield* success(zone, 2);
    }
    firstAttemptMade = false;
    // Step 3: a GFP_THISNODE allocation never leaves the first try.
    if (mem.numa && (gfp & GFP_THISNODE_BITS) === GFP_THISNODE_BITS) {
      return yield* nopage(ctx, gfp, order);
    }
    // Step 4.
    for (const zone of zonelist) {
      if (wakeupKswapd(mem, ctx, zone, order)) {
        yield { kind: "event", event: { type: "kswapd.wake", node: zone.nodeId, order } };
      }
    }
    // Steps 5-6.
    const allocFlags = slowAllocFlags(ctx, gfp);
    const zone6 = getPageFromFreelist(mem, ctx, gfp, order, zonelist, allocFlags, use);
    if (zone6 !== null) return yield* success(zone6, 6);

    for (;;) {
      // rebalance. Step 7: PF_MEMALLOC and TIF_MEMDIE dig into the reserves.
      if ((ctx.flags & PF_MEMALLOC || ctx.hasTifMemdie()) && !ctx.inInterrupt) {
        if (gfp & __GFP_NOMEMALLOC) return yield* nopage(ctx, gfp, order);
        for (;;) {
          const zone = getPageFromFreelist(
            mem,
            ctx,
            gfp,
            order,
            zonelist,
            ALLOC_NO_WATERMARKS,
            use,
          );
          yield {
            kind: "event",
            event: { type: "alloc.reserve", pid, order, success: zone !== null },
          };
          if (zone !== null) return yield* success(zone, 7);
          if (!(gfp & __GFP_NOFAIL)) return yield* nopage(ctx, gfp, order);
          yield {
            kind: "sleep",
            jiffies: congestionWaitJiffies(mem.hz, 50),
            reason: "congestion_wait",
          };
        }
      }
      // Step 8: atomic allocations never reclaim.
      if (!wait) return yield* nopage(ctx, gfp, order);
      // Step 9: direct reclaim, with PF_MEMALLOC set for its duration.
      let didSomeProgress = 0;
      ctx.flags |= PF_MEMALLOC;
      try {
        didSomeProgress = yield* tryToFreePages(mem, ctx, zonelist, gfp);
      } finally {
        ctx.flags &= ~PF_MEMALLOC;
      }
      if (didSomeProgress) {
        // Step 10.
        const zone = getPageFromFreelist(mem, ctx, gfp, order, zonelist, allocFlags, use);
        if (zone !== null) return yield* success(zone, 10);
      } else if (gfp & __GFP_FS && !(gfp & __GFP_NORETRY)) {
        // Step 11: the last chance at the high watermark, then the OOM killer, then restart.
        const zone = getPageFromFreelist(
          mem,
          ctx,
          gfp | __GFP_HARDWALL,
          order,
          zonelist,
          ALLOC_WMARK_HIGH | ALLOC_CPUSET,
          use,
        );
        yield {
          kind: "event",
          event: { type: "alloc.last_chance", pid, order, success: zone !== null },
        };
        if (zone !== null) return yield* success(zone, 11);
        const answer = checkAnswer(yield { kind: "out_of_memory", zonelist, gfpMask: gfp, order });
        if (answer.stop !== null) return { kind: "stopped", reason: answer.stop };
        if (answer.sleep) yield { kind: "sleep", jiffies: 1, reason: "oom" };
        break; // goto restart
      }
      // Step 12: the retry decision. __GFP_NORETRY beats __GFP_NOFAIL.
      const doRetry =
        !(gfp & __GFP_NORETRY) &&
        (order <= RETRY_ORDER_LIMIT || (gfp & __GFP_REPEAT) !== 0 || (gfp & __GFP_NOFAIL) !== 0);
      if (!doRetry) return yield* nopage(ctx, gfp, order);
      yield {
        kind: "event",
        event: { type: "alloc.retry", pid, gfpMask: gfp, order, progress: didSomeProgress !== 0 },
      };
      yield {
        kind: "sleep",
        jiffies: congestionWaitJiffies(mem.hz, 50),
        reason: "congestion_wait",
      };
    }
  }
}

function checkAnswer(value: unknown): OomAnswer {
  const a = value as OomAnswer | undefined;
  if (
    a === undefined ||
    a === null ||
    typeof a.sleep !== "boolean" ||
    (a.stop !== null && a.stop !== "panic" && a.stop !== "deadlock")
  ) {
    throw new TypeError("out_of_memory request must be answered with an OomAnswer");
  }
  return a;
}

/**
 * nopage: unless __GFP_NOWARN, and if the global printk rate limit allows, the
 * KERN_WARNING failure line, a stack dump and show_mem(); then failure.
 */
function* nopage(ctx: AllocContext, gfp: number, order: number): Slow {
  let printed = false;
  if (!(gfp & __GFP_NOWARN) && ctx.printk.allow(ctx.jiffies())) {
    const missed = ctx.printk.reportMissed;
    if (missed > 0) {
      yield log("KERN_WARNING", printkSuppressedLine(missed));
    }
    yield log("KERN_WARNING", pageAllocationFailureLine(ctx.comm, order, gfp));
    yield log("placeholder", "dump_stack()");
    yield log("placeholder", "show_mem()");
    printed = true;
  }
  yield {
    kind: "event",
    event: { type: "alloc.fail", pid: ctx.pid, gfpMask: gfp, order, printed },
  };
  return { kind: "failure", printed };
}

function log(level: "KERN_WARNING" | "placeholder", text: string): AllocRequest {
  return { kind: "event", event: { type: "log", level, text } };
}

/** `"%s: page allocation failure. order:%d, mode:0x%x"` (docs/oom-path.md §4.5, §11). */
export function pageAllocationFailureLine(comm: string, order: number, gfp: number): string {
  return `${comm}: page allocation failure. order:${order}, mode:0x${(gfp >>> 0).toString(16)}`;
}
