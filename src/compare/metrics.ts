/**
 * The metrics of one simulated run, by which `oomkit compare` ranks victim policies.
 * Every figure is computed here and only here, from the run's event stream (the same
 * events `oomkit sim --json` prints) and the ground truth fixed at the start
 * (ground-truth.ts); nothing is simulated twice. Pure.
 *
 * - Pressure: an allocation is stalled from the moment it enters the allocator's slow
 *   path until it returns (`alloc.done`, or `alloc.pending` at the end of the run); a task
 *   hung for ever inside the OOM killer (the cpuset deadlock, quirk Q4, or blocked on its
 *   lock) stays stalled until the end. The union of these intervals is the time under
 *   pressure.
 * - An OOM episode is one such interval with an OOM call in it: calls made while some
 *   allocation stayed stalled throughout belong to one episode.
 * - A kill is one victim of an OOM call (an `oom.kill` event), or of a userspace guard
 *   (`guard.kill`; each guard kill also counts as a call, with outcome "guard", and as an
 *   episode of its own unless it falls in one); a process killed is one whose task the
 *   OOM killer (or the guard) sent SIGKILL, its mm sharers in other processes included.
 */

import type { SimEvent } from "../sim/events.js";
import { mergeIntervals } from "../sim/intervals.js";
import type { GroundTruth } from "./ground-truth.js";

/** Repeat OOMs are episodes that begin this soon after the previous one ended (seconds). */
export const DEFAULT_WINDOW_SECONDS = 30;

/** One call of the OOM killer, and what it did. */
export interface OomCallChoice {
  /** The kernel's call number; null for a call that blocked on cpuset_lock (not counted). */
  n: number | null;
  tick: number;
  /** The allocating task (pid 0, "guard", for a guard's kill). */
  pid: number;
  comm: string;
  /** killed, aborted, panic, deadlock, notifier, blocked, or guard (a guard's kill). */
  outcome: string;
  /** The task the selection (or the constraint) chose, and the one killed (child first). */
  selected: number | null;
  victim: number | null;
  victimComm: string | null;
  points: string | null;
  constraint: string | null;
}

export interface RunMetrics {
  /** Calls of out_of_memory(), blocked ones included (not the guard's kills). */
  oomCalls: number;
  /** Kills by a userspace guard. */
  guardKills: number;
  /** OOM kills: victims chosen, by the kernel or a guard. */
  kills: number;
  /** Kills whose victim's process is not a culprit. */
  innocentVictims: number;
  /** Kills beyond the first of each OOM episode. */
  overkill: number;
  /** The value of every process the OOM killer sent SIGKILL. */
  workLost: number;
  /** Pages given back by the address spaces of processes the OOM killer signalled. */
  recoveredPages: number;
  /** recoveredPages / kills; null without a kill. */
  recoveredPagesPerKill: number | null;
  /** OOM episodes, and those that began within the window after the previous one ended. */
  oomEpisodes: number;
  repeatOoms: number;
  /** Time with some allocation stalled in the slow path, in ticks. */
  pressureTicks: number;
  /**
   * From the first stall to the end of its interval, when no allocation is stalled any
   * more; null when nothing stalled or when the run ended before relief.
   */
  reliefTicks: number | null;
  /** Whether the run ended with an allocation stalled (or a task hung in the OOM killer). */
  stalledAtEnd: boolean;
  /** SIGKILLs from the OOM killer (or a guard) to pid 1 or an OOM_DISABLE (-17) task. */
  protectedViolations: number;
  panics: number;
  /** Every OOM call, in order. */
  calls: OomCallChoice[];
  /** The processes the OOM killer signalled (tgids), in the order it first did. */
  killedProcesses: number[];
  startTick: number;
  endTick: number;
  endReason: string;
}

export interface MetricsOptions {
  /** Repeat-OOM window in seconds (default DEFAULT_WINDOW_SECONDS). */
  windowSeconds?: number;
}

const OOM_DISABLE = -17;

