/**
 * Page bookkeeping outside the allocator: giving pages back to the free lists
 * (`__free_pages`), setting up boot-time usage, and moving page cache between clean and
 * dirty. Every function keeps `free + used = present` per zone (checked by
 * `checkConservation`).
 */

import type { MemoryModel, PageUse, Zone } from "./zone.js";

function usedOf(zone: Zone, use: PageUse): number {
  switch (use) {
    case "anon":
      return zone.anonPages;
    case "cleanCache":
      return zone.cleanCachePages;
    case "dirtyCache":
      return zone.dirtyCachePages;
    case "kernel":
      return zone.kernelPages;
  }
}

/** Adds `nrPages` to the zone's count of `use` (no check). */
export function chargePages(zone: Zone, use: PageUse, nrPages: number): void {
  switch (use) {
    case "anon":
      zone.anonPages += nrPages;
      return;
    case "cleanCache":
      zone.cleanCachePages += nrPages;
      return;
    case "dirtyCache":
      zone.dirtyCachePages += nrPages;
      return;
    case "kernel":
      zone.kernelPages += nrPages;
      return;
  }
}

function checkCount(nrPages: number): void {
  if (!Number.isSafeInteger(nrPages) || nrPages < 0) {
    throw new RangeError(`page count must be a non-negative integer, got ${nrPages}`);
  }
}

/**
 * Pages reaching the buddy lists: `free_pages` grows, and, as in `free_pages_bulk`,
 * `all_unreclaimable` is cleared and `pages_scanned` reset (docs/oom-path.md §4.6; per-CPU lists are
 * off, §4.9, so every free reaches the buddy lists at once).
 */
export function returnToFreeLists(zone: Zone, nrPages: number): void {
  if (nrPages === 0) return;
  zone.freePages += nrPages;
  zone.allUnreclaimable = false;
  zone.pagesScanned = 0;
}

/**
 * Of `nrPages` anonymous pages charged to a zone holding `anonPages` in RAM and
 * `anonSwappedPages` in swap, how many count as swapped: floor(n·swapped/total), the share
 * `freePages` gives back as swap slots.
 */
export function swappedShare(nrPages: number, anonPages: number, anonSwappedPages: number): number {
  if (anonSwappedPages === 0) return 0;
  return Math.floor((nrPages * anonSwappedPages) / (anonPages + anonSwappedPages));
}

/**
 * `__free_pages` of `nrPages` pages of `use` charged to `zone` (for a block of order k,
 * `nrPages = 2^k`; the canonical free layout makes the order irrelevant). Returns how
 * many pages reached the free lists.
 *
 * Anonymous pages: some of those charged to a zone may be in swap (`anonSwappedPages`).
 * The model does not know which mm's pages reclaim swapped out, so an mm giving back n
 * anonymous pages of a zone releases them in proportion: floor(n·swapped/total) swap
 * slots, the rest resident pages (never more than are resident).
 */
export function freePages(mem: MemoryModel, zone: Zone, use: PageUse, nrPages: number): number {
  checkCount(nrPages);
  if (use === "anon") {
    const total = zone.anonPages + zone.anonSwappedPages;
    if (nrPages > total) {
      throw new RangeError(
        `zone ${zone.id}: freeing ${nrPages} anonymous pages, only ${total} are charged`,
      );
    }
    const swapped = swappedShare(nrPages, zone.anonPages, zone.anonSwappedPages);
    const resident = nrPages - swapped;
    zone.anonSwappedPages -= swapped;
    mem.swapFreePages += swapped;
    zone.anonPages -= resident;
    returnToFreeLists(zone, resident);
    return resident;
  }
  if (nrPages > usedOf(zone, use)) {
    throw new RangeError(
      `zone ${zone.id}: freeing ${nrPages} ${use} pages, only ${usedOf(zone, use)} are in use`,
    );
  }
  chargePages(zone, use, -nrPages);
  returnToFreeLists(zone, nrPages);
  return nrPages;
}

/**
 * Boot-time setup: `nrPages` free pages become used as `use` without going through the
 * allocator (kernel image, initial page cache, memory of processes from a snapshot).
 */
export function takeFreePages(zone: Zone, use: PageUse, nrPages: number): void {
  checkCount(nrPages);
  if (nrPages > zone.freePages) {
    throw new RangeError(`zone ${zone.id}: taking ${nrPages} pages, only ${zone.freePages} free`);
  }
  zone.freePages -= nrPages;
  chargePages(zone, use, nrPages);
}

/** Writes to cached pages: up to `nrPages` clean cache pages become dirty; returns how many. */
export function dirtyCachePages(zone: Zone, nrPages: number): number {
  checkCount(nrPages);
  const n = Math.min(nrPages, zone.cleanCachePages);
  zone.cleanCachePages -= n;
  zone.dirtyCachePages += n;
  return n;
}

/** Writeback completes (pdflush, sync): up to `nrPages` dirty pages become clean. */
export function writebackCachePages(zone: Zone, nrPages: number): number {
  checkCount(nrPages);
  const n = Math.min(nrPages, zone.dirtyCachePages);
  zone.dirtyCachePages -= n;
  zone.cleanCachePages += n;
  return n;
}

/**
 * Page conservation: for every zone, free + anon + clean + dirty + kernel = present, all
 * counts non-negative integers; swap: free slots + swapped anonymous pages = swap size.
 * Returns a description of the first violation, or null.
 */
export function checkConservation(mem: MemoryModel): string | null {
  let swapped = 0;
  for (const z of mem.zones) {
    const counts = [
      z.freePages,
      z.anonPages,
      z.cleanCachePages,
      z.dirtyCachePages,
      z.kernelPages,
      z.anonSwappedPages,
      z.pagesScanned,
    ];
    for (const c of counts) {
      if (!Number.isSafeInteger(c) || c < 0) return `zone ${z.id} (${z.name}): bad count ${c}`;
    }
    const sum = z.freePages + z.anonPages + z.cleanCachePages + z.dirtyCachePages + z.kernelPages;
    if (sum !== z.presentPages) {
      return `zone ${z.id} (${z.name}): free + used = ${sum}, present = ${z.presentPages}`;
    }
    swapped += z.anonSwappedPages;
  }
  if (mem.swapFreePages < 0 || mem.swapFreePages + swapped !== mem.swapTotalPages) {
    return `swap: free ${mem.swapFreePages} + swapped ${swapped} != total ${mem.swapTotalPages}`;
  }
  return null;
}
