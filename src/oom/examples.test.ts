/**
 * The worked examples of docs/oom-path.md §14, each at the HZ values and word widths it gives.
 * Unless a row says otherwise: uid = euid = 1000, no caps, nice 0, oomkilladj 0.
 */

import { describe, expect, it } from "vitest";
import { buildSnapshot, ROOT_CAPS, type SnapshotSpec } from "../../test/support/build.js";
import { runOutOfMemory } from "./out_of_memory.js";
import type { OomResult } from "./result.js";

const scores = (r: OomResult) => Object.fromEntries(r.badness.map((b) => [b.pid, b.points]));
const texts = (r: OomResult) => r.log.filter((l) => l.level !== "placeholder").map((l) => l.text);

describe("docs/oom-path.md §14 Example 1: child first", () => {
  const spec = (hz: number, bits: 32 | 64): SnapshotSpec => ({
    hz,
    bits,
    uptime: 20000,
    tasks: [
      { pid: 1, comm: "init", vm: 1000, uid: 0, caps: ROOT_CAPS },
      { pid: 2, comm: "ksoftirqd/0", uid: 0 },
      {
        pid: 300,
        parent: 1,
        comm: "sshd",
        vm: 5000,
        uid: 0,
        caps: ROOT_CAPS,
        start: 5,
        utime: 2000,
      },
      { pid: 310, parent: 300, comm: "bash", vm: 3000, start: 100, utime: 500 },
      { pid: 320, parent: 310, comm: "java", vm: 400000, start: 1000, utime: 600000 },
      { pid: 400, parent: 1, comm: "backup", vm: 90000, start: 19000 },
    ],
    current: 320,
    gfp: 0x200d2,
  });

  for (const bits of [64, 32] as const) {
    for (const [hz, java] of [
      [250, 11764n],
      [1000, 25000n],
    ] as const) {
      it(`HZ=${hz}, ${bits}-bit: bash is chosen and its child java is killed`, () => {
        const r = runOutOfMemory(buildSnapshot(spec(hz, bits)));
        expect(scores(r)).toEqual({ 300: 203n, 310: 101500n, 320: java, 400: 90000n });
        expect(r.outcome).toBe("killed");
        expect(r.constraint).toBe("none");
        expect(r.selected).toEqual({ pid: 310, points: 101500n });
        expect(texts(r)).toEqual([
          "java invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
          "Out of memory: kill process 310 (bash) score 101500 or a child",
          "Killed process 320 (java)",
        ]);
        expect(r.sigkill).toEqual([320]);
        expect(r.memdie).toEqual([320]);
        expect(r.time_slice).toEqual([{ pid: 320, value: hz }]);
        // Current (320) now has TIF_MEMDIE: no one-jiffy sleep.
        expect(r.sleep).toBe(false);
      });
    }
  }

  it("1p: panic_on_oom panics after the header, with no selection", () => {
    const r = runOutOfMemory(buildSnapshot({ ...spec(250, 64), panic_on_oom: 1 }));
    expect(r.outcome).toBe("panic");
    expect(r.selected).toBeNull();
    expect(r.badness).toEqual([]);
    expect(texts(r)).toEqual([
      "java invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
      "Kernel panic - not syncing: out of memory. panic_on_oom is selected",
      "",
    ]);
    expect(r.panic).toBe("out of memory. panic_on_oom is selected");
    expect(r.log.slice(-2)).toEqual([
      {
        level: "KERN_EMERG",
        text: "Kernel panic - not syncing: out of memory. panic_on_oom is selected",
      },
      { level: "default", text: "" },
    ]);
    expect(r.sleep).toBe(false);
  });

  it("1a: a TIF_MEMDIE victim with its mm makes the next OOM abort, and 400 sleeps", () => {
    const s = spec(250, 64);
    s.tasks[4]!.tif = ["TIF_MEMDIE"];
    const r = runOutOfMemory(buildSnapshot({ ...s, current: 400 }));
    expect(r.outcome).toBe("aborted");
    expect(texts(r)).toEqual([
      "backup invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
    ]);
    expect(r.sigkill).toEqual([]);
    expect(r.sleep).toBe(true);
  });

  it("1b: an exiting current is chosen with ULONG_MAX and marked silently", () => {
    const s = spec(250, 64);
    s.tasks[5]!.flags = ["PF_EXITING"];
    const r = runOutOfMemory(buildSnapshot({ ...s, current: 400 }));
    expect(r.outcome).toBe("killed");
    expect(r.selected).toEqual({ pid: 400, points: (1n << 64n) - 1n });
    expect(texts(r)).toEqual([
      "backup invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
    ]);
    expect(r.memdie).toEqual([400]);
    expect(r.sigkill).toEqual([400]);
    expect(r.time_slice).toEqual([{ pid: 400, value: 250 }]);
    expect(r.sleep).toBe(false);
  });
});

