/**
 * `copy_process` / `do_fork` (docs/oom-path.md §3.1): what a new task inherits, where it is linked
 * (thread-group ring, parent's children list, global process list) and in which order.
 */

import { taskTimeslice } from "./clock.js";
import type { KernelState } from "./kernel-state.js";
import {
  addChild,
  CLONE_PARENT,
  CLONE_THREAD,
  CLONE_VM,
  PF_FORKNOEXEC,
  PF_NOFREEZE,
  PF_SUPERPRIV,
  SIGCHLD,
  TASK_RUNNING,
  type Task,
  type ThreadGroup,
} from "./task.js";

export interface ForkOptions {
  /** CLONE_* bits; the low byte is the exit signal (SIGCHLD when 0 and not a thread). */
  cloneFlags: number;
  /** A pid chosen by the scenario, else the next free one. */
  pid?: number;
  /** Pages of mappings marked MADV_DONTFORK (not copied into the child's total_vm). */
  dontForkPages?: number;
  /** Number of zones, for the per-zone page counters of a duplicated mm. */
  zoneCount: number;
}

export type ForkResult = { ok: true; task: Task } | { ok: false; reason: "signal_pending" };

/** Creates a child of `current` (docs/oom-path.md §3.1). Fails if current has a signal pending. */
export function doFork(k: KernelState, current: Task, opts: ForkOptions): ForkResult {
  if (current.sigpending || current.sigkillPending) return { ok: false, reason: "signal_pending" };
  const flags = opts.cloneFlags;
  const thread = (flags & CLONE_THREAD) !== 0;
  const pid = opts.pid === undefined ? k.allocPid() : k.claimPid(opts.pid);

  let mm = current.mm;
  if (mm !== null) {
    if ((flags & CLONE_VM) !== 0) mm.users += 1;
    else {
      // dup_mm: the address space is copied; its pages stay shared copy-on-write, so the
      // child starts with no private resident pages of its own (docs/oom-path.md §4.9).
      mm = k.newMm(Math.max(0, mm.totalVmPages - (opts.dontForkPages ?? 0)), opts.zoneCount);
    }
  }
  const realParent = (flags & (CLONE_PARENT | CLONE_THREAD)) !== 0 ? current.realParent : current;
  let exitSignal = thread ? -1 : flags & 0xff;
  if (!thread && exitSignal === 0) exitSignal = SIGCHLD;

  const child: Task = {
    pid,
    tgid: thread ? current.tgid : pid,
    group: current.group, // replaced below for a new process
    comm: current.comm,
    mm,
    flags: (current.flags & ~(PF_SUPERPRIV | PF_NOFREEZE)) | PF_FORKNOEXEC,
    memdie: current.memdie,
    sigkillPending: false,
    sigpending: false,
    state: TASK_RUNNING,
    exitState: 0,
    exitSignal,
    utimeJiffies: 0,
    stimeJiffies: 0,
    startTicks: k.ticks,
    staticPrio: current.staticPrio,
    prio: current.staticPrio,
    timeSlice: (current.timeSlice + 1) >> 1,
    uid: current.uid,
    euid: current.euid,
    caps: current.caps,
    oomkilladj: current.oomkilladj,
    realParent,
    parent: realParent,
    children: null,
    cpuset: current.cpuset,
    memsAllowed: current.memsAllowed,
    mempolicyBind: current.mempolicyBind,
    kernelThread: current.kernelThread,
    sched: "idle",
  };
  current.timeSlice >>= 1;
  if (current.timeSlice === 0) {
    // The parent's last tick is charged on the spot and its slice refilled (§3.1).
    current.timeSlice = taskTimeslice(current.staticPrio, k.hz);
  }

  // Linking, in the kernel's order.
  if (thread) {
    current.group.threads.add(child);
    current.group.live += 1;
  } else {
    const group: ThreadGroup = {
      leader: child,
      threads: new Set([child]),
      groupExit: false,
      live: 1,
      autoReap: false,
    };
    child.group = group;
  }
  k.tasks.set(pid, child);
  addChild(child.parent, child);
  if (!thread) k.processList.set(child.tgid, child);
  return { ok: true, task: child };
}
