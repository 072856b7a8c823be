/**
 * The simulator under load: a generated scenario of 10^5 tasks (25 000 processes of
 * four threads) and 10^6 page allocations, sized so that memory runs out near the end
 * (a few out_of_memory() calls, each snapshotting all 10^5 tasks). Reports events per second, wall seconds and the peak heap.
 * Targets on one core: under 10 s, peak heap under 500 MB.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { generateScenario } from "../src/sim/generate-scenario.js";
import { buildOomSnapshot, plainOomCall } from "../src/sim/oom-snapshot.js";
import { scenarioSchema } from "../src/sim/scenario-schema.js";
import { setupSimulation } from "../src/sim/setup.js";
import { spawnMs } from "./spawn.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");

/** A scenario of `tasks` tasks (processes of four threads) and 10 page faults per task. */
function scenarioOf(tasks: number) {
  return generateScenario({
    processes: tasks / 4,
    threadsPerProcess: 4,
    allocations: tasks * 10,
    faultActions: Math.max(10, tasks / 100),
    memoryPages: tasks * 12,
    seconds: 100,
    seed: 20070204,
  });
}

/**
 * `oomkit sim FILE --summary` spawned, as a user runs it, on JSON and YAML scenarios of
 * 10^3 to 10^6 tasks, in the default heap. Target: the time per task at 10^6 within 1.5x
 * that at 10^4.
 */
export async function benchSimCli(
  sizes: readonly number[] = [1000, 10_000, 100_000, 1_000_000],
): Promise<SimBenchRow[]> {
  const rows: SimBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), "oomkit-bench-sim-"));
  try {
    const perTask = new Map<string, number>();
    for (const tasks of sizes) {
      const doc = scenarioOf(tasks);
      const files = { json: JSON.stringify(doc), yaml: stringify(doc) };
      for (const [format, text] of Object.entries(files)) {
        const file = join(dir, `s${tasks}.${format}`);
        writeFileSync(file, text);
        const runs = tasks <= 10_000 ? 3 : 1;
        let best = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
        let ok = true;
        for (let i = 0; i < runs; i++) {
          const r = spawnMs(process.execPath, [CLI, "sim", file, "--summary"]);
          ok &&= r.status === 0;
          if (r.wall < best.wall) best = r;
        }
        rmSync(file);
        const label = `sim ${format}, ${tasks.toLocaleString("en-US")} tasks`;
        rows.push({
          name: `${label}: runs in the default heap`,
          value: ok ? 1 : 0,
          unit: "bool",
          target: 1,
        });
        rows.push({ name: `${label}: wall`, value: best.wall / 1000, unit: "s" });
        rows.push({
          name: `${label}: wall per task`,
          value: (best.wall * 1000) / tasks,
          unit: "us/task",
        });
        rows.push({
          name: `${label}: CPU per task`,
          value: (best.cpu * 1000) / tasks,
          unit: "us/task",
        });
        perTask.set(`${format} ${tasks}`, best.wall / tasks);
      }
    }
    for (const format of ["json", "yaml"]) {
      const small = perTask.get(`${format} 10000`);
      const large = perTask.get(`${format} 1000000`);
      if (small === undefined || large === undefined) continue;
      rows.push({
        name: `sim ${format}: wall per task, 10^6 / 10^4`,
        value: large / small,
        unit: "ratio",
        target: 1.5,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

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
  buildOomSnapshot(sim.k, plainOomCall(sim.port, current, 0x280d2));
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
