/**
 * What one call of `out_of_memory()` did (docs/formats.md §4), in exact form.
 * `toResultJson` turns it into the `oomkit.result/1` document.
 */

import type { OomTraceEntry } from "./trace.js";

/**
 * `blocked`: callback_mutex is held by a task that deadlocked (quirk Q4), so this caller
 * waits for ever in cpuset_lock(); only a caller that says so (the simulator) meets it.
 */
export type Outcome = "notifier" | "killed" | "aborted" | "panic" | "deadlock" | "blocked";

export type ConstraintName = "none" | "memory_policy" | "cpuset";

/** Log levels as the result contract names them. */
export type LogLevel = "KERN_WARNING" | "KERN_ERR" | "KERN_EMERG" | "default" | "placeholder";

export interface LogLine {
  level: LogLevel;
  text: string;
}

export interface OomResult {
  outcome: Outcome;
  /** Every step, badness() call, log line and effect in the kernel's order. */
  trace: OomTraceEntry[];
  constraint: ConstraintName | null;
  panic: string | null;
  selected: { pid: number; points: bigint } | null;
  badness: { pid: number; points: bigint }[];
  log: LogLine[];
  sigkill: number[];
  memdie: number[];
  time_slice: { pid: number; value: number }[];
  sleep: boolean;
}

export interface OomResultJson {
  format: "oomkit.result/1";
  outcome: Outcome;
  constraint: ConstraintName | null;
  panic: string | null;
  selected: { pid: number; points: string } | null;
  badness: { pid: number; points: string }[];
  log: LogLine[];
  sigkill: number[];
  memdie: number[];
  time_slice: { pid: number; value: number }[];
  sleep: boolean;
}

/** The `oomkit.result/1` document, with every key in the contract's order. */
export function toResultJson(r: OomResult): OomResultJson {
  return {
    format: "oomkit.result/1",
    outcome: r.outcome,
    constraint: r.constraint,
    panic: r.panic,
    selected: r.selected && { pid: r.selected.pid, points: r.selected.points.toString() },
    badness: r.badness.map((b) => ({ pid: b.pid, points: b.points.toString() })),
    log: r.log.map((l) => ({ level: l.level, text: l.text })),
    sigkill: [...r.sigkill],
    memdie: [...r.memdie],
    time_slice: r.time_slice.map((t) => ({ pid: t.pid, value: t.value })),
    sleep: r.sleep,
  };
}
