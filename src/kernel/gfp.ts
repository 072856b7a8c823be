/**
 * The GFP bits and composite masks of 2.6.20 (docs/oom-path.md §4.1): the one home of
 * their values, as plain numbers for the allocator's bit tests and as name tables for
 * the snapshot and scenario formats.
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

/** Every `__GFP_*` bit by name. */
export const GFP_BITS: Readonly<Record<string, number>> = {
  __GFP_DMA,
  __GFP_HIGHMEM,
  __GFP_DMA32,
  __GFP_WAIT,
  __GFP_HIGH,
  __GFP_IO,
  __GFP_FS,
  __GFP_COLD,
  __GFP_NOWARN,
  __GFP_REPEAT,
  __GFP_NOFAIL,
  __GFP_NORETRY,
  __GFP_NO_GROW,
  __GFP_COMP,
  __GFP_ZERO,
  __GFP_NOMEMALLOC,
  __GFP_HARDWALL,
  __GFP_THISNODE,
};

/** The composite masks by name; `GFP_THISNODE` is 0 without CONFIG_NUMA. */
export function gfpComposites(numa: boolean): Readonly<Record<string, number>> {
  return {
    GFP_NOWAIT,
    GFP_ATOMIC,
    GFP_NOIO,
    GFP_NOFS,
    GFP_KERNEL,
    GFP_USER,
    GFP_HIGHUSER,
    GFP_DMA,
    GFP_DMA32,
    GFP_THISNODE: numa ? GFP_THISNODE_BITS : 0,
  };
}
