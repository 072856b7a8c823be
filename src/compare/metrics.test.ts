import { describe, expect, it } from "vitest";
import type { EventBody, SimEvent } from "../sim/events.js";
import { mergeIntervals } from "../sim/intervals.js";
import type { GroundTruth } from "./ground-truth.js";
import { metricsOf } from "./metrics.js";

/** Process 10 is the culprit; 20 has a thread 21 that is OOM_DISABLE. HZ 100. */
const TRUTH: GroundTruth = {
  hz: 100,
  culpritSource: "role",
  processes: [
    { tgid: 1, comm: "init", culprit: false, value: 0 },
    { tgid: 10, comm: "leak", culprit: true, value: 5 },
    { tgid: 20, comm: "db", culprit: false, value: 3 },
    { tgid: 30, comm: "web", culprit: false, value: 2 },
  ],
  tasks: [
    { pid: 1, tgid: 1, oomkilladj: 0 },
    { pid: 10, tgid: 10, oomkilladj: 0 },
    { pid: 20, tgid: 20, oomkilladj: 0 },
    { pid: 21, tgid: 20, oomkilladj: -17 },
    { pid: 30, tgid: 30, oomkilladj: 0 },
  ],
};

const at = (tick: number, e: EventBody): SimEvent => ({ ...e, tick }) as SimEvent;
const invoked = (tick: number, n: number, pid: number) =>
  at(tick, { type: "oom.invoked", n, pid, comm: "x", gfpMask: 0x280d2, order: 0 });
const kill = (tick: number, n: number, victim: number) =>
  at(tick, {
    type: "oom.kill",
    n,
    selected: victim,
    points: "100",
    victim,
    comm: "x",
    constraint: "none",
  });
const signal = (tick: number, pid: number, reason: "oom" | "group_exit" = "oom") =>
  at(tick, { type: "task.signal", pid, comm: "x", signal: 9, reason });
const result = (tick: number, n: number, outcome: string) =>
  at(tick, { type: "oom.result", n, outcome, sleep: true });
const stall = (tick: number, pid: number) =>
  at(tick, { type: "alloc.stall", pid, gfpMask: 0x280d2, order: 0, classzoneIdx: 2 });
const done = (tick: number, pid: number, stallTicks: number) =>
  at(tick, { type: "alloc.done", pid, gfpMask: 0x280d2, order: 0, ok: true, stallTicks });
const freed = (tick: number, pid: number, pages: number) =>
  at(tick, { type: "mm.free", mm: "mm9", pid, comm: "x", pages, byZone: [pages] });

const START = at(1000, {
  type: "sim.start",
  seed: 1,
  bits: 64,
  hz: 100,
  tasks: 5,
  presentPages: 65536,
  printkTime: false,
  machine: { numa: false, cpus: 1, zones: [], swapPages: 0 },
});

/** Three episodes: two kills in the first, an abort in the second 3 s later, a kill long after. */
const STREAM: SimEvent[] = [
  START,
  stall(1100, 10),
  invoked(1150, 1, 10),
  kill(1150, 1, 20),
  signal(1150, 20),
  result(1150, 1, "killed"),
  signal(1151, 21, "group_exit"),
  freed(1152, 21, 800),
  invoked(1160, 2, 10),
  kill(1160, 2, 10),
  signal(1160, 10),
  result(1160, 2, "killed"),
  freed(1161, 10, 1000),
  done(1200, 10, 100),
  stall(1500, 30),
  invoked(1550, 3, 30),
  result(1550, 3, "aborted"),
  done(1560, 30, 60),
  at(8000, { type: "task.oom_adj", pid: 30, value: -17 }),
  invoked(8001, 4, 30),
  kill(8001, 4, 30),
  signal(8001, 30),
  result(8001, 4, "killed"),
  stall(9000, 1),
  at(9500, { type: "alloc.pending", pid: 1, gfpMask: 0x280d2, order: 0, stallTicks: 500 }),
  at(9500, { type: "panic", message: "Out of memory and no killable processes...\n" }),
  at(9500, { type: "sim.end", reason: "panic", tasks: 3, freePages: 0 }),
];

