/**
 * `out_of_memory(zonelist, gfp_mask, order)` of mm/oom_kill.c (docs/oom-path.md §7): one call, from
 * the notifier chain to the one-jiffy sleep, on a frozen kernel state.
 */

import {
  MSG_CPUSET,
  MSG_MPOL_BIND,
  MSG_OUT_OF_MEMORY,
  PANIC_NO_KILLABLE,
  PANIC_ON_OOM,
} from "../kernel/constants.js";
import type { PolicyExtras } from "../policy/state-views.js";
import type { VictimPolicy } from "../policy/types.js";
import type { Snapshot } from "../snapshot/types.js";
import { constrainedAlloc } from "./constrained_alloc.js";
import { OomEffects } from "./effects.js";
import { oomKillProcess } from "./oom_kill.js";
import type { ConstraintName, OomResult, Outcome } from "./result.js";
import { type BadnessObserver, selectBadProcess } from "./select_bad_process.js";
import { compileState, type OomState } from "./state.js";
import type { OomStep } from "./trace.js";

export interface OutOfMemoryOptions {
  /** Receives every `badness()` call of the selection; the result then lists none. */
  onBadness?: BadnessObserver;
  /**
   * Chooses the victim inside `select_bad_process()` instead of 2.6.20's `badness()`; the
   * rest of the call (constraint, panic, child first, OOM_DISABLE test, SIGKILL) stays
   * 2.6.20's. Absent: 2.6.20.
   */
  policy?: VictimPolicy;
  /** What `policy` may read beyond the state (RAM + swap pages, the kernel release). */
  policyContext?: PolicyExtras;
  /**
   * callback_mutex is held for ever by a task that deadlocked in an earlier call (quirk
   * Q4): this call prints its report and then blocks in cpuset_lock() (outcome `blocked`).
   * A snapshot cannot say so; the simulator, which knows its history, can.
   */
  cpusetLockHeld?: boolean;
}

/**
 * Runs one `out_of_memory()` on the state (whose TIF_MEMDIE bits it updates) and says
 * what it did, step by step in `trace`.
 */
