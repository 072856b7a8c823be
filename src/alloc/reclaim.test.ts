import { describe, expect, it } from "vitest";
import { makeCtx, type TestCtx } from "../../test/support/alloc-driver.js";
import type { AllocRequest } from "./events.js";
import { GFP_KERNEL, GFP_NOFS, GFP_NOIO } from "./gfp.js";
import { balancePgdat, kswapd, wakeupKswapd } from "./kswapd.js";
import { buildMemoryModel, type MachineSpec } from "./machine.js";
import { checkConservation, freePages, takeFreePages } from "./pages.js";
import { shrinkZone, shrinkZoneScanCount } from "./shrink-zone.js";
import { tryToFreePages } from "./try-to-free-pages.js";
import { nodeZonelist } from "./zonelist.js";

function machine(extra: Partial<MachineSpec> = {}) {
  const mem = buildMemoryModel({
    arch: "x86_64",
    hz: 250,
    nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 28672 } }],
    ...extra,
  });
  return { mem, dma: mem.zones[0], dma32: mem.zones[1], zl: nodeZonelist(mem, 0, GFP_KERNEL) };
}

/** Runs a generator to its end; sleeps advance the context's clock. */
function run<T>(ctx: TestCtx, gen: Generator<AllocRequest, T, unknown>) {
  const requests: AllocRequest[] = [];
  for (;;) {
    const r = gen.next();
    if (r.done) return { value: r.value, requests };
    requests.push(r.value);
    if (r.value.kind === "sleep") ctx.clock.jiffies += r.value.jiffies;
  }
}

const sleeps = (rs: AllocRequest[]) => rs.filter((r) => r.kind === "sleep");

describe("docs/oom-path.md §4.9 shrink_zone model", () => {
  it("scans min(lru, (lru >> priority) + 1) pages", () => {
    const { dma32 } = machine();
    expect(shrinkZoneScanCount(dma32, 12)).toBe(0);
    takeFreePages(dma32, "anon", 28672);
    expect(shrinkZoneScanCount(dma32, 12)).toBe(8);
    expect(shrinkZoneScanCount(dma32, 0)).toBe(28672);
  });

  it("frees clean cache, swaps anon with __GFP_IO, writes dirty cache with __GFP_FS", () => {
    const { mem, dma32 } = machine({ swapPages: 5 });
    takeFreePages(dma32, "cleanCache", 3);
    takeFreePages(dma32, "anon", 10);
    takeFreePages(dma32, "dirtyCache", 10);
    dma32.pagesScanned = 7;
    dma32.allUnreclaimable = true;
    expect(shrinkZone(mem, dma32, 20, true, true)).toBe(8);
    // Budget 20: 3 clean freed, 5 anon to the 5 free swap slots, 10 dirty written (now clean).
    expect([dma32.cleanCachePages, dma32.anonPages, dma32.dirtyCachePages]).toEqual([10, 5, 0]);
    expect([dma32.anonSwappedPages, mem.swapFreePages]).toEqual([5, 0]);
    // Each swapped page went into the swap cache and, written, out of it again.
    expect([mem.swapCacheAddTotal, mem.swapCacheDelTotal]).toEqual([5, 5]);
    // Freed pages reset pages_scanned and clear the flag.
    expect([dma32.pagesScanned, dma32.allUnreclaimable]).toEqual([0, false]);
    // Without swap slots or write permission nothing but clean cache goes.
    expect(shrinkZone(mem, dma32, 100, true, false)).toBe(10);
    expect(shrinkZone(mem, dma32, 100, true, false)).toBe(0);
    expect(dma32.pagesScanned).toBe(100);
    expect(checkConservation(mem)).toBeNull();
  });
});

