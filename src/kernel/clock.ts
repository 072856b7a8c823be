/**
 * The simulated clock (docs/oom-path.md §10): a jiffies counter that starts at INITIAL_JIFFIES and
 * wraps as a BITS-wide unsigned long, and the monotonic clock derived from it.
 *
 * The model counts `ticks` since boot as a plain number (it never wraps and never goes
 * backwards); `jiffies` is computed from it on demand, so the 32-bit wrap five minutes
 * after boot is exact without any state that could go wrong.
 */

import type { Bits } from "../snapshot/types.js";

/** `INITIAL_JIFFIES` = 2^32 - 300·HZ (the 32-bit value of -300·HZ, zero-extended on 64-bit). */
export function initialJiffies(hz: number): number {
  return 2 ** 32 - 300 * hz;
}

/** `jiffies` after `ticks` timer ticks since boot, as a ulong of the given width. */
export function jiffiesAt(ticks: number, hz: number, bits: Bits): number {
  const j = initialJiffies(hz) + ticks;
  return bits === 32 ? j % 2 ** 32 : j;
}

/** A ulong difference `a - b` of two jiffies values (wraps like C). */
export function jiffiesDiff(a: number, b: number, bits: Bits): number {
  const d = a - b;
  if (bits === 32) return ((d % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return d >= 0 ? d : 2 ** 64 + d; // only reachable for impossible 64-bit wraps
}

/**
 * Whole seconds and the microsecond remainder of the monotonic clock after `ticks`
 * (docs/oom-path.md §10: `(jiffies - INITIAL_JIFFIES) · 10^9 / HZ` nanoseconds).
 */
export function monotonicAt(ticks: number, hz: number): { seconds: number; micros: number } {
  const seconds = Math.floor(ticks / hz);
  const rest = ticks - seconds * hz;
  // rest < hz ≤ 1535, so rest * 10^6 is exact; floor of the exact nanoseconds / 1000.
  const micros = Math.floor((rest * 1_000_000) / hz);
  return { seconds, micros };
}

/** `uptime.tv_sec` as `select_bad_process` reads it. */
export function uptimeSeconds(ticks: number, hz: number): number {
  return Math.floor(ticks / hz);
}

/** The printk time prefix `[%5lu.%06lu] ` for a moment `ticks` after boot (docs/oom-path.md §11). */
export function printkTimePrefix(ticks: number, hz: number): string {
  const { seconds, micros } = monotonicAt(ticks, hz);
  return `[${String(seconds).padStart(5, " ")}.${String(micros).padStart(6, "0")}] `;
}

/** `DEF_TIMESLICE` and `MIN_TIMESLICE` and `task_timeslice(p)` of the O(1) scheduler (§10). */
export function taskTimeslice(staticPrio: number, hz: number): number {
  const def = Math.floor((100 * hz) / 1000);
  const min = Math.max(Math.floor((5 * hz) / 1000), 1);
  const scaled =
    staticPrio < 120
      ? Math.floor((def * 4 * (140 - staticPrio)) / 20)
      : Math.floor((def * (140 - staticPrio)) / 20);
  return Math.max(scaled, min);
}
