import { describe, expect, it } from "vitest";
import { bootInit } from "./boot.js";
import { deThreadReady, execMm, finishDeThread, startDeThread } from "./exec.js";
import { doExit, reapZombies } from "./exit.js";
import { doFork } from "./fork.js";
import { type KernelHooks, KernelState, NO_HOOKS } from "./kernel-state.js";
import { forceSigKill, takePendingSignal } from "./signal.js";
import {
  CLONE_PARENT,
  CLONE_THREAD,
  CLONE_VM,
  EXIT_ZOMBIE,
  type Mm,
  PF_EXITING,
  type Task,
} from "./task.js";

function machine(hooks: Partial<KernelHooks> = {}) {
  const k = new KernelState({ bits: 64, hz: 250, pidMax: 32768 }, [0]);
  k.hooks = { ...NO_HOOKS, ...hooks };
  const init = bootInit(k, {
    comm: "init",
    uid: 0,
    euid: 0,
    caps: 0xfffffeff,
    nice: 0,
    oomkilladj: 0,
    startTicks: 0,
    cpuset: k.rootCpuset,
  });
  init.mm = k.newMm(100, 1);
  return { k, init };
}

function fork(k: KernelState, cur: Task, pid: number, flags = 0): Task {
  const r = doFork(k, cur, { cloneFlags: flags, pid, zoneCount: 1 });
  if (!r.ok) throw new Error("fork failed");
  return r.task;
}
const pids = (s: Iterable<Task> | null) => (s === null ? [] : [...s].map((t) => t.pid));

/** Example 6 of the spec: threads and the child of a thread. */
function example6() {
  const m = machine();
  const { k, init } = m;
  const srv = fork(k, init, 50);
  const t51 = fork(k, srv, 51, CLONE_VM | CLONE_THREAD);
  const t52 = fork(k, srv, 52, CLONE_VM | CLONE_THREAD);
  const helper = fork(k, t51, 55);
  const db = fork(k, init, 60);
  const t61 = fork(k, db, 61, CLONE_VM | CLONE_THREAD);
  return { ...m, srv, t51, t52, helper, db, t61 };
}

