/**
 * The end-of-run summary of a simulation: who died, when and why; the OOM killer's
 * calls; memory returned; time spent stalled in the allocator; failed allocations;
 * timeline actions skipped; panics. Built incrementally from the event stream.
 */

import { monotonicAt } from "../kernel/clock.js";
import type { SimEvent } from "../sim/events.js";
import { unionTicks } from "../sim/intervals.js";

const CAUSES: Record<string, string> = {
  oom: "killed by the OOM killer",
  group_exit: "died with its thread group",
  exec: "killed by a sibling thread's exec",
  scenario: "killed by SIGKILL from the scenario",
  guard: "killed by the userspace guard",
  vm_fault_oom: "killed by the page-fault handler (VM_FAULT_OOM)",
  exit: "exited",
};

/** A timeline action that did not run: when, which entry, what, for which task, and why. */
export interface SkippedAction {
  time: string;
  /** Index of its entry in the scenario's timeline. */
  entry: number;
  action: string;
  /** The task as the entry names it (a label, "pid N" or "@random"), with its pid if found. */
  task: string;
  why: string;
}

/** "at T s, fault (timeline[3]) for web (pid 900) skipped: the task has no mm". */
export function skipText(s: SkippedAction): string {
  return `at ${s.time} s, ${s.action} (timeline[${s.entry}]) for ${s.task} skipped: ${s.why}`;
}

export interface SimSummary {
  seed: number;
  bits: number;
  hz: number;
  /** The victim policy the run named; absent for 2.6.20's own badness(). */
  policy?: string;
  start: string;
  end: string;
  endReason: string;
  oomCalls: { n: number; time: string; pid: number; comm: string; outcome: string }[];
  kills: {
    n: number;
    time: string;
    selected: number;
    points: string;
    victim: number;
    comm: string;
    constraint: string;
  }[];
  deaths: { time: string; pid: number; comm: string; cause: string }[];
  pagesFreed: number;
  mmsFreed: number;
  pressureSeconds: string;
  failedAllocations: { time: string; pid: number; gfpMask: string; order: number }[];
  /** Allocations still looping in the slow path when the run ended. */
  pendingAllocations: { since: string; pid: number; gfpMask: string; order: number }[];
  panics: { time: string; message: string }[];
  /** Timeline actions skipped, in the order they were due. */
  skipped: SkippedAction[];
  /** Tasks that hang for ever: self-deadlocked in constrained_alloc, or blocked on cpuset_lock. */
  hung: { time: string; pid: number; comm: string; why: "deadlock" | "cpuset_lock" }[];
}

export class SummaryCollector {
  private hz = 250;
  private s: SimSummary = {
    seed: 0,
    bits: 64,
    hz: 250,
    start: "0.000000",
    end: "0.000000",
    endReason: "",
    oomCalls: [],
    kills: [],
    deaths: [],
    pagesFreed: 0,
    mmsFreed: 0,
    pressureSeconds: "0.000000",
    failedAllocations: [],
    pendingAllocations: [],
    panics: [],
    skipped: [],
    hung: [],
  };
  private targets: readonly (number | string)[] = [];
  private pendingOom = new Map<number, { n: number; time: string; pid: number; comm: string }>();
  private intervals: [number, number][] = [];

  private time(tick: number): string {
    const { seconds, micros } = monotonicAt(tick, this.hz);
    return `${seconds}.${String(micros).padStart(6, "0")}`;
  }

  /** The task of each timeline entry as the scenario names it, to name skipped actions. */
  setTargets(targets: readonly (number | string)[]): void {
    this.targets = targets;
  }

  /** A sim.skip event in the summary's terms. */
  describeSkip(e: SimEvent & { type: "sim.skip" }): SkippedAction {
    const target = this.targets[e.entry];
    let task: string;
    if (typeof target === "number") task = `pid ${target}`;
    else if (target === undefined) task = e.pid === null ? "its task" : `pid ${e.pid}`;
    else task = e.pid === null ? target : `${target} (pid ${e.pid})`;
    return { time: this.time(e.tick), entry: e.entry, action: e.action, task, why: e.why };
  }

