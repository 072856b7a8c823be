/**
 * One select_bad_process() (badness() for every task) over generated snapshots of 10^4,
 * 10^5 and 10^6 tasks, and the heap the compiled state holds per task.
 * Targets on one core: <= 25, 45 and 150 ns/task; <= 300 heap bytes per task.
 */

import { settledHeapBytes, timeSelection } from "../src/cli/measure.js";
import { compileState, type OomState } from "../src/oom/state.js";
import { generateSnapshot } from "../src/snapshot/generate.js";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: number;
  /** The target is a lower bound (default: an upper bound). */
  atLeast?: boolean;
}

const TARGET_NS: Readonly<Record<number, number>> = { 10000: 25, 100000: 45, 1000000: 150 };

function loadState(tasks: number): OomState {
  // The snapshot object is dropped when this returns; only the compiled state stays.
  return compileState(generateSnapshot({ tasks, seed: 20070204 }));
}

export async function benchOom(
  sizes: readonly number[] = [10000, 100000, 1000000],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const tasks of sizes) {
    const before = settledHeapBytes();
    let state: OomState | null = loadState(tasks);
    const heapPerTask = (settledHeapBytes() - before) / tasks;
    const timing = timeSelection(state, Math.max(15, Math.round(4e6 / tasks)));
    state = null;
    rows.push({
      name: `select_bad_process, ${tasks} tasks: best`,
      value: timing.nsPerTask,
      unit: "ns/task",
      target: TARGET_NS[tasks],
    });
    rows.push({
      name: `select_bad_process, ${tasks} tasks: median`,
      value: timing.medianNsPerTask,
      unit: "ns/task",
    });
    rows.push({
      name: `compiled state, ${tasks} tasks`,
      value: heapPerTask,
      unit: "heap bytes/task",
      target: 300,
    });
    rows.push({
      name: `fast selection equals the bigint one, ${tasks} tasks`,
      value: timing.exact ? 1 : 0,
      unit: "bool",
      target: 1,
    });
  }
  return rows;
}
