/**
 * A generated scenario for benchmarks and load tests: `processes` thread groups of
 * `threadsPerProcess` tasks each, and a timeline of fault actions adding up to
 * `allocations` page allocations, spread over `seconds` with sizes drawn from the seed.
 */

import { Prng } from "../kernel/prng.js";
import type { ScenarioIn } from "./scenario-schema.js";

export interface GenerateOptions {
  processes: number;
  threadsPerProcess: number;
  allocations: number;
  faultActions: number;
  memoryPages: number;
  seconds: number;
  seed: number;
}

export function generateScenario(o: GenerateOptions): ScenarioIn {
  const rng = new Prng(o.seed);
  const int = (lo: number, hi: number) => lo + (rng.nextUint32() % (hi - lo + 1));
  const processes: NonNullable<ScenarioIn["processes"]> = [];
  for (let i = 0; i < o.processes; i++) {
    processes.push({
      name: `w${i}`,
      uid: i % 10 === 0 ? 0 : 1000,
      start: int(0, 500),
      utime: int(0, 100000),
      oomkilladj: i % 97 === 0 ? -17 : 0,
      total_vm: int(50, 400),
      rss: int(1, 6),
      threads: Array.from({ length: o.threadsPerProcess - 1 }, () => ({ utime: int(0, 1000) })),
    });
  }
  const timeline: NonNullable<ScenarioIn["timeline"]> = [];
  const perAction = Math.floor(o.allocations / o.faultActions);
  for (let a = 0; a < o.faultActions; a++) {
    const pages = a === o.faultActions - 1 ? o.allocations - perAction * a : perAction;
    timeline.push({
      at: `${Math.floor((a * o.seconds * 1000) / o.faultActions)}ms`,
      task: `w${int(0, o.processes - 1)}`,
      fault: { pages },
    });
  }
  return {
    seed: o.seed,
    machine: { bits: 64, hz: 1000, memory: o.memoryPages, uptime: 600, pid_max: 4194304 },
    processes,
    timeline,
    until: o.seconds + 60,
  };
}
