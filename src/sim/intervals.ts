/** Tick intervals of a run (time stalled in the allocator), as the summary and the metrics count them. Pure. */

/** Sorted, overlapping or touching intervals merged into one; with `gap`, also those at most `gap` apart. */
export function mergeIntervals(
  intervals: readonly [number, number][],
  gap = 0,
): [number, number][] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1] + gap) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The ticks covered by the union of `intervals`. */
export function unionTicks(intervals: readonly [number, number][]): number {
  let total = 0;
  for (const [a, b] of mergeIntervals(intervals)) total += b - a;
  return total;
}
