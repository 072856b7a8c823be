import { describe, expect, it } from "vitest";
import { allocate, makeCtx } from "../../test/support/alloc-driver.js";
import { PF_EXITING, PF_MEMALLOC } from "../kernel/constants.js";
import { cpusetZoneAllowedHardwall, cpusetZoneAllowedSoftwall } from "./cpuset.js";
import { getPageFromFreelist } from "./freelist.js";
import {
  __GFP_THISNODE,
  ALLOC_CPUSET,
  ALLOC_NO_WATERMARKS,
  ALLOC_WMARK_LOW,
  ALLOC_WMARK_MIN,
  GFP_ATOMIC,
  GFP_HIGHUSER,
  GFP_KERNEL,
  GFP_THISNODE_BITS,
} from "./gfp.js";
import { buildMemoryModel } from "./machine.js";
import { takeFreePages } from "./pages.js";
import { zoneReclaim } from "./zone-reclaim.js";
import { nodeZonelist } from "./zonelist.js";

/** Two NUMA nodes of 10000 Normal pages each (min 141, low 176, high 211 per zone). */
function twoNodes(zoneReclaimMode?: number) {
  const mem = buildMemoryModel({
    arch: "x86_64",
    hz: 250,
    zoneReclaimMode,
    nodes: [
      { id: 0, zones: { Normal: 10000 } },
      { id: 1, zones: { Normal: 10000 } },
    ],
  });
  const n0 = mem.nodes[0].zones[2];
  const n1 = mem.nodes[1].zones[2];
  return { mem, n0, n1, zl: nodeZonelist(mem, 0, GFP_KERNEL) };
}

describe("docs/oom-path.md §4.4 cpuset_zone_allowed_softwall / hardwall", () => {
  it("one cpuset allows everything", () => {
    const { mem, n1 } = twoNodes();
    const ctx = makeCtx(mem);
    expect(cpusetZoneAllowedSoftwall(ctx, n1, GFP_HIGHUSER)).toBe(true);
    expect(cpusetZoneAllowedHardwall(ctx, n1, GFP_KERNEL)).toBe(true);
  });

  it("outside mems: hardwall refuses; softwall asks the mem-exclusive ancestor", () => {
    const { mem, n1 } = twoNodes();
    const fenced = makeCtx(mem, { mems: [0] });
    expect(cpusetZoneAllowedSoftwall(fenced, n1, GFP_HIGHUSER)).toBe(false);
    expect(cpusetZoneAllowedSoftwall(fenced, n1, GFP_KERNEL)).toBe(false);
    expect(cpusetZoneAllowedHardwall(fenced, n1, GFP_KERNEL)).toBe(false);
    const loose = makeCtx(mem, { mems: [0], exclusiveMems: [0, 1] });
    expect(cpusetZoneAllowedSoftwall(loose, n1, GFP_KERNEL)).toBe(true);
    expect(cpusetZoneAllowedSoftwall(loose, n1, GFP_HIGHUSER)).toBe(false);
    expect(cpusetZoneAllowedHardwall(loose, n1, GFP_KERNEL)).toBe(false);
    const exiting = makeCtx(mem, { mems: [0], flags: PF_EXITING });
    expect(cpusetZoneAllowedSoftwall(exiting, n1, GFP_KERNEL)).toBe(true);
    expect(cpusetZoneAllowedSoftwall(exiting, n1, GFP_HIGHUSER)).toBe(false);
    expect(cpusetZoneAllowedSoftwall(fenced, n1, GFP_HIGHUSER | __GFP_THISNODE)).toBe(true);
    expect(cpusetZoneAllowedHardwall(fenced, n1, __GFP_THISNODE)).toBe(true);
  });
});

