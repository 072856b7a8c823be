import { describe, expect, it } from "vitest";
import { ALLOC_HARDER, ALLOC_HIGH } from "./gfp.js";
import { buildMemoryModel } from "./machine.js";
import { takeFreePages } from "./pages.js";
import { setMinFreeKbytes, watermarkOk, zoneWatermarkOk } from "./watermarks.js";
import type { MemoryModel } from "./zone.js";

function marks(mem: MemoryModel) {
  return mem.zones.map((z) => [z.name, z.pagesMin, z.pagesLow, z.pagesHigh, [...z.lowmemReserve]]);
}

describe("docs/oom-path.md §4.2 min_free_kbytes, watermarks and lowmem_reserve", () => {
  it("x86_64 with 1 GiB (DMA 16 MiB + DMA32): min_free_kbytes 4096", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 258048 } }],
    });
    // lowmem_kbytes = 4 * 262144; isqrt(1048576 * 16) = 4096; pages_min total 1024.
    expect(mem.minFreeKbytes).toBe(4096);
    expect(marks(mem)).toEqual([
      ["DMA", 16, 20, 24, [0, 1008, 1008]],
      ["DMA32", 1008, 1260, 1512, [0, 0, 0]],
      ["Normal", 0, 0, 0, [0, 0, 0]],
    ]);
    expect(mem.policyZone).toBe(1);
  });

  it("x86_64 with 4 GiB (DMA, 3 GiB DMA32, 1 GiB Normal): min_free_kbytes 8192", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 782336, Normal: 262144 } }],
    });
    expect(mem.minFreeKbytes).toBe(8192);
    // pages_min total 2048 over 1048576 low pages.
    expect(marks(mem)).toEqual([
      ["DMA", 8, 10, 12, [0, 3056, 4080]],
      ["DMA32", 1528, 1910, 2292, [0, 0, 1024]],
      ["Normal", 512, 640, 768, [0, 0, 0]],
    ]);
  });

  it("i386 with 896 MiB low and 1 GiB HighMem: HIGHMEM pages_min clamp, ratio 32", () => {
    const mem = buildMemoryModel({
      arch: "i386",
      hz: 1000,
      nodes: [{ id: 0, zones: { DMA: 4096, Normal: 225280, HighMem: 262144 } }],
    });
    // The GFP_USER zonelist holds low memory only: isqrt(4 * 229376 * 16) = 3831.
    expect(mem.minFreeKbytes).toBe(3831);
    // pages_min total 957; HighMem: tmp 1093 but pages_min = min(262144/1024, 128) = 128.
    expect(marks(mem)).toEqual([
      ["DMA", 17, 21, 25, [0, 880, 1904]],
      ["Normal", 939, 1173, 1408, [0, 0, 8192]],
      ["HighMem", 128, 128 + 273, 128 + 546, [0, 0, 0]],
    ]);
  });

  it("a small HighMem zone gets pages_min SWAP_CLUSTER_MAX", () => {
    const mem = buildMemoryModel({
      arch: "i386",
      hz: 100,
      nodes: [{ id: 0, zones: { DMA: 4096, Normal: 225280, HighMem: 8192 } }],
    });
    expect(mem.zones[2].pagesMin).toBe(32);
  });

  it("boot min_free_kbytes is clamped to [128, 65536]", () => {
    const tiny = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 100 } }],
    });
    expect(tiny.minFreeKbytes).toBe(128); // isqrt(6400) = 80
    const huge = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 782336, Normal: 83886080 - 786432 } }],
    });
    expect(huge.minFreeKbytes).toBe(65536); // isqrt would give 73271
  });

  it("writing vm.min_free_kbytes recomputes watermarks, not lowmem_reserve, without clamp", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 258048 } }],
    });
    setMinFreeKbytes(mem, 100);
    expect(marks(mem)[1]).toEqual(["DMA32", 24, 30, 36, [0, 0, 0]]);
    expect(mem.zones[0].lowmemReserve).toEqual([0, 1008, 1008]);
    const booted = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      minFreeKbytes: 100,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 258048 } }],
    });
    expect(marks(booted)).toEqual(marks(mem));
  });

  it("lowmem_reserve ratios below 1 are forced to 1", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      lowmemReserveRatio: [0, 2],
      nodes: [{ id: 0, zones: { DMA: 10, DMA32: 100, Normal: 1000 } }],
    });
    expect(mem.lowmemReserveRatio).toEqual([1, 2]);
    expect(mem.zones[0].lowmemReserve).toEqual([0, 100, 1100]);
    expect(mem.zones[1].lowmemReserve).toEqual([0, 0, 500]);
  });

  it("rejects zones the architecture does not have", () => {
    expect(() =>
      buildMemoryModel({ arch: "i386", hz: 250, nodes: [{ id: 0, zones: { DMA32: 10 } }] }),
    ).toThrow(/no zone DMA32/);
  });
});

