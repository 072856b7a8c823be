/**
 * The event loop: a tick at a time, timeline actions first, then expired timers, then
 * kswapd if it was woken, then one runnable task (round-robin). Idle stretches are
 * skipped. Everything that happens goes to the event sink, stamped with its tick.
 */

import type { KernelState } from "../kernel/kernel-state.js";
import { Scheduler } from "../kernel/scheduler.js";
import { forceSigKill } from "../kernel/signal.js";
import type { Task } from "../kernel/task.js";
import { EXIT_ZOMBIE } from "../kernel/task.js";
import type { VictimPolicy } from "../policy/types.js";
import type { EventBody, SimEvent } from "./events.js";
import type { MemoryPort } from "./memory-port.js";
import type { OomCallRecord, OomMachine } from "./oom-call.js";
import { type SimContext, workOf } from "./sim-context.js";
import { runStep } from "./step.js";
import type { WorkItem } from "./work.js";

/** A timeline action at a tick, with its target resolved when it fires. */
export interface ScheduledAction {
  tick: number;
  entry: number;
  target: number | string;
  action:
    | WorkItem
    | { kind: "kill"; entry: number }
    | { kind: "oom_adj"; value: number; entry: number };
}

export interface EngineOptions {
  machine: OomMachine;
  seed: number;
  /** Last tick to simulate. */
  untilTick: number;
  /** Check page conservation after every step (tests). */
  checkInvariants?: boolean;
  onOomCall?: (record: OomCallRecord) => void;
  /** Called now and then with the current tick (progress display). */
  onProgress?: (tick: number) => void;
  /** Ticks between the last mmput of an mm and its pages reaching the free lists. */
  teardownTicks?: number;
  /** Picks among several candidates for "@random" targets. */
  random?: () => number;
  /** The victim policy of every out_of_memory() call (absent: 2.6.20's badness()). */
  policy?: VictimPolicy;
  /**
   * A userspace agent (a guard) that looks at the machine at the start of every tick the
   * loop visits, before any task runs, and may send signals. Idle stretches are skipped,
   * so it is not called for ticks in which nothing happens.
   */
  agent?: (ctx: SimContext) => void;
}

/** How a run ended; "interrupted" is the caller's (Ctrl-C between two slices of `run`). */
export type EndReason = "idle" | "until" | "panic" | "interrupted";

export class Engine {
  readonly ctx: SimContext;
  private readonly actions: ScheduledAction[];
  private nextAction = 0;
  /** exit_mmap teardowns still in progress, in the order they finish. */
  private readonly teardowns: { tick: number; finish: () => void }[] = [];

  constructor(
    k: KernelState,
    port: MemoryPort,
    actions: ScheduledAction[],
    labels: Map<string, Task>,
    kswapds: Map<number, Task>,
    sink: (e: SimEvent) => void,
    private readonly opts: EngineOptions,
  ) {
    this.actions = [...actions].sort((a, b) => a.tick - b.tick || a.entry - b.entry);
    const sched = new Scheduler(k.hz);
    const emit = (e: EventBody) => sink({ ...e, tick: k.ticks } as SimEvent);
    const ctx: SimContext = {
      k,
      sched,
      port,
      oom: {
        k,
        port,
        machine: opts.machine,
        emit,
        cpusetLockHeld: false,
        calls: 0,
        policy: opts.policy,
      },
      work: new Map(),
      labels,
      kswapds,
      zoneCount: port.zoneCount,
      panicked: false,
      kernelMode: false,
      emit,
      onOomCall: opts.onOomCall,
      sink,
    };
    this.ctx = ctx;
    const teardowns = this.teardowns;
    const teardownTicks = opts.teardownTicks ?? 0;
    k.hooks = {
      mmFreed(mm, by) {
        // exit_mmap: the pages reach the free lists now, or after the teardown time.
        const finish = () => {
          const byZone = [...mm.pagesByZone];
          for (let z = 0; z < byZone.length; z++) {
            if (byZone[z]! > 0) port.free(z, "anon", byZone[z]!);
          }
          const pages = mm.rssPages;
          mm.rssPages = 0;
          mm.pagesByZone.fill(0);
          emit({ type: "mm.free", mm: mm.id, pid: by.pid, comm: by.comm, pages, byZone });
        };
        if (teardownTicks === 0) finish();
        else teardowns.push({ tick: k.ticks + teardownTicks, finish });
      },
      mmPut(mm, by) {
        emit({ type: "mm.put", mm: mm.id, pid: by.pid, users: mm.users });
      },
      signalled(target, reason) {
        const w = workOf(ctx, target);
        w.killedBy ??= reason;
        // Inside the allocator the task is not on its way to user mode: it keeps its place.
        const a = w.activity;
        if (a === null || a.kind !== "alloc" || a.gen === null) sched.wakeSignalled(target);
        emit({ type: "task.signal", pid: target.pid, comm: target.comm, signal: 9, reason });
      },
      exited(task, code) {
        emit({
          type: "task.exit",
          pid: task.pid,
          tgid: task.tgid,
          comm: task.comm,
          code,
          zombie: task.exitState === EXIT_ZOMBIE,
          cause: workOf(ctx, task).killedBy ?? "exit",
        });
        // Actions still waiting in the task's queue die with it: each one is a skip.
        const w = workOf(ctx, task);
        const left = w.queue.slice(w.head);
        w.queue = [];
        w.head = 0;
        for (const item of left) {
          emit({
            type: "sim.skip",
            pid: task.pid,
            action: item.kind,
            why: "the task exited with the action still queued",
            entry: item.entry,
          });
        }
      },
      released(task, by) {
        emit({ type: "task.reap", pid: task.pid, comm: task.comm, by });
        ctx.work.delete(task);
      },
      reparented(task, to) {
        emit({ type: "task.reparent", pid: task.pid, to: to === null ? 0 : to.pid });
      },
      woken(task) {
        sched.wake(task);
      },
    };
  }

