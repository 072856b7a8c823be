import { describe, expect, it } from "vitest";
import { makeCtx } from "../../test/support/alloc-driver.js";
import {
  __GFP_DMA,
  __GFP_DMA32,
  GFP_DMA,
  GFP_DMA32,
  GFP_HIGHUSER,
  GFP_KERNEL,
  GFP_USER,
  gfpZone,
} from "./gfp.js";
import { buildMemoryModel } from "./machine.js";
import type { Zone } from "./zone.js";
import { bindZonelist, classzoneIdx, nodeZonelist, zonelistPolicy } from "./zonelist.js";

const names = (list: readonly Zone[]) => list.map((z) => `${z.nodeId}:${z.name}`);

describe("docs/oom-path.md §4.1 gfp_zone", () => {
  it("x86_64: DMA, DMA32, otherwise Normal (no HighMem)", () => {
    expect(gfpZone("x86_64", GFP_DMA)).toBe(0);
    expect(gfpZone("x86_64", GFP_DMA32)).toBe(1);
    expect(gfpZone("x86_64", GFP_KERNEL)).toBe(2);
    expect(gfpZone("x86_64", GFP_HIGHUSER)).toBe(2);
    expect(gfpZone("x86_64", __GFP_DMA | __GFP_DMA32)).toBe(0);
  });

  it("i386: DMA, HighMem with __GFP_HIGHMEM, otherwise Normal (no DMA32)", () => {
    expect(gfpZone("i386", GFP_DMA)).toBe(0);
    expect(gfpZone("i386", __GFP_DMA32)).toBe(1);
    expect(gfpZone("i386", GFP_KERNEL)).toBe(1);
    expect(gfpZone("i386", GFP_HIGHUSER)).toBe(2);
  });
});