describe("docs/oom-path.md §14 Example 2: HZ changes the victim", () => {
  const spec = (hz: number, bits: 32 | 64): SnapshotSpec => ({
    hz,
    bits,
    uptime: 600,
    tasks: [
      { pid: 1, comm: "init", vm: 100, uid: 0 },
      { pid: 1000, parent: 1, comm: "A", vm: 100000, utime: 40960 },
      { pid: 1001, parent: 1, comm: "B", vm: 40000 },
    ],
    current: 1001,
  });
  const table = [
    [100, 16666n, 1001],
    [250, 25000n, 1001],
    [300, 25000n, 1001],
    [1000, 50000n, 1000],
  ] as const;
  for (const bits of [64, 32] as const) {
    for (const [hz, a, victim] of table) {
      it(`HZ=${hz}, ${bits}-bit: A scores ${a}, victim ${victim}`, () => {
        const r = runOutOfMemory(buildSnapshot(spec(hz, bits)));
        expect(scores(r)).toEqual({ 1000: a, 1001: 40000n });
        const name = victim === 1000 ? "A" : "B";
        expect(texts(r).slice(1)).toEqual([
          `Out of memory: kill process ${victim} (${name}) score ${victim === 1000 ? a : 40000n} or a child`,
          `Killed process ${victim} (${name})`,
        ]);
        expect(r.sleep).toBe(victim !== 1001);
      });
    }
  }
});

describe("docs/oom-path.md §14 Example 3: first eligible task wins at score 0; OOM_DISABLE", () => {
  const tasks = (adj10: number) => [
    { pid: 1, comm: "init", vm: 100, uid: 0 },
    { pid: 10, parent: 1, comm: "a", vm: 3, adj: adj10 },
    { pid: 11, parent: 1, comm: "b", vm: 100000, adj: -17 },
    { pid: 12, parent: 1, comm: "c", vm: 2, adj: -16 },
  ];
  for (const bits of [64, 32] as const) {
    it(`${bits}-bit: task 10 is chosen with score 0`, () => {
      const r = runOutOfMemory(buildSnapshot({ bits, uptime: 100, tasks: tasks(-2), current: 12 }));
      expect(r.badness).toEqual([
        { pid: 10, points: 0n },
        { pid: 12, points: 0n },
      ]);
      expect(texts(r).slice(1)).toEqual([
        "Out of memory: kill process 10 (a) score 0 or a child",
        "Killed process 10 (a)",
      ]);
    });
  }
  it("with 10 also OOM_DISABLE the choice is 12", () => {
    const r = runOutOfMemory(buildSnapshot({ uptime: 100, tasks: tasks(-17), current: 12 }));
    expect(r.selected).toEqual({ pid: 12, points: 0n });
  });
  it("with every non-init task OOM_DISABLE the kernel panics", () => {
    const all = tasks(-17).map((t) => (t.pid === 1 ? t : { ...t, adj: -17 }));
    const r = runOutOfMemory(buildSnapshot({ uptime: 100, tasks: all, current: 12 }));
    expect(r.outcome).toBe("panic");
    expect(r.panic).toBe("Out of memory and no killable processes...");
    expect(r.log.slice(-2)).toEqual([
      {
        level: "KERN_EMERG",
        text: "Kernel panic - not syncing: Out of memory and no killable processes...",
      },
      { level: "default", text: "" },
    ]);
    expect(r.sleep).toBe(false);
  });
});

