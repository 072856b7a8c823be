/**
 * `execve` (docs/oom-path.md §3.3): a non-leader first has every other thread killed and waits for
 * them (de_thread), then takes over the leader's pid, place in the process list and
 * start_time; every exec swaps in a fresh mm and drops the old one with mmput.
 */

import { mmput, releaseTask } from "./exit.js";
import type { KernelState } from "./kernel-state.js";
import { zapOtherThreads } from "./signal.js";
import { PF_FORKNOEXEC, SIGCHLD, type Task } from "./task.js";

/** `comm` after exec: the first 15 characters of the path's base name. */
export function commFromPath(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.slice(0, 15);
}

/** True when `t` shares its thread group with no other task. */
export function isAloneInGroup(t: Task): boolean {
  return t.group.threads.size === 1;
}

/**
 * First half of de_thread: fails if a group exit is already under way, otherwise kills
 * every other thread. The caller then waits (uninterruptibly) until `deThreadReady`.
 */
export function startDeThread(k: KernelState, t: Task): boolean {
  if (t.group.groupExit) return false;
  zapOtherThreads(k, t, "exec");
  return true;
}

/** Every other thread is released, except the old leader, which must be a zombie. */
export function deThreadReady(t: Task): boolean {
  for (const other of t.group.threads) {
    if (other === t) continue;
    if (other !== t.group.leader || other.exitState === 0) return false;
  }
  return true;
}

/** Second half of de_thread: the exec-ing thread becomes the leader in its place. */
export function finishDeThread(k: KernelState, t: Task): void {
  const group = t.group;
  const old = group.leader;
  if (old !== t) {
    if (k.tasks.get(t.pid) === t) k.tasks.delete(t.pid);
    t.pid = old.pid;
    k.tasks.set(t.pid, t);
    k.processList.set(t.tgid, t); // in place: Map.set keeps the key's position
    t.startTicks = old.startTicks;
    t.exitSignal = SIGCHLD;
    group.leader = t;
    // Rebuild the ring with the new leader first (the others are gone by now).
    group.threads.delete(t);
    const rest = [...group.threads];
    group.threads.clear();
    group.threads.add(t);
    for (const r of rest) group.threads.add(r);
    releaseTask(k, old, "exec");
  }
  group.groupExit = false;
}

/** The exec proper, once the task is alone: fresh mm, old one dropped, new comm. */
export function execMm(
  k: KernelState,
  t: Task,
  path: string,
  totalVmPages: number,
  zoneCount: number,
): void {
  const old = t.mm;
  if (old !== null) {
    t.mm = k.newMm(totalVmPages, zoneCount);
    mmput(k, old, t);
  }
  t.comm = commFromPath(path);
  t.flags &= ~PF_FORKNOEXEC;
}
