/**
 * fast-check arbitraries for valid normalised snapshots that reach every branch of the
 * OOM path: both widths, big ulongs, threads, shared mms, exiting and dying tasks,
 * OOM_DISABLE, cpusets on two nodes, and a variety of GFP masks and zonelists.
 */

import fc from "fast-check";
import type { Bits, Snapshot, SnapshotCpuset, SnapshotTask } from "../../src/snapshot/types.js";

const ulong = (bits: Bits) =>
  fc
    .oneof(
      { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 200_000n }) },
      { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          0n,
          (1n << BigInt(bits)) - 1n,
          1n << BigInt(bits - 1),
          (1n << 53n) - 1n,
          1n << 53n,
        ),
      },
    )
    .map((v) => BigInt.asUintN(bits, v));

const processSpec = (bits: Bits) =>
  fc.record({
    threads: fc.oneof(
      { weight: 5, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
    ),
    mm: fc.oneof(
      { weight: 8, arbitrary: fc.constant("own" as const) },
      { weight: 1, arbitrary: fc.constant("none" as const) },
      { weight: 1, arbitrary: fc.constant("share" as const) },
    ),
    vm: ulong(bits),
    utime: ulong(bits),
    stime: fc.bigInt({ min: 0n, max: 100_000n }),
    start: fc.bigInt({ min: 0n, max: 400_000n }),
    nice: fc.integer({ min: -20, max: 19 }),
    uid: fc.constantFrom(0, 1000, 1001),
    euid: fc.constantFrom(0, 1000),
    caps: fc.subarray(["CAP_KILL", "CAP_SYS_RAWIO", "CAP_SYS_ADMIN"]),
    adj: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: -17, max: 15 }) },
    ),
    flags: fc.oneof(
      { weight: 12, arbitrary: fc.constant([] as string[]) },
      { weight: 1, arbitrary: fc.subarray(["PF_EXITING", "PF_SWAPOFF"], { minLength: 1 }) },
    ),
    memdie: fc.oneof(
      { weight: 20, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    parentPick: fc.nat(),
    cpuset: fc.constantFrom("/", "/a", "/b"),
  });

export const snapshotArbitrary: fc.Arbitrary<Snapshot> = fc
  .constantFrom<Bits>(32, 64)
  .chain((bits) =>
    fc.record({
      bits: fc.constant(bits),
      hz: fc.constantFrom(100, 250, 300, 1000, 12, 1535),
      uptime: fc.bigInt({ min: 0n, max: 500_000n }),
      twoNodes: fc.boolean(),
      exclusive: fc.boolean(),
      procs: fc.array(processSpec(bits), { minLength: 1, maxLength: 12 }),
      currentPick: fc.nat(),
      gfp: fc.constantFrom(0x200d2, 0x280d2, 0xd0, 0x50, 0x41200, 0x20000),
      zonelist: fc.constantFrom("all", "node0", "node1"),
      panic: fc.oneof(
        { weight: 8, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constant(1) },
      ),
      ratelimit: fc.boolean(),
      suppressed: fc.constantFrom(0, 0, 3),
    }),
  )
  .map((r) => {
    const nodes = r.twoNodes ? [0, 1] : [0];
    const cpusets: SnapshotCpuset[] = [{ path: "/", mems: nodes, mem_exclusive: true }];
    if (r.twoNodes) {
      cpusets.push({ path: "/a", mems: [0], mem_exclusive: r.exclusive });
      cpusets.push({ path: "/b", mems: [1], mem_exclusive: r.exclusive });
    }
    const mms: { id: string; total_vm: bigint }[] = [];
    const tasks: SnapshotTask[] = [];
    const leaders: SnapshotTask[] = [];
    let pid = 1;
    for (const p of r.procs) {
      const leaderPid = pid;
      const parent = leaders.length === 0 ? 0 : leaders[p.parentPick % leaders.length]!.pid;
      let mm: string | null = null;
      const sharable = leaders.filter((l) => l.mm !== null);
      if (p.mm === "own" || (p.mm === "share" && sharable.length === 0)) {
        mm = `m${leaderPid}`;
        mms.push({ id: mm, total_vm: p.vm });
      } else if (p.mm === "share") {
        mm = sharable[p.parentPick % sharable.length]!.mm;
      }
      const cpuset = r.twoNodes ? p.cpuset : "/";
      for (let k = 0; k < p.threads; k++) {
        const task: SnapshotTask = {
          pid: pid++,
          tgid: leaderPid,
          parent,
          children: [],
          comm: `p${leaderPid}`,
          mm,
          utime: k === 0 ? p.utime : p.utime / 3n,
          stime: p.stime,
          start_time: p.start,
          nice: p.nice,
          uid: p.uid,
          euid: p.euid,
          caps: p.caps,
          oomkilladj: k === 1 ? Math.min(15, 0 - p.adj) : p.adj,
          flags: p.flags,
          tif: p.memdie && k === 0 ? ["TIF_MEMDIE"] : [],
          cpuset,
          mems_allowed: cpusets.find((c) => c.path === cpuset)!.mems,
        };
        tasks.push(task);
        if (k === 0) leaders.push(task);
      }
    }
    for (const task of tasks)
      task.children = tasks.filter((c) => c.parent === task.pid).map((c) => c.pid);
    const zonelist =
      r.zonelist === "all" || !r.twoNodes
        ? nodes.map((node) => ({ node, zone: "Normal" as const }))
        : [{ node: r.zonelist === "node0" ? 0 : 1, zone: "Normal" as const }];
    return {
      format: "oomkit.snapshot/1",
      kernel: {
        bits: r.bits,
        hz: r.hz,
        uptime: r.uptime,
        panic_on_oom: r.panic,
        CONFIG_NUMA: true,
        CONFIG_CPUSETS: true,
        nodes: nodes.map((id) => ({ id, memory: true })),
      },
      cpusets,
      mms,
      tasks,
      current: tasks[r.currentPick % tasks.length]!.pid,
      request: { gfp_mask: r.gfp, order: 0, zonelist },
      env: {
        notifier_freed: 0n,
        printk_ratelimit: r.ratelimit,
        printk_suppressed: r.suppressed,
        uninit_nodemask: [],
      },
    } satisfies Snapshot;
  });
