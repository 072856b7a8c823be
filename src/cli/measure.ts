/**
 * Measures what `oomkit bench` and `npm run bench` report: the time of one
 * `select_bad_process()` per task, and the heap the compiled state holds per task.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Selection, selectBadProcess } from "../oom/select_bad_process.js";
import { selectBadProcessExact } from "../oom/select_exact.js";
import type { OomState } from "../oom/state.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Bytes of JS heap plus ArrayBuffer memory after a full collection. */
export function settledHeapBytes(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export interface SelectionTiming {
  tasks: number;
  runs: number;
  bestNs: number;
  medianNs: number;
  nsPerTask: number;
  medianNsPerTask: number;
  /** The fast selection equals the all-bigint reference selection. */
  exact: boolean;
}

function sameSelection(a: Selection, b: Selection): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== "chosen" || b.kind !== "chosen") return true;
  return a.index === b.index && BigInt(a.points) === BigInt(b.points);
}

/** Times `selectBadProcess` (so `badness()` for every task) `repeat` times after a warm-up. */
export function timeSelection(state: OomState, repeat: number): SelectionTiming {
  const tasks = state.tasks.count;
  const warmups = Math.max(3, Math.min(50, Math.ceil(2e6 / Math.max(1, tasks))));
  let sink = 0;
  for (let k = 0; k < warmups; k++) {
    const sel = selectBadProcess(state);
    if (sel.kind === "chosen") sink += sel.index;
  }
  const samples: number[] = [];
  for (let k = 0; k < repeat; k++) {
    const t0 = process.hrtime.bigint();
    const sel = selectBadProcess(state);
    const t1 = process.hrtime.bigint();
    if (sel.kind === "chosen") sink += sel.index;
    samples.push(Number(t1 - t0));
  }
  samples.sort((a, b) => a - b);
  const bestNs = samples[0]!;
  const medianNs = samples[Math.floor(samples.length / 2)]!;
  const exact = sameSelection(selectBadProcess(state), selectBadProcessExact(state));
  if (sink < 0) throw new Error("unreachable");
  return {
    tasks,
    runs: repeat,
    bestNs,
    medianNs,
    nsPerTask: bestNs / Math.max(1, tasks),
    medianNsPerTask: medianNs / Math.max(1, tasks),
    exact,
  };
}