describe("docs/oom-path.md §4.6 try_to_free_pages", () => {
  it("returns 1 as soon as a pass has reclaimed SWAP_CLUSTER_MAX pages", () => {
    const { mem, dma32, zl } = machine();
    takeFreePages(dma32, "cleanCache", 28672);
    const ctx = makeCtx(mem);
    const { value, requests } = run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL));
    expect(value).toBe(1);
    // Priority 12 frees 8 + 0, 11 frees 15, 10 frees 29: 52 >= 32 after the third pass.
    const passes = requests.filter((r) => r.kind === "event" && r.event.type === "reclaim.pass");
    expect(passes).toHaveLength(3);
    expect(sleeps(requests)).toEqual([]);
  });

  it("returns 1 when nothing is reclaimable but some zone is not flagged", () => {
    const { mem, dma, dma32, zl } = machine();
    takeFreePages(dma, "anon", 4096);
    takeFreePages(dma32, "anon", 28672);
    const ctx = makeCtx(mem);
    const { value, requests } = run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL));
    expect(value).toBe(1);
    // Naps after the passes at priorities 9..0 that scanned: all ten.
    expect(sleeps(requests)).toEqual(
      Array(10).fill({ kind: "sleep", jiffies: 25, reason: "reclaim" }),
    );
    // Direct reclaim never sets the flag.
    expect(dma.allUnreclaimable || dma32.allUnreclaimable).toBe(false);
    expect(dma32.pagesScanned).toBeGreaterThan(28672);
  });

  it("returns 0 when every eligible zone is flagged; flagged zones are scanned only at 12", () => {
    const { mem, dma, dma32, zl } = machine();
    takeFreePages(dma, "anon", 4096);
    takeFreePages(dma32, "anon", 28672);
    dma.allUnreclaimable = true;
    dma32.allUnreclaimable = true;
    const ctx = makeCtx(mem);
    const { value, requests } = run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL));
    expect(value).toBe(0);
    expect(sleeps(requests)).toEqual([]);
    expect([dma.pagesScanned, dma32.pagesScanned]).toEqual([2, 8]);
  });

  it("one flagged zone and one empty unflagged zone: progress 1 (the pass reached it)", () => {
    const { mem, dma, zl } = machine();
    takeFreePages(dma, "anon", 4096);
    dma.allUnreclaimable = true;
    const ctx = makeCtx(mem);
    expect(run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL)).value).toBe(1);
  });

  it("HZ/10 naps follow HZ: 10 jiffies at HZ 100, 100 at HZ 1000", () => {
    for (const [hz, j] of [
      [100, 10],
      [1000, 100],
    ]) {
      const { mem, dma32, zl } = machine({ hz });
      takeFreePages(dma32, "anon", 28672);
      const ctx = makeCtx(mem);
      const { requests } = run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL));
      expect(sleeps(requests)[0]).toMatchObject({ jiffies: j });
    }
  });

  it("zones outside current's cpuset (hardwall) are not reclaimed: no zone eligible gives 0", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [
        { id: 0, zones: { Normal: 1000 } },
        { id: 1, zones: { Normal: 1000 } },
      ],
    });
    takeFreePages(mem.zones[2], "cleanCache", 1000);
    const ctx = makeCtx(mem, { mems: [1] });
    const zl = nodeZonelist(mem, 0, GFP_KERNEL).slice(0, 1);
    expect(run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL)).value).toBe(0);
    expect(mem.zones[2].cleanCachePages).toBe(1000);
  });

  it("GFP_NOFS cannot write dirty cache; GFP_NOIO cannot swap", () => {
    const { mem, dma32, zl } = machine({ swapPages: 100000 });
    takeFreePages(dma32, "dirtyCache", 20000);
    const ctx = makeCtx(mem);
    run(ctx, tryToFreePages(mem, ctx, zl, GFP_NOFS));
    expect(dma32.dirtyCachePages).toBe(20000);
    run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL));
    expect(dma32.dirtyCachePages).toBeLessThan(20000);

    const b = machine({ swapPages: 100000 });
    takeFreePages(b.dma32, "anon", 20000);
    const c2 = makeCtx(b.mem);
    expect(run(c2, tryToFreePages(b.mem, c2, b.zl, GFP_NOIO)).value).toBe(1);
    expect(b.dma32.anonPages).toBe(20000);
    expect(run(c2, tryToFreePages(b.mem, c2, b.zl, GFP_NOFS)).value).toBe(1);
    expect(b.dma32.anonPages).toBeLessThan(20000);
    expect(b.dma32.anonSwappedPages + b.mem.swapFreePages).toBe(100000);
  });
});