describe("docs/oom-path.md §14 Example 4: ties and the order of adjustments", () => {
  for (const bits of [64, 32] as const) {
    for (const hz of [100, 250, 1000]) {
      it(`${bits}-bit HZ=${hz}: ties go to the earliest task`, () => {
        const r = runOutOfMemory(
          buildSnapshot({
            bits,
            hz,
            uptime: 100,
            tasks: [
              { pid: 1, comm: "init", vm: 100, uid: 0 },
              { pid: 20, parent: 1, vm: 8000 },
              { pid: 21, parent: 1, vm: 16000, uid: 0 },
              { pid: 22, parent: 1, vm: 2000, adj: 2 },
              { pid: 23, parent: 1, vm: 7999, nice: -5 },
              { pid: 24, parent: 1, vm: 4000, nice: 1 },
            ],
            current: 24,
          }),
        );
        expect(scores(r)).toEqual({ 20: 8000n, 21: 4000n, 22: 8000n, 23: 7999n, 24: 8000n });
        expect(r.selected).toEqual({ pid: 20, points: 8000n });
      });
    }
  }
});

describe("docs/oom-path.md §14 Example 5: width-dependent results and %li", () => {
  const run = (
    bits: 32 | 64,
    t30: SnapshotSpec["tasks"][number],
    t31 = { pid: 31, parent: 1, vm: 50000 },
  ) =>
    runOutOfMemory(
      buildSnapshot({
        bits,
        uptime: 100,
        tasks: [{ pid: 1, comm: "init", vm: 100, uid: 0 }, { parent: 1, ...t30 }, t31],
        current: 31,
      }),
    );
  it("5a: total_vm 0x20000 << 15 is 2^32 on 64-bit and wraps to 0 on 32-bit", () => {
    const t30 = { pid: 30, comm: "big", vm: 0x20000, adj: 15 };
    const r64 = run(64, t30);
    expect(scores(r64)).toEqual({ 30: 4294967296n, 31: 50000n });
    expect(texts(r64)[1]).toBe("Out of memory: kill process 30 (big) score 4294967296 or a child");
    const r32 = run(32, t30);
    expect(scores(r32)).toEqual({ 30: 0n, 31: 50000n });
    expect(r32.selected).toEqual({ pid: 31, points: 50000n });
    expect(texts(r32)[1]).toBe("Out of memory: kill process 31 (task31) score 50000 or a child");
  });
  it("5b: 2^31 prints negative on 32-bit", () => {
    const t30 = { pid: 30, comm: "big", vm: 0x10000, adj: 15 };
    expect(texts(run(64, t30))[1]).toBe(
      "Out of memory: kill process 30 (big) score 2147483648 or a child",
    );
    const r32 = run(32, t30);
    expect(r32.selected).toEqual({ pid: 30, points: 2147483648n });
    expect(texts(r32)[1]).toBe("Out of memory: kill process 30 (big) score -2147483648 or a child");
  });
  it("5c: 2^50 << 15 wraps to 0 on 64-bit", () => {
    const r = run(64, { pid: 30, comm: "huge", vm: 1n << 50n, adj: 15 });
    expect(scores(r)).toEqual({ 30: 0n, 31: 50000n });
    expect(r.selected?.pid).toBe(31);
  });
  for (const bits of [64, 32] as const) {
    it(`5d ${bits}-bit: PF_SWAPOFF scores ULONG_MAX and prints -1`, () => {
      const r = runOutOfMemory(
        buildSnapshot({
          bits,
          uptime: 100,
          tasks: [
            { pid: 1, comm: "init", vm: 100, uid: 0 },
            {
              pid: 40,
              parent: 1,
              comm: "swapoff",
              vm: 10,
              flags: ["PF_SWAPOFF"],
              uid: 0,
              adj: -16,
            },
            { pid: 41, parent: 1, vm: 500000 },
          ],
          current: 41,
        }),
      );
      expect(scores(r)).toEqual({ 40: (1n << BigInt(bits)) - 1n, 41: 500000n });
      expect(texts(r)[1]).toBe("Out of memory: kill process 40 (swapoff) score -1 or a child");
    });
  }
});

