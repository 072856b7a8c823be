/**
 * The machine's memory: nodes (`pg_data_t`), their zones and the few globals the page
 * allocator reads (docs/oom-path.md §2, §4.2). Plain mutable records with one shape each, so that the
 * allocator's fast path is a handful of property reads.
 *
 * Free lists: the model does not track page frames (the simulator charges pages to mms
 * per zone, not by frame number), so it cannot know which freed page is whose buddy. It
 * assumes perfect merging instead: the free area of a zone is always the canonical
 * binary layout of `freePages` (`nrFree(zone, o)`), which is exactly what the kernel's
 * `__rmqueue` split and `__free_one_page` merge produce when every freed block finds its
 * buddy free. For order-0 allocations this is the same as §4.9's "every page is an
 * order-0 block", since `zone_watermark_ok` reads per-order counts only for order >= 1.
 * Higher orders therefore never fail from fragmentation, only from too few free pages.
 */

import type { Arch, ZoneName } from "./gfp.js";
import type { Pageset } from "./pageset.js";

/** What a used page is: decides whether and how reclaim can free it (docs/oom-path.md §4.9). */
export type PageUse = "anon" | "cleanCache" | "dirtyCache" | "kernel";

export interface Zone {
  /** Global zone index: position in `MemoryModel.zones` (node order, then type). */
  readonly id: number;
  readonly nodeId: number;
  readonly node: PgData;
  /** Zone type index (x86_64: DMA 0, DMA32 1, Normal 2; i386: DMA 0, Normal 1, HighMem 2). */
  readonly type: number;
  readonly name: ZoneName;
  readonly highmem: boolean;
  /** `spanned_pages`: the page frames of RAM the zone covers (the model's RAM has no holes). */
  readonly spannedPages: number;
  /** `present_pages`: spanned less the mem_map and reserved pages (free-area-init.ts). */
  readonly presentPages: number;
  /** The limits of every online CPU's page lists for this zone (the same for all CPUs). */
  readonly pageset: Pageset;
  freePages: number;
  pagesMin: number;
  pagesLow: number;
  pagesHigh: number;
  /** `lowmem_reserve[classzone_idx]`, length MAX_NR_ZONES. */
  readonly lowmemReserve: number[];
  /** Resident anonymous pages (on the LRU; reclaimable only to free swap with __GFP_IO). */
  anonPages: number;
  /** Anonymous pages charged to this zone that reclaim has moved to swap (not resident). */
  anonSwappedPages: number;
  /** Clean page cache (on the LRU; freed by any reclaim pass that scans it). */
  cleanCachePages: number;
  /** Dirty page cache (on the LRU; written back, becoming clean, by reclaim with __GFP_FS). */
  dirtyCachePages: number;
  /** Pages the kernel itself holds (slab, page tables, drivers): never reclaimed. */
  kernelPages: number;
  pagesScanned: number;
  allUnreclaimable: boolean;
}

export type KswapdState = "sleeping" | "woken" | "running";

/** One NUMA node (`pg_data_t`). */
export interface PgData {
  readonly id: number;
  /** The node's zones by type, populated or not (length MAX_NR_ZONES). */
  readonly zones: Zone[];
  /** The node has CPUs (`node_to_cpumask` not empty). */
  readonly hasCpus: boolean;
  /** `node_zonelists[type]`, filled by `buildAllZonelists`. */
  readonly zonelists: Zone[][];
  kswapdMaxOrder: number;
  /**
   * `sleeping`: on its wait queue (`wakeup_kswapd` may wake it); `woken`: woken, the
   * caller must start `kswapd(mem, node)` at the next tick; `running`: inside that
   * generator (a wake-up now only raises `kswapdMaxOrder`).
   */
  kswapdState: KswapdState;
}

export interface MemoryModel {
  readonly arch: Arch;
  readonly bits: 32 | 64;
  readonly hz: number;
  /** CONFIG_NUMA. */
  readonly numa: boolean;
  /** Online nodes in id order. */
  readonly nodes: PgData[];
  /** Every zone, populated or not, `zones[z.id] === z`. */
  readonly zones: Zone[];
  /** `node_distance(a, b)` by node id. */
  readonly distance: (a: number, b: number) => number;
  minFreeKbytes: number;
  /** `sysctl_lowmem_reserve_ratio` (ratios below 1 are forced to 1 when used). */
  readonly lowmemReserveRatio: number[];
  /** `zone_reclaim_mode` (NUMA): 0 off; bit 1 zone, 2 write, 4 swap. */
  zoneReclaimMode: number;
  /** The highest populated zone type (mempolicy `policy_zone`). */
  policyZone: number;
  readonly swapTotalPages: number;
  swapFreePages: number;
  /** Online CPUs (`for_each_online_cpu` is 0 .. cpus-1). */
  readonly cpus: number;
  /** `swap_cache_info.add_total` and `.del_total`: pages put into and taken out of the swap cache. */
  swapCacheAddTotal: number;
  swapCacheDelTotal: number;
}

/** A zone is populated when it has present pages. */
export function populatedZone(zone: Zone): boolean {
  return zone.presentPages > 0;
}

/** `nr_active + nr_inactive`: the LRU pages of the zone. */
export function lruPages(zone: Zone): number {
  return zone.anonPages + zone.cleanCachePages + zone.dirtyCachePages;
}

/** Pages in use (present minus free). */
export function usedPages(zone: Zone): number {
  return zone.anonPages + zone.cleanCachePages + zone.dirtyCachePages + zone.kernelPages;
}

/** `free_area[order].nr_free` of the canonical free layout (see the file comment). */
export function nrFree(zone: Zone, order: number): number {
  return canonicalNrFree(zone.freePages, order);
}

/** Blocks of `order` in the canonical layout of `freePages` free pages. */
export function canonicalNrFree(freePages: number, order: number): number {
  const blocks = Math.floor(freePages / 2 ** order);
  return order >= 10 ? blocks : blocks % 2;
}

/** `free_area[0..10].nr_free`, for show_mem and snapshots. */
export function freeArea(zone: Zone): number[] {
  const out: number[] = [];
  for (let o = 0; o <= 10; o++) out.push(nrFree(zone, o));
  return out;
}

/** The zone of `node` and `type`, or undefined when the node is not online. */
export function findZone(mem: MemoryModel, nodeId: number, type: number): Zone | undefined {
  for (const node of mem.nodes) if (node.id === nodeId) return node.zones[type];
  return undefined;
}

/** The online node with this id. */
export function findNode(mem: MemoryModel, nodeId: number): PgData | undefined {
  for (const node of mem.nodes) if (node.id === nodeId) return node;
  return undefined;
}
