/**
 * The shared state of one simulation run, handed to the step functions: the kernel, the
 * scheduler, the allocator port, per-task work, the OOM call state and the event sink.
 */

import type { KernelState } from "../kernel/kernel-state.js";
import type { Scheduler } from "../kernel/scheduler.js";
import type { Task } from "../kernel/task.js";
import type { EventBody, SimEvent } from "./events.js";
import type { MemoryPort } from "./memory-port.js";
import type { OomCallEnv, OomCallRecord } from "./oom-call.js";
import type { TaskWork } from "./work.js";

export interface SimContext {
  readonly k: KernelState;
  readonly sched: Scheduler;
  readonly port: MemoryPort;
  readonly oom: OomCallEnv;
  readonly work: Map<Task, TaskWork>;
  /** Labels of processes (scenario names) to their leader. */
  readonly labels: Map<string, Task>;
  /** kswapd thread of each node. */
  readonly kswapds: Map<number, Task>;
  readonly zoneCount: number;
  /** Set when the machine panicked: the run ends. */
  panicked: boolean;
  /** Whether the task that ran this tick spent it in the kernel (system time). */
  kernelMode: boolean;
  emit(e: EventBody): void;
  onOomCall?: (record: OomCallRecord) => void;
  /** Raw sink, for tests. */
  readonly sink: (e: SimEvent) => void;
}

export function workOf(ctx: SimContext, t: Task): TaskWork {
  let w = ctx.work.get(t);
  if (w === undefined) {
    w = { queue: [], head: 0, activity: null, killedBy: null };
    ctx.work.set(t, w);
  }
  return w;
}
