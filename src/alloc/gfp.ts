/**
 * GFP bits, ALLOC_* flags and `gfp_zone()` of 2.6.20 (docs/oom-path.md §4.1, §4.4, §12), as plain
 * numbers so that the allocator's fast path tests them with single bit operations.
 */

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_COLD = 0x100;
export const __GFP_NOWARN = 0x200;
export const __GFP_REPEAT = 0x400;
export const __GFP_NOFAIL = 0x800;
export const __GFP_NORETRY = 0x1000;
export const __GFP_NO_GROW = 0x2000;
export const __GFP_COMP = 0x4000;
export const __GFP_ZERO = 0x8000;
export const __GFP_NOMEMALLOC = 0x10000;
export const __GFP_HARDWALL = 0x20000;
export const __GFP_THISNODE = 0x40000;

export const GFP_NOWAIT = 0;
export const GFP_ATOMIC = __GFP_HIGH;
export const GFP_NOIO = __GFP_WAIT;
export const GFP_NOFS = __GFP_WAIT | __GFP_IO;
export const GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS;
export const GFP_USER = GFP_KERNEL | __GFP_HARDWALL;
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;
/** A fresh anonymous page of a write fault (docs/oom-path.md §4.1). */
export const GFP_HIGHUSER_ZERO = GFP_HIGHUSER | __GFP_ZERO;
/** The three bits whose conjunction is `GFP_THISNODE` on a NUMA build (docs/oom-path.md §4.1). */
export const GFP_THISNODE_BITS = __GFP_THISNODE | __GFP_NOWARN | __GFP_NORETRY;

export const ALLOC_NO_WATERMARKS = 0x01;
export const ALLOC_WMARK_MIN = 0x02;
export const ALLOC_WMARK_LOW = 0x04;
export const ALLOC_WMARK_HIGH = 0x08;
export const ALLOC_HARDER = 0x10;
export const ALLOC_HIGH = 0x20;
export const ALLOC_CPUSET = 0x40;

/** `MAX_ORDER`: orders 0..10 exist. */
export const MAX_ORDER = 11;
/** `MAX_NR_ZONES` on both architectures modelled. */
export const MAX_NR_ZONES = 3;
/** The literal order limit of the retry decision (no PAGE_ALLOC_COSTLY_ORDER in 2.6.20). */
export const RETRY_ORDER_LIMIT = 3;
export const SWAP_CLUSTER_MAX = 32;
export const DEF_PRIORITY = 12;

export type Arch = "x86_64" | "i386";
export type ZoneName = "DMA" | "DMA32" | "Normal" | "HighMem";

/** Zone type indices (docs/oom-path.md §4.2). */
export const ZONE_DMA = 0;
export const ZONE_DMA32_X86_64 = 1;
export const ZONE_NORMAL_X86_64 = 2;
export const ZONE_NORMAL_I386 = 1;
export const ZONE_HIGHMEM_I386 = 2;

/** Zone names by type index for each architecture. */
export function zoneNames(arch: Arch): readonly ZoneName[] {
  return arch === "x86_64" ? ["DMA", "DMA32", "Normal"] : ["DMA", "Normal", "HighMem"];
}

/** The ZONE_NORMAL index of the architecture. */
export function zoneNormal(arch: Arch): number {
  return arch === "x86_64" ? ZONE_NORMAL_X86_64 : ZONE_NORMAL_I386;
}

/** True for the HIGHMEM zone type (only i386 has one). */
export function isHighmemType(arch: Arch, type: number): boolean {
  return arch === "i386" && type === ZONE_HIGHMEM_I386;
}

/**
 * `gfp_zone(gfp)`: DMA if `__GFP_DMA`; else DMA32 if `__GFP_DMA32` and the arch has it;
 * else HIGHMEM if `__GFP_HIGHMEM` and the arch has it; else NORMAL (docs/oom-path.md §4.1).
 */
export function gfpZone(arch: Arch, gfp: number): number {
  if (gfp & __GFP_DMA) return ZONE_DMA;
  if (arch === "x86_64") {
    if (gfp & __GFP_DMA32) return ZONE_DMA32_X86_64;
    return ZONE_NORMAL_X86_64;
  }
  if (gfp & __GFP_HIGHMEM) return ZONE_HIGHMEM_I386;
  return ZONE_NORMAL_I386;
}
