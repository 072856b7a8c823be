/**
 * `shrink_zone(priority, zone, sc)` as the model needs it (docs/oom-path.md §4.6, §4.9): how many
 * LRU pages a pass scans, which of them it frees, and the `pages_scanned` bookkeeping.
 *
 * A pass at priority p scans `min(lru, (lru >> p) + 1)` pages (§4.9's default, capped so
 * an empty LRU scans nothing). Of that budget, in this order:
 * 1. clean page cache is freed;
 * 2. with `maySwap` (__GFP_IO or __GFP_FS) anonymous pages are written to free swap
 *    slots and freed (the write is taken as instantaneous): each one is added to the
 *    swap cache (`add_to_swap`) and, its write done, deleted from it before it is freed
 *    (`__delete_from_swap_cache`), which show_swap_cache_info() counts;
 * 3. with `mayWrite` (__GFP_FS) dirty page cache is written back: it becomes clean, to be
 *    freed by a later pass.
 * Nothing else is reclaimable (kernel pages; anonymous pages without swap). Scanned pages
 * are added to `pages_scanned` first; freed pages then reach the free lists, which clears
 * `all_unreclaimable` and resets `pages_scanned` (pages.ts).
 */

import { returnToFreeLists } from "./pages.js";
import { lruPages, type MemoryModel, type Zone } from "./zone.js";

/** Pages a pass at `priority` scans in the zone. */
export function shrinkZoneScanCount(zone: Zone, priority: number): number {
  const lru = lruPages(zone);
  return Math.min(lru, Math.floor(lru / 2 ** priority) + 1);
}

/** Works the zone with a scan budget of `scanned` pages; returns the pages freed. */
export function shrinkZone(
  mem: MemoryModel,
  zone: Zone,
  scanned: number,
  maySwap: boolean,
  mayWrite: boolean,
): number {
  zone.pagesScanned += scanned;
  let budget = scanned;
  const clean = Math.min(budget, zone.cleanCachePages);
  zone.cleanCachePages -= clean;
  budget -= clean;
  let swapped = 0;
  if (maySwap) {
    swapped = Math.min(budget, zone.anonPages, mem.swapFreePages);
    zone.anonPages -= swapped;
    zone.anonSwappedPages += swapped;
    mem.swapFreePages -= swapped;
    mem.swapCacheAddTotal += swapped;
    mem.swapCacheDelTotal += swapped;
    budget -= swapped;
  }
  if (mayWrite) {
    const written = Math.min(budget, zone.dirtyCachePages);
    zone.dirtyCachePages -= written;
    zone.cleanCachePages += written;
  }
  returnToFreeLists(zone, clean + swapped);
  return clean + swapped;
}