describe("docs/oom-path.md §4.3 zonelists", () => {
  it("one node: zones of types <= T from T down, empty zones left out", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 258048 } }],
    });
    expect(names(nodeZonelist(mem, 0, GFP_DMA))).toEqual(["0:DMA"]);
    expect(names(nodeZonelist(mem, 0, GFP_DMA32))).toEqual(["0:DMA32", "0:DMA"]);
    expect(names(nodeZonelist(mem, 0, GFP_KERNEL))).toEqual(["0:DMA32", "0:DMA"]);
    // classzone_idx is the first zone's type, not gfp_zone's.
    expect(classzoneIdx(nodeZonelist(mem, 0, GFP_KERNEL))).toBe(1);
  });

  it("i386: GFP_HIGHUSER reaches HighMem, Normal, DMA; GFP_KERNEL only low memory", () => {
    const mem = buildMemoryModel({
      arch: "i386",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, Normal: 225280, HighMem: 262144 } }],
    });
    expect(names(nodeZonelist(mem, 0, GFP_HIGHUSER))).toEqual(["0:HighMem", "0:Normal", "0:DMA"]);
    expect(names(nodeZonelist(mem, 0, GFP_KERNEL))).toEqual(["0:Normal", "0:DMA"]);
    expect(classzoneIdx(nodeZonelist(mem, 0, GFP_HIGHUSER))).toBe(2);
  });

  it("non-NUMA with several nodes: local node, then higher ids, wrapping to 0", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      numa: false,
      nodes: [
        { id: 0, zones: { DMA: 10, Normal: 100 } },
        { id: 1, zones: { Normal: 100 } },
        { id: 2, zones: { Normal: 100 } },
      ],
    });
    expect(names(nodeZonelist(mem, 1, GFP_KERNEL))).toEqual([
      "1:Normal",
      "2:Normal",
      "0:Normal",
      "0:DMA",
    ]);
    expect(names(nodeZonelist(mem, 1, GFP_DMA))).toEqual(["0:DMA"]);
  });

  it("NUMA with equal remote distances: find_next_best_node's penalties and load", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [0, 1, 2, 3].map((id) => ({ id, zones: { Normal: 1000 } })),
    });
    const order = (n: number) => names(nodeZonelist(mem, n, GFP_KERNEL));
    expect(order(0)).toEqual(["0:Normal", "1:Normal", "2:Normal", "3:Normal"]);
    // Lower-numbered nodes are penalised, and node 1's load (from node 0's build) is kept.
    expect(order(1)).toEqual(["1:Normal", "2:Normal", "3:Normal", "0:Normal"]);
    expect(order(2)).toEqual(["2:Normal", "3:Normal", "0:Normal", "1:Normal"]);
    expect(order(3)).toEqual(["3:Normal", "0:Normal", "1:Normal", "2:Normal"]);
    expect(mem.zoneReclaimMode).toBe(0);
  });

  it("NUMA orders nodes by distance, node by node, and a far node turns zone_reclaim on", () => {
    const d = [
      [10, 30, 15],
      [30, 10, 30],
      [15, 30, 10],
    ];
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      distance: d,
      nodes: [
        { id: 0, zones: { DMA: 10, DMA32: 100, Normal: 1000 } },
        { id: 1, zones: { Normal: 1000 } },
        { id: 2, zones: { Normal: 1000 } },
      ],
    });
    expect(names(nodeZonelist(mem, 0, GFP_KERNEL))).toEqual([
      "0:Normal",
      "0:DMA32",
      "0:DMA",
      "2:Normal",
      "1:Normal",
    ]);
    expect(names(nodeZonelist(mem, 1, GFP_KERNEL))).toEqual([
      "1:Normal",
      "2:Normal",
      "0:Normal",
      "0:DMA32",
      "0:DMA",
    ]);
    expect(mem.zoneReclaimMode).toBe(1);
  });

  it("i386 has no SLIT: a table that would reorder the nodes changes nothing", () => {
    // include/asm-i386/topology.h defines no node_distance(), so every remote node is at
    // REMOTE_DISTANCE (20) and build_zonelists falls back as with equal distances: the
    // local node, then the next ids, wrapping round; 20 is not beyond RECLAIM_DISTANCE.
    const nodes = [0, 1, 2].map((id) => ({
      id,
      zones: { DMA: id === 0 ? 4096 : 0, Normal: 1000 },
    }));
    const d = [
      [10, 40, 15],
      [40, 10, 15],
      [15, 15, 10],
    ];
    const i386 = buildMemoryModel({ arch: "i386", hz: 250, numa: true, distance: d, nodes });
    const order = (n: number) => names(nodeZonelist(i386, n, GFP_KERNEL));
    expect(order(0)).toEqual(["0:Normal", "0:DMA", "1:Normal", "2:Normal"]);
    expect(order(1)).toEqual(["1:Normal", "2:Normal", "0:Normal", "0:DMA"]);
    expect(order(2)).toEqual(["2:Normal", "0:Normal", "0:DMA", "1:Normal"]);
    expect(i386.zoneReclaimMode).toBe(0);
    expect(i386.distance(0, 1)).toBe(20);
    // The same table on x86_64 does reorder node 0's fallback and turns zone_reclaim on.
    const x86 = buildMemoryModel({ arch: "x86_64", hz: 250, numa: true, distance: d, nodes });
    expect(names(nodeZonelist(x86, 0, GFP_KERNEL))).toEqual([
      "0:Normal",
      "0:DMA",
      "2:Normal",
      "1:Normal",
    ]);
    expect(x86.zoneReclaimMode).toBe(1);
  });

  it("a node without CPUs is preferred among equals (PENALTY_FOR_NODE_WITH_CPUS)", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [
        { id: 0, zones: { Normal: 1000 } },
        { id: 1, zones: { Normal: 1000 } },
        { id: 2, zones: { Normal: 1000 }, hasCpus: false },
      ],
    });
    expect(names(nodeZonelist(mem, 0, GFP_KERNEL))).toEqual(["0:Normal", "2:Normal", "1:Normal"]);
  });

  it("MPOL_BIND: policy_zone zones of the bound nodes by id, then lower types", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [
        { id: 0, zones: { DMA: 10, DMA32: 100, Normal: 1000 } },
        { id: 1, zones: { Normal: 1000 } },
        { id: 2, zones: { DMA32: 50, Normal: 1000 } },
      ],
    });
    expect(mem.policyZone).toBe(2);
    const bind = bindZonelist(mem, [2, 0]);
    expect(names(bind)).toEqual(["0:Normal", "2:Normal", "0:DMA32", "2:DMA32", "0:DMA"]);
    const ctx = makeCtx(mem, { cpuNode: 1 });
    expect(zonelistPolicy(mem, ctx, GFP_HIGHUSER, bind)).toBe(bind);
    expect(zonelistPolicy(mem, ctx, GFP_USER, bind)).toBe(bind);
    // Lower zones get no policy: the CPU node's default zonelist.
    expect(names(zonelistPolicy(mem, ctx, GFP_DMA32, bind))).toEqual(
      names(nodeZonelist(mem, 1, GFP_DMA32)),
    );
    expect(zonelistPolicy(mem, ctx, GFP_KERNEL, null)).toBe(nodeZonelist(mem, 1, GFP_KERNEL));
    // The bound list must reach one of current's mems.
    const fenced = makeCtx(mem, { cpuNode: 1, mems: [1] });
    expect(zonelistPolicy(mem, fenced, GFP_KERNEL, bind)).toBe(nodeZonelist(mem, 1, GFP_KERNEL));
  });

  it("policy_zone is the highest populated type: DMA32 on a small x86_64 box", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [
        { id: 0, zones: { DMA: 10, DMA32: 100 } },
        { id: 1, zones: { DMA32: 100 } },
      ],
    });
    expect(mem.policyZone).toBe(1);
    expect(names(bindZonelist(mem, [1]))).toEqual(["1:DMA32"]);
    const ctx = makeCtx(mem);
    expect(names(zonelistPolicy(mem, ctx, GFP_DMA, bindZonelist(mem, [1])))).toEqual(["0:DMA"]);
  });
});
