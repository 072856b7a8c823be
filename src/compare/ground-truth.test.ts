import { describe, expect, it } from "vitest";
import { runScenarioText } from "../sim/run.js";
import type { Simulation } from "../sim/setup.js";
import { type GroundTruth, groundTruthOf } from "./ground-truth.js";

function truthOf(text: string): GroundTruth {
  let truth: GroundTruth | undefined;
  runScenarioText(text, () => {}, {
    file: "s.yaml",
    until: 0,
    onSetup: (sim: Simulation) => {
      truth = groundTruthOf(sim);
    },
  });
  return truth!;
}

const culprits = (t: GroundTruth) => t.processes.filter((p) => p.culprit).map((p) => p.comm);

const MACHINE = "machine: {memory: 256MiB, hz: 100, uptime: 1000}\n";

describe("ground truth", () => {
  it("role: culprit names the culprits, and value overrides the CPU time", () => {
    const t = truthOf(
      `${MACHINE}processes:\n` +
        "  - {name: a, pid: 10, role: culprit, value: 7}\n" +
        "  - {name: b, pid: 20, utime: 150, stime: 50, threads: [{utime: 100}]}\n" +
        "  - {name: c, pid: 30, role: culprit}\n" +
        "timeline:\n  - {at: 1, task: b, fault: {pages: 9999}}\n",
    );
    expect(t.culpritSource).toBe("role");
    expect(culprits(t)).toEqual(["a", "c"]);
    // b's CPU time is that of its two threads, 300 jiffies at HZ 100. Init and kswapd0
    // (pid 2) are processes too, worth their CPU time: none.
    expect(t.processes.map((p) => [p.tgid, p.value])).toEqual([
      [1, 0],
      [2, 0],
      [10, 7],
      [20, 3],
      [30, 0],
    ]);
  });

  it("without a role, the process the timeline makes allocate most, a thread's entries its own", () => {
    const t = truthOf(
      `${MACHINE}processes:\n  - {name: a, pid: 10}\n  - {name: b, pid: 20}\n  - {name: c, pid: 30}\n` +
        "timeline:\n" +
        "  - {at: 1, task: a, fault: {pages: 3000}}\n" +
        "  - {at: 1, task: b, fault: {pages: 1000}, repeat: 2, every: 1}\n" +
        "  - {at: 1, task: c, thread: {label: c2}}\n" +
        "  - {at: 2, task: c2, kalloc: {gfp: GFP_KERNEL, order: 2, count: 500}}\n" +
        "  - {at: 2, task: 20, fault: {pages: 500}}\n" +
        "  - {at: 3, task: a, page_cache: {pages: 100000}}\n",
    );
    // a 3000, b 2 x 1000 + 500, c 500 x 4 through its thread; page cache is not counted.
    expect(t.culpritSource).toBe("growth");
    expect(culprits(t)).toEqual(["a"]);
  });

  it("a tie goes to the process first in the task list; no growth, no culprit", () => {
    const tie = truthOf(
      `${MACHINE}processes:\n  - {name: a}\n  - {name: b}\n` +
        "timeline:\n  - {at: 1, task: b, fault: {pages: 10}}\n  - {at: 1, task: a, fault: {pages: 10}}\n",
    );
    expect(culprits(tie)).toEqual(["a"]);
    const none = truthOf(
      `${MACHINE}processes:\n  - {name: a}\ntimeline:\n  - {at: 1, task: "@random", fault: {pages: 10}}\n`,
    );
    expect(none.culpritSource).toBe("none");
    expect(culprits(none)).toEqual([]);
  });

  it("entries for a task forked later count for no one", () => {
    const t = truthOf(
      `${MACHINE}processes:\n  - {name: a}\n  - {name: b}\n` +
        "timeline:\n" +
        "  - {at: 1, task: a, fork: {label: kid}}\n" +
        "  - {at: 2, task: kid, fault: {pages: 5000}}\n" +
        "  - {at: 2, task: b, fault: {pages: 10}}\n",
    );
    expect(culprits(t)).toEqual(["b"]);
  });

  it("lists every task with its thread group and oomkilladj", () => {
    const t = truthOf(
      `${MACHINE}processes:\n  - {name: a, pid: 10, oomkilladj: 3, threads: [{pid: 11, oomkilladj: -17}]}\n`,
    );
    expect(t.tasks.filter((x) => x.pid >= 10)).toEqual([
      { pid: 10, tgid: 10, oomkilladj: 3 },
      { pid: 11, tgid: 10, oomkilladj: -17 },
    ]);
    expect(t.hz).toBe(100);
  });
});
