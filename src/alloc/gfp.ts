/**
 * GFP bits, ALLOC_* flags and `gfp_zone()` of 2.6.20 (docs/oom-path.md §4.1, §4.4, §12), as plain
 * numbers so that the allocator's fast path tests them with single bit operations.
 */

import { __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM } from "../kernel/gfp.js";

export {
  __GFP_COLD,
  __GFP_COMP,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_FS,
  __GFP_HARDWALL,
  __GFP_HIGH,
  __GFP_HIGHMEM,
  __GFP_IO,
  __GFP_NO_GROW,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_REPEAT,
  __GFP_THISNODE,
  __GFP_WAIT,
  __GFP_ZERO,
  GFP_ATOMIC,
  GFP_DMA,
  GFP_DMA32,
  GFP_HIGHUSER,
  GFP_HIGHUSER_ZERO,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_NOIO,
  GFP_NOWAIT,
  GFP_THISNODE_BITS,
  GFP_USER,
} from "../kernel/gfp.js";

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