describe("docs/oom-path.md §4.2 zone_watermark_ok", () => {
  const check = (free: number, mark: number, flags: number, order = 0, reserve = 0) =>
    watermarkOk(free, reserve, null, order, mark, flags);

  it("order 0: free must exceed the mark", () => {
    expect(check(100, 100, 0)).toBe(false);
    expect(check(101, 100, 0)).toBe(true);
    expect(check(100, 99, 0)).toBe(true);
  });

  it("ALLOC_HIGH halves the mark, ALLOC_HARDER takes a quarter off", () => {
    expect(check(50, 100, ALLOC_HIGH)).toBe(false);
    expect(check(51, 100, ALLOC_HIGH)).toBe(true);
    expect(check(75, 100, ALLOC_HARDER)).toBe(false);
    expect(check(76, 100, ALLOC_HARDER)).toBe(true);
  });

  it("ALLOC_HIGH is applied before ALLOC_HARDER", () => {
    // 13 - 6 = 7, then 7 - 1 = 6 (the other order would give 13 - 3 = 10, 10 - 5 = 5).
    expect(check(6, 13, ALLOC_HIGH | ALLOC_HARDER)).toBe(false);
    expect(check(7, 13, ALLOC_HIGH | ALLOC_HARDER)).toBe(true);
  });

  it("adds lowmem_reserve[classzone_idx] to the mark at the requested order only", () => {
    expect(check(60, 50, 0, 0, 10)).toBe(false);
    expect(check(61, 50, 0, 0, 10)).toBe(true);
  });

  it("order > 0: free minus 2^order + 1 must pass, then each lower order's blocks go", () => {
    // free 100, order 3: 100 - 8 + 1 = 93 > 50.
    expect(check(100, 50, 0, 3)).toBe(true);
    expect(check(100, 92, 0, 3)).toBe(true);
    expect(check(100, 93, 0, 3)).toBe(false);
    // A fragmented layout: 64 single pages and one order-3 block (72 free pages).
    const area = [64, 0, 0, 1];
    // order 1: 72 - 2 + 1 = 71 > 10; then 71 - 64 = 7 <= 10 >> 1 = 5? no: 7 > 5, ok.
    expect(watermarkOk(72, 0, area, 1, 10, 0)).toBe(true);
    // mark 14: 7 <= 7 fails in the loop although 71 > 14.
    expect(watermarkOk(72, 0, area, 1, 14, 0)).toBe(false);
    // order 3 with mark 0: 72 - 8 + 1 = 65; minus 64 at order 0 leaves 1 > 0; ok.
    expect(watermarkOk(72, 0, area, 3, 0, 0)).toBe(true);
  });

  it("a negative free (order >= 1 on a nearly empty zone) fails", () => {
    expect(check(0, 0, 0, 2)).toBe(false);
    expect(watermarkOk(1, 0, [1], 1, 0, 0)).toBe(false);
  });

  it("zoneWatermarkOk reads the zone's free pages and reserve for the class", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 258048 } }],
    });
    const dma = mem.zones[0];
    takeFreePages(dma, "kernel", 4096 - 1030);
    // 1030 free: above pages_high 24 for a DMA allocation, not above 24 + 1008 for class 1.
    expect(zoneWatermarkOk(dma, 0, dma.pagesHigh, 0, 0)).toBe(true);
    expect(zoneWatermarkOk(dma, 0, dma.pagesHigh, 1, 0)).toBe(false);
    expect(zoneWatermarkOk(dma, 0, dma.pagesMin, 1, 0)).toBe(true);
  });
});
