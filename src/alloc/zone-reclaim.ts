/**
 * `zone_reclaim(zone, gfp, order)` (NUMA, `zone_reclaim_mode` != 0; docs/oom-path.md §4.4 step 3):
 * reclaim a little from a zone that failed its watermark before falling back to the next
 * zone. Synchronous (it never sleeps), so it can run inside `get_page_from_freelist`.
 *
 * Model: the zone's page cache (clean and dirty) stands for its unmapped file pages;
 * reclaimable slab is always 0. A zone reclaim is never in progress when another starts
 * (one task at a time, §4.9), so that refusal cannot arise.
 */

import { PF_MEMALLOC } from "../kernel/constants.js";
import type { AllocContext } from "./context.js";
import { __GFP_FS, __GFP_IO, __GFP_WAIT } from "./gfp.js";
import { shrinkZone, shrinkZoneScanCount } from "./shrink-zone.js";
import type { MemoryModel, Zone } from "./zone.js";

/** `ZONE_RECLAIM_PRIORITY`. */
export const ZONE_RECLAIM_PRIORITY = 4;
/** `RECLAIM_WRITE` and `RECLAIM_SWAP` bits of zone_reclaim_mode. */
export const RECLAIM_WRITE = 2;
export const RECLAIM_SWAP = 4;
/** `sysctl_min_unmapped_ratio` (percent). */
export const MIN_UNMAPPED_RATIO = 1;

/** True when at least 2^order pages were reclaimed from the zone. */
export function zoneReclaim(
  mem: MemoryModel,
  ctx: AllocContext,
  zone: Zone,
  gfp: number,
  order: number,
): boolean {
  const minUnmappedPages = Math.floor((zone.presentPages * MIN_UNMAPPED_RATIO) / 100);
  const unmappedFilePages = zone.cleanCachePages + zone.dirtyCachePages;
  // Reclaimable slab (0) is always at or below min_slab_pages: the file pages decide.
  if (unmappedFilePages <= minUnmappedPages) return false;
  if (!(gfp & __GFP_WAIT) || zone.allUnreclaimable || ctx.flags & PF_MEMALLOC) return false;
  if (zone.node.hasCpus && zone.nodeId !== ctx.cpuNode) return false;
  return zoneReclaimPasses(mem, zone, gfp, order);
}

/** `__zone_reclaim`: shrink the zone at priorities 4..0 until 2^order pages are back. */
function zoneReclaimPasses(mem: MemoryModel, zone: Zone, gfp: number, order: number): boolean {
  const nrPages = 2 ** order;
  const maySwap = (mem.zoneReclaimMode & RECLAIM_SWAP) !== 0 && (gfp & (__GFP_IO | __GFP_FS)) !== 0;
  const mayWrite = (mem.zoneReclaimMode & RECLAIM_WRITE) !== 0 && (gfp & __GFP_FS) !== 0;
  let nrReclaimed = 0;
  for (let priority = ZONE_RECLAIM_PRIORITY; priority >= 0 && nrReclaimed < nrPages; priority--) {
    nrReclaimed += shrinkZone(mem, zone, shrinkZoneScanCount(zone, priority), maySwap, mayWrite);
  }
  return nrReclaimed >= nrPages;
}
