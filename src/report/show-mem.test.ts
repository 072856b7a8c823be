import { describe, expect, it } from "vitest";
import type { MemInfo, ZoneInfo } from "../sim/events.js";
import { showMemLines } from "./show-mem.js";

function zone(node: number, name: string, over: Partial<ZoneInfo> = {}): ZoneInfo {
  return {
    node,
    name,
    freePages: 1025,
    minPages: 17,
    lowPages: 21,
    highPages: 25,
    activePages: 3000,
    inactivePages: 0,
    presentPages: 4064,
    pagesScanned: 12,
    allUnreclaimable: false,
    lowmemReserve: [0, 873, 1000],
    freeArea: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    pagesets: [0, 1].map((cpu) => ({
      cpu,
      hot: { high: 186, batch: 31, count: 0 },
      cold: { high: 62, batch: 15, count: 0 },
    })),
    ...over,
  };
}

function info(over: Partial<MemInfo>): MemInfo {
  return {
    arch: "x86_64",
    numa: false,
    zones: [zone(0, "DMA")],
    active: 3000,
    inactive: 0,
    dirty: 5,
    writeback: 0,
    unstable: 0,
    free: 1025,
    slab: 7,
    mapped: 0,
    pagetables: 0,
    swapCache: { add: 9, delete: 8, findSuccess: 0, findTotal: 0, noentRace: 0, existRace: 0 },
    swapFreePages: 2500,
    swapTotalPages: 2560,
    totalPages: 4096,
    highmemPages: 0,
    reservedPages: 32,
    sharedPages: 0,
    swapCachedPages: 0,
    ...over,
  };
}

const tagged = (m: MemInfo) => showMemLines(m).map((l) => `<${l.level}>${l.text}`);

describe("show_mem() text", () => {
  it("x86_64: show_free_areas, show_swap_cache_info, then the four counters at KERN_INFO", () => {
    expect(tagged(info({}))).toEqual([
      "<6>Mem-info:",
      "<4>DMA per-cpu:",
      "<4>CPU    0: Hot: hi:  186, btch:  31 usd:   0   Cold: hi:   62, btch:  15 usd:   0",
      "<4>CPU    1: Hot: hi:  186, btch:  31 usd:   0   Cold: hi:   62, btch:  15 usd:   0",
      "<4>Active:3000 inactive:0 dirty:5 writeback:0 unstable:0 free:1025 slab:7 mapped:0 pagetables:0",
      "<4>DMA free:4100kB min:68kB low:84kB high:100kB active:12000kB inactive:0kB present:16256kB pages_scanned:12 all_unreclaimable? no",
      "<4>lowmem_reserve[]: 0 873 1000",
      "<4>DMA: 1*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 1*4096kB = 4100kB",
      "<4>Swap cache: add 9, delete 8, find 0/0, race 0+0",
      "<4>Free swap  = 10000kB",
      "<4>Total swap = 10240kB",
      "<6>Free swap:        10000kB",
      "<6>4096 pages of RAM",
      "<6>32 reserved pages",
      "<6>0 pages shared",
      "<6>0 pages swap cached",
    ]);
  });

  it("i386 adds pages of HIGHMEM and the page-state counters", () => {
    const lines = tagged(info({ arch: "i386", highmemPages: 32768, totalPages: 262144 }));
    expect(lines.slice(-11)).toEqual([
      "<6>Free swap:        10000kB",
      "<6>262144 pages of RAM",
      "<6>32768 pages of HIGHMEM",
      "<6>32 reserved pages",
      "<6>0 pages shared",
      "<6>0 pages swap cached",
      "<6>5 pages dirty",
      "<6>0 pages writeback",
      "<6>0 pages mapped",
      "<6>7 pages slab",
      "<6>0 pages pagetables",
    ]);
  });

  it("NUMA: show_node's prefix on the per-cpu, zone and free-area lines only", () => {
    const m = info({ numa: true, zones: [zone(0, "DMA"), zone(1, "Normal")] });
    const lines = tagged(m);
    expect(lines.filter((l) => l.includes("Node "))).toEqual([
      "<4>Node 0 DMA per-cpu:",
      "<4>Node 1 Normal per-cpu:",
      expect.stringMatching(/^<4>Node 0 DMA free:4100kB /),
      expect.stringMatching(/^<4>Node 1 Normal free:4100kB /),
      expect.stringMatching(/^<4>Node 0 DMA: 1\*4kB /),
      expect.stringMatching(/^<4>Node 1 Normal: 1\*4kB /),
    ]);
  });

  it("pads as printf does and lets wide values push the columns", () => {
    const z = zone(0, "Normal", {
      pagesets: [
        {
          cpu: 12,
          hot: { high: 123456, batch: 31, count: 7 },
          cold: { high: 2, batch: 1, count: 12345 },
        },
      ],
    });
    const lines = tagged(info({ zones: [z], swapFreePages: 1234567 }));
    expect(lines).toContain(
      "<4>CPU   12: Hot: hi:123456, btch:  31 usd:   7   Cold: hi:    2, btch:   1 usd:12345",
    );
    expect(lines).toContain("<6>Free swap:       4938268kB");
  });
});
