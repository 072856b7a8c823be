/**
 * One `out_of_memory()` call of the simulation: the kernel state at that instant becomes
 * a snapshot, the OOM core (src/oom) decides, and its effects are applied to the live
 * state: SIGKILL with force_sig semantics, TIF_MEMDIE, time slices, the log lines, a
 * panic or a permanent hang. The simulated OOM killer and the core are one and the same.
 */

import type { OomAnswer } from "../alloc/events.js";
import type { KernelState } from "../kernel/kernel-state.js";
import { forceSigKill } from "../kernel/signal.js";
import type { Task } from "../kernel/task.js";
import { outOfMemory } from "../oom/out_of_memory.js";
import type { LogLine, OomResult } from "../oom/result.js";
import type { OomStep, OomTraceEntry } from "../oom/trace.js";
import type { VictimPolicy } from "../policy/types.js";
import type { Snapshot, ZonelistEntry } from "../snapshot/types.js";
import type { EventBody, MemInfo } from "./events.js";
import type { MemoryPort } from "./memory-port.js";
import { compileOomCall } from "./oom-state.js";

export interface OomMachine {
  panicOnOom: number;
  cpusetsEnabled: boolean;
  notifierFreed: number;
}

export interface OomCallRecord {
  n: number;
  /**
   * The `oomkit.snapshot/1` document of the kernel state the call read, built on the first
   * call (the core reads a state compiled straight from the kernel, not this document).
   */
  snapshot: () => Snapshot;
  result: OomResult;
}

export type OomCallOutcome =
  | { kind: "answer"; answer: OomAnswer; record: OomCallRecord }
  /** cpuset_lock() is held by a task that deadlocked: this caller blocks for ever. */
  | { kind: "blocked" };

export interface OomCallEnv {
  k: KernelState;
  port: MemoryPort;
  machine: OomMachine;
  emit: (e: EventBody) => void;
  /** Whether a previous call deadlocked holding cpuset_lock (quirk Q4). */
  cpusetLockHeld: boolean;
  calls: number;
  /**
   * Chooses the victim inside select_bad_process() instead of 2.6.20's badness(); the rest
   * of out_of_memory() stays 2.6.20's. Absent: 2.6.20 itself.
   */
  policy?: VictimPolicy;
}

/** The stream event of one step: its details as JSON-ready values (bigints as strings). */
export function stepEvent(n: number, entry: { kind: "step" } & OomStep): EventBody {
  const { kind: _, step, ...detail } = entry;
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    json[key] =
      typeof value === "bigint" ? value.toString() : Array.isArray(value) ? [...value] : value;
  }
  return { type: "oom.step", n, step, detail: json } as EventBody;
}

/**
 * The stream events of one call's trace, in the kernel's order, without its effects on
 * tasks: each step, the badness() rows after their select step, each log line (the stack
 * dump and memory report as their own events). `onEffect` sees every change to a task
 * at its place in the order, and may emit what it causes.
 */
export function traceEvents(
  n: number,
  r: OomResult,
  current: { pid: number },
  o: {
    emit: (e: EventBody) => void;
    commOf: (pid: number) => string;
    memInfo: () => MemInfo | null;
    onEffect?: (entry: OomTraceEntry & { kind: "time_slice" | "memdie" | "sigkill" }) => void;
    /** Right after the kill step, when it killed a task: the summary of the kill. */
    onKilled?: (kill: OomStep & { step: "kill" }) => void;
  },
): void {
  const { emit } = o;
  for (const entry of r.trace) {
    switch (entry.kind) {
      case "badness":
        if (entry.calls.length > 0) {
          const rows = entry.calls.map((b) => ({
            pid: b.pid,
            comm: o.commOf(b.pid),
            points: b.points.toString(),
          }));
          emit({ type: "oom.badness", n, rows });
        }
        break;
      case "step":
        if (n > 0) emit(stepEvent(n, entry));
        if (entry.step === "kill" && entry.pid !== null) o.onKilled?.(entry);
        break;
      case "log":
        emit(logEvent(entry.line, current.pid, o.memInfo));
        break;
      default:
        o.onEffect?.(entry);
    }
  }
}

