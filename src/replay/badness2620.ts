/**
 * What Linux 2.6.20's `badness()` would make of a report's task table (spec §5.1, §6), from
 * the only inputs a report carries: `total_vm`, whether the uid is 0, and the adjustment.
 * Everything else the 2.6.20 heuristic reads is unknown here and taken as neutral; the
 * assumptions are listed by `BADNESS_2620_ASSUMPTIONS` so renderings can state them.
 */

export const ULONG_MAX_64 = (1n << 64n) - 1n;
export const OOM_DISABLE = -17;

export interface Badness2620Input {
  pid: number;
  totalVmPages: bigint;
  /** uid 0 (the report shows the real uid; 2.6.20 tests uid, euid or CAP_SYS_ADMIN). */
  root: boolean;
  /** -17 .. 15. */
  oomkilladj: number;
}

export const BADNESS_2620_ASSUMPTIONS: readonly string[] = [
  "64-bit unsigned long (x86_64)",
  "children: not in the report; none assumed (2.6.20 adds total_vm/2 + 1 per child with its own mm)",
  "cpu time and run time: not in the report; assumed too small to divide (cpu_time < one unit, run time < 1024 s)",
  "nice: not in the report; assumed 0 (no doubling)",
  "capabilities: uid 0 taken as root (divide by 4); CAP_SYS_RAWIO assumed absent (a real root process usually has it: another divide by 4)",
  "cpuset: assumed to overlap the allocating task's (no divide by 8)",
  "PF_SWAPOFF, PF_EXITING, TIF_MEMDIE: assumed clear; each row is one task",
];

/** spec §5.1 steps 2 and 10-13 with the unknown steps 3-9, 11 and 12 neutral. */
export function badness2620(input: Badness2620Input): bigint {
  // Step 2: points = total_vm (a ulong; a negative or huge table value is reduced mod 2^64).
  let points = input.totalVmPages & ULONG_MAX_64;
  // Step 10: root divisor, once.
  if (input.root) points /= 4n;
  // Step 13: the oomkilladj shift; high bits are lost on the left shift.
  const adj = input.oomkilladj;
  if (adj > 0) points = (points << BigInt(Math.min(adj, 63))) & ULONG_MAX_64;
  else if (adj < 0) points >>= BigInt(Math.min(-adj, 63));
  return points;
}

/**
 * spec §6 `select_bad_process` over the rows in table order: pid 1 and OOM_DISABLE are skipped,
 * the first candidate is chosen even at 0, later ones only with a strictly greater score.
 */
export function selectBadProcess2620(
  tasks: readonly Badness2620Input[],
): { index: number; points: bigint } | null {
  let chosen: { index: number; points: bigint } | null = null;
  tasks.forEach((task, index) => {
    if (task.pid === 1 || task.oomkilladj === OOM_DISABLE) return;
    const points = badness2620(task);
    if (chosen === null || points > chosen.points) chosen = { index, points };
  });
  return chosen;
}