  private resolve(target: number | string): Task | undefined {
    const { k, labels } = this.ctx;
    if (typeof target === "number") return k.tasks.get(target);
    if (target === "@random") {
      const leaders = [...k.processList.values()].filter((t) => t.mm !== null && t.pid !== 1);
      if (leaders.length === 0 || this.opts.random === undefined) return undefined;
      return leaders[Math.floor(this.opts.random() * leaders.length)];
    }
    const t = labels.get(target);
    return t !== undefined && t.sched !== "dead" ? t : undefined;
  }

  private fire(a: ScheduledAction): void {
    const ctx = this.ctx;
    const t = this.resolve(a.target);
    if (t === undefined || t.sched === "dead" || t.exitState !== 0) {
      ctx.emit({
        type: "sim.skip",
        pid: typeof a.target === "number" ? a.target : null,
        action: a.action.kind,
        why: "no such live task",
        entry: a.entry,
      });
      return;
    }
    const act = a.action;
    if (act.kind === "kill") {
      forceSigKill(ctx.k, t, "scenario");
      return;
    }
    if (act.kind === "oom_adj") {
      t.oomkilladj = act.value;
      ctx.emit({ type: "task.oom_adj", pid: t.pid, value: act.value });
      return;
    }
    const w = workOf(ctx, t);
    w.queue.push(act);
    if (t.sched === "idle") ctx.sched.wake(t);
  }

  private startKswapds(): void {
    const { port, kswapds, sched } = this.ctx;
    for (const node of port.wokenKswapds()) {
      const t = kswapds.get(node);
      if (t === undefined) continue;
      workOf(this.ctx, t).activity = { kind: "kswapd", node, gen: port.kswapd(node) };
      sched.wakeFirst(t);
    }
  }

  private checkInvariants(): void {
    const bad = this.ctx.port.conservation();
    if (bad !== null)
      throw new Error(`page conservation broken at tick ${this.ctx.k.ticks}: ${bad}`);
  }

  /** Allocations still in the slow path when the run ends. */
  reportPending(): void {
    const ctx = this.ctx;
    for (const [t, w] of ctx.work) {
      const a = w.activity;
      if (a !== null && a.kind === "alloc" && a.gen !== null && t.sched !== "blocked") {
        ctx.emit({
          type: "alloc.pending",
          pid: t.pid,
          gfpMask: a.gfp,
          order: a.order,
          stallTicks: ctx.k.ticks - a.stallStart,
        });
      }
    }
  }

  /** Runs until nothing is left to do, the until tick, or a panic. */
  /** The tick of the last progress report (kept across slices of `run`). */
  private progressAt: number | null = null;

  /**
   * Runs until the end, or, with a `budget`, for at most that many turns of the loop and
   * then returns "paused"; the next call goes on exactly where it stopped, so a run in
   * slices is the same run (a caller can look at signals between two slices).
   */
  run(budget = Number.POSITIVE_INFINITY): Exclude<EndReason, "interrupted"> | "paused" {
    const ctx = this.ctx;
    const { k, sched } = ctx;
    const until = this.opts.untilTick;
    if (this.progressAt === null) this.progressAt = k.ticks;
    for (let turns = 0; ; turns++) {
      if (turns >= budget) return "paused";
      while (this.teardowns.length > 0 && this.teardowns[0]!.tick <= k.ticks) {
        this.teardowns.shift()!.finish();
      }
      while (
        this.nextAction < this.actions.length &&
        this.actions[this.nextAction]!.tick <= k.ticks
      ) {
        this.fire(this.actions[this.nextAction]!);
        this.nextAction += 1;
      }
      sched.expireTimers(k.ticks);
      this.opts.agent?.(ctx);
      this.startKswapds();
      const t = sched.pickNext();
      if (t === null) {
        const nextA =
          this.nextAction < this.actions.length ? this.actions[this.nextAction]!.tick : null;
        const nextT = sched.nextTimer();
        const nextF = this.teardowns.length > 0 ? this.teardowns[0]!.tick : null;
        const next = [nextA, nextT, nextF].reduce<number | null>(
          (m, x) => (x === null ? m : m === null ? x : Math.min(m, x)),
          null,
        );
        if (next === null) return "idle";
        if (next > until) {
          k.ticks = until;
          return "until";
        }
        k.ticks = Math.max(next, k.ticks + 1);
        continue;
      }
      runStep(ctx, t);
      if (this.opts.checkInvariants) this.checkInvariants();
      if (ctx.panicked) return "panic";
      if (t.sched !== "dead") sched.chargeTick(t, ctx.kernelMode);
      sched.requeue(t);
      this.startKswapds();
      if (k.ticks >= until) return "until";
      k.ticks += 1;
      if (this.opts.onProgress !== undefined && k.ticks - this.progressAt >= 1000) {
        this.progressAt = k.ticks;
        this.opts.onProgress(k.ticks);
      }
    }
  }
}