/** Builds the metrics as events arrive; `result()` once the run has ended. */
export class MetricsCollector {
  private readonly tgid = new Map<number, number>();
  private readonly adj = new Map<number, number>();
  private readonly value = new Map<number, number>();
  private readonly culprits = new Set<number>();
  private readonly intervals: [number, number][] = [];
  /** Tick at which each task's latest slow-path entry began. */
  private readonly lastStall = new Map<number, number>();
  /** Tasks hung for ever in the OOM killer, from the tick they stalled. */
  private readonly hung: number[] = [];
  private readonly calls: OomCallChoice[] = [];
  private readonly byN = new Map<number, OomCallChoice>();
  private readonly killTicks: number[] = [];
  /** The kill (index into killTicks) whose SIGKILL reached each process first. */
  private readonly killOf = new Map<number, number>();
  private readonly recoveredByKill: number[] = [];
  private protectedViolations = 0;
  private panics = 0;
  private startTick = 0;
  private endTick = 0;
  private endReason = "";
  private pendingAtEnd = false;

  constructor(
    private readonly truth: GroundTruth,
    private readonly options: MetricsOptions = {},
  ) {
    for (const t of truth.tasks) {
      this.tgid.set(t.pid, t.tgid);
      this.adj.set(t.pid, t.oomkilladj);
    }
    for (const p of truth.processes) {
      this.value.set(p.tgid, p.value);
      if (p.culprit) this.culprits.add(p.tgid);
    }
  }

  private tgidOf(pid: number): number {
    return this.tgid.get(pid) ?? pid;
  }

  add(e: SimEvent): void {
    switch (e.type) {
      case "sim.start":
        this.startTick = e.tick;
        break;
      case "sim.end":
        this.endTick = e.tick;
        this.endReason = e.reason;
        break;
      case "task.fork": {
        this.tgid.set(e.pid, e.thread ? this.tgidOf(e.parent) : e.pid);
        // dup_task_struct copies oomkilladj from the parent.
        this.adj.set(e.pid, this.adj.get(e.parent) ?? 0);
        break;
      }
      case "task.exec":
        // A non-leader's exec takes the leader's pid; its own oomkilladj goes with it.
        if (e.oldPid !== e.pid) this.adj.set(e.pid, this.adj.get(e.oldPid) ?? 0);
        break;
      case "task.oom_adj":
        this.adj.set(e.pid, e.value);
        break;
      case "alloc.stall":
        this.lastStall.set(e.pid, e.tick);
        break;
      case "alloc.done":
        if (e.stallTicks > 0) this.intervals.push([e.tick - e.stallTicks, e.tick]);
        break;
      case "alloc.pending":
        this.intervals.push([e.tick - e.stallTicks, e.tick]);
        this.pendingAtEnd = true;
        break;
      case "oom.invoked": {
        const call: OomCallChoice = {
          n: e.n,
          tick: e.tick,
          pid: e.pid,
          comm: e.comm,
          outcome: "",
          selected: null,
          victim: null,
          victimComm: null,
          points: null,
          constraint: null,
        };
        this.calls.push(call);
        this.byN.set(e.n, call);
        this.intervals.push([e.tick, e.tick]);
        break;
      }
      case "oom.kill": {
        const call = this.byN.get(e.n);
        if (call !== undefined) {
          call.selected = e.selected;
          call.victim = e.victim;
          call.victimComm = e.comm;
          call.points = e.points;
          call.constraint = e.constraint;
        }
        this.killTicks.push(e.tick);
        this.recoveredByKill.push(0);
        break;
      }
      case "oom.result": {
        const call = this.byN.get(e.n);
        if (call !== undefined) {
          call.outcome = e.outcome;
          if (e.outcome === "deadlock") this.hung.push(this.lastStall.get(call.pid) ?? e.tick);
        }
        break;
      }
      case "guard.kill":
        // The guard is no task of the machine: pid 0 stands for it as the caller.
        this.calls.push({
          n: null,
          tick: e.tick,
          pid: 0,
          comm: "guard",
          outcome: "guard",
          selected: e.pid,
          victim: e.pid,
          victimComm: e.comm,
          points: e.points,
          constraint: null,
        });
        this.intervals.push([e.tick, e.tick]);
        this.killTicks.push(e.tick);
        this.recoveredByKill.push(0);
        break;
      case "oom.blocked":
        this.calls.push({
          n: null,
          tick: e.tick,
          pid: e.pid,
          comm: e.comm,
          outcome: "blocked",
          selected: null,
          victim: null,
          victimComm: null,
          points: null,
          constraint: null,
        });
        this.intervals.push([e.tick, e.tick]);
        this.hung.push(this.lastStall.get(e.pid) ?? e.tick);
        break;
      case "task.signal": {
        if (e.reason !== "oom" && e.reason !== "guard") break;
        if (e.pid === 1 || this.adj.get(e.pid) === OOM_DISABLE) this.protectedViolations += 1;
        const process = this.tgidOf(e.pid);
        if (!this.killOf.has(process) && this.killTicks.length > 0) {
          this.killOf.set(process, this.killTicks.length - 1);
        }
        break;
      }
      case "mm.free": {
        const kill = this.killOf.get(this.tgidOf(e.pid));
        if (kill !== undefined) this.recoveredByKill[kill]! += e.pages;
        break;
      }
      case "panic":
        this.panics += 1;
        break;
      default:
        break;
    }
  }

