/**
 * The per-CPU page lists' limits (mm/page_alloc.c `zone_batchsize`, `setup_pageset`),
 * which show_mem() prints for every zone and CPU. The model keeps the lists themselves
 * empty (docs/oom-path.md §4.9): every free reaches the buddy lists at once, so each list's count
 * (`usd`) is 0; `high` and `batch` are what 2.6.20 would have set.
 */

/** One per-CPU list: `per_cpu_pages.high` and `.batch`. */
export interface PerCpuPages {
  readonly high: number;
  readonly batch: number;
}

/** `per_cpu_pageset.pcp[0]` (hot) and `pcp[1]` (cold). */
export interface Pageset {
  readonly hot: PerCpuPages;
  readonly cold: PerCpuPages;
}

/** `fls(x)` for 0 <= x < 2^32: the 1-based position of the highest set bit, 0 for 0. */
function fls(x: number): number {
  return 32 - Math.clz32(x);
}

/**
 * `zone_batchsize(zone)`: about a thousandth of the zone, at most 512 KiB of pages, a
 * quarter of that, at least 1, then rounded down to 2^n - 1 (so a tiny zone gets 0).
 */
export function zoneBatchsize(presentPages: number): number {
  let batch = Math.floor(presentPages / 1024);
  if (batch * 4096 > 512 * 1024) batch = (512 * 1024) / 4096;
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  return 2 ** (fls(batch + Math.floor(batch / 2)) - 1) - 1;
}

/** `setup_pageset(p, batch)`: hot list 6·batch high, cold list 2·batch, batches at least 1. */
export function setupPageset(batch: number): Pageset {
  return {
    hot: { high: 6 * batch, batch: Math.max(1, batch) },
    cold: { high: 2 * batch, batch: Math.max(1, Math.floor(batch / 2)) },
  };
}