export function outOfMemory(s: OomState, options: OutOfMemoryOptions = {}): OomResult {
  const fx = new OomEffects(s);
  const t = s.tasks;
  // Every badness() call of the call; each select step also has its own list in the trace.
  let badnessCalls: { pid: number; points: bigint }[] = [];
  let stepCalls = badnessCalls;
  let scored = 0;
  const observer = options.onBadness;
  const onBadness: BadnessObserver =
    observer === undefined
      ? (i, points) => {
          const call = { pid: t.pid[i]!, points: BigInt(points) };
          stepCalls.push(call);
          scored += 1;
        }
      : (i, points) => {
          scored += 1;
          observer(i, points);
        };
  const finish = (
    outcome: Outcome,
    constraint: ConstraintName | null,
    extra: Partial<Pick<OomResult, "panic" | "selected">> = {},
  ): OomResult => {
    // Step 8 (docs/oom-path.md §7.6): sleep a jiffy unless current now has TIF_MEMDIE.
    const reachesSleep = outcome === "killed" || outcome === "aborted";
    const sleep = reachesSleep && t.memdie[s.current] === 0;
    if (reachesSleep) {
      fx.step({ step: "unlock" });
      fx.step({ step: "sleep", sleep });
    }
    return {
      outcome,
      trace: fx.trace,
      constraint,
      panic: extra.panic ?? null,
      selected: extra.selected ?? null,
      badness: badnessCalls,
      log: fx.log,
      sigkill: fx.sigkill,
      memdie: fx.memdie,
      time_slice: fx.timeSlice,
      sleep,
    };
  };
  const panic = (text: string, constraint: ConstraintName, selected?: OomResult["selected"]) => {
    fx.printk("KERN_EMERG", `Kernel panic - not syncing: ${text}`);
    fx.printk("default", "");
    return finish("panic", constraint, { panic: text, selected: selected ?? null });
  };

  // Step 1 (docs/oom-path.md §7.1): the notifier chain; pages freed end the call at once.
  fx.step({ step: "notifier", freed: s.notifierFreed });
  if (s.notifierFreed > 0n) return finish("notifier", null);

  // Step 2 (docs/oom-path.md §7.2): the rate-limited report.
  fx.step({ step: "ratelimit", allowed: s.printkRatelimit, suppressed: s.printkSuppressed });
  if (s.printkRatelimit) {
    if (s.printkSuppressed > 0) {
      fx.printk("KERN_WARNING", `printk: ${s.printkSuppressed} messages suppressed.`);
    }
    const comm = t.comm[s.current];
    const adj = t.oomkilladj[s.current];
    fx.printk(
      "KERN_WARNING",
      `${comm} invoked oom-killer: gfp_mask=0x${s.gfpMask.toString(16)}, order=${s.order}, oomkilladj=${adj}`,
    );
    fx.printk("placeholder", "dump_stack()");
    fx.printk("placeholder", "show_mem()");
  }

  // Steps 3 and 4 (docs/oom-path.md §7.3, §7.4): cpuset_lock(), tasklist lock, then the constraint.
  const blocked = options.cpusetLockHeld === true;
  fx.step({ step: "lock", blocked });
  if (blocked) return finish("blocked", null);
  const constraint = constrainedAlloc(s);
  fx.step({ step: "constraint", result: constraint });
  if (constraint === "deadlock") return finish("deadlock", null);

  // Step 5 (docs/oom-path.md §7.5).
  if (constraint === "memory_policy" || constraint === "cpuset") {
    const message = constraint === "cpuset" ? MSG_CPUSET : MSG_MPOL_BIND;
    // KERNEL-QUIRK: Q8 (docs/oom-path.md §13): current itself, score 0, no selection.
    oomKillProcess(s, fx, s.current, 0, message);
    return finish("killed", constraint, { selected: { pid: t.pid[s.current]!, points: 0n } });
  }
  // KERNEL-QUIRK: Q6 (docs/oom-path.md §13): panic_on_oom is read only here.
  const panicOnOom = s.panicOnOom !== 0;
  fx.step({ step: "panic_on_oom", value: s.panicOnOom, panic: panicOnOom });
  if (panicOnOom) return panic(PANIC_ON_OOM, "none");
  // The kernel's `goto retry` after a kill that did nothing. A frozen state cannot
  // reach it (docs/formats.md §4); the bound keeps a changed model from spinning.
  for (let attempt = 0; attempt < 2; attempt++) {
    const select = fx.step<OomStep & { step: "select" }>({
      step: "select",
      chosen: "none",
      scored: 0,
    });
    if (observer === undefined) stepCalls = fx.badnessCalls();
    const before = scored;
    const selection = selectBadProcess(s, onBadness, options.policy, options.policyContext);
    select.scored = scored - before;
    if (attempt === 0) badnessCalls = stepCalls;
    else for (const call of stepCalls) badnessCalls.push(call);
    if (selection.kind === "abort") {
      select.chosen = "abort";
      return finish("aborted", "none");
    }
    if (selection.kind === "none") {
      // The locks are dropped before the panic (docs/oom-path.md §7.5).
      fx.step({ step: "unlock" });
      return panic(PANIC_NO_KILLABLE, "none");
    }
    const selected = { pid: t.pid[selection.index]!, points: BigInt(selection.points) };
    select.chosen = selected.pid;
    if (oomKillProcess(s, fx, selection.index, selection.points, MSG_OUT_OF_MEMORY) === 0) {
      return finish("killed", "none", { selected });
    }
  }
  throw new Error("oom_kill_process() failed twice on the same state");
}

/** One `out_of_memory()` call on a validated snapshot. */
export function runOutOfMemory(snapshot: Snapshot, options: OutOfMemoryOptions = {}): OomResult {
  return outOfMemory(compileState(snapshot), options);
}
