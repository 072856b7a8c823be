/**
 * The whole simulated kernel: the pid hash, the global process list (docs/oom-path.md §3.1), the
 * cpusets, the clock and the hooks through which task lifetimes reach the page allocator
 * and the event stream. Pure: nothing here reads a real clock.
 */

import type { Bits } from "../snapshot/types.js";
import type { Cpuset, Mm, Task } from "./task.js";

/** What the process model tells the rest of the simulation. */
export interface KernelHooks {
  /** exit_mmap ran for `mm` (its last user was `by`): its pages go back to their zones. */
  mmFreed(mm: Mm, by: Task): void;
  /** mmput left the mm with other users: nothing is freed. */
  mmPut(mm: Mm, by: Task): void;
  /** A signal was sent (force_sig or the group exit). */
  signalled(target: Task, reason: "oom" | "group_exit" | "exec" | "scenario" | "guard"): void;
  /** The task passed exit_notify (zombie, or released at once). */
  exited(task: Task, code: number): void;
  /** The task left every list. */
  released(task: Task, by: "self" | "parent" | "exec"): void;
  /** The task was reparented to `to` (docs/oom-path.md §3.2). */
  reparented(task: Task, to: Task | null): void;
  /** A task became runnable (woken); the scheduler queues it. */
  woken(task: Task): void;
}

export const NO_HOOKS: KernelHooks = {
  mmFreed() {},
  mmPut() {},
  signalled() {},
  exited() {},
  released() {},
  reparented() {},
  woken() {},
};

export interface KernelConfig {
  bits: Bits;
  hz: number;
  /** `pid_max`: pids are allocated below it, wrapping to 300 (RESERVED_PIDS). */
  pidMax: number;
}

export class KernelState {
  readonly bits: Bits;
  readonly hz: number;
  readonly pidMax: number;
  /** Timer ticks since boot; `jiffies` is derived from it (clock.ts). */
  ticks = 0;
  /** The pid hash. */
  readonly tasks = new Map<number, Task>();
  /** The global process list (`init_task.tasks`), leaders keyed by tgid, in fork order. */
  readonly processList = new Map<number, Task>();
  readonly cpusets = new Map<string, Cpuset>();
  readonly rootCpuset: Cpuset;
  hooks: KernelHooks = NO_HOOKS;
  private lastPid = 0;
  private mmSerial = 0;

  constructor(config: KernelConfig, rootMems: readonly number[]) {
    this.bits = config.bits;
    this.hz = config.hz;
    this.pidMax = config.pidMax;
    this.rootCpuset = { path: "/", mems: rootMems, memExclusive: true, parent: null };
    this.cpusets.set("/", this.rootCpuset);
  }

  /** `alloc_pidmap`: the next free pid after the last one, wrapping to 300. */
  allocPid(): number {
    let pid = this.lastPid + 1;
    for (let tries = 0; tries < this.pidMax; tries++) {
      if (pid >= this.pidMax) pid = 300;
      if (!this.tasks.has(pid)) {
        this.lastPid = pid;
        return pid;
      }
      pid++;
    }
    throw new RangeError("no free pid");
  }

  /** Reserves a pid chosen by the scenario; later automatic pids continue after it. */
  claimPid(pid: number): number {
    if (this.tasks.has(pid)) throw new RangeError(`pid ${pid} is in use`);
    if (pid > this.lastPid) this.lastPid = pid;
    return pid;
  }

  newMm(totalVmPages: number, zoneCount: number): Mm {
    this.mmSerial += 1;
    return {
      id: `mm${this.mmSerial}`,
      totalVmPages,
      users: 1,
      pagesByZone: new Array<number>(zoneCount).fill(0),
      rssPages: 0,
      freed: false,
    };
  }

  /** The init task (pid 1), the child reaper. */
  init(): Task {
    return this.tasks.get(1)!;
  }

  /** Every task in `do_each_thread` order (docs/oom-path.md §3.5). */
  *eachThread(): Generator<Task> {
    for (const leader of this.processList.values()) {
      for (const t of leader.group.threads) yield t;
    }
  }

  /** Number of cpusets, the top one included (`number_of_cpusets`). */
  numberOfCpusets(): number {
    return this.cpusets.size;
  }

  addCpuset(path: string, mems: readonly number[], memExclusive: boolean): Cpuset {
    const cut = path.lastIndexOf("/");
    const parentPath = cut === 0 ? "/" : path.slice(0, cut);
    const parent = this.cpusets.get(parentPath);
    if (parent === undefined) throw new RangeError(`cpuset ${path} has no parent`);
    const cs: Cpuset = { path, mems: [...mems].sort((a, b) => a - b), memExclusive, parent };
    this.cpusets.set(path, cs);
    return cs;
  }
}
