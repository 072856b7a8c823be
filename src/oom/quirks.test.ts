/**
 * One test per quirk of docs/oom-path.md §13 that can show within one `out_of_memory()` call.
 * Q20 is unreachable on a frozen state and Q21 lives in the allocator (src/alloc).
 */

import { describe, expect, it } from "vitest";
import { buildSnapshot, type SnapshotSpec } from "../../test/support/build.js";
import { runOutOfMemory } from "./out_of_memory.js";
import type { OomResult } from "./result.js";
import { selectBadProcess } from "./select_bad_process.js";
import { compileState } from "./state.js";

const texts = (r: OomResult) => r.log.filter((l) => l.level !== "placeholder").map((l) => l.text);
const init = { pid: 1, comm: "init", vm: 100, uid: 0 };

describe("docs/oom-path.md §13 quirks", () => {
  it("Q1: a thread's OOM_DISABLE does not protect its process", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, comm: "app", mm: "app" },
          { pid: 11, tgid: 10, parent: 1, comm: "app", mm: "app", adj: -17 },
        ],
        mms: { app: 5000 },
        current: 10,
      }),
    );
    expect(texts(r)).toContain("Killed process 10 (app)");
  });

  it("Q2: sharers in other thread groups are not signalled; p gets SIGKILL once per sharer", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, comm: "main", mm: "vm" },
          { pid: 11, parent: 10, comm: "clone1", mm: "vm" },
          { pid: 12, parent: 10, comm: "clone2", mm: "vm" },
        ],
        mms: { vm: 5000 },
        current: 10,
      }),
    );
    expect(r.sigkill).toEqual([10, 10, 10]);
    expect(r.memdie).toEqual([10]);
  });

  it("Q3: a zero score stays zero under a positive oomkilladj", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        uptime: 100,
        tasks: [
          init,
          { pid: 10, parent: 1, vm: 3, uid: 0, caps: ["CAP_SYS_RAWIO"], adj: 15 },
          { pid: 11, parent: 1, vm: 1 },
        ],
        current: 11,
      }),
    );
    expect(r.badness).toEqual([
      { pid: 10, points: 0n },
      { pid: 11, points: 1n },
    ]);
    expect(r.selected?.pid).toBe(11);
  });

  const twoNodes = (spec: Partial<SnapshotSpec>): SnapshotSpec => ({
    nodes: [{ id: 0 }, { id: 1 }],
    cpusets: [
      { path: "/", mems: [0, 1], mem_exclusive: true },
      { path: "/job", mems: [0], mem_exclusive: false },
    ],
    tasks: [init, { pid: 10, parent: 1, comm: "job", vm: 1000, cpuset: "/job" }],
    current: 10,
    zonelist: [
      { node: 0, zone: "Normal" },
      { node: 1, zone: "Normal" },
    ],
    ...spec,
  });

  it("Q4: GFP_KERNEL from a restricted cpuset deadlocks; an exiting current does not", () => {
    expect(runOutOfMemory(buildSnapshot(twoNodes({ gfp: 0xd0 }))).outcome).toBe("deadlock");
    const exiting = twoNodes({ gfp: 0xd0 });
    exiting.tasks[1] = { ...exiting.tasks[1]!, flags: ["PF_EXITING"] };
    const r = runOutOfMemory(buildSnapshot(exiting));
    expect(r.outcome).toBe("killed");
    expect(r.constraint).toBe("none");
  });

  it("Q5: a stale node bit turns NONE into MEMORY_POLICY", () => {
    const spec: SnapshotSpec = {
      tasks: [init, { pid: 10, parent: 1, comm: "hog", vm: 1000 }],
      current: 10,
      zonelist: [{ node: 0, zone: "Normal" }],
    };
    expect(runOutOfMemory(buildSnapshot(spec)).constraint).toBe("none");
    const r = runOutOfMemory(buildSnapshot({ ...spec, uninit_nodemask: [5] }));
    expect(r.constraint).toBe("memory_policy");
    expect(texts(r)[1]).toBe(
      "No available memory (MPOL_BIND): kill process 10 (hog) score 0 or a child",
    );
  });

  it("Q6: panic_on_oom is ignored by constrained OOMs; any non-zero value panics otherwise", () => {
    expect(runOutOfMemory(buildSnapshot(twoNodes({ panic_on_oom: 1 }))).outcome).toBe("killed");
    const none: SnapshotSpec = {
      tasks: [init, { pid: 10, parent: 1, vm: 1 }],
      current: 10,
      panic_on_oom: -7,
    };
    expect(runOutOfMemory(buildSnapshot(none)).outcome).toBe("panic");
  });

  it("Q7: any order reaches the OOM killer and is printed", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [init, { pid: 10, parent: 1, comm: "big", vm: 10 }],
        current: 10,
        order: 10,
      }),
    );
    expect(texts(r)[0]).toBe("big invoked oom-killer: gfp_mask=0x200d2, order=10, oomkilladj=0");
    expect(r.outcome).toBe("killed");
  });

  it("Q8: constrained OOMs ignore TIF_MEMDIE, re-kill the same child, and spare an OOM_DISABLE current", () => {
    const spec = twoNodes({});
    spec.tasks.push({
      pid: 11,
      parent: 10,
      comm: "child",
      vm: 50,
      cpuset: "/job",
      tif: ["TIF_MEMDIE"],
    });
    const r = runOutOfMemory(buildSnapshot(spec));
    expect(texts(r).slice(1)).toEqual([
      "No available memory in cpuset: kill process 10 (job) score 0 or a child",
      "Killed process 11 (child)",
    ]);
    const disabled = twoNodes({});
    disabled.tasks[1] = { ...disabled.tasks[1]!, adj: -17 };
    const r2 = runOutOfMemory(buildSnapshot(disabled));
    expect(r2.sigkill).toEqual([]);
    expect(r2.outcome).toBe("killed");
    expect(r2.sleep).toBe(true);
  });

  it("Q9: every thread of a child adds the child's half size again", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, comm: "parent", vm: 100 },
          { pid: 11, parent: 10, comm: "kid", mm: "kid" },
          { pid: 12, tgid: 11, parent: 10, comm: "kid", mm: "kid" },
          { pid: 13, tgid: 11, parent: 10, comm: "kid", mm: "kid" },
        ],
        mms: { kid: 1000 },
        current: 10,
      }),
    );
    expect(r.badness[0]).toEqual({ pid: 10, points: 100n + 3n * 501n });
  });

  it("Q10: the first killable child is killed, not the largest", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, comm: "parent", vm: 100000 },
          { pid: 11, parent: 10, comm: "small", vm: 10 },
          { pid: 12, parent: 10, comm: "large", vm: 90000 },
        ],
        current: 10,
      }),
    );
    expect(texts(r)[2]).toBe("Killed process 11 (small)");
  });

  it("Q11: an exiting current chosen first is still undone by a later TIF_MEMDIE task", () => {
    const tasks = [
      init,
      { pid: 10, parent: 1, comm: "me", vm: 10, flags: ["PF_EXITING"], adj: -17 },
      { pid: 11, parent: 1, comm: "dying", vm: 10, tif: ["TIF_MEMDIE"] },
    ];
    expect(runOutOfMemory(buildSnapshot({ tasks, current: 10 })).outcome).toBe("aborted");
    const r = runOutOfMemory(buildSnapshot({ tasks: tasks.slice(0, 2), current: 10 }));
    expect(r.selected).toEqual({ pid: 10, points: (1n << 64n) - 1n });
    expect(r.badness).toEqual([]);
    expect(r.memdie).toEqual([10]);
  });

  it("Q11: an exiting current that is not OOM_DISABLE still gets its badness() call", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, vm: 10, flags: ["PF_EXITING"] },
          { pid: 11, parent: 1, vm: 99 },
        ],
        current: 10,
      }),
    );
    expect(r.badness).toEqual([
      { pid: 10, points: 10n },
      { pid: 11, points: 99n },
    ]);
    expect(r.selected).toEqual({ pid: 10, points: (1n << 64n) - 1n });
  });

  it("Q12: scores of 2^63 and above print negative on 64-bit", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [init, { pid: 10, parent: 1, comm: "x", vm: 1n << 48n, adj: 15 }],
        current: 10,
      }),
    );
    expect(texts(r)[1]).toBe(`Out of memory: kill process 10 (x) score ${-(1n << 63n)} or a child`);
  });

  it("Q13: a thread of init other than pid 1 is an eligible victim", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          { pid: 1, comm: "init", mm: "init", uid: 0 },
          { pid: 5, tgid: 1, parent: 0, comm: "init", mm: "init", uid: 0 },
        ],
        mms: { init: 4000 },
        current: 5,
      }),
    );
    expect(r.selected).toEqual({ pid: 5, points: 1000n });
    expect(texts(r)[2]).toBe("Killed process 5 (init)");
  });

  it("Q14: TIF_MEMDIE on a task without an mm no longer blocks selection", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [
          init,
          { pid: 10, parent: 1, mm: null, tif: ["TIF_MEMDIE"] },
          { pid: 11, parent: 1, vm: 10 },
        ],
        current: 11,
      }),
    );
    expect(r.outcome).toBe("killed");
  });

  it("Q15: on 32-bit the children sum wraps", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        bits: 32,
        tasks: [init, { pid: 10, parent: 1, vm: 0xffffffff }, { pid: 11, parent: 10, vm: 4 }],
        current: 11,
      }),
    );
    expect(r.badness[0]).toEqual({ pid: 10, points: 2n });
  });

  it("Q15: on 32-bit a nice task's doubling wraps before the root's division by 4", () => {
    const state = compileState(
      buildSnapshot({
        bits: 32,
        tasks: [init, { pid: 10, parent: 1, vm: 0xc0000000, nice: 5, uid: 0 }],
        current: 10,
      }),
    );
    // (0xc0000000 * 2) mod 2^32 = 0x80000000, then / 4; not 0xc0000000 / 2.
    const seen: (number | bigint)[] = [];
    selectBadProcess(state, (_, points) => seen.push(points));
    expect(seen.map(BigInt)).toEqual([0x20000000n]);
    const sel = selectBadProcess(state);
    expect(sel.kind === "chosen" && BigInt(sel.points)).toBe(0x20000000n);
  });

  it("Q16: the cpuset term is relative to current", () => {
    const spec = (current: number): SnapshotSpec => ({
      nodes: [{ id: 0 }, { id: 1 }],
      cpusets: [
        { path: "/", mems: [0, 1], mem_exclusive: true },
        { path: "/a", mems: [0], mem_exclusive: true },
        { path: "/b", mems: [1], mem_exclusive: true },
      ],
      tasks: [
        init,
        { pid: 10, parent: 1, vm: 800, cpuset: "/a" },
        { pid: 11, parent: 1, vm: 800, cpuset: "/b" },
      ],
      current,
      gfp: 0x40000,
      zonelist: [
        { node: 0, zone: "Normal" },
        { node: 1, zone: "Normal" },
      ],
    });
    expect(runOutOfMemory(buildSnapshot(spec(10))).badness.map((b) => b.points)).toEqual([
      800n,
      100n,
    ]);
    expect(runOutOfMemory(buildSnapshot(spec(11))).badness.map((b) => b.points)).toEqual([
      100n,
      800n,
    ]);
  });

  it("Q17: the suppressed count is reported before the header", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        tasks: [init, { pid: 10, parent: 1, vm: 1 }],
        current: 10,
        printk_suppressed: 7,
      }),
    );
    expect(r.log[0]).toEqual({ level: "KERN_WARNING", text: "printk: 7 messages suppressed." });
  });

  it("Q18: the victim's time slice becomes HZ", () => {
    const r = runOutOfMemory(
      buildSnapshot({ hz: 300, tasks: [init, { pid: 10, parent: 1, vm: 1 }], current: 10 }),
    );
    expect(r.time_slice).toEqual([{ pid: 10, value: 300 }]);
  });

  it("Q19: a DMA zonelist on a machine with memory on another node is 'MPOL_BIND'", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        nodes: [{ id: 0 }, { id: 1 }],
        tasks: [init, { pid: 10, parent: 1, comm: "drv", vm: 1 }],
        current: 10,
        gfp: 0xd1,
        zonelist: [{ node: 0, zone: "DMA" }],
      }),
    );
    expect(r.constraint).toBe("memory_policy");
    expect(texts(r)[1]).toBe(
      "No available memory (MPOL_BIND): kill process 10 (drv) score 0 or a child",
    );
  });
});

