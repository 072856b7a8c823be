/**
 * What a comparison judges the policies against, fixed when the run starts and the same
 * for every policy: which processes are the culprits (the leak), what a kill of each
 * process loses, and every task's thread group and oomkilladj at the start.
 *
 * A process of the scenario may say `role: culprit` and give a `value`. Without any
 * `role`, the culprit is the process the timeline makes allocate most: the pages of its
 * `fault` entries and of its `kalloc` entries (count x 2^order), each times its `repeat`,
 * counting a thread's entries to its process; a tie goes to the process first in the
 * task list, and when no process allocates there is no culprit. Entries whose task does
 * not exist at the start (a fork's label, a pid not yet used, "@random") count for no
 * one. The default `value` is the CPU time the process has used at the start (utime +
 * stime of its threads, in seconds). Processes forked during the run are not culprits
 * and are worth 0.
 */

import type { Task } from "../kernel/task.js";
import type { Simulation } from "../sim/setup.js";
import { sizeToPages } from "../sim/units.js";

export interface ProcessTruth {
  tgid: number;
  comm: string;
  culprit: boolean;
  /** The work a kill loses. */
  value: number;
}

/** A task at the start of the run. */
export interface TaskFact {
  pid: number;
  tgid: number;
  oomkilladj: number;
}

export type CulpritSource = "role" | "growth" | "none";

export interface GroundTruth {
  hz: number;
  /** Every process at the start, in task-list order. */
  processes: ProcessTruth[];
  /** Every task at the start, threads and kernel threads included. */
  tasks: TaskFact[];
  /** How the culprits were found: named by `role`, by the timeline's growth, or none. */
  culpritSource: CulpritSource;
}

/** Pages each timeline entry makes its task allocate (fault and kalloc entries). */
function entryPages(e: Simulation["scenario"]["timeline"][number]): number {
  const times = e.repeat ?? 1;
  if (e.fault !== undefined) return sizeToPages(e.fault.pages) * times;
  if (e.kalloc !== undefined) return e.kalloc.count * 2 ** e.kalloc.order * times;
  return 0;
}

/** The process (tgid) a timeline target names at the start, or null. */
function targetProcess(
  sim: Simulation,
  labels: ReadonlyMap<string, Task>,
  target: number | string,
  threadLabels: ReadonlyMap<string, number | string>,
  depth = 0,
): number | null {
  if (typeof target === "number") return sim.k.tasks.get(target)?.tgid ?? null;
  if (target === "@random") return null;
  const task = labels.get(target);
  if (task !== undefined) return task.tgid;
  const creator = threadLabels.get(target);
  // A thread entry's label names a thread of the process its own task belongs to.
  if (creator === undefined || depth > threadLabels.size) return null;
  return targetProcess(sim, labels, creator, threadLabels, depth + 1);
}

/** The ground truth of a simulation just set up (before its first step). */
export function groundTruthOf(sim: Simulation): GroundTruth {
  const { k, scenario } = sim;
  const labels = sim.engine.ctx.labels;
  const hz = k.hz;
  const tasks: TaskFact[] = [];
  for (const t of k.eachThread())
    tasks.push({ pid: t.pid, tgid: t.tgid, oomkilladj: t.oomkilladj });
  const specOf = new Map(sim.processes.map((p) => [p.pid, p.spec]));
  const processes: ProcessTruth[] = [];
  for (const leader of k.processList.values()) {
    let jiffies = 0;
    for (const t of leader.group.threads) jiffies += t.utimeJiffies + t.stimeJiffies;
    const spec = specOf.get(leader.pid);
    processes.push({
      tgid: leader.tgid,
      comm: leader.comm,
      culprit: spec?.role === "culprit",
      value: spec?.value ?? jiffies / hz,
    });
  }
  if (processes.some((p) => p.culprit)) return { hz, processes, tasks, culpritSource: "role" };

  const threadLabels = new Map<string, number | string>();
  for (const e of scenario.timeline) {
    if (e.thread?.label !== undefined) threadLabels.set(e.thread.label, e.task);
  }
  const grown = new Map<number, number>();
  for (const e of scenario.timeline) {
    const pages = entryPages(e);
    if (pages === 0) continue;
    const tgid = targetProcess(sim, labels, e.task, threadLabels);
    if (tgid !== null) grown.set(tgid, (grown.get(tgid) ?? 0) + pages);
  }
  let best: ProcessTruth | null = null;
  let bestPages = 0;
  for (const p of processes) {
    const pages = grown.get(p.tgid) ?? 0;
    if (pages > bestPages) {
      best = p;
      bestPages = pages;
    }
  }
  if (best === null) return { hz, processes, tasks, culpritSource: "none" };
  best.culprit = true;
  return { hz, processes, tasks, culpritSource: "growth" };
}
