/**
 * The simulator under load: a generated scenario of 10^5 tasks (25 000 processes of
 * four threads) and 10^6 page allocations, sized so that memory runs out near the end
 * (a few out_of_memory() calls, each snapshotting all 10^5 tasks). Reports events per second, wall seconds and the peak heap.
 * Targets on one core: under 10 s, peak heap under 500 MB.
 */

import { generateScenario } from "../src/sim/generate-scenario.js";
import { buildOomSnapshot } from "../src/sim/oom-snapshot.js";
import { scenarioSchema } from "../src/sim/scenario-schema.js";
import { setupSimulation } from "../src/sim/setup.js";

export interface SimBenchRow {
  name: string;
  value: number;
  unit: string;
  target?: number;
}

export async function benchSim(): Promise<SimBenchRow[]> {
  const doc = generateScenario({
    processes: 25000,
    threadsPerProcess: 4,
    allocations: 1_000_000,
    faultActions: 2000,
    memoryPages: 1_092_000,
    seconds: 100,
    seed: 20070204,
  });
  let peak = process.memoryUsage().heapUsed;
  const sample = () => {
    const h = process.memoryUsage().heapUsed;
    if (h > peak) peak = h;
  };
  let events = 0;
  let oomCalls = 0;
  const t0 = performance.now();
  const scenario = scenarioSchema.parse(doc);
  const sim = setupSimulation(
    scenario,
    () => {
      events += 1;
    },
    {
      file: "generated",
      onOomCall: () => {
        oomCalls += 1;
        sample();
      },
      onProgress: sample,
    },
  );
  const tasks = sim.k.tasks.size;
  const t1 = performance.now();
  // The kernel state at one out_of_memory() call, as the snapshot the OOM core reads.
  const current = sim.k.tasks.get(sim.k.pidMax - 1) ?? sim.k.init();
  const s0 = performance.now();
  buildOomSnapshot(sim.k, {
    current,
    gfpMask: 0x280d2,
    order: 0,
    zonelist: [{ node: 0, zone: "Normal" }],
    panicOnOom: 0,
    numa: false,
    cpusetsEnabled: true,
    nodes: sim.port.nodes,
    notifierFreed: 0,
    printkRatelimit: true,
    printkSuppressed: 0,
    mmUsage: (mm) => sim.port.anonSplit(mm.pagesByZone),
  });
  const snapshotSeconds = (performance.now() - s0) / 1000;
  const t1run = performance.now();
  sim.engine.run();
  const t2 = performance.now();
  const runSeconds = (t2 - t1run) / 1000;
  sample();
  const allocations = 1_000_000;
  const wall = (t2 - t0) / 1000;
  return [
    { name: `sim: tasks`, value: tasks, unit: "tasks" },
    { name: "sim: setup (validate, boot, fork the tree)", value: (t1 - t0) / 1000, unit: "s" },
    { name: "sim: OOM snapshot of the whole state", value: snapshotSeconds, unit: "s", target: 1 },
    { name: "sim: run", value: runSeconds, unit: "s" },
    { name: "sim: wall, setup + run", value: wall, unit: "s", target: 10 },
    { name: "sim: page allocations per second", value: allocations / runSeconds, unit: "allocs/s" },
    { name: "sim: stream events per second", value: events / runSeconds, unit: "events/s" },
    { name: "sim: out_of_memory() calls", value: oomCalls, unit: "calls" },
    { name: "sim: peak heap", value: peak / 2 ** 20, unit: "MB", target: 500 },
    { name: "sim: heap per task at peak", value: peak / tasks, unit: "bytes/task" },
  ];
}
