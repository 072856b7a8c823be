/**
 * One `out_of_memory()` call of the simulation: the kernel state at that instant becomes
 * a snapshot, the OOM core (src/oom) decides, and its effects are applied to the live
 * state: SIGKILL with force_sig semantics, TIF_MEMDIE, time slices, the log lines, a
 * panic or a permanent hang. The simulated OOM killer and the core are one and the same.
 */

import type { OomAnswer } from "../alloc/events.js";
import { PANIC_ON_OOM } from "../kernel/constants.js";
import type { KernelState } from "../kernel/kernel-state.js";
import { printkSuppressedLine } from "../kernel/printk.js";
import { forceSigKill } from "../kernel/signal.js";
import type { Task } from "../kernel/task.js";
import { outOfMemory } from "../oom/out_of_memory.js";
import type { OomResult } from "../oom/result.js";
import type { VictimPolicy } from "../policy/types.js";
import type { Snapshot, SnapshotEnv, SnapshotKernel, ZonelistEntry } from "../snapshot/types.js";
import type { EventBody, OomStepName } from "./events.js";
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

/** What `oomSteps` reads of the call beyond its result (a snapshot has it). */
export interface OomStepsInput {
  env: Pick<SnapshotEnv, "notifier_freed" | "printk_ratelimit" | "printk_suppressed">;
  kernel: Pick<SnapshotKernel, "panic_on_oom">;
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

function header(current: Task, gfpMask: number, order: number): string {
  return `${current.comm} invoked oom-killer: gfp_mask=0x${gfpMask.toString(16)}, order=${order}, oomkilladj=${current.oomkilladj}`;
}

/** The flow steps the call took, derived from its result (docs/oom-path.md §7). */
export function oomSteps(
  snapshot: OomStepsInput,
  r: OomResult,
): [OomStepName, Record<string, unknown>][] {
  const steps: [OomStepName, Record<string, unknown>][] = [];
  const freed = snapshot.env.notifier_freed.toString();
  steps.push(["notifier", { freed }]);
  if (r.outcome === "notifier") return steps;
  steps.push([
    "ratelimit",
    { allowed: snapshot.env.printk_ratelimit, suppressed: snapshot.env.printk_suppressed },
  ]);
  steps.push(["lock", {}]);
  steps.push(["constraint", { result: r.outcome === "deadlock" ? "deadlock" : r.constraint }]);
  if (r.outcome === "deadlock") return steps;
  if (r.constraint === "none") {
    const onOom = r.panic === PANIC_ON_OOM;
    steps.push(["panic_on_oom", { value: snapshot.kernel.panic_on_oom, panic: onOom }]);
    if (onOom) return steps;
    const chosen =
      r.outcome === "aborted" ? "abort" : r.selected === null ? "none" : r.selected.pid;
    steps.push(["select", { chosen, scored: r.badness.length }]);
  }
  if (r.selected !== null) {
    steps.push([
      "kill",
      {
        pid: r.selected.pid,
        points: r.selected.points.toString(),
        sigkill: r.sigkill,
        memdie: r.memdie,
      },
    ]);
  }
  steps.push(["unlock", {}]);
  if (r.outcome === "panic") return steps;
  steps.push(["sleep", { sleep: r.sleep }]);
  return steps;
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
  if (env.cpusetLockHeld && notifierFreed === 0) {
    // The report is printed, then cpuset_lock() never returns (docs/oom-path.md §7.3, §7.4).
    if (allowed) {
      if (suppressed > 0)
        emit({ type: "log", level: "KERN_WARNING", text: printkSuppressedLine(suppressed) });
      emit({ type: "log", level: "KERN_WARNING", text: header(current, gfpMask, order) });
      emit({ type: "log", level: "placeholder", text: "dump_stack()" });
      emit({ type: "log", level: "placeholder", text: "show_mem()", mem: port.memInfo() });
    }
    emit({ type: "oom.blocked", pid: current.pid, comm: current.comm });
    return { kind: "blocked" };
  }
  env.calls += 1;
  const n = env.calls;
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
  const result =
    env.policy === undefined
      ? outOfMemory(state)
      : outOfMemory(state, {
          policy: env.policy,
          // What the modern score is relative to: RAM and swap (totalram + total_swap).
          policyContext: { totalPages: BigInt(port.presentPages() + port.swapTotalPages()) },
        });
  emit({ type: "oom.invoked", n, pid: current.pid, comm: current.comm, gfpMask, order });
  const stepsInput: OomStepsInput = {
    env: {
      notifier_freed: state.notifierFreed,
      printk_ratelimit: state.printkRatelimit,
      printk_suppressed: state.printkSuppressed,
    },
    kernel: { panic_on_oom: state.panicOnOom },
  };
  applyResult(env, n, current, stepsInput, result);
  const stop =
    result.outcome === "panic" ? "panic" : result.outcome === "deadlock" ? "deadlock" : null;
  if (stop === "deadlock") env.cpusetLockHeld = true;
  return { kind: "answer", answer: { sleep: result.sleep, stop }, record: { n, snapshot, result } };
}

function applyResult(
  env: OomCallEnv,
  n: number,
  current: Task,
  snapshot: OomStepsInput,
  r: OomResult,
): void {
  const { k, port, emit } = env;
  for (const [step, detail] of oomSteps(snapshot, r)) emit({ type: "oom.step", n, step, detail });
  if (r.badness.length > 0) {
    emit({
      type: "oom.badness",
      n,
      rows: r.badness.map((b) => ({
        pid: b.pid,
        comm: k.tasks.get(b.pid)?.comm ?? "",
        points: b.points.toString(),
      })),
    });
  }
  for (const line of r.log) {
    if (line.level === "placeholder" && line.text === "show_mem()") {
      emit({ type: "log", level: line.level, text: line.text, mem: port.memInfo() });
    } else emit({ type: "log", level: line.level, text: line.text });
  }
  // Effects in the order the kernel made them: __oom_kill_task sets time_slice, then
  // TIF_MEMDIE, then sends SIGKILL; the order between tasks is the result's order.
  for (const ts of r.time_slice) {
    const t = k.tasks.get(ts.pid);
    if (t !== undefined) t.timeSlice = ts.value;
  }
  for (const pid of r.memdie) {
    const t = k.tasks.get(pid);
    if (t !== undefined) t.memdie = true;
  }
  if (r.memdie.length > 0 && r.selected !== null) {
    const victim = k.tasks.get(r.memdie[0]!);
    emit({
      type: "oom.kill",
      n,
      selected: r.selected.pid,
      points: r.selected.points.toString(),
      victim: r.memdie[0]!,
      comm: victim?.comm ?? "",
      constraint: r.constraint ?? "none",
    });
  }
  for (const pid of r.sigkill) {
    const t = k.tasks.get(pid);
    if (t !== undefined) forceSigKill(k, t, "oom");
  }
  if (r.panic !== null) emit({ type: "panic", message: r.panic });
  emit({ type: "oom.result", n, outcome: r.outcome, sleep: r.sleep });
  void current;
}