describe("docs/oom-path.md §8.3 refusals", () => {
  it("an exiting init as current in a constrained OOM is refused with the WARN_ON report", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        nodes: [{ id: 0 }, { id: 1 }],
        tasks: [{ ...init, flags: ["PF_EXITING"] }],
        current: 1,
        zonelist: [{ node: 0, zone: "Normal" }],
      }),
    );
    expect(r.log.slice(-3)).toEqual([
      { level: "default", text: "BUG: at mm/oom_kill.c:275 __oom_kill_task()" },
      { level: "placeholder", text: "dump_stack()" },
      { level: "KERN_WARNING", text: "tried to kill init!" },
    ]);
    expect(r.memdie).toEqual([]);
  });

  it("an exiting kernel thread as current is refused as mm-less", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        nodes: [{ id: 0 }, { id: 1 }],
        tasks: [
          init,
          { pid: 7, parent: 0, comm: "events/0", mm: null, flags: ["PF_EXITING"], uid: 0 },
        ],
        current: 7,
        zonelist: [{ node: 0, zone: "Normal" }],
      }),
    );
    expect(texts(r).slice(-2)).toEqual([
      "BUG: at mm/oom_kill.c:281 __oom_kill_task()",
      "tried to kill an mm-less task!",
    ]);
  });

  it("init as current with a sharer of its mm signals init itself (docs/oom-path.md §8.3)", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        nodes: [{ id: 0 }, { id: 1 }],
        tasks: [
          { pid: 1, comm: "init", mm: "init", uid: 0 },
          { pid: 2, parent: 1, comm: "clone", mm: "init", uid: 0 },
        ],
        mms: { init: 100 },
        current: 1,
        zonelist: [{ node: 0, zone: "Normal" }],
      }),
    );
    expect(texts(r).slice(-1)).toEqual(["tried to kill init!"]);
    expect(r.sigkill).toEqual([1]);
    expect(r.memdie).toEqual([]);
  });

  it("the notifier chain returns before anything else", () => {
    const r = runOutOfMemory(buildSnapshot({ tasks: [init], current: 1, notifier_freed: 3 }));
    expect(r).toMatchObject({ outcome: "notifier", constraint: null, log: [], sleep: false });
  });
});
