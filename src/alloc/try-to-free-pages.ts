/**
 * `try_to_free_pages(zones, gfp)`: direct reclaim (docs/oom-path.md §4.6). A generator, because it
 * sleeps `congestion_wait(WRITE, HZ/10)` between its later passes, and time must pass
 * (kswapd runs, victims exit) while it does.
 *
 * Its return value is `did_some_progress`:
 * 1 as soon as a pass ends with at least SWAP_CLUSTER_MAX pages reclaimed in this call;
 * otherwise, after the priority-0 pass, 1 if that pass reached some zone not flagged
 * `all_unreclaimable`, and 0 if every eligible zone was flagged (or none was eligible).
 * Direct reclaim never sets the flag itself: only kswapd does (kswapd.ts).
 */

import type { AllocContext } from "./context.js";
import { cpusetZoneAllowedHardwall } from "./cpuset.js";
import type { AllocRequest } from "./events.js";
import { __GFP_FS, __GFP_HARDWALL, __GFP_IO, DEF_PRIORITY, SWAP_CLUSTER_MAX } from "./gfp.js";
import { shrinkZone, shrinkZoneScanCount } from "./shrink-zone.js";
import { type MemoryModel, populatedZone, type Zone } from "./zone.js";

/** `congestion_wait(WRITE, HZ/div)` in jiffies; a zero timeout still waits for the next tick. */
export function congestionWaitJiffies(hz: number, div: number): number {
  return Math.max(1, Math.floor(hz / div));
}

export function* tryToFreePages(
  mem: MemoryModel,
  ctx: AllocContext,
  zonelist: readonly Zone[],
  gfp: number,
): Generator<AllocRequest, number, unknown> {
  const maySwap = (gfp & (__GFP_IO | __GFP_FS)) !== 0;
  const mayWrite = (gfp & __GFP_FS) !== 0;
  let nrReclaimed = 0;
  let totalScanned = 0;
  let allUnreclaimable = true;
  for (let priority = DEF_PRIORITY; priority >= 0; priority--) {
    // shrink_zones()
    let passScanned = 0;
    allUnreclaimable = true;
    for (const zone of zonelist) {
      if (!populatedZone(zone)) continue;
      if (!cpusetZoneAllowedHardwall(ctx, zone, __GFP_HARDWALL)) continue;
      // Let kswapd poll a zone it has given up on.
      if (zone.allUnreclaimable && priority !== DEF_PRIORITY) continue;
      allUnreclaimable = false;
      const scanned = shrinkZoneScanCount(zone, priority);
      nrReclaimed += shrinkZone(mem, zone, scanned, maySwap, mayWrite);
      passScanned += scanned;
    }
    // shrink_slab(): the model's slab caches free nothing (§4.9).
    totalScanned += passScanned;
    yield {
      kind: "event",
      event: { type: "reclaim.pass", pid: ctx.pid, priority, nrScanned: totalScanned, nrReclaimed },
    };
    if (nrReclaimed >= SWAP_CLUSTER_MAX) {
      return yield* done(ctx, 1, totalScanned, nrReclaimed);
    }
    if (passScanned > 0 && priority < DEF_PRIORITY - 2) {
      yield { kind: "sleep", jiffies: congestionWaitJiffies(mem.hz, 10), reason: "reclaim" };
    }
  }
  // The top-priority pass still found zones to work: do not declare OOM.
  return yield* done(ctx, allUnreclaimable ? 0 : 1, totalScanned, nrReclaimed);
}

function* done(
  ctx: AllocContext,
  didSomeProgress: number,
  nrScanned: number,
  nrReclaimed: number,
): Generator<AllocRequest, number, unknown> {
  yield {
    kind: "event",
    event: { type: "reclaim.done", pid: ctx.pid, didSomeProgress, nrScanned, nrReclaimed },
  };
  return didSomeProgress;
}
