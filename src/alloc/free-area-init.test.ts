import { describe, expect, it } from "vitest";
import { maxZonePfns, memmapPages, zonePresentPages, zoneSpannedPages } from "./free-area-init.js";
import { buildMemoryModel } from "./machine.js";
import { setupPageset, zoneBatchsize } from "./pageset.js";

const GiB = 262144;

describe("free_area_init_nodes: zone spans from the RAM and the zone boundaries", () => {
  it("i386: DMA to 16 MiB, Normal to max_low_pfn (896 MiB), HighMem to the end", () => {
    expect(maxZonePfns("i386", GiB)).toEqual([4096, 229376, GiB]);
    expect(zoneSpannedPages("i386", 0, GiB)).toEqual([4096, 225280, 32768]);
    expect(zoneSpannedPages("i386", 0, 65536)).toEqual([4096, 61440, 0]);
    expect(zoneSpannedPages("i386", 0, 1000)).toEqual([1000, 0, 0]);
  });

  it("x86_64: DMA to 16 MiB, DMA32 to 4 GiB, Normal above", () => {
    expect(zoneSpannedPages("x86_64", 0, 16384)).toEqual([4096, 12288, 0]);
    expect(zoneSpannedPages("x86_64", 0, 5 * GiB)).toEqual([4096, 4 * GiB - 4096, GiB]);
    // A node whose RAM lies above 4 GiB has a Normal zone only.
    expect(zoneSpannedPages("x86_64", 4 * GiB, 5 * GiB)).toEqual([0, 0, GiB]);
  });
});

describe("free_area_init_core: present pages", () => {
  it("charges each zone its mem_map: sizeof(struct page) 32 on i386, 56 on x86_64", () => {
    // The boot log's "DMA zone: 32 pages used for memmap" (i386), 56 (x86_64).
    expect(memmapPages("i386", 4096)).toBe(32);
    expect(memmapPages("x86_64", 4096)).toBe(56);
    expect(zonePresentPages("i386", 2, 32768, 0)).toBe(32512);
    // A zone too small for its own mem_map keeps its size (the kernel only warns).
    expect(zonePresentPages("x86_64", 1, 10, 0)).toBe(10);
  });

  it("takes dma_reserve from the first zone only, and only when it is larger", () => {
    expect(zonePresentPages("x86_64", 0, 4096, 1000)).toBe(3040);
    expect(zonePresentPages("x86_64", 1, 4096, 1000)).toBe(4040);
    expect(zonePresentPages("x86_64", 0, 4096, 4040)).toBe(4040);
  });

  it("a 1 GiB i386 boots with DMA/Normal/HighMem of 16256/894080/130048 kB, min_free_kbytes 3816", () => {
    const mem = buildMemoryModel({
      arch: "i386",
      hz: 100,
      zonePages: "spanned",
      nodes: [{ id: 0, zones: { DMA: 4096, Normal: 225280, HighMem: 32768 } }],
    });
    expect(mem.zones.map((z) => z.presentPages * 4)).toEqual([16256, 894080, 130048]);
    expect(mem.zones.map((z) => z.spannedPages)).toEqual([4096, 225280, 32768]);
    // isqrt(4 * (4064 + 223520) * 16) = isqrt(14565376) = 3816.
    expect(mem.minFreeKbytes).toBe(3816);
    expect(mem.zones.map((z) => z.freePages)).toEqual([4064, 223520, 32512]);
  });

  it("present zone sizes are taken as they are, and spanned equals present", () => {
    const mem = buildMemoryModel({
      arch: "i386",
      hz: 100,
      nodes: [{ id: 0, zones: { DMA: 4096, Normal: 225280, HighMem: 32768 } }],
    });
    expect(mem.zones.map((z) => [z.presentPages, z.spannedPages])).toEqual([
      [4096, 4096],
      [225280, 225280],
      [32768, 32768],
    ]);
    expect(mem.minFreeKbytes).toBe(3831);
  });

  it("refuses a DMA reserve on present zone sizes", () => {
    expect(() =>
      buildMemoryModel({ arch: "x86_64", hz: 250, dmaReserve: 10, nodes: [{ id: 0, zones: {} }] }),
    ).toThrow(/DMA reserve/);
  });
});

describe("zone_batchsize and setup_pageset", () => {
  it("the per-CPU limits a 1 GiB i386 prints", () => {
    // DMA: 4064/1024 = 3, /4 = 0 -> 1, rounded to 2^0 - 1 = 0.
    expect(zoneBatchsize(4064)).toBe(0);
    expect(setupPageset(0)).toEqual({ hot: { high: 0, batch: 1 }, cold: { high: 0, batch: 1 } });
    // Normal: capped at 128 (512 KiB), /4 = 32, fls(48) = 6 -> 31.
    expect(zoneBatchsize(223520)).toBe(31);
    expect(setupPageset(31)).toEqual({
      hot: { high: 186, batch: 31 },
      cold: { high: 62, batch: 15 },
    });
    // HighMem: 31, /4 = 7, fls(10) = 4 -> 7.
    expect(zoneBatchsize(32512)).toBe(7);
    expect(setupPageset(7)).toEqual({ hot: { high: 42, batch: 7 }, cold: { high: 14, batch: 3 } });
  });

  it("batches are 2^n - 1 and never above 31", () => {
    for (const present of [0, 1, 1023, 4096, 8191, 65536, 131072, 262144, 2 ** 30]) {
      const b = zoneBatchsize(present);
      expect(b).toBeLessThanOrEqual(31);
      expect(Number.isInteger(Math.log2(b + 1))).toBe(true);
    }
  });

  it("the boot gives every zone the pageset of its present pages", () => {
    const mem = buildMemoryModel({
      arch: "x86_64",
      hz: 250,
      zonePages: "spanned",
      cpus: 2,
      nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 12288 } }],
    });
    expect(mem.cpus).toBe(2);
    expect(mem.zones.map((z) => z.presentPages)).toEqual([4040, 12120, 0]);
    expect(mem.zones[1]!.pageset).toEqual(setupPageset(zoneBatchsize(12120)));
    expect(zoneBatchsize(12120)).toBe(1);
  });
});