  result(): RunMetrics {
    const end = this.endTick;
    const intervals = [...this.intervals, ...this.hung.map((t): [number, number] => [t, end])];
    const merged = mergeIntervals(intervals);
    let pressureTicks = 0;
    for (const [a, b] of merged) pressureTicks += b - a;
    const stalledAtEnd = this.pendingAtEnd || this.hung.length > 0;

    // Episodes: the merged intervals holding a call; each kill goes to the one it is in.
    const callTicks = this.calls.map((c) => c.tick);
    const episodes = merged.filter(([a, b]) => callTicks.some((t) => t >= a && t <= b));
    let overkill = 0;
    for (const [a, b] of episodes) {
      const kills = this.killTicks.filter((t) => t >= a && t <= b).length;
      if (kills > 1) overkill += kills - 1;
    }
    const window = Math.round(
      (this.options.windowSeconds ?? DEFAULT_WINDOW_SECONDS) * this.truth.hz,
    );
    let repeatOoms = 0;
    for (let i = 1; i < episodes.length; i++) {
      if (episodes[i]![0] - episodes[i - 1]![1] <= window) repeatOoms += 1;
    }

    // Relief: the first interval with a stall in it (a lone call is a point, not a stall).
    const first = merged.find(([a, b]) => b > a);
    let reliefTicks: number | null = null;
    if (first !== undefined) {
      const endsRun = stalledAtEnd && first[1] >= end;
      reliefTicks = endsRun ? null : first[1] - first[0];
    }

    const victims = this.calls.filter((c) => c.victim !== null);
    const innocentVictims = victims.filter(
      (c) => !this.culprits.has(this.tgidOf(c.victim!)),
    ).length;
    const killedProcesses = [...this.killOf.keys()];
    let workLost = 0;
    for (const p of killedProcesses) workLost += this.value.get(p) ?? 0;
    const recoveredPages = this.recoveredByKill.reduce((s, x) => s + x, 0);
    const kills = this.killTicks.length;
    const guardKills = this.calls.filter((c) => c.outcome === "guard").length;
    return {
      oomCalls: this.calls.length - guardKills,
      guardKills,
      kills,
      innocentVictims,
      overkill,
      workLost,
      recoveredPages,
      recoveredPagesPerKill: kills === 0 ? null : recoveredPages / kills,
      oomEpisodes: episodes.length,
      repeatOoms,
      pressureTicks,
      reliefTicks,
      stalledAtEnd,
      protectedViolations: this.protectedViolations,
      panics: this.panics,
      calls: this.calls,
      killedProcesses,
      startTick: this.startTick,
      endTick: end,
      endReason: this.endReason,
    };
  }
}

/** The metrics of a whole event stream. */
export function metricsOf(
  events: Iterable<SimEvent>,
  truth: GroundTruth,
  options: MetricsOptions = {},
): RunMetrics {
  const c = new MetricsCollector(truth, options);
  for (const e of events) c.add(e);
  return c.result();
}