describe("docs/oom-path.md §4.7 kswapd", () => {
  it("wakeup_kswapd: nothing above the low watermark; below it raises the order and wakes", () => {
    const { mem, dma32 } = machine();
    const ctx = makeCtx(mem);
    expect(wakeupKswapd(mem, ctx, dma32, 0)).toBe(false);
    takeFreePages(dma32, "anon", 28672 - 396);
    expect(wakeupKswapd(mem, ctx, dma32, 0)).toBe(false); // 396 > low 395
    takeFreePages(dma32, "anon", 1);
    expect(wakeupKswapd(mem, ctx, dma32, 2)).toBe(true);
    expect([dma32.node.kswapdState, dma32.node.kswapdMaxOrder]).toEqual(["woken", 2]);
    // Already woken: only the order is raised.
    expect(wakeupKswapd(mem, ctx, dma32, 3)).toBe(false);
    expect(dma32.node.kswapdMaxOrder).toBe(3);
  });

  it("wakeup_kswapd: a node outside current's cpuset gets its order raised but no wake-up", () => {
    const { mem, dma32 } = machine();
    takeFreePages(dma32, "anon", 28672);
    const ctx = makeCtx(mem, { mems: [5] });
    expect(wakeupKswapd(mem, ctx, dma32, 1)).toBe(false);
    expect([dma32.node.kswapdState, dma32.node.kswapdMaxOrder]).toEqual(["sleeping", 1]);
  });

  it("balance_pgdat flags zones with nothing reclaimable (pages_scanned >= 6 * lru)", () => {
    const { mem, dma, dma32 } = machine();
    takeFreePages(dma, "anon", 4096);
    takeFreePages(dma32, "anon", 28672);
    const ctx = makeCtx(mem);
    const { requests } = run(ctx, balancePgdat(mem, mem.nodes[0], 0));
    expect([dma.allUnreclaimable, dma32.allUnreclaimable]).toEqual([true, true]);
    expect(dma32.pagesScanned).toBeGreaterThanOrEqual(6 * 28672);
    const flagged = requests.filter(
      (r) => r.kind === "event" && r.event.type === "zone.unreclaimable",
    );
    expect(flagged).toHaveLength(2);
    expect(sleeps(requests).every((s) => s.kind === "sleep" && s.reason === "kswapd")).toBe(true);
  });

  it("balance_pgdat restores the high watermark from clean cache without flagging", () => {
    const { mem, dma, dma32 } = machine();
    takeFreePages(dma, "cleanCache", 4096);
    takeFreePages(dma32, "cleanCache", 28672);
    const ctx = makeCtx(mem);
    run(ctx, balancePgdat(mem, mem.nodes[0], 0));
    expect(dma32.freePages).toBeGreaterThan(dma32.pagesHigh);
    expect(dma.freePages).toBeGreaterThan(dma.pagesHigh);
    expect(dma32.allUnreclaimable || dma.allUnreclaimable).toBe(false);
    expect(checkConservation(mem)).toBeNull();
  });

  it("kswapd runs again for a larger order raised meanwhile, then sleeps", () => {
    const { mem, dma, dma32 } = machine();
    takeFreePages(dma, "cleanCache", 4096);
    takeFreePages(dma32, "cleanCache", 28672);
    const ctx = makeCtx(mem);
    const node = mem.nodes[0];
    expect(wakeupKswapd(mem, ctx, dma32, 0)).toBe(true);
    const gen = kswapd(mem, node);
    const orders: number[] = [];
    for (let r = gen.next(); !r.done; r = gen.next()) {
      if (r.value.kind === "event" && r.value.event.type === "kswapd.balance") {
        if (orders.at(-1) !== r.value.event.order) orders.push(r.value.event.order);
        if (orders.length === 1) node.kswapdMaxOrder = 3;
      }
      expect(node.kswapdState).toBe("running");
    }
    expect(orders).toEqual([0, 3]);
    expect([node.kswapdState, node.kswapdMaxOrder]).toEqual(["sleeping", 0]);
  });

  it("freeing pages clears all_unreclaimable and resets pages_scanned", () => {
    const { mem, dma32 } = machine();
    takeFreePages(dma32, "anon", 100);
    dma32.allUnreclaimable = true;
    dma32.pagesScanned = 12345;
    freePages(mem, dma32, "anon", 1);
    expect([dma32.allUnreclaimable, dma32.pagesScanned]).toEqual([false, 0]);
  });
});

describe("docs/oom-path.md §4.6 did_some_progress == 0 is reachable only through kswapd", () => {
  it("direct reclaim alone keeps reporting progress; after kswapd it reports none", () => {
    const { mem, dma, dma32, zl } = machine();
    takeFreePages(dma, "anon", 4096);
    takeFreePages(dma32, "anon", 28672);
    const ctx = makeCtx(mem);
    for (let i = 0; i < 5; i++)
      expect(run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL)).value).toBe(1);
    run(ctx, balancePgdat(mem, mem.nodes[0], 0));
    expect(run(ctx, tryToFreePages(mem, ctx, zl, GFP_KERNEL)).value).toBe(0);
  });
});