describe("docs/oom-path.md §14 Example 6: threads, and the child of a thread", () => {
  const spec = (hz: number, bits: 32 | 64, dbVm = 70000): SnapshotSpec => ({
    hz,
    bits,
    uptime: 5000,
    tasks: [
      { pid: 1, comm: "init", vm: 100, uid: 0 },
      { pid: 50, parent: 1, comm: "srv", mm: "srv", start: 10, utime: 10000 },
      { pid: 51, tgid: 50, parent: 1, comm: "srv", mm: "srv", start: 20 },
      { pid: 52, tgid: 50, parent: 1, comm: "srv", mm: "srv", start: 30 },
      { pid: 55, parent: 51, comm: "helper", vm: 20000, start: 40 },
      { pid: 60, parent: 1, comm: "db", mm: "db", start: 50 },
      { pid: 61, tgid: 60, parent: 1, comm: "db", mm: "db", start: 60, adj: -17 },
    ],
    mms: { srv: 60000, db: dbVm },
    current: 55,
  });
  for (const bits of [64, 32] as const) {
    for (const [hz, s50] of [
      [250, 30000n],
      [1000, 60000n],
    ] as const) {
      it(`HZ=${hz}, ${bits}-bit: thread 51 is chosen and helper (55) is killed`, () => {
        const r = runOutOfMemory(buildSnapshot(spec(hz, bits)));
        expect(r.badness).toEqual([
          { pid: 50, points: s50 },
          { pid: 51, points: 70001n },
          { pid: 52, points: 60000n },
          { pid: 55, points: 20000n },
          { pid: 60, points: 70000n },
        ]);
        expect(texts(r).slice(1)).toEqual([
          "Out of memory: kill process 51 (srv) score 70001 or a child",
          "Killed process 55 (helper)",
        ]);
      });
    }
  }
  it("6b (Q1): db is killed although its thread 61 is OOM_DISABLE", () => {
    const r = runOutOfMemory(buildSnapshot(spec(250, 64, 80000)));
    expect(r.selected).toEqual({ pid: 60, points: 80000n });
    expect(texts(r).slice(1)).toEqual([
      "Out of memory: kill process 60 (db) score 80000 or a child",
      "Killed process 60 (db)",
    ]);
    expect(r.sigkill).toEqual([60]);
  });
});

describe("docs/oom-path.md §14 Example 7: walking the children list", () => {
  for (const bits of [64, 32] as const) {
    it(`${bits}-bit: a child without an mm, an OOM_DISABLE child and one sharing the parent's mm are passed over`, () => {
      const r = runOutOfMemory(
        buildSnapshot({
          bits,
          uptime: 100,
          tasks: [
            { pid: 1, comm: "init", vm: 100, uid: 0 },
            { pid: 90, parent: 1, comm: "parent", mm: "p" },
            { pid: 91, parent: 90, comm: "zombie", mm: null },
            { pid: 92, parent: 90, comm: "guard", vm: 40000, adj: -17 },
            { pid: 93, parent: 90, comm: "sharer", mm: "p" },
            { pid: 94, parent: 90, comm: "worker", mm: "w" },
            { pid: 95, tgid: 94, parent: 90, comm: "worker", mm: "w" },
          ],
          mms: { p: 10000, w: 60000 },
          current: 94,
        }),
      );
      expect(scores(r)).toEqual({ 90: 90003n, 93: 10000n, 94: 60000n, 95: 60000n });
      expect(texts(r).slice(1)).toEqual([
        "Out of memory: kill process 90 (parent) score 90003 or a child",
        "Killed process 94 (worker)",
      ]);
      expect(r.sigkill).toEqual([94]);
      expect(r.memdie).toEqual([94]);
      expect(r.sleep).toBe(false);
    });
  }
});

