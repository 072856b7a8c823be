import { describe, expect, it } from "vitest";
import { allocate, makeCtx, type TestCtx, types } from "../../test/support/alloc-driver.js";
import { PF_MEMALLOC } from "../kernel/constants.js";
import { allocPagesFast, pageAllocationFailureLine } from "./alloc-pages.js";
import type { AllocEvent } from "./events.js";
import {
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_REPEAT,
  GFP_ATOMIC,
  GFP_HIGHUSER_ZERO,
  GFP_KERNEL,
  GFP_NOFS,
  GFP_NOIO,
} from "./gfp.js";
import { buildMemoryModel } from "./machine.js";
import { checkConservation, freePages, takeFreePages } from "./pages.js";
import type { MemoryModel, Zone } from "./zone.js";
import { nodeZonelist } from "./zonelist.js";

/**
 * x86_64, 128 MiB: DMA 4096 pages (min 45, low 56, high 67), DMA32 28672 pages (min 316,
 * low 395, high 474). Every zone is filled with anonymous memory (no swap) except
 * `free[type]` pages, with `cache` clean page-cache pages in DMA32.
 */
function pressured(free: [number, number] = [0, 0], cache = 0) {
  const mem = buildMemoryModel({
    arch: "x86_64",
    hz: 250,
    nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 28672 } }],
  });
  const [dma, dma32] = mem.zones;
  takeFreePages(dma, "anon", dma.presentPages - free[0]);
  takeFreePages(dma32, "cleanCache", cache);
  takeFreePages(dma32, "anon", dma32.freePages - free[1]);
  const ctx = makeCtx(mem, { comm: "leaker" });
  return { mem, ctx, dma, dma32, zl: nodeZonelist(mem, 0, GFP_KERNEL) };
}

function find<T extends AllocEvent["type"]>(events: AllocEvent[], type: T) {
  return events.filter((e): e is Extract<AllocEvent, { type: T }> => e.type === type);
}

/** An OOM "kill" that gives back `pages` anonymous pages of `zone`. */
function killFreeing(mem: MemoryModel, zone: Zone, pages: number) {
  return () => {
    freePages(mem, zone, "anon", pages);
    return { sleep: true, stop: null };
  };
}

