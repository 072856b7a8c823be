import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, makeCtx, runWokenKswapds } from "../../test/support/alloc-driver.js";
import { PF_MEMALLOC } from "../kernel/constants.js";
import { allocPages, allocPagesFast } from "./alloc-pages.js";
import type { AllocEvent } from "./events.js";
import {
  __GFP_NOFAIL,
  __GFP_NORETRY,
  GFP_ATOMIC,
  GFP_HIGHUSER_ZERO,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_USER,
} from "./gfp.js";
import { buildMemoryModel } from "./machine.js";
import {
  checkConservation,
  dirtyCachePages,
  freePages,
  takeFreePages,
  writebackCachePages,
} from "./pages.js";
import { tryToFreePages } from "./try-to-free-pages.js";
import { freeArea, type MemoryModel, type PageUse } from "./zone.js";
import { nodeZonelist } from "./zonelist.js";

const USES: PageUse[] = ["anon", "cleanCache", "dirtyCache", "kernel"];
const MASKS = [
  GFP_KERNEL,
  GFP_NOFS,
  GFP_ATOMIC,
  GFP_USER,
  GFP_HIGHUSER_ZERO,
  GFP_KERNEL | __GFP_NORETRY,
];

function layoutOk(mem: MemoryModel): boolean {
  return mem.zones.every(
    (z) => freeArea(z).reduce((sum, n, o) => sum + n * 2 ** o, 0) === z.freePages,
  );
}

describe("docs/oom-path.md §4.4 canonical free lists", () => {
  it("nr_free is the binary layout of free_pages, order-10 blocks holding the rest", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 3000 } }],
    });
    // 3000 = 2 * 1024 + 512 + 256 + 128 + 32 + 16 + 8
    expect(freeArea(mem.zones[0])).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 2]);
  });
});

describe("docs/oom-path.md §4.9 page bookkeeping", () => {
  it("anonymous pages partly in swap come back in proportion", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      swapPages: 100,
      nodes: [{ id: 0, zones: { DMA32: 1000 } }],
    });
    const z = mem.zones[1];
    takeFreePages(z, "anon", 300);
    z.anonPages -= 100;
    z.anonSwappedPages += 100;
    z.freePages += 100;
    mem.swapFreePages -= 100;
    expect(checkConservation(mem)).toBeNull();
    // 30 of 300: 10 swap slots, 20 resident pages.
    expect(freePages(mem, z, "anon", 30)).toBe(20);
    expect([z.anonPages, z.anonSwappedPages, mem.swapFreePages]).toEqual([180, 90, 10]);
    expect(() => freePages(mem, z, "anon", 271)).toThrow(RangeError);
    expect(() => freePages(mem, z, "kernel", 1)).toThrow(RangeError);
    expect(checkConservation(mem)).toBeNull();
  });

  it("the conservation check reports a broken zone", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 10 } }],
    });
    mem.zones[0].kernelPages = 1;
    expect(checkConservation(mem)).toMatch(/free \+ used = 11, present = 10/);
  });
});

type Op =
  | { k: "fast"; gfp: number; order: number; use: PageUse }
  | { k: "alloc"; gfp: number; order: number; use: PageUse; steps: number; killPages: number }
  | { k: "free"; zone: number; use: PageUse; fraction: number }
  | { k: "take"; zone: number; use: PageUse; fraction: number }
  | { k: "dirty" | "writeback"; zone: number; n: number }
  | { k: "reclaim"; gfp: number }
  | { k: "kswapd" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant("fast" as const),
    gfp: fc.constantFrom(...MASKS),
    order: fc.integer({ min: 0, max: 4 }),
    use: fc.constantFrom(...USES),
  }),
  fc.record({
    k: fc.constant("alloc" as const),
    gfp: fc.constantFrom(...MASKS, GFP_KERNEL | __GFP_NOFAIL),
    order: fc.integer({ min: 0, max: 5 }),
    use: fc.constantFrom(...USES),
    steps: fc.integer({ min: 1, max: 200 }),
    killPages: fc.integer({ min: 0, max: 500 }),
  }),
  fc.record({
    k: fc.constant("free" as const),
    zone: fc.nat(),
    use: fc.constantFrom(...USES),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    k: fc.constant("take" as const),
    zone: fc.nat(),
    use: fc.constantFrom(...USES),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    k: fc.constantFrom("dirty" as const, "writeback" as const),
    zone: fc.nat(),
    n: fc.nat({ max: 5000 }),
  }),
  fc.record({ k: fc.constant("reclaim" as const), gfp: fc.constantFrom(GFP_KERNEL, GFP_NOFS) }),
  fc.record({ k: fc.constant("kswapd" as const) }),
);

