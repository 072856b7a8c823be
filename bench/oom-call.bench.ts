/**
 * One simulated `out_of_memory()` call at 10^5 tasks (25 000 processes of four threads),
 * by both routes side by side, interleaved so that a noisy moment falls on both alike:
 * the document route (the `oomkit.snapshot/1` document of the kernel state, compiled to
 * the core's typed arrays) and the direct route (the typed arrays compiled straight from
 * the kernel), each followed by the call itself. Also the document built afterwards from
 * the direct route, as `--dump-oom` and the HTML report ask for it.
 * Wall time is reported with the CPU time of the same runs beside it, which a busy
 * machine disturbs less.
 */

import { outOfMemory } from "../src/oom/out_of_memory.js";
import { compileState } from "../src/oom/state.js";
import { generateScenario } from "../src/sim/generate-scenario.js";
import { buildOomSnapshot, plainOomCall } from "../src/sim/oom-snapshot.js";
import { compileOomCall } from "../src/sim/oom-state.js";
import { scenarioSchema } from "../src/sim/scenario-schema.js";
import { setupSimulation } from "../src/sim/setup.js";
import type { BenchRow } from "./oom.bench.js";

const ROUNDS = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall and CPU milliseconds of repeated runs of one step. */
class Samples {
  private readonly walls: number[] = [];
  private readonly cpus: number[] = [];

  start(): { wall: number; cpu: NodeJS.CpuUsage } {
    return { wall: performance.now(), cpu: process.cpuUsage() };
  }

  stop(keep: boolean, from: { wall: number; cpu: NodeJS.CpuUsage }): void {
    const wall = performance.now() - from.wall;
    const cpu = process.cpuUsage(from.cpu);
    if (!keep) return;
    this.walls.push(wall);
    this.cpus.push((cpu.user + cpu.system) / 1000);
  }

  time<T>(keep: boolean, f: () => T): T {
    const from = this.start();
    const value = f();
    this.stop(keep, from);
    return value;
  }

  wall(): number {
    return median(this.walls);
  }

  cpu(): number {
    return median(this.cpus);
  }

  rows(name: string): BenchRow[] {
    return [
      { name: `${name} (median wall)`, value: this.wall(), unit: "ms" },
      { name: `${name} (median CPU)`, value: this.cpu(), unit: "ms" },
    ];
  }
}

export async function benchOomCall(): Promise<BenchRow[]> {
  const doc = generateScenario({
    processes: 25000,
    threadsPerProcess: 4,
    allocations: 1000,
    faultActions: 10,
    memoryPages: 1_092_000,
    seconds: 10,
    seed: 20070204,
  });
  const sim = setupSimulation(scenarioSchema.parse(doc), () => {}, { file: "generated" });
  const k = sim.k;
  const call = plainOomCall(sim.port, k.tasks.get(k.pidMax - 1) ?? k.init(), 0x280d2);
  const docCompile = new Samples();
  const docCall = new Samples();
  const directCompile = new Samples();
  const directCall = new Samples();
  const lazyDocument = new Samples();
  for (let round = 0; round < ROUNDS + 2; round++) {
    const keep = round >= 2;
    // The document route.
    const start0 = docCall.start();
    const state0 = docCompile.time(keep, () => compileState(buildOomSnapshot(k, call)));
    const r0 = outOfMemory(state0);
    docCall.stop(keep, start0);
    // The direct route.
    const start1 = directCall.start();
    const compiled = directCompile.time(keep, () => compileOomCall(k, call));
    const r1 = outOfMemory(compiled.state);
    directCall.stop(keep, start1);
    lazyDocument.time(keep, () => compiled.snapshot());
    if (r0.selected?.pid !== r1.selected?.pid) {
      throw new Error(`the routes disagree: ${r0.selected?.pid} against ${r1.selected?.pid}`);
    }
  }
  const tasks = k.tasks.size;
  return [
    { name: "oom call: tasks", value: tasks, unit: "tasks" },
    ...docCompile.rows("oom call: document route, compile"),
    ...directCompile.rows("oom call: direct route, compile"),
    ...docCall.rows("oom call: document route, whole call"),
    ...directCall.rows("oom call: direct route, whole call"),
    {
      name: "oom call: direct / document, whole call (wall)",
      value: directCall.wall() / docCall.wall(),
      unit: "ratio",
    },
    {
      name: "oom call: direct / document, whole call (CPU)",
      value: directCall.cpu() / docCall.cpu(),
      unit: "ratio",
    },
    ...lazyDocument.rows("oom call: its document on demand"),
  ];
}