describe("docs/oom-path.md §4.5 __alloc_pages", () => {
  it("the fast path: the first attempt at the low watermark serves from the first zone", () => {
    const { mem, ctx, dma32, zl } = pressured([4096, 1000]);
    expect(allocPagesFast(mem, ctx, GFP_KERNEL, 0, zl, "anon")).toBe(dma32);
    expect(dma32.freePages).toBe(999);
    expect(dma32.anonPages).toBe(28672 - 1000 + 1);
    const r = allocate(mem, ctx, GFP_KERNEL, 2, zl);
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
    expect(r.events).toEqual([]);
    expect(dma32.kernelPages).toBe(4);
  });

  it("falls back to DMA only above its watermark plus lowmem_reserve", () => {
    // DMA32 empty; DMA has 56 + 112 = 168 as its low mark plus reserve for class 1.
    const { mem, ctx, dma, zl } = pressured([168, 0]);
    expect(allocPagesFast(mem, ctx, GFP_KERNEL, 0, zl, "kernel")).toBeNull();
    takeFreePages(dma, "anon", 0);
    freePages(mem, dma, "anon", 1);
    expect(allocPagesFast(mem, ctx, GFP_KERNEL, 0, zl, "kernel")).toBe(dma);
  });

  it("GFP_KERNEL order 0 reaches the OOM killer when reclaim makes no progress, then restarts", () => {
    const { mem, ctx, dma32, zl } = pressured();
    const r = allocate(mem, ctx, GFP_KERNEL, 0, zl, { oom: killFreeing(mem, dma32, 1000) });
    expect(r.oomCalls).toHaveLength(1);
    expect(r.oomCalls[0]).toMatchObject({ gfpMask: GFP_KERNEL, order: 0 });
    expect(r.oomCalls[0].zonelist).toBe(zl);
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
    const t = types(r.events);
    expect(t[0]).toBe("alloc.stall");
    expect(t[1]).toBe("kswapd.wake");
    expect(find(r.events, "reclaim.done")).toEqual([
      expect.objectContaining({ didSomeProgress: 0, nrReclaimed: 0 }),
    ]);
    expect(t.slice(-2)).toEqual(["alloc.last_chance", "alloc.success"]);
    expect(find(r.events, "alloc.success")[0].step).toBe(2);
    // kswapd flagged both zones while direct reclaim slept.
    expect(find(r.kswapdEvents, "zone.unreclaimable").map((e) => e.zoneType)).toEqual([0, 1]);
    // Ten HZ/10 naps would be the most; the flagged zones stop the scanning earlier.
    const naps = r.sleeps.filter((s) => s.reason === "reclaim");
    expect(naps.length).toBeGreaterThan(0);
    expect(naps.every((s) => s.jiffies === 25)).toBe(true);
    expect(r.sleeps.at(-1)).toEqual({ jiffies: 1, reason: "oom" });
    // The kill freed pages: the flag is gone.
    expect(dma32.allUnreclaimable).toBe(false);
    expect(checkConservation(mem)).toBeNull();
  });

  it("the OOM answer: no sleep when current got TIF_MEMDIE, which then uses the reserves", () => {
    const { mem, ctx, dma32, zl } = pressured([0, 5]);
    const r = allocate(mem, ctx, GFP_HIGHUSER_ZERO, 0, zl, {
      oom: () => {
        ctx.memdie = true;
        return { sleep: false, stop: null };
      },
    });
    expect(r.oomCalls).toHaveLength(1);
    expect(r.sleeps.some((s) => s.reason === "oom")).toBe(false);
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
    expect(find(r.events, "alloc.success")[0].step).toBe(7);
  });

  it("the OOM answer can stop the allocation: panic or deadlock", () => {
    for (const stop of ["panic", "deadlock"] as const) {
      const { mem, ctx, zl } = pressured();
      const r = allocate(mem, ctx, GFP_KERNEL, 0, zl, { oom: () => ({ sleep: false, stop }) });
      expect(r.outcome).toEqual({ kind: "stopped", reason: stop });
    }
  });

  it("an allocation reaches OOM again and again while nothing is freed", () => {
    const { mem, ctx, zl } = pressured();
    const r = allocate(mem, ctx, GFP_KERNEL, 0, zl, { maxRequests: 3000 });
    expect(r.outcome).toBe("unfinished");
    expect(r.oomCalls.length).toBeGreaterThan(3);
    // Each OOM call is followed by the one-jiffy sleep.
    expect(r.sleeps.filter((s) => s.reason === "oom").length).toBeGreaterThanOrEqual(
      r.oomCalls.length - 1,
    );
  });

  it("quirk Q21: GFP_NOFS and GFP_NOIO order 0 loop with congestion_wait, never OOM", () => {
    for (const gfp of [GFP_NOFS, GFP_NOIO]) {
      const { mem, ctx, zl } = pressured();
      const r = allocate(mem, ctx, gfp, 0, zl, { maxRequests: 2000 });
      expect(r.outcome).toBe("unfinished");
      expect(r.oomCalls).toHaveLength(0);
      expect(find(r.events, "alloc.last_chance")).toHaveLength(0);
      const retries = find(r.events, "alloc.retry");
      expect(retries.length).toBeGreaterThan(10);
      expect(
        r.sleeps.filter((s) => s.reason === "congestion_wait").every((s) => s.jiffies === 5),
      ).toBe(true);
    }
  });

  it("__GFP_NORETRY fails without OOM and prints the failure message", () => {
    const { mem, ctx, zl } = pressured();
    const gfp = GFP_KERNEL | __GFP_NORETRY;
    const r = allocate(mem, ctx, gfp, 0, zl);
    expect(r.outcome).toEqual({ kind: "failure", printed: true });
    expect(r.oomCalls).toHaveLength(0);
    expect(find(r.events, "alloc.retry")).toHaveLength(0);
    expect(find(r.events, "log")).toEqual([
      {
        type: "log",
        level: "KERN_WARNING",
        text: "leaker: page allocation failure. order:0, mode:0x10d0",
      },
      { type: "log", level: "placeholder", text: "dump_stack()" },
      { type: "log", level: "placeholder", text: "show_mem()" },
    ]);
    expect(r.events.at(-1)).toEqual({
      type: "alloc.fail",
      pid: ctx.pid,
      gfpMask: gfp,
      order: 0,
      printed: true,
    });
  });

  it("__GFP_NORETRY beats __GFP_NOFAIL", () => {
    const { mem, ctx, zl } = pressured();
    const r = allocate(mem, ctx, GFP_KERNEL | __GFP_NOFAIL | __GFP_NORETRY, 0, zl);
    expect(r.outcome).toEqual({ kind: "failure", printed: true });
    expect(r.oomCalls).toHaveLength(0);
  });

  it("progress but no page: order <= 3 retries without OOM first", () => {
    const { mem, ctx, dma32, zl } = pressured([0, 0], 40);
    const r = allocate(mem, ctx, GFP_KERNEL, 0, zl, { oom: killFreeing(mem, dma32, 1000) });
    const firstDone = r.events.findIndex((e) => e.type === "reclaim.done");
    expect(r.events[firstDone]).toMatchObject({ didSomeProgress: 1, nrReclaimed: 40 });
    expect(r.events[firstDone + 1]).toMatchObject({ type: "alloc.retry", progress: true });
    // After the retry, the cache is gone, kswapd has flagged the zones: OOM.
    expect(r.oomCalls).toHaveLength(1);
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
  });

  it("progress but no page: order 4 without __GFP_REPEAT fails, with it retries", () => {
    const a = pressured([0, 0], 40);
    const failed = allocate(a.mem, a.ctx, GFP_KERNEL, 4, a.zl);
    expect(failed.outcome).toEqual({ kind: "failure", printed: true });
    expect(failed.oomCalls).toHaveLength(0);
    expect(find(failed.events, "log")[0].text).toBe(
      "leaker: page allocation failure. order:4, mode:0xd0",
    );

    const b = pressured([0, 0], 40);
    const r = allocate(b.mem, b.ctx, GFP_KERNEL | __GFP_REPEAT, 4, b.zl, {
      oom: () => ({ sleep: false, stop: "panic" }),
    });
    expect(find(r.events, "alloc.retry")[0].progress).toBe(true);
    expect(r.outcome).toEqual({ kind: "stopped", reason: "panic" });
  });

  it("quirk Q7: an order-4 allocation without progress reaches the OOM killer", () => {
    const { mem, ctx, zl } = pressured();
    const r = allocate(mem, ctx, GFP_KERNEL, 4, zl, {
      oom: () => ({ sleep: false, stop: "panic" }),
    });
    expect(r.oomCalls).toEqual([expect.objectContaining({ order: 4, gfpMask: GFP_KERNEL })]);
  });

  it("__GFP_NOFAIL keeps retrying above order 3", () => {
    const { mem, ctx, zl } = pressured();
    const r = allocate(mem, ctx, GFP_NOFS | __GFP_NOFAIL, 5, zl, { maxRequests: 2000 });
    expect(r.outcome).toBe("unfinished");
    expect(find(r.events, "alloc.retry").length).toBeGreaterThan(10);
    expect(find(r.events, "alloc.fail")).toHaveLength(0);
  });

  it("!__GFP_WAIT never reclaims: GFP_ATOMIC digs to (min/2)*3/4, else fails", () => {
    // DMA32 min 316: ALLOC_HIGH gives 158, ALLOC_HARDER then 119; 200 free pass.
    const ok = pressured([0, 200]);
    const r = allocate(ok.mem, ok.ctx, GFP_ATOMIC, 0, ok.zl);
    expect(r.outcome).toEqual({ kind: "success", zone: ok.dma32 });
    expect(types(r.events)).toEqual(["alloc.stall", "kswapd.wake", "alloc.success"]);
    expect(find(r.events, "alloc.success")[0].step).toBe(6);

    const low = pressured([0, 119]);
    const f = allocate(low.mem, low.ctx, GFP_ATOMIC, 0, low.zl);
    expect(f.outcome).toEqual({ kind: "failure", printed: true });
    expect(find(f.events, "reclaim.pass")).toHaveLength(0);
    expect(f.sleeps).toEqual([]);
    expect(find(f.events, "log")[0].text).toBe(
      "leaker: page allocation failure. order:0, mode:0x20",
    );

    const quiet = pressured([0, 0]);
    const q = allocate(quiet.mem, quiet.ctx, GFP_ATOMIC | __GFP_NOWARN, 0, quiet.zl);
    expect(q.outcome).toEqual({ kind: "failure", printed: false });
    expect(find(q.events, "log")).toHaveLength(0);
  });

  it("GFP_KERNEL fails below the min watermark where GFP_ATOMIC succeeds (step 6)", () => {
    const { mem, ctx, zl } = pressured([0, 200]);
    const r = allocate(mem, ctx, GFP_KERNEL | __GFP_NORETRY, 0, zl);
    expect(r.outcome).toEqual({ kind: "failure", printed: true });
  });

  it("a real-time task gets ALLOC_HARDER", () => {
    const { mem, zl, dma32 } = pressured([0, 300]);
    const rt = makeCtx(mem, { realtime: true });
    // 316 - 79 = 237 < 300.
    const r = allocate(mem, rt, GFP_KERNEL, 0, zl);
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
  });

  it("PF_MEMALLOC and TIF_MEMDIE allocate from the reserves, without reclaim or OOM", () => {
    for (const o of [{ flags: PF_MEMALLOC }, { memdie: true }]) {
      const { mem, zl, dma32 } = pressured([0, 3]);
      const ctx = makeCtx(mem, o);
      const r = allocate(mem, ctx, GFP_KERNEL, 0, zl);
      expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
      expect(types(r.events)).toEqual([
        "alloc.stall",
        "kswapd.wake",
        "alloc.reserve",
        "alloc.success",
      ]);
      expect(find(r.events, "alloc.success")[0].step).toBe(7);
    }
  });

  it("PF_MEMALLOC/TIF_MEMDIE: __GFP_NOMEMALLOC or empty reserves fail even GFP_KERNEL order 0", () => {
    const a = pressured([0, 3]);
    const ctx = makeCtx(a.mem, { memdie: true });
    const r = allocate(a.mem, ctx, GFP_KERNEL | __GFP_NOMEMALLOC, 0, a.zl);
    expect(r.outcome).toEqual({ kind: "failure", printed: true });
    expect(find(r.events, "alloc.reserve")).toHaveLength(0);

    const b = pressured([0, 0]);
    const memdie = makeCtx(b.mem, { memdie: true });
    const e = allocate(b.mem, memdie, GFP_KERNEL, 0, b.zl);
    expect(e.outcome).toEqual({ kind: "failure", printed: true });
    expect(e.oomCalls).toHaveLength(0);
    expect(find(e.events, "reclaim.pass")).toHaveLength(0);
  });

  it("TIF_MEMDIE with __GFP_NOFAIL waits in congestion_wait until a page appears", () => {
    const { mem, zl, dma32 } = pressured([0, 0]);
    const ctx = makeCtx(mem, { memdie: true });
    let naps = 0;
    const r = allocate(mem, ctx, GFP_KERNEL | __GFP_NOFAIL, 0, zl, {
      onSleep: () => {
        if (++naps === 3) freePages(mem, dma32, "anon", 1);
      },
    });
    expect(r.outcome).toEqual({ kind: "success", zone: dma32 });
    expect(r.sleeps).toEqual(Array(3).fill({ jiffies: 5, reason: "congestion_wait" }));
    expect(find(r.events, "alloc.reserve").map((e) => e.success)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it("direct reclaim runs with PF_MEMALLOC set and clears it afterwards", () => {
    const { mem, ctx, zl } = pressured();
    const seen: number[] = [];
    allocate(mem, ctx, GFP_KERNEL | __GFP_NORETRY, 0, zl, {
      onSleep: (_j, reason) => {
        if (reason === "reclaim") seen.push(ctx.flags & PF_MEMALLOC);
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((f) => f === PF_MEMALLOC)).toBe(true);
    expect(ctx.flags & PF_MEMALLOC).toBe(0);
  });

  it("an empty zonelist fails silently", () => {
    const { mem, ctx } = pressured();
    const r = allocate(mem, ctx, GFP_KERNEL, 0, []);
    expect(r.outcome).toEqual({ kind: "failure", printed: false });
    expect(r.events).toEqual([]);
  });

  it("the failure message shares the printk rate limit (docs/oom-path.md §7.2, quirk Q17)", () => {
    const { mem, ctx, zl } = pressured();
    const t = ctx.clock.jiffies;
    for (let i = 0; i < 10; i++) expect(ctx.printk.allow(t)).toBe(true);
    const gfp = GFP_ATOMIC;
    const first = allocate(mem, ctx as TestCtx, gfp, 0, zl);
    expect(first.outcome).toEqual({ kind: "failure", printed: false });
    expect(find(first.events, "log")).toHaveLength(0);
    ctx.clock.jiffies = t + 1250;
    const second = allocate(mem, ctx, gfp, 0, zl);
    expect(find(second.events, "log").map((e) => e.text)).toEqual([
      "printk: 1 messages suppressed.",
      "leaker: page allocation failure. order:0, mode:0x20",
      "dump_stack()",
      "show_mem()",
    ]);
  });

  it("pageAllocationFailureLine prints the mask in lower-case hex without padding", () => {
    expect(pageAllocationFailureLine("java", 3, 0x280d2)).toBe(
      "java: page allocation failure. order:3, mode:0x280d2",
    );
  });
});
