/**
 * `do_exit` in the order the OOM killer can observe (docs/oom-path.md §9.3): PF_EXITING, exit_mm with
 * mmput (pages return only when the last user drops the mm), exit_notify with the
 * reparenting of §3.2, zombie or immediate release (§3.4), and reaping by the parent.
 */

import type { KernelState } from "./kernel-state.js";
import {
  addChild,
  EXIT_DEAD,
  EXIT_ZOMBIE,
  isLeader,
  type Mm,
  PF_EXITING,
  removeChild,
  TASK_DEAD,
  type Task,
} from "./task.js";

export type ExitResult = { panic: null } | { panic: "Attempted to kill init!" };

/** `mmput`: drops one user; the last one runs exit_mmap, which frees the pages. */
export function mmput(k: KernelState, mm: Mm, by: Task): boolean {
  mm.users -= 1;
  if (mm.users > 0) {
    k.hooks.mmPut(mm, by);
    return false;
  }
  mm.freed = true;
  k.hooks.mmFreed(mm, by);
  return true;
}

/** `exit_mm`: the task's mm becomes null first, then mmput (docs/oom-path.md §9.3 step 4). */
export function exitMm(k: KernelState, t: Task): void {
  const mm = t.mm;
  if (mm === null) return;
  t.mm = null;
  mmput(k, mm, t);
}

/** `do_exit(code)` for task `t`, run within the step in which `t` takes its signal. */
export function doExit(k: KernelState, t: Task, code: number): ExitResult {
  if (t.pid === 1) return { panic: "Attempted to kill init!" };
  t.flags |= PF_EXITING;
  t.group.live -= 1;
  exitMm(k, t);
  t.cpuset = k.rootCpuset;
  exitNotify(k, t, code);
  t.state = TASK_DEAD;
  t.sched = "dead";
  return { panic: null };
}

/**
 * The new parent of an exiting task's children: the first other thread of its group
 * (walking the ring from the exiting task) whose exit_state is 0, else init (§3.2).
 */
function reaperFor(k: KernelState, t: Task): Task {
  const ring = [...t.group.threads];
  const at = ring.indexOf(t);
  for (let i = 1; i < ring.length; i++) {
    const cand = ring[(at + i) % ring.length]!;
    if (cand.exitState === 0) return cand;
  }
  return k.init();
}

function forgetOriginalParent(k: KernelState, t: Task): void {
  if (t.children === null || t.children.size === 0) return;
  const reaper = reaperFor(k, t);
  const kids = [...t.children];
  t.children.clear();
  for (const c of kids) {
    c.realParent = reaper;
    c.parent = reaper;
    addChild(reaper, c);
    k.hooks.reparented(c, reaper);
    if (c.exitState === EXIT_ZOMBIE && isLeader(c) && c.group.threads.size === 1) {
      notifyParent(k, c);
    }
  }
}

/** Whether the parent releases the zombie at once (SIGCHLD ignored, or init's reaping). */
function parentReapsAtOnce(t: Task): boolean {
  return t.parent === null || t.parent.pid === 1 || t.parent.group.autoReap;
}

/** `do_notify_parent` for a zombie leader whose group is empty. */
function notifyParent(k: KernelState, t: Task): void {
  if (parentReapsAtOnce(t)) {
    t.exitState = EXIT_DEAD;
    releaseTask(k, t, "parent");
  }
}

export function exitNotify(k: KernelState, t: Task, code: number): void {
  forgetOriginalParent(k, t);
  if (t.exitSignal === -1) {
    t.exitState = EXIT_DEAD;
    k.hooks.exited(t, code);
    releaseTask(k, t, "self");
    return;
  }
  t.exitState = EXIT_ZOMBIE;
  k.hooks.exited(t, code);
  // A leader whose other threads still live stays a zombie until the last one is released.
  if (isLeader(t) && t.group.threads.size > 1) return;
  if (parentReapsAtOnce(t)) {
    t.exitState = EXIT_DEAD;
    releaseTask(k, t, "parent");
  }
}

/** `release_task` (docs/oom-path.md §3.4): the task leaves the pid hash and every list. */
export function releaseTask(k: KernelState, t: Task, by: "self" | "parent" | "exec"): void {
  if (k.tasks.get(t.pid) === t) k.tasks.delete(t.pid);
  if (k.processList.get(t.tgid) === t) k.processList.delete(t.tgid);
  const group = t.group;
  group.threads.delete(t);
  removeChild(t.parent, t);
  t.sched = "dead";
  k.hooks.released(t, by);
  const leader = group.leader;
  if (
    by !== "exec" &&
    leader !== t &&
    leader.exitState === EXIT_ZOMBIE &&
    group.threads.size === 1 &&
    group.threads.has(leader)
  ) {
    notifyParent(k, leader);
  }
}

/** `wait()` by `parent`: reaps every zombie child whose thread group is empty. */
export function reapZombies(k: KernelState, parent: Task): Task[] {
  const reaped: Task[] = [];
  if (parent.children === null) return reaped;
  for (const c of [...parent.children]) {
    if (c.exitState === EXIT_ZOMBIE && isLeader(c) && c.group.threads.size === 1) {
      c.exitState = EXIT_DEAD;
      releaseTask(k, c, "parent");
      reaped.push(c);
    }
  }
  return reaped;
}
