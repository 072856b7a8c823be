import { describe, expect, it } from "vitest";
import { bootInit } from "./boot.js";
import {
  initialJiffies,
  jiffiesAt,
  printkTimePrefix,
  taskTimeslice,
  uptimeSeconds,
} from "./clock.js";
import { KernelState } from "./kernel-state.js";
import { Scheduler } from "./scheduler.js";
import { forceSigKill } from "./signal.js";
import type { Task } from "./task.js";

describe("clock (docs/oom-path.md §10)", () => {
  it("docs/oom-path.md §10: jiffies start at 2^32 - 300·HZ and wrap five minutes after boot on 32-bit", () => {
    expect(initialJiffies(250)).toBe(2 ** 32 - 75000);
    expect(jiffiesAt(0, 250, 64)).toBe(4294892296);
    expect(jiffiesAt(75000, 250, 32)).toBe(0);
    expect(jiffiesAt(75000, 250, 64)).toBe(2 ** 32);
  });

  it("docs/oom-path.md §10: uptime and the printk time prefix come from ticks since boot", () => {
    expect(uptimeSeconds(1249, 250)).toBe(4);
    expect(printkTimePrefix(1251, 250)).toBe("[    5.004000] ");
    expect(printkTimePrefix(100001, 300)).toBe("[  333.336666] ");
  });

  it("docs/oom-path.md §10: task_timeslice at HZ 1000 and 250", () => {
    expect(taskTimeslice(120, 1000)).toBe(100);
    expect(taskTimeslice(100, 1000)).toBe(800);
    expect(taskTimeslice(139, 1000)).toBe(5);
    expect(taskTimeslice(120, 250)).toBe(25);
    expect(taskTimeslice(100, 250)).toBe(200);
    expect(taskTimeslice(139, 250)).toBe(1);
  });
});

function setup() {
  const k = new KernelState({ bits: 64, hz: 250, pidMax: 32768 }, [0]);
  const init = bootInit(k, {
    comm: "init",
    uid: 0,
    euid: 0,
    caps: 0,
    nice: 0,
    oomkilladj: 0,
    startTicks: 0,
    cpuset: k.rootCpuset,
  });
  const s = new Scheduler(250);
  k.hooks = { ...k.hooks, woken: (t: Task) => s.wake(t) };
  return { k, init, s };
}

describe("scheduler (docs/oom-path.md §4.9)", () => {
  it("round-robins runnable tasks a tick at a time", () => {
    const { init, s } = setup();
    const a = { ...init, pid: 2 } as Task;
    s.wake(init);
    s.wake(a);
    expect(s.pickNext()).toBe(init);
    s.requeue(init);
    expect(s.pickNext()).toBe(a);
    s.requeue(a);
    expect(s.pickNext()).toBe(init);
  });

  it("docs/oom-path.md §9.1: SIGKILL wakes an interruptible sleeper but not an uninterruptible one", () => {
    const { k, init, s } = setup();
    s.idle(init);
    forceSigKill(k, init, "oom");
    expect(init.sched).toBe("runnable");
    const { k: k2, init: t, s: s2 } = setup();
    s2.sleepUntilTick(t, 10);
    forceSigKill(k2, t, "oom");
    expect(t.sched).toBe("sleeping");
    s2.expireTimers(9);
    expect(s2.pickNext()).toBeNull();
    s2.expireTimers(10);
    expect(s2.pickNext()).toBe(t);
  });

  it("docs/oom-path.md §10: each tick charges user or system time and the slice, refilled at 0", () => {
    const { init, s } = setup();
    init.timeSlice = 1;
    s.chargeTick(init, true);
    expect(init.stimeJiffies).toBe(1);
    expect(init.timeSlice).toBe(25);
    s.chargeTick(init, false);
    expect(init.utimeJiffies).toBe(1);
  });
});
