/**
 * The ordered trace of one `out_of_memory()` call (docs/oom-path.md §7): every step the
 * kernel takes, every `badness()` call, every printk line and every change to a task, in
 * the order the kernel makes them. The simulator replays it as its event stream; the
 * result's `log`, `sigkill`, `memdie` and `time_slice` lists are the same facts grouped
 * by kind.
 */

import type { ConstraintName, LogLine } from "./result.js";

/** A step of the flow, with what the kernel found or decided there. */
export type OomStep =
  /** Step 1: the OOM notifier chain, and the pages it freed. */
  | { step: "notifier"; freed: bigint }
  /** Step 2: printk_ratelimit() before the header, and the messages it had refused. */
  | { step: "ratelimit"; allowed: boolean; suppressed: number }
  /**
   * Step 3: cpuset_lock() and the tasklist lock. `blocked`: callback_mutex is held by a
   * task that deadlocked (quirk Q4), so this caller never gets it.
   */
  | { step: "lock"; blocked: boolean }
  /** Step 4: constrained_alloc(), or the deadlock inside it (quirk Q4). */
  | { step: "constraint"; result: ConstraintName | "deadlock" }
  /** Step 5, CONSTRAINT_NONE: vm.panic_on_oom. */
  | { step: "panic_on_oom"; value: number; panic: boolean }
  /**
   * Step 6: select_bad_process(). `chosen`: the pid, "abort" for the TIF_MEMDIE or
   * PF_EXITING wait, "none" when no task reached the comparison; `scored`: the
   * badness() calls it made (each one a `badness` entry after this one).
   */
  | { step: "select"; chosen: number | "abort" | "none"; scored: number }
  /**
   * Step 7: oom_kill_process(p) for the selected task (or current, under a constraint).
   * `pid`: the task actually killed (p, or p's first killable child), null when nothing
   * was; `exiting`: p was PF_EXITING, so it was killed without a message.
   */
  | {
      step: "kill";
      selected: number;
      points: bigint;
      pid: number | null;
      child: boolean;
      exiting: boolean;
      sigkill: number[];
      memdie: number[];
    }
  /** The two locks released. */
  | { step: "unlock" }
  /** Step 8: the one-jiffy sleep, unless current now has TIF_MEMDIE. */
  | { step: "sleep"; sleep: boolean };

export type OomStepName = OomStep["step"];

export type OomTraceEntry =
  | ({ kind: "step" } & OomStep)
  /** The badness() calls of the select step before it, in call order. */
  | { kind: "badness"; calls: { pid: number; points: bigint }[] }
  | { kind: "log"; line: LogLine }
  /** `p->time_slice = HZ` (quirk Q18). */
  | { kind: "time_slice"; pid: number; value: number }
  | { kind: "memdie"; pid: number }
  | { kind: "sigkill"; pid: number };
