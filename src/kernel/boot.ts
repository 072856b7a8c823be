/**
 * Creating the first tasks: init (pid 1, the first entry of the process list and the
 * child reaper) and kernel threads (no mm, on init's children list).
 */

import { taskTimeslice } from "./clock.js";
import type { KernelState } from "./kernel-state.js";
import { addChild, type Cpuset, TASK_INTERRUPTIBLE, type Task, type ThreadGroup } from "./task.js";

export interface NewTaskFields {
  pid: number;
  comm: string;
  uid: number;
  euid: number;
  caps: number;
  nice: number;
  oomkilladj: number;
  startTicks: number;
  cpuset: Cpuset;
  memsAllowed?: readonly number[];
}

/** A task that is the leader of a new thread group, not yet linked anywhere. */
export function makeLeader(
  k: KernelState,
  f: NewTaskFields,
  parent: Task | null,
  kernelThread: boolean,
): Task {
  const staticPrio = 120 + f.nice;
  const t: Task = {
    pid: f.pid,
    tgid: f.pid,
    group: undefined as unknown as ThreadGroup,
    comm: f.comm,
    mm: null,
    flags: 0,
    memdie: false,
    sigkillPending: false,
    sigpending: false,
    state: TASK_INTERRUPTIBLE,
    exitState: 0,
    exitSignal: 17,
    utimeJiffies: 0,
    stimeJiffies: 0,
    startTicks: f.startTicks,
    staticPrio,
    prio: staticPrio,
    timeSlice: taskTimeslice(staticPrio, k.hz),
    uid: f.uid,
    euid: f.euid,
    caps: f.caps,
    oomkilladj: f.oomkilladj,
    realParent: parent,
    parent,
    children: null,
    cpuset: f.cpuset,
    memsAllowed: f.memsAllowed ?? f.cpuset.mems,
    mempolicyBind: null,
    kernelThread,
    sched: "idle",
  };
  t.group = { leader: t, threads: new Set([t]), groupExit: false, live: 1, autoReap: false };
  return t;
}

/** Links a new leader the way copy_process does (children list, then process list). */
export function linkLeader(k: KernelState, t: Task): void {
  k.claimPid(t.pid);
  k.tasks.set(t.pid, t);
  addChild(t.parent, t);
  k.processList.set(t.tgid, t);
}

/** init: pid 1, on the idle task's list, first in the process list. */
export function bootInit(k: KernelState, f: Omit<NewTaskFields, "pid">): Task {
  const init = makeLeader(k, { ...f, pid: 1 }, null, false);
  linkLeader(k, init);
  return init;
}

/** A kernel thread: no mm, a child of init. */
export function spawnKernelThread(k: KernelState, comm: string, pid?: number): Task {
  const init = k.init();
  const t = makeLeader(
    k,
    {
      pid: pid ?? k.allocPid(),
      comm,
      uid: 0,
      euid: 0,
      caps: 0xfffffeff,
      nice: -5,
      oomkilladj: 0,
      startTicks: k.ticks,
      cpuset: k.rootCpuset,
    },
    init,
    true,
  );
  linkLeader(k, t);
  return t;
}