describe("docs/oom-path.md §14 Example 8: a CLONE_VM sharer (Q1, Q2)", () => {
  for (const bits of [64, 32] as const) {
    it(`${bits}-bit: lt-main is killed, the sharer is only 'signalled' through lt-main`, () => {
      const r = runOutOfMemory(
        buildSnapshot({
          bits,
          uptime: 100,
          tasks: [
            { pid: 1, comm: "init", vm: 100, uid: 0 },
            { pid: 70, parent: 1, comm: "lt-main", mm: "lt" },
            { pid: 71, parent: 70, comm: "lt-helper", mm: "lt", adj: -17 },
            { pid: 80, parent: 1, comm: "other", vm: 30000 },
          ],
          mms: { lt: 50000 },
          current: 80,
        }),
      );
      expect(scores(r)).toEqual({ 70: 50000n, 80: 30000n });
      expect(texts(r).slice(1)).toEqual([
        "Out of memory: kill process 70 (lt-main) score 50000 or a child",
        "Killed process 70 (lt-main)",
      ]);
      expect(r.sigkill).toEqual([70, 70]);
      expect(r.memdie).toEqual([70]);
      expect(r.sleep).toBe(true);
    });
  }
});

describe("docs/oom-path.md §14 Example 9: every divisor", () => {
  const rows = (hz: number, bits: 32 | 64) =>
    buildSnapshot({
      hz,
      bits,
      uptime: 40000,
      cpusets: [
        { path: "/", mems: [0, 1], mem_exclusive: true },
        { path: "/a", mems: [0], mem_exclusive: true },
        { path: "/b", mems: [1], mem_exclusive: true },
      ],
      nodes: [{ id: 0 }, { id: 1 }],
      tasks: [
        { pid: 1, comm: "init", vm: 100, uid: 0 },
        { pid: 100, parent: 1, vm: 64000, cpuset: "/b" },
        { pid: 101, parent: 1, vm: 64000, caps: ["CAP_SYS_RAWIO"], cpuset: "/a" },
        { pid: 102, parent: 1, vm: 64000, uid: 1000, euid: 0, cpuset: "/a" },
        { pid: 103, parent: 1, vm: 64000, caps: ["CAP_SYS_ADMIN"], cpuset: "/a" },
        { pid: 104, parent: 1, vm: 64000, uid: 0, caps: ROOT_CAPS, nice: 5, adj: 3, cpuset: "/a" },
        { pid: 105, parent: 1, vm: 64000, utime: 1048576, adj: -4, cpuset: "/a" },
      ],
      current: 105,
      zonelist: [
        { node: 0, zone: "Normal" },
        { node: 1, zone: "Normal" },
      ],
      gfp: (0x200d2 & ~0x20000) | 0x40000,
    });
  for (const bits of [64, 32] as const) {
    for (const [hz, s105] of [
      [250, 90n],
      [1000, 181n],
    ] as const) {
      it(`HZ=${hz}, ${bits}-bit: the root task 104 wins with 32000`, () => {
        const r = runOutOfMemory(rows(hz, bits));
        expect(scores(r)).toEqual({
          100: 4000n,
          101: 8000n,
          102: 8000n,
          103: 8000n,
          104: 32000n,
          105: s105,
        });
        expect(r.selected).toEqual({ pid: 104, points: 32000n });
      });
    }
  }
});