/** A log line of the OOM core or the allocator as its stream event. */
export function logEvent(line: LogLine, pid: number, memInfo: () => MemInfo | null): EventBody {
  if (line.level !== "placeholder") return { type: "log", level: line.level, text: line.text };
  // The two things the kernel prints that the model does not reproduce line by line.
  return line.text === "show_mem()"
    ? { type: "show_mem", mem: memInfo() }
    : { type: "dump_stack", pid };
}

/** Runs `out_of_memory(zonelist, gfpMask, order)` for `current`. */
export function callOutOfMemory(
  env: OomCallEnv,
  current: Task,
  zonelist: ZonelistEntry[],
  gfpMask: number,
  order: number,
): OomCallOutcome {
  const { k, port, machine, emit } = env;
  const notifierFreed = machine.notifierFreed;
  let allowed = true;
  let suppressed = 0;
  if (notifierFreed === 0) {
    const rl = port.printkRatelimit();
    allowed = rl.allowed;
    suppressed = rl.suppressed;
  }
  // A caller behind a deadlocked cpuset_lock() gets no number: it never returns.
  const blocked = env.cpusetLockHeld && notifierFreed === 0;
  const n = blocked ? 0 : env.calls + 1;
  if (!blocked) env.calls = n;
  const { state, snapshot } = compileOomCall(k, {
    current,
    gfpMask,
    order,
    zonelist,
    panicOnOom: machine.panicOnOom,
    numa: port.numa,
    cpusetsEnabled: machine.cpusetsEnabled,
    nodes: port.nodes,
    notifierFreed,
    printkRatelimit: allowed,
    printkSuppressed: suppressed,
    mmUsage: (mm) => port.anonSplit(mm.pagesByZone),
  });
  const result = outOfMemory(state, {
    cpusetLockHeld: env.cpusetLockHeld,
    ...(env.policy === undefined
      ? {}
      : {
          policy: env.policy,
          // What the modern score is relative to: RAM and swap (totalram + total_swap).
          policyContext: { totalPages: BigInt(port.presentPages() + port.swapTotalPages()) },
        }),
  });
  if (!blocked) {
    emit({ type: "oom.invoked", n, pid: current.pid, comm: current.comm, gfpMask, order });
  }
  applyResult(env, n, current, result);
  if (result.outcome === "blocked") {
    emit({ type: "oom.blocked", pid: current.pid, comm: current.comm });
    return { kind: "blocked" };
  }
  const stop =
    result.outcome === "panic" ? "panic" : result.outcome === "deadlock" ? "deadlock" : null;
  if (stop === "deadlock") env.cpusetLockHeld = true;
  return { kind: "answer", answer: { sleep: result.sleep, stop }, record: { n, snapshot, result } };
}

/** Replays the call's trace: its events, and each effect on the live tasks in order. */
function applyResult(env: OomCallEnv, n: number, current: Task, r: OomResult): void {
  const { k, port, emit } = env;
  traceEvents(n, r, current, {
    emit,
    commOf: (pid) => k.tasks.get(pid)?.comm ?? "",
    memInfo: () => port.memInfo(),
    // Effects in the order the kernel made them: __oom_kill_task sets time_slice, then
    // TIF_MEMDIE, then sends SIGKILL (again to p for each sharer of another group, Q2).
    onEffect: (entry) => {
      const t = k.tasks.get(entry.pid);
      if (t === undefined) return;
      if (entry.kind === "time_slice") t.timeSlice = entry.value;
      else if (entry.kind === "memdie") t.memdie = true;
      else forceSigKill(k, t, "oom");
    },
    onKilled: (kill) => {
      const victim = kill.pid === null ? undefined : k.tasks.get(kill.pid);
      emit({
        type: "oom.kill",
        n,
        selected: kill.selected,
        points: kill.points.toString(),
        victim: kill.pid!,
        comm: victim?.comm ?? "",
        constraint: r.constraint ?? "none",
      });
    },
  });
  if (r.panic !== null) emit({ type: "panic", message: r.panic });
  if (n > 0) emit({ type: "oom.result", n, outcome: r.outcome, sleep: r.sleep });
}
