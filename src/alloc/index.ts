/**
 * The page allocator of 2.6.20 as far as the OOM story needs it (docs/oom-path.md §4): memory model,
 * watermarks, zonelists, `__alloc_pages`, direct reclaim and kswapd.
 */

export * from "./alloc-pages.js";
export type * from "./context.js";
export * from "./cpuset.js";
export type * from "./events.js";
export * from "./free-area-init.js";
export * from "./freelist.js";
export * from "./gfp.js";
export * from "./kswapd.js";
export * from "./machine.js";
export * from "./pages.js";
export * from "./pageset.js";
export * from "./shrink-zone.js";
export * from "./try-to-free-pages.js";
export * from "./watermarks.js";
export * from "./zone.js";
export * from "./zone-reclaim.js";
export * from "./zonelist.js";
