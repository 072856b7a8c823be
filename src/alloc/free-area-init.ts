/**
 * Zone sizes at boot (mm/page_alloc.c `free_area_init_nodes`, `free_area_init_core`):
 * how much of a zone's RAM becomes `present_pages`.
 *
 * `free_area_init_nodes(max_zone_pfn)` cuts the machine's RAM at the architecture's zone
 * boundaries (i386 `zone_sizes_init`, x86_64 `paging_init`): a zone spans the page
 * frames from the previous zone's end to its own `max_zone_pfn`. The model's RAM has no
 * holes: i386 registers one active range from pfn 0 to the end of memory; x86_64 would
 * register the e820 map's, which the model takes as one range too.
 *
 * `free_area_init_core` then charges each zone, HighMem included, with the `struct page`
 * array that describes it, `(spanned * sizeof(struct page)) >> PAGE_SHIFT` pages (left
 * as it is, with a warning, when that is more than the zone), and the first zone also
 * with `dma_reserve`, the pages x86_64's `reserve_bootmem_generic` set aside below 16
 * MiB before the zones were sized (kernel image, boot page tables, BIOS pages; i386
 * never calls `set_dma_reserve`). What is left is `present_pages`, on which the
 * watermarks, `min_free_kbytes` and the per-CPU batch sizes are computed.
 */

import type { Arch } from "./gfp.js";

export const PAGE_SHIFT = 12;

/** `sizeof(struct page)` in 2.6.20 without debugging options: 32 bytes on i386, 56 on x86_64. */
export const STRUCT_PAGE_BYTES: Readonly<Record<Arch, number>> = { i386: 32, x86_64: 56 };

/** `MAX_DMA_PFN`: 16 MiB, the end of ZONE_DMA on both architectures. */
export const MAX_DMA_PFN = 4096;
/** x86_64 `MAX_DMA32_PFN`: 4 GiB. */
export const MAX_DMA32_PFN = 1048576;
/** i386 `MAXMEM_PFN` (1 GiB of kernel space less the 128 MiB vmalloc reserve): low memory ends here. */
export const I386_MAXMEM_PFN = 229376;

/**
 * `max_zone_pfns[]` for a machine whose RAM ends at `endPfn`: x86_64 {DMA, DMA32, Normal}
 * = {MAX_DMA_PFN, MAX_DMA32_PFN, end_pfn}; i386 {DMA, Normal, HighMem} = {MAX_DMA_PFN,
 * max_low_pfn, highend_pfn}, where max_low_pfn is the end of RAM capped at MAXMEM_PFN.
 */
export function maxZonePfns(arch: Arch, endPfn: number): number[] {
  if (arch === "x86_64") return [MAX_DMA_PFN, MAX_DMA32_PFN, endPfn];
  return [MAX_DMA_PFN, Math.min(endPfn, I386_MAXMEM_PFN), endPfn];
}

/**
 * `zone_spanned_pages_in_node` for every zone type of a node whose RAM is the page
 * frames [startPfn, endPfn): zone i spans [max(max_zone_pfn[i-1], start),
 * min(max(max_zone_pfn[i], its low end), end)), or nothing.
 */
export function zoneSpannedPages(arch: Arch, startPfn: number, endPfn: number): number[] {
  const highest = maxZonePfns(arch, endPfn);
  const out: number[] = [];
  let lowest = 0;
  for (const max of highest) {
    const hi = Math.max(max, lowest);
    const zoneStart = Math.max(lowest, startPfn);
    const zoneEnd = Math.min(hi, endPfn);
    out.push(zoneEnd > zoneStart ? zoneEnd - zoneStart : 0);
    lowest = hi;
  }
  return out;
}

/** The `mem_map` pages `free_area_init_core` charges to a zone spanning `spanned` pages. */
export function memmapPages(arch: Arch, spanned: number): number {
  // spanned < 2^40 and sizeof(struct page) < 2^6: the product stays below 2^53.
  return Math.floor((spanned * STRUCT_PAGE_BYTES[arch]) / 2 ** PAGE_SHIFT);
}

/**
 * `free_area_init_core`'s `realsize` of the zone of type `type` spanning `spanned` pages
 * of RAM without holes: less its mem_map when that fits, and the first zone less
 * `dmaReserve` when it is larger than that.
 */
export function zonePresentPages(
  arch: Arch,
  type: number,
  spanned: number,
  dmaReserve: number,
): number {
  let realsize = spanned;
  const memmap = memmapPages(arch, spanned);
  if (realsize >= memmap) realsize -= memmap;
  if (type === 0 && realsize > dmaReserve) realsize -= dmaReserve;
  return realsize;
}