describe("docs/oom-path.md §4.4 get_page_from_freelist", () => {
  it("walks the zonelist in order and falls back to the next node", () => {
    const { mem, n0, n1, zl } = twoNodes();
    const ctx = makeCtx(mem);
    expect([n0.pagesMin, n0.pagesLow, n0.pagesHigh]).toEqual([141, 176, 211]);
    takeFreePages(n0, "anon", 10000 - 176);
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_LOW, "anon")).toBe(n1);
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_MIN, "anon")).toBe(n0);
  });

  it("ALLOC_CPUSET skips zones the softwall test refuses", () => {
    const { mem, n0, zl } = twoNodes();
    const ctx = makeCtx(mem, { mems: [1] });
    expect(
      getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_LOW | ALLOC_CPUSET, "anon"),
    ).toBe(mem.nodes[1].zones[2]);
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_LOW, "anon")).toBe(n0);
  });

  it("__GFP_THISNODE stops at the first zone of another node", () => {
    const { mem, n0, zl } = twoNodes();
    takeFreePages(n0, "anon", 10000);
    const ctx = makeCtx(mem);
    expect(
      getPageFromFreelist(mem, ctx, __GFP_THISNODE, 0, zl, ALLOC_WMARK_LOW, "anon"),
    ).toBeNull();
    expect(getPageFromFreelist(mem, ctx, 0, 0, zl, ALLOC_WMARK_LOW, "anon")).not.toBeNull();
  });

  it("ALLOC_NO_WATERMARKS takes the last free page", () => {
    const { mem, n0, n1, zl } = twoNodes();
    takeFreePages(n0, "anon", 10000 - 1);
    takeFreePages(n1, "anon", 10000);
    const ctx = makeCtx(mem);
    expect(
      getPageFromFreelist(mem, ctx, GFP_KERNEL, 1, zl, ALLOC_NO_WATERMARKS, "anon"),
    ).toBeNull();
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_NO_WATERMARKS, "anon")).toBe(n0);
    expect(n0.freePages).toBe(0);
  });

  it("step 3 of __alloc_pages: a NUMA GFP_THISNODE allocation fails at once, silently", () => {
    const { mem, n0, zl } = twoNodes();
    takeFreePages(n0, "anon", 10000);
    const ctx = makeCtx(mem);
    const r = allocate(mem, ctx, GFP_KERNEL | GFP_THISNODE_BITS, 0, zl);
    expect(r.outcome).toEqual({ kind: "failure", printed: false });
    expect(r.events.map((e) => e.type)).toEqual(["alloc.stall", "alloc.fail"]);
  });
});

describe("docs/oom-path.md §4.4 zone_reclaim (NUMA, zone_reclaim_mode != 0)", () => {
  it("reclaims page cache from the local zone before falling back", () => {
    const { mem, n0, zl } = twoNodes(1);
    takeFreePages(n0, "cleanCache", 5000);
    takeFreePages(n0, "anon", 5000);
    const ctx = makeCtx(mem);
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_LOW, "anon")).toBe(n0);
    // Priority 4: (10000 >> 4) + 1 = 626 pages freed, one of them now taken.
    expect(n0.freePages).toBe(625);
    expect(n0.cleanCachePages).toBe(5000 - 626);
  });

  it("refuses below min_unmapped_ratio, without __GFP_WAIT, for PF_MEMALLOC, flagged zones, remote nodes with CPUs", () => {
    const { mem, n0, n1 } = twoNodes(1);
    takeFreePages(n0, "cleanCache", 100); // exactly 1 %: not above the threshold
    takeFreePages(n0, "anon", 9900);
    const ctx = makeCtx(mem);
    expect(zoneReclaim(mem, ctx, n0, GFP_KERNEL, 0)).toBe(false);
    takeFreePages(n1, "cleanCache", 5000);
    takeFreePages(n1, "anon", 5000);
    const local1 = makeCtx(mem, { cpuNode: 1 });
    expect(zoneReclaim(mem, local1, n1, GFP_ATOMIC, 0)).toBe(false);
    expect(
      zoneReclaim(mem, makeCtx(mem, { cpuNode: 1, flags: PF_MEMALLOC }), n1, GFP_KERNEL, 0),
    ).toBe(false);
    expect(zoneReclaim(mem, ctx, n1, GFP_KERNEL, 0)).toBe(false);
    n1.allUnreclaimable = true;
    expect(zoneReclaim(mem, local1, n1, GFP_KERNEL, 0)).toBe(false);
    n1.allUnreclaimable = false;
    expect(zoneReclaim(mem, local1, n1, GFP_KERNEL, 0)).toBe(true);
  });

  it("is never used without NUMA or with zone_reclaim_mode 0", () => {
    const { mem, n0, n1, zl } = twoNodes(0);
    takeFreePages(n0, "cleanCache", 5000);
    takeFreePages(n0, "anon", 5000);
    const ctx = makeCtx(mem);
    expect(getPageFromFreelist(mem, ctx, GFP_KERNEL, 0, zl, ALLOC_WMARK_LOW, "anon")).toBe(n1);
    expect(n0.cleanCachePages).toBe(5000);
  });
});
