/**
 * A one-CPU round-robin scheduler, a tick at a time (docs/oom-path.md §4.9 "When a signalled task
 * runs", §10): runnable tasks take turns, one tick each; sleepers wake when their timer
 * expires, in the order they went to sleep. No state is kept per idle task, so a machine
 * of 10^5 mostly idle tasks costs nothing per tick.
 */

import { taskTimeslice } from "./clock.js";
import { TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_UNINTERRUPTIBLE, type Task } from "./task.js";

interface Timer {
  tick: number;
  seq: number;
  task: Task;
}

export class Scheduler {
  private queue: Task[] = [];
  private head = 0;
  /** Tasks that run before the round-robin queue: kswapd, and tasks just sent SIGKILL. */
  private urgentQueue: Task[] = [];
  private readonly queued = new Set<Task>();
  private heap: Timer[] = [];
  private seq = 0;
  /** Wake tick of each sleeping task (stale heap entries are skipped). */
  private readonly sleepUntil = new Map<Task, number>();

  constructor(private readonly hz: number) {}

  /** Makes `t` runnable (TASK_RUNNING) and queues it at the tail, once. */
  wake(t: Task): void {
    if (t.sched === "dead" || t.sched === "blocked") return;
    this.sleepUntil.delete(t);
    t.sched = "runnable";
    t.state = TASK_RUNNING;
    if (!this.queued.has(t)) {
      this.queued.add(t);
      this.queue.push(t);
    }
  }

  /** Puts `t` to sleep uninterruptibly until `tick` (a pending SIGKILL does not wake it). */
  sleepUntilTick(t: Task, tick: number): void {
    t.sched = "sleeping";
    t.state = TASK_UNINTERRUPTIBLE;
    this.sleepUntil.set(t, tick);
    this.seq += 1;
    this.push({ tick, seq: this.seq, task: t });
  }

  /** `t` waits for work in an interruptible sleep (a signal wakes it). */
  idle(t: Task): void {
    if (t.sched === "dead") return;
    t.sched = "idle";
    t.state = TASK_INTERRUPTIBLE;
    this.sleepUntil.delete(t);
  }

  /** `t` hangs for ever (a self-deadlock or a lock that is never released). */
  block(t: Task): void {
    t.sched = "blocked";
    t.state = TASK_UNINTERRUPTIBLE;
    this.sleepUntil.delete(t);
  }

  /** Wakes every sleeper whose timer has expired at `tick`, in order. */
  expireTimers(tick: number): void {
    while (this.heap.length > 0 && this.heap[0]!.tick <= tick) {
      const top = this.pop();
      if (this.sleepUntil.get(top.task) === top.tick && top.task.sched === "sleeping") {
        this.wake(top.task);
      }
    }
  }

  /** The next task to run this tick, or null if the CPU is idle. */
  pickNext(): Task | null {
    while (this.urgentQueue.length > 0) {
      const t = this.urgentQueue.shift()!;
      if (t.sched === "runnable") return t;
    }
    while (this.head < this.queue.length) {
      const t = this.queue[this.head]!;
      this.head += 1;
      this.queued.delete(t);
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (t.sched === "runnable") return t;
    }
    return null;
  }

  /** Puts a task that is still runnable after its tick back at the tail. */
  requeue(t: Task): void {
    if (t.sched === "runnable") this.wake(t);
  }

  /** Queues `t` before everything else (kswapd runs before other tasks, docs/oom-path.md §4.9). */
  wakeFirst(t: Task): void {
    this.wake(t);
    if (this.urgentQueue[0] !== t) this.urgentQueue.unshift(t);
  }

  /**
   * A runnable or interruptibly sleeping task that has just been sent SIGKILL runs on
   * the next tick (docs/oom-path.md §4.9), after kswapd and earlier such tasks. A task in an
   * uninterruptible sleep is left alone until its sleep ends.
   */
  wakeSignalled(t: Task): void {
    if (t.sched !== "runnable" && t.sched !== "idle") return;
    this.wake(t);
    if (!this.urgentQueue.includes(t)) this.urgentQueue.push(t);
  }

  /** The earliest pending timer, or null. */
  nextTimer(): number | null {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.sleepUntil.get(top.task) === top.tick && top.task.sched === "sleeping") {
        return top.tick;
      }
      this.pop();
    }
    return null;
  }

  /**
   * The timer tick (docs/oom-path.md §10): the running task is charged one jiffy of user or system
   * time and one tick of its slice, which is refilled with task_timeslice at 0.
   */
  chargeTick(t: Task, kernelMode: boolean): void {
    if (kernelMode) t.stimeJiffies += 1;
    else t.utimeJiffies += 1;
    t.timeSlice -= 1;
    if (t.timeSlice <= 0) t.timeSlice = taskTimeslice(t.staticPrio, this.hz);
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, x)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = x;
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
        if (less(last, h[c]!)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.tick < b.tick || (a.tick === b.tick && a.seq < b.seq);
}