describe("process model (docs/oom-path.md §3)", () => {
  it("docs/oom-path.md §3.1: threads sit on their process's parent's list; a thread's child on the thread's", () => {
    const { k, init, t51 } = example6();
    expect(pids(init.children)).toEqual([50, 51, 52, 60, 61]);
    expect(pids(t51.children)).toEqual([55]);
    expect([...k.eachThread()].map((t) => t.pid)).toEqual([1, 50, 51, 52, 55, 60, 61]);
  });

  it("docs/oom-path.md §3.1: CLONE_VM shares the mm, fork duplicates it, CLONE_PARENT picks the grandparent", () => {
    const { k, init } = machine();
    const a = fork(k, init, 10);
    const b = fork(k, a, 11, CLONE_VM);
    const c = fork(k, a, 12, CLONE_PARENT);
    expect(b.mm).toBe(a.mm);
    expect(a.mm!.users).toBe(2);
    expect(c.mm).not.toBe(a.mm);
    expect(c.realParent).toBe(init);
    expect(pids(init.children)).toEqual([10, 12]);
    expect(pids(a.children)).toEqual([11]);
    expect(b.tgid).toBe(11);
  });

  it("docs/oom-path.md §3.1: fork splits the time slice and fails with a signal pending", () => {
    const { k, init } = machine();
    const a = fork(k, init, 10);
    a.timeSlice = 25;
    const b = fork(k, a, 11);
    expect(b.timeSlice).toBe(13);
    expect(a.timeSlice).toBe(12);
    a.sigkillPending = true;
    expect(doFork(k, a, { cloneFlags: 0, zoneCount: 1 }).ok).toBe(false);
  });

  it("docs/oom-path.md §3.2: an exiting thread's children go to the next live thread of its group", () => {
    const { k, init, t51, t52, helper } = example6();
    doExit(k, t51, 0);
    expect(helper.realParent).toBe(t52);
    expect(pids(t52.children)).toEqual([55]);
    // The thread was released at once: it left init's list.
    expect(pids(init.children)).toEqual([50, 52, 60, 61]);
  });

  it("docs/oom-path.md §3.2: a process's children go to init at the tail of its list, zombies reaped", () => {
    const { k, init } = machine();
    const a = fork(k, init, 10);
    const b = fork(k, a, 11);
    const c = fork(k, a, 12);
    fork(k, init, 13);
    doExit(k, c, 0);
    expect(c.exitState).toBe(EXIT_ZOMBIE); // a's zombie: a does not reap by default
    expect(pids(a.children)).toEqual([11, 12]);
    doExit(k, a, 0);
    // a is init's child: released at once; b and the zombie c move to init, c is reaped.
    expect(pids(init.children)).toEqual([13, 11]);
    expect(b.realParent).toBe(init);
    expect(k.tasks.has(12)).toBe(false);
  });

  it("docs/oom-path.md §3.4: a zombie stays on its parent's list until the parent waits", () => {
    const { k, init } = machine();
    const a = fork(k, init, 10);
    const b = fork(k, a, 11);
    doExit(k, b, 0);
    expect(pids(a.children)).toEqual([11]);
    expect(b.mm).toBeNull();
    expect([...k.eachThread()].map((t) => t.pid)).toEqual([1, 10, 11]);
    expect(pids(reapZombies(k, a))).toEqual([11]);
    expect(pids(a.children)).toEqual([]);
    expect(k.tasks.has(11)).toBe(false);
  });

  it("docs/oom-path.md §3.4: a leader exiting before its threads stays a zombie until the last is released", () => {
    const { k, init, srv, t51, t52 } = example6();
    doExit(k, srv, 0);
    expect(srv.exitState).toBe(EXIT_ZOMBIE);
    expect([...k.eachThread()].map((t) => t.pid)).toEqual([1, 50, 51, 52, 55, 60, 61]);
    doExit(k, t51, 0);
    doExit(k, t52, 0);
    expect(k.tasks.has(50)).toBe(false);
    expect(pids(init.children)).toEqual([60, 61, 55]);
  });

  it("docs/oom-path.md §9.3: the mm is freed once, only when its last user drops it", () => {
    const freed: Mm[] = [];
    const { k, init } = machine({ mmFreed: (mm) => freed.push(mm) });
    const a = fork(k, init, 10);
    const b = fork(k, a, 11, CLONE_VM);
    const mm = a.mm!;
    doExit(k, a, 9);
    expect(a.flags & PF_EXITING).toBe(PF_EXITING);
    expect(freed).toEqual([]);
    expect(mm.users).toBe(1);
    doExit(k, b, 9);
    expect(freed).toEqual([mm]);
  });

  it("docs/oom-path.md §9.2: SIGKILL to one thread takes the whole group down; init discards it", () => {
    const { k, init, srv, t51, t52 } = example6();
    forceSigKill(k, t51, "oom");
    expect(takePendingSignal(k, t51).kind).toBe("exited");
    expect(srv.sigkillPending && t52.sigkillPending).toBe(true);
    expect(srv.group.groupExit).toBe(true);
    forceSigKill(k, init, "oom");
    expect(takePendingSignal(k, init).kind).toBe("discarded");
  });

  it("docs/oom-path.md §3.3: a non-leader exec takes the leader's pid, list position and start time", () => {
    const { k, init, srv, t51, t52 } = example6();
    srv.startTicks = 7;
    expect(startDeThread(k, t52)).toBe(true);
    expect(deThreadReady(t52)).toBe(false);
    for (const t of [srv, t51]) expect(takePendingSignal(k, t).kind).toBe("exited");
    expect(deThreadReady(t52)).toBe(true);
    finishDeThread(k, t52);
    execMm(k, t52, "/usr/bin/a-very-long-program-name", 10, 1);
    expect(t52.pid).toBe(50);
    expect(t52.startTicks).toBe(7);
    expect(t52.comm).toBe("a-very-long-pro");
    expect(k.tasks.get(50)).toBe(t52);
    expect(k.tasks.has(52)).toBe(false);
    expect([...k.eachThread()].map((t) => t.pid)).toEqual([1, 50, 55, 60, 61]);
    expect(pids(init.children)).toEqual([50, 60, 61]);
  });
});
