/**
 * SIGKILL delivery (docs/oom-path.md §9.1) and taking it on the way back to user mode (§9.2).
 * SIGKILL is the only signal the simulation sends, so the pending sets shrink to a flag.
 */

import { doExit, type ExitResult } from "./exit.js";
import type { KernelState } from "./kernel-state.js";
import { PF_SIGNALED, SIGKILL, TASK_INTERRUPTIBLE, type Task } from "./task.js";

/**
 * `force_sig(SIGKILL, t)`: a per-thread send. A task in an interruptible sleep is woken;
 * one in an uninterruptible sleep is not and sees the signal when its sleep ends.
 */
export function forceSigKill(
  k: KernelState,
  t: Task,
  reason: "oom" | "group_exit" | "exec" | "scenario" | "guard",
): void {
  if (t.exitState !== 0 || t.sched === "dead") return;
  k.hooks.signalled(t, reason);
  if (t.sigkillPending) return; // one instance of a non-real-time signal at most
  t.sigkillPending = true;
  t.sigpending = true;
  wakeInterruptible(k, t);
}

function wakeInterruptible(k: KernelState, t: Task): void {
  if (t.state === TASK_INTERRUPTIBLE || t.sched === "idle") k.hooks.woken(t);
}

/**
 * `zap_other_threads`: SIGNAL_GROUP_EXIT, and SIGKILL to every other thread whose
 * exit_state is 0; non-leaders get exit_signal -1 (docs/oom-path.md §9.2, §3.3).
 */
export function zapOtherThreads(k: KernelState, t: Task, reason: "group_exit" | "exec"): void {
  const group = t.group;
  group.groupExit = true;
  for (const other of group.threads) {
    if (other === t || other.exitState !== 0) continue;
    if (other !== group.leader) other.exitSignal = -1;
    k.hooks.signalled(other, reason);
    if (!other.sigkillPending) {
      other.sigkillPending = true;
      other.sigpending = true;
      wakeInterruptible(k, other);
    }
  }
}

export type SignalOutcome =
  | { kind: "none" }
  | { kind: "discarded" }
  | { kind: "exited"; result: ExitResult };

/**
 * The return to user mode with SIGKILL pending: init discards it, kernel threads never get
 * here, anyone else runs `do_group_exit(SIGKILL)` (docs/oom-path.md §9.2).
 */
export function takePendingSignal(k: KernelState, t: Task): SignalOutcome {
  if (!t.sigkillPending) return { kind: "none" };
  if (t.kernelThread && t.mm === null) return { kind: "none" };
  if (t.pid === 1) {
    t.sigkillPending = false;
    t.sigpending = false;
    return { kind: "discarded" };
  }
  t.sigkillPending = false;
  t.sigpending = false;
  t.flags |= PF_SIGNALED;
  if (!t.group.groupExit && t.group.threads.size > 1) zapOtherThreads(k, t, "group_exit");
  return { kind: "exited", result: doExit(k, t, SIGKILL) };
}

/** `do_group_exit(code)` for a voluntary exit_group(): the same without a signal. */
export function doGroupExit(k: KernelState, t: Task, code: number): ExitResult {
  if (!t.group.groupExit && t.group.threads.size > 1) zapOtherThreads(k, t, "group_exit");
  return doExit(k, t, code);
}
