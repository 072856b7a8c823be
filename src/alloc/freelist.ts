/**
 * `get_page_from_freelist(gfp, order, zonelist, alloc_flags)` (docs/oom-path.md §4.4) and the buddy
 * take (`buffered_rmqueue` / `__rmqueue`) on the canonical free layout of zone.ts.
 *
 * Not modelled: the NUMA zonelist cache (it changes which zone serves an allocation,
 * never whether one succeeds, §4.4) and per-CPU page lists (off, §4.9). Nothing here
 * allocates: this is the allocator's fast path.
 */

import type { AllocContext } from "./context.js";
import { cpusetZoneAllowedSoftwall } from "./cpuset.js";
import {
  __GFP_THISNODE,
  ALLOC_CPUSET,
  ALLOC_NO_WATERMARKS,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
} from "./gfp.js";
import { chargePages } from "./pages.js";
import { zoneWatermarkOk } from "./watermarks.js";
import type { MemoryModel, PageUse, Zone } from "./zone.js";
import { zoneReclaim } from "./zone-reclaim.js";

/**
 * `buffered_rmqueue`: take a block of 2^order pages. With the canonical layout a block
 * of at least that order exists exactly when `free_pages >= 2^order`; splitting it puts
 * the halves back as the layout demands.
 */
export function rmqueue(zone: Zone, order: number, use: PageUse): boolean {
  const nrPages = 2 ** order;
  if (zone.freePages < nrPages) return false;
  zone.freePages -= nrPages;
  chargePages(zone, use, nrPages);
  return true;
}

/**
 * Walk the zonelist and take 2^order pages from the first zone that passes the cpuset
 * and watermark tests; the pages are charged to that zone as `use`. Returns the zone, or
 * null when none could serve.
 */
export function getPageFromFreelist(
  mem: MemoryModel,
  ctx: AllocContext,
  gfp: number,
  order: number,
  zonelist: readonly Zone[],
  allocFlags: number,
  use: PageUse,
): Zone | null {
  if (zonelist.length === 0) return null;
  const classzone = zonelist[0].type;
  const firstNode = zonelist[0].nodeId;
  const thisNode = mem.numa && (gfp & __GFP_THISNODE) !== 0;
  for (let i = 0; i < zonelist.length; i++) {
    const zone = zonelist[i];
    if (thisNode && zone.nodeId !== firstNode) break;
    if (allocFlags & ALLOC_CPUSET && !cpusetZoneAllowedSoftwall(ctx, zone, gfp)) continue;
    if (!(allocFlags & ALLOC_NO_WATERMARKS)) {
      const mark =
        allocFlags & ALLOC_WMARK_MIN
          ? zone.pagesMin
          : allocFlags & ALLOC_WMARK_LOW
            ? zone.pagesLow
            : zone.pagesHigh;
      if (!zoneWatermarkOk(zone, order, mark, classzone, allocFlags)) {
        if (!mem.numa || mem.zoneReclaimMode === 0) continue;
        if (!zoneReclaim(mem, ctx, zone, gfp, order)) continue;
      }
    }
    if (rmqueue(zone, order, use)) return zone;
  }
  return null;
}