  add(e: SimEvent): void {
    const s = this.s;
    switch (e.type) {
      case "sim.start":
        this.hz = e.hz;
        s.seed = e.seed;
        s.bits = e.bits;
        s.hz = e.hz;
        if (e.policy !== undefined) s.policy = e.policy;
        s.start = this.time(e.tick);
        break;
      case "sim.end":
        s.end = this.time(e.tick);
        s.endReason = e.reason;
        break;
      case "oom.invoked":
        this.pendingOom.set(e.n, { n: e.n, time: this.time(e.tick), pid: e.pid, comm: e.comm });
        break;
      case "oom.blocked":
        s.hung.push({ time: this.time(e.tick), pid: e.pid, comm: e.comm, why: "cpuset_lock" });
        break;
      case "oom.result": {
        const p = this.pendingOom.get(e.n);
        if (p !== undefined) s.oomCalls.push({ ...p, outcome: e.outcome });
        if (p !== undefined && e.outcome === "deadlock") {
          s.hung.push({ time: p.time, pid: p.pid, comm: p.comm, why: "deadlock" });
        }
        this.pendingOom.delete(e.n);
        break;
      }
      case "oom.kill":
        s.kills.push({
          n: e.n,
          time: this.time(e.tick),
          selected: e.selected,
          points: e.points,
          victim: e.victim,
          comm: e.comm,
          constraint: e.constraint,
        });
        break;
      case "task.exit":
        s.deaths.push({ time: this.time(e.tick), pid: e.pid, comm: e.comm, cause: e.cause });
        break;
      case "mm.free":
        s.pagesFreed += e.pages;
        s.mmsFreed += 1;
        break;
      case "alloc.done":
        if (e.stallTicks > 0) this.intervals.push([e.tick - e.stallTicks, e.tick]);
        break;
      case "alloc.pending":
        this.intervals.push([e.tick - e.stallTicks, e.tick]);
        s.pendingAllocations.push({
          since: this.time(e.tick - e.stallTicks),
          pid: e.pid,
          gfpMask: `0x${e.gfpMask.toString(16)}`,
          order: e.order,
        });
        break;
      case "alloc.fail":
        s.failedAllocations.push({
          time: this.time(e.tick),
          pid: e.pid,
          gfpMask: `0x${e.gfpMask.toString(16)}`,
          order: e.order,
        });
        break;
      case "sim.skip":
        s.skipped.push(this.describeSkip(e));
        break;
      case "panic":
        s.panics.push({ time: this.time(e.tick), message: e.message });
        break;
      default:
        break;
    }
  }

  summary(): SimSummary {
    const total = unionTicks(this.intervals);
    return { ...this.s, pressureSeconds: this.time(total) };
  }
}

/** How the run ended, in the words of the summary. */
export function endReasonText(s: SimSummary): string {
  if (s.endReason === "idle") return "nothing left to do";
  if (s.endReason === "interrupted") return "interrupted (Ctrl-C)";
  return s.endReason === "until" ? "time limit reached" : "kernel panic";
}

/** The summary as text, one fact per line. */
export function renderSummary(s: SimSummary): string[] {
  const out: string[] = [];
  const policy = s.policy === undefined ? "" : `, victim policy ${s.policy}`;
  out.push(`Simulation summary (seed ${s.seed}, ${s.bits}-bit, HZ=${s.hz}${policy})`);
  out.push(`  ran from ${s.start} s to ${s.end} s of uptime; ended: ${endReasonText(s)}`);
  const byOutcome = new Map<string, number>();
  for (const c of s.oomCalls) byOutcome.set(c.outcome, (byOutcome.get(c.outcome) ?? 0) + 1);
  const outcomes = [...byOutcome].map(([k, v]) => `${v} ${k}`).join(", ");
  out.push(`  OOM killer calls: ${s.oomCalls.length}${outcomes === "" ? "" : ` (${outcomes})`}`);
  for (const k of s.kills) {
    const how = k.selected === k.victim ? "" : ` as a child of ${k.selected}`;
    out.push(
      `    [${k.time}] call ${k.n}: killed ${k.victim} (${k.comm})${how}, score ${k.points}, constraint ${k.constraint}`,
    );
  }
  out.push(`  Deaths:${s.deaths.length === 0 ? " none" : ""}`);
  for (const d of s.deaths)
    out.push(`    [${d.time}] ${d.pid} (${d.comm}): ${CAUSES[d.cause] ?? d.cause}`);
  out.push(
    `  Memory returned: ${s.pagesFreed} pages (${s.pagesFreed * 4} kB) from ${s.mmsFreed} address spaces`,
  );
  out.push(`  Time stalled in the allocator's slow path: ${s.pressureSeconds} s`);
  out.push(
    `  Failed allocations: ${s.failedAllocations.length === 0 ? "none" : s.failedAllocations.length}`,
  );
  for (const f of s.failedAllocations)
    out.push(`    [${f.time}] pid ${f.pid} gfp_mask=${f.gfpMask} order=${f.order}`);
  if (s.pendingAllocations.length > 0) {
    out.push(`  Allocations still looping at the end: ${s.pendingAllocations.length}`);
    for (const p of s.pendingAllocations) {
      out.push(
        `    pid ${p.pid} gfp_mask=${p.gfpMask} order=${p.order}, in the slow path since ${p.since} s`,
      );
    }
  }
  if (s.hung.length > 0) {
    out.push(`  Tasks hung for ever: ${s.hung.length}`);
    for (const h of s.hung) {
      const why =
        h.why === "deadlock"
          ? "self-deadlock on the cpuset mutex in constrained_alloc (quirk Q4)"
          : "blocked in out_of_memory on cpuset_lock, held by a deadlocked task";
      out.push(`    [${h.time}] ${h.pid} (${h.comm}): ${why}`);
    }
  }
  if (s.skipped.length > 0) {
    out.push(`  Timeline actions skipped: ${s.skipped.length}`);
    for (const k of s.skipped) {
      out.push(`    [${k.time}] ${k.action} (timeline[${k.entry}]) for ${k.task}: ${k.why}`);
    }
  }
  out.push(`  Panics:${s.panics.length === 0 ? " none" : ""}`);
  for (const p of s.panics) out.push(`    [${p.time}] ${p.message}`);
  return out;
}