const machineArb = fc.record({
  arch: fc.constantFrom("x86_64" as const, "i386" as const),
  dma: fc.integer({ min: 0, max: 4096 }),
  mid: fc.integer({ min: 0, max: 20000 }),
  high: fc.integer({ min: 0, max: 20000 }),
  nodes: fc.integer({ min: 1, max: 2 }),
  swap: fc.integer({ min: 0, max: 5000 }),
});

function usedOf(mem: MemoryModel, zoneIndex: number, use: PageUse): number {
  const z = mem.zones[zoneIndex];
  return use === "anon"
    ? z.anonPages + z.anonSwappedPages
    : use === "cleanCache"
      ? z.cleanCachePages
      : use === "dirtyCache"
        ? z.dirtyCachePages
        : z.kernelPages;
}

describe("docs/oom-path.md §4.9 invariants (fast-check)", () => {
  it("free + used = present in every zone after every step; the free layout adds up", () => {
    fc.assert(
      fc.property(machineArb, fc.array(opArb, { maxLength: 40 }), (m, ops) => {
        const names =
          m.arch === "x86_64" ? ["DMA", "DMA32", "Normal"] : ["DMA", "Normal", "HighMem"];
        const zones = { [names[0]]: m.dma, [names[1]]: m.mid, [names[2]]: m.high };
        const mem = buildMemoryModel({
          arch: m.arch,
          hz: 250,
          swapPages: m.swap,
          nodes: Array.from({ length: m.nodes }, (_, id) => ({ id, zones })),
        });
        const ctx = makeCtx(mem);
        const sink: AllocEvent[] = [];
        const nz = mem.zones.length;
        for (const op of ops) {
          const zl = nodeZonelist(mem, 0, "gfp" in op ? op.gfp : GFP_KERNEL);
          switch (op.k) {
            case "fast": {
              const before = zl.map((z) => usedOf(mem, z.id, op.use));
              const z = allocPagesFast(mem, ctx, op.gfp, op.order, zl, op.use);
              if (z !== null) {
                expect(usedOf(mem, z.id, op.use) - before[zl.indexOf(z)]).toBe(2 ** op.order);
              }
              break;
            }
            case "alloc": {
              const victim = mem.zones.find((z) => z.anonPages > 0);
              allocate(
                mem,
                ctx,
                op.gfp,
                op.order,
                zl,
                {
                  maxRequests: op.steps,
                  oom: () => {
                    if (victim)
                      freePages(mem, victim, "anon", Math.min(op.killPages, victim.anonPages));
                    return { sleep: true, stop: null };
                  },
                },
                op.use,
              );
              expect(ctx.flags & PF_MEMALLOC).toBe(0);
              break;
            }
            case "free": {
              const zi = op.zone % nz;
              const n = Math.floor(usedOf(mem, zi, op.use) * op.fraction);
              freePages(mem, mem.zones[zi], op.use, n);
              break;
            }
            case "take": {
              const z = mem.zones[op.zone % nz];
              takeFreePages(z, op.use, Math.floor(z.freePages * op.fraction));
              break;
            }
            case "dirty":
              dirtyCachePages(mem.zones[op.zone % nz], op.n);
              break;
            case "writeback":
              writebackCachePages(mem.zones[op.zone % nz], op.n);
              break;
            case "reclaim": {
              const gen = tryToFreePages(mem, ctx, zl, op.gfp);
              while (!gen.next().done) {}
              break;
            }
            case "kswapd":
              for (const node of mem.nodes) node.kswapdState = "woken";
              runWokenKswapds(mem, ctx, sink);
              break;
          }
          expect(checkConservation(mem)).toBeNull();
          expect(layoutOk(mem)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("an allocation abandoned inside direct reclaim leaves PF_MEMALLOC clear", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA32: 5000 } }],
    });
    takeFreePages(mem.zones[1], "anon", 5000);
    const ctx = makeCtx(mem);
    const gen = allocPages(mem, ctx, GFP_KERNEL, 0, nodeZonelist(mem, 0, GFP_KERNEL), "anon");
    for (let r = gen.next(); !r.done; r = gen.next()) {
      if (r.value.kind === "sleep" && r.value.reason === "reclaim") break;
    }
    expect(ctx.flags & PF_MEMALLOC).toBe(PF_MEMALLOC);
    gen.return({ kind: "failure", printed: false });
    expect(ctx.flags & PF_MEMALLOC).toBe(0);
  });
});
