/**
 * Watermarks and reserves (docs/oom-path.md §4.2): `min_free_kbytes` at boot, `setup_per_zone_pages_min`,
 * `setup_per_zone_lowmem_reserve` and `zone_watermark_ok`.
 */

import { intSqrtNumber } from "../kernel/int_sqrt.js";
import { ALLOC_HARDER, ALLOC_HIGH, GFP_USER, gfpZone, SWAP_CLUSTER_MAX } from "./gfp.js";
import { canonicalNrFree, type MemoryModel, type PgData, type Zone } from "./zone.js";

/**
 * `nr_free_buffer_pages()`: over the `GFP_USER` zonelist of the boot CPU's node, the sum of
 * `present_pages - pages_high` of the zones where that is positive.
 */
export function nrFreeBufferPages(mem: MemoryModel, bootNode: PgData): number {
  let sum = 0;
  for (const z of bootNode.zonelists[gfpZone(mem.arch, GFP_USER)]) {
    if (z.presentPages > z.pagesHigh) sum += z.presentPages - z.pagesHigh;
  }
  return sum;
}

/**
 * `init_per_zone_pages_min()`'s formula: `isqrt(lowmem_kbytes * 16)` clamped to
 * [128, 65536], with `lowmem_kbytes` = 4 × `nr_free_buffer_pages()` (taken while every
 * `pages_high` is still 0).
 */
export function bootMinFreeKbytes(lowmemPages: number): number {
  const v = intSqrtNumber(lowmemPages * 4 * 16);
  return Math.min(Math.max(v, 128), 65536);
}

/**
 * `setup_per_zone_pages_min()`: pages_min/low/high of every zone from `min_free_kbytes`.
 * HIGHMEM zones get `present/1024` clamped to [SWAP_CLUSTER_MAX, 128] as pages_min, but
 * their low and high deltas still come from the proportional share `tmp`.
 */
export function setupPerZonePagesMin(mem: MemoryModel): void {
  const pagesMinTotal = BigInt(Math.floor(mem.minFreeKbytes / 4));
  let lowmemPages = 0;
  for (const z of mem.zones) if (!z.highmem) lowmemPages += z.presentPages;
  for (const z of mem.zones) {
    // (u64)pages_min * present_pages / lowmem_pages: exact in bigint.
    const tmp =
      lowmemPages === 0
        ? 0
        : Number((pagesMinTotal * BigInt(z.presentPages)) / BigInt(lowmemPages));
    if (z.highmem) {
      z.pagesMin = Math.min(Math.max(Math.floor(z.presentPages / 1024), SWAP_CLUSTER_MAX), 128);
    } else {
      z.pagesMin = tmp;
    }
    z.pagesLow = z.pagesMin + Math.floor(tmp / 4);
    z.pagesHigh = z.pagesMin + Math.floor(tmp / 2);
  }
}

/**
 * `setup_per_zone_lowmem_reserve()`: for zone i and class j > i, the pages of zones
 * i+1..j of the same node divided by `lowmem_reserve_ratio[i]` (forced to at least 1).
 */
export function setupPerZoneLowmemReserve(mem: MemoryModel): void {
  for (let i = 0; i < mem.lowmemReserveRatio.length; i++) {
    if (mem.lowmemReserveRatio[i] < 1) mem.lowmemReserveRatio[i] = 1;
  }
  for (const node of mem.nodes) {
    const zones = node.zones;
    for (let j = 0; j < zones.length; j++) {
      let present = zones[j].presentPages;
      zones[j].lowmemReserve[j] = 0;
      for (let idx = j - 1; idx >= 0; idx--) {
        zones[idx].lowmemReserve[j] = Math.floor(present / mem.lowmemReserveRatio[idx]);
        present += zones[idx].presentPages;
      }
    }
  }
}

/**
 * Writing `vm.min_free_kbytes`: recomputes the watermarks (not lowmem_reserve), no clamp.
 */
export function setMinFreeKbytes(mem: MemoryModel, kbytes: number): void {
  if (!Number.isSafeInteger(kbytes) || kbytes < 0 || kbytes > 0x7fffffff) {
    throw new RangeError(`min_free_kbytes must be an integer from 0 to 2147483647, got ${kbytes}`);
  }
  mem.minFreeKbytes = kbytes;
  setupPerZonePagesMin(mem);
}

/**
 * `zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags)` with signed arithmetic
 * (docs/oom-path.md §4.2). ALLOC_HIGH halves the mark first, then ALLOC_HARDER takes a quarter off.
 */
export function zoneWatermarkOk(
  z: Zone,
  order: number,
  mark: number,
  classzoneIdx: number,
  allocFlags: number,
): boolean {
  return watermarkOk(z.freePages, z.lowmemReserve[classzoneIdx], null, order, mark, allocFlags);
}

/**
 * The arithmetic of `zone_watermark_ok` on explicit values: `freeArea[o]` is
 * `free_area[o].nr_free`, or null for the canonical layout of `freePages` (zone.ts).
 *
 * With the canonical layout the per-order loop never fails once step 3 has passed (the
 * blocks below `order` add up to less than 2^order); the loop is kept for other layouts.
 */
export function watermarkOk(
  freePages: number,
  lowmemReserve: number,
  freeArea: ArrayLike<number> | null,
  order: number,
  mark: number,
  allocFlags: number,
): boolean {
  let min = mark;
  let free = freePages - 2 ** order + 1;
  if (allocFlags & ALLOC_HIGH) min -= Math.floor(min / 2);
  if (allocFlags & ALLOC_HARDER) min -= Math.floor(min / 4);
  // The kernel compares unsigned here; for a negative `free` (order >= 1) the loop below
  // fails it anyway, so the signed comparison gives the same answer (docs/oom-path.md §4.2 step 3).
  if (free <= min + lowmemReserve) return false;
  for (let o = 0; o < order; o++) {
    const blocks = freeArea === null ? canonicalNrFree(freePages, o) : freeArea[o];
    free -= blocks * 2 ** o;
    min = Math.floor(min / 2);
    if (free <= min) return false;
  }
  return true;
}
