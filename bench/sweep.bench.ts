/**
 * `oomkit sweep` on worker threads: 1,000 generated scenarios (every family in turn)
 * under the four default policies, once on one worker and once on two, as the command
 * runs them (src/cli/sweep-pool.ts), the workers' start included. Reports runs (one
 * scenario under one policy) per second for each, their ratio (target: two workers at
 * least 1.7 times one) and the largest heap a worker held. On a machine whose cores
 * others use too, the ratio is noisy: a busy core slows one of the two workers and
 * not the single one. SWEEP_BENCH_SCENARIOS sets another number of scenarios.
 */

import { runSweepPool } from "../src/cli/sweep-pool.js";
import { FAMILY_NAMES } from "../src/sweep/families.js";
import type { SweepSpec } from "../src/sweep/sweep.js";
import type { BenchRow } from "./oom.bench.js";

const TARGET_RATIO = 1.7;

async function timed(spec: SweepSpec, workers: number) {
  let runs = 0;
  const t0 = performance.now();
  const stats = await runSweepPool(spec, { first: 0, end: spec.scenarios }, workers, (lines) => {
    runs += lines.length;
  });
  const seconds = (performance.now() - t0) / 1000;
  return { runs, seconds, perSecond: runs / seconds, peakHeap: Math.max(...stats.peakHeapBytes) };
}

export async function benchSweep(): Promise<BenchRow[]> {
  const scenarios = Number(process.env.SWEEP_BENCH_SCENARIOS ?? 1000);
  const spec: SweepSpec = {
    seed: 20070204,
    scenarios,
    families: [...FAMILY_NAMES],
    policies: ["2.6.20", "modern", "largest-rss", "guard"],
    windowSeconds: 30,
  };
  const one = await timed(spec, 1);
  const two = await timed(spec, 2);
  if (one.runs !== two.runs) throw new Error(`runs differ: ${one.runs} and ${two.runs}`);
  const ratio = two.perSecond / one.perSecond;
  process.stdout.write(
    `sweep: ${scenarios} scenarios x 4 policies, ${one.runs} runs; 2 workers against 1: ` +
      `${ratio.toFixed(2)}x ${ratio >= TARGET_RATIO ? "PASS" : "MISS"} (target >= ${TARGET_RATIO}x; ` +
      "noisy where other processes share the cores)\n",
  );
  const mb = (bytes: number) => bytes / 2 ** 20;
  return [
    { name: "sweep: 1 worker, wall", value: one.seconds, unit: "s" },
    { name: "sweep: 1 worker, runs per second", value: one.perSecond, unit: "runs/s" },
    { name: "sweep: 2 workers, wall", value: two.seconds, unit: "s" },
    { name: "sweep: 2 workers, runs per second", value: two.perSecond, unit: "runs/s" },
    {
      name: "sweep: 2 workers against 1",
      value: ratio,
      unit: "x",
      target: TARGET_RATIO,
      atLeast: true,
    },
    { name: "sweep: peak heap of a worker, 1 worker", value: mb(one.peakHeap), unit: "MB" },
    { name: "sweep: peak heap of a worker, 2 workers", value: mb(two.peakHeap), unit: "MB" },
  ];
}