describe("run metrics", () => {
  const m = metricsOf(STREAM, TRUTH);

  it("counts kills, innocent victims and overkill per OOM episode", () => {
    expect(m.kills).toBe(3);
    // db and web were killed; only the leak is a culprit.
    expect(m.innocentVictims).toBe(2);
    // The first episode killed twice; the others once or not at all.
    expect(m.oomEpisodes).toBe(3);
    expect(m.overkill).toBe(1);
  });

  it("a repeat OOM is an episode beginning within the window after the previous one ended", () => {
    // The second episode begins 3 s after the first ended, the third 64 s after the second.
    expect(m.repeatOoms).toBe(1);
    expect(metricsOf(STREAM, TRUTH, { windowSeconds: 2.99 }).repeatOoms).toBe(0);
    expect(metricsOf(STREAM, TRUTH, { windowSeconds: 64.41 }).repeatOoms).toBe(2);
  });

  it("work lost is the value of every process signalled; memory recovered is theirs", () => {
    expect(m.killedProcesses).toEqual([20, 10, 30]);
    expect(m.workLost).toBe(10);
    // db's mm is freed by its last thread, 21; the leak frees its own; web frees nothing.
    expect(m.recoveredPages).toBe(1800);
    expect(m.recoveredPagesPerKill).toBe(600);
  });

  it("time under pressure is the union of the stalls; relief ends the first of them", () => {
    expect(m.pressureTicks).toBe(100 + 60 + 500);
    expect(m.reliefTicks).toBe(100);
    expect(m.stalledAtEnd).toBe(true);
  });

  it("an OOM SIGKILL to an OOM_DISABLE task is a protected-process violation; a group exit is not", () => {
    // Thread 21 (-17) died by its group's exit; web (-17 since tick 8000) was signalled.
    expect(m.protectedViolations).toBe(1);
    expect(m.panics).toBe(1);
    expect(m.endReason).toBe("panic");
  });

  it("lists every call with its outcome and victim", () => {
    expect(m.calls.map((c) => [c.n, c.outcome, c.victim])).toEqual([
      [1, "killed", 20],
      [2, "killed", 10],
      [3, "aborted", null],
      [4, "killed", 30],
    ]);
  });

  it("a task hung in the OOM killer stays under pressure until the end, never relieved", () => {
    const hung = metricsOf(
      [
        START,
        stall(1100, 10),
        invoked(1200, 1, 10),
        result(1200, 1, "deadlock"),
        stall(1300, 30),
        at(1400, { type: "oom.blocked", pid: 30, comm: "web" }),
        at(2000, { type: "sim.end", reason: "idle", tasks: 5, freePages: 0 }),
      ],
      TRUTH,
    );
    expect(hung.pressureTicks).toBe(900);
    expect(hung.reliefTicks).toBeNull();
    expect(hung.stalledAtEnd).toBe(true);
    expect(hung.oomEpisodes).toBe(1);
    expect(hung.calls.map((c) => [c.n, c.outcome])).toEqual([
      [1, "deadlock"],
      [null, "blocked"],
    ]);
    expect([hung.kills, hung.recoveredPagesPerKill]).toEqual([0, null]);
  });

  it("forks inherit oomkilladj; a forked process is worth nothing and is no culprit", () => {
    const forked = metricsOf(
      [
        START,
        at(1001, { type: "task.oom_adj", pid: 10, value: -17 }),
        at(1002, {
          type: "task.fork",
          pid: 40,
          parent: 10,
          comm: "kid",
          thread: false,
          sharedMm: false,
        }),
        stall(1100, 10),
        invoked(1150, 1, 10),
        kill(1150, 1, 40),
        signal(1150, 40),
        result(1150, 1, "killed"),
        done(1160, 10, 60),
        at(1200, { type: "sim.end", reason: "idle", tasks: 5, freePages: 0 }),
      ],
      TRUTH,
    );
    expect([forked.protectedViolations, forked.innocentVictims, forked.workLost]).toEqual([
      1, 1, 0,
    ]);
  });

  it("merges overlapping and touching intervals only", () => {
    expect(
      mergeIntervals([
        [5, 6],
        [1, 3],
        [3, 4],
        [2, 2],
        [8, 8],
      ]),
    ).toEqual([
      [1, 4],
      [5, 6],
      [8, 8],
    ]);
  });
});