describe("docs/oom-path.md §14 Example 10: cpuset constraint (NUMA, x86_64)", () => {
  const spec = (gfp: number): SnapshotSpec => ({
    uptime: 1000,
    nodes: [{ id: 0 }, { id: 1 }],
    cpusets: [
      { path: "/", mems: [0, 1], mem_exclusive: true },
      { path: "/job", mems: [0], mem_exclusive: false },
    ],
    tasks: [
      { pid: 1, comm: "init", vm: 100, uid: 0 },
      { pid: 500, parent: 1, comm: "job", vm: 100000, cpuset: "/job" },
      { pid: 501, parent: 500, comm: "job-helper", vm: 5000, cpuset: "/job" },
    ],
    current: 500,
    gfp,
    zonelist: [
      { node: 0, zone: "Normal" },
      { node: 0, zone: "DMA32" },
      { node: 0, zone: "DMA" },
      { node: 1, zone: "Normal" },
    ],
  });
  it("GFP_HIGHUSER: CONSTRAINT_CPUSET kills current's child, score 0, and sleeps", () => {
    const r = runOutOfMemory(buildSnapshot(spec(0x200d2)));
    expect(r.constraint).toBe("cpuset");
    expect(r.outcome).toBe("killed");
    expect(r.selected).toEqual({ pid: 500, points: 0n });
    expect(r.badness).toEqual([]);
    expect(texts(r)).toEqual([
      "job invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
      "No available memory in cpuset: kill process 500 (job) score 0 or a child",
      "Killed process 501 (job-helper)",
    ]);
    expect(r.sleep).toBe(true);
  });
  it("panic_on_oom has no effect on a constrained OOM (Q6)", () => {
    const r = runOutOfMemory(buildSnapshot({ ...spec(0x200d2), panic_on_oom: 1 }));
    expect(r.outcome).toBe("killed");
    expect(r).toEqual(runOutOfMemory(buildSnapshot(spec(0x200d2))));
  });
  it("10b GFP_KERNEL: current deadlocks on callback_mutex after the header (Q4)", () => {
    const r = runOutOfMemory(buildSnapshot(spec(0xd0)));
    expect(r.outcome).toBe("deadlock");
    expect(r.constraint).toBeNull();
    expect(texts(r)).toEqual(["job invoked oom-killer: gfp_mask=0xd0, order=0, oomkilladj=0"]);
    expect(r.sigkill).toEqual([]);
    expect(r.sleep).toBe(false);
  });
});

describe("docs/oom-path.md §14 Example 11: the rate limit as the snapshot sees it", () => {
  const base: SnapshotSpec = {
    tasks: [
      { pid: 1, comm: "init", vm: 100, uid: 0 },
      { pid: 10, parent: 1, comm: "hog", vm: 1000 },
    ],
    current: 10,
  };
  it("a suppressed header leaves only the kill lines", () => {
    const r = runOutOfMemory(
      buildSnapshot({ ...base, printk_ratelimit: false, printk_suppressed: 1 }),
    );
    expect(r.log).toEqual([
      { level: "KERN_ERR", text: "Out of memory: kill process 10 (hog) score 1000 or a child" },
      { level: "KERN_ERR", text: "Killed process 10 (hog)" },
    ]);
  });
  it("the passing call reports the suppressed count first", () => {
    const r = runOutOfMemory(buildSnapshot({ ...base, printk_suppressed: 2 }));
    expect(r.log.slice(0, 4)).toEqual([
      { level: "KERN_WARNING", text: "printk: 2 messages suppressed." },
      {
        level: "KERN_WARNING",
        text: "hog invoked oom-killer: gfp_mask=0x200d2, order=0, oomkilladj=0",
      },
      { level: "placeholder", text: "dump_stack()" },
      { level: "placeholder", text: "show_mem()" },
    ]);
  });
});
