/**
 * The page allocator of src/alloc behind the simulation's MemoryPort: one AllocContext
 * per task (written through to the task's flags), the task's zonelist (MPOL_BIND or its
 * node's), the shared printk rate limit, kswapd per node and show_mem's zone state.
 */

import { allocPagesFast, allocPagesSlow } from "../alloc/alloc-pages.js";
import type { AllocContext } from "../alloc/context.js";
import type { AllocRequest } from "../alloc/events.js";
import { kswapd } from "../alloc/kswapd.js";
import { type MachineSpec as AllocMachineSpec, buildMemoryModel } from "../alloc/machine.js";
import { checkConservation, freePages, swappedShare, takeFreePages } from "../alloc/pages.js";
import { freeArea, type MemoryModel, type PageUse, type Zone } from "../alloc/zone.js";
import { bindZonelist, nodeZonelist, zonelistPolicy } from "../alloc/zonelist.js";
import { jiffiesAt } from "../kernel/clock.js";
import { GFP_HIGHUSER } from "../kernel/gfp.js";
import type { KernelState } from "../kernel/kernel-state.js";
import { PrintkRatelimit } from "../kernel/printk.js";
import type { Task } from "../kernel/task.js";
import type { ZonelistEntry } from "../snapshot/types.js";
import type { MemInfo } from "./events.js";
import type { MemoryPort, PortGenerator, PortOutcome, PortRequest } from "./memory-port.js";

export class AllocatorPort implements MemoryPort {
  readonly mem: MemoryModel;
  readonly zoneCount: number;
  readonly nodes: { id: number; memory: boolean }[];
  readonly numa: boolean;
  private readonly printk: PrintkRatelimit;
  private readonly contexts = new WeakMap<Task, AllocContext>();
  private readonly bindCache = new Map<string, Zone[]>();

  constructor(
    spec: AllocMachineSpec,
    private readonly k: KernelState,
    private readonly cpusetsEnabled: boolean,
  ) {
    this.mem = buildMemoryModel(spec);
    this.zoneCount = this.mem.zones.length;
    this.numa = this.mem.numa;
    this.nodes = this.mem.nodes.map((n) => ({
      id: n.id,
      memory: n.zones.some((z) => z.presentPages > 0),
    }));
    this.printk = new PrintkRatelimit(k.hz, k.bits);
  }

  private jiffies(): number {
    return jiffiesAt(this.k.ticks, this.k.hz, this.k.bits);
  }

  /** The node of the CPU a task runs on: the first online node it may use. */
  cpuNode(t: Task): number {
    const first = t.memsAllowed[0];
    if (
      first !== undefined &&
      (this.nodes.length === 1
        ? this.nodes[0]!.id === first
        : this.nodes.some((x) => x.id === first))
    )
      return first;
    for (const n of t.memsAllowed) if (this.nodes.some((x) => x.id === n)) return n;
    return this.nodes[0]!.id;
  }

  context(t: Task): AllocContext {
    let ctx = this.contexts.get(t);
    if (ctx !== undefined) return ctx;
    const k = this.k;
    const port = this;
    ctx = {
      get pid() {
        return t.pid;
      },
      get comm() {
        return t.comm;
      },
      get flags() {
        return t.flags;
      },
      set flags(v: number) {
        t.flags = v;
      },
      hasTifMemdie: () => t.memdie,
      isRealtime: () => t.prio < 100,
      inInterrupt: false,
      get cpuNode() {
        return port.cpuNode(t);
      },
      numberOfCpusets: () => (this.cpusetsEnabled ? k.cpusets.size : 1),
      nodeInMemsAllowed: (node: number) => !this.cpusetsEnabled || t.memsAllowed.includes(node),
      nodeInExclusiveAncestorMems: (node: number) => {
        let cs = t.cpuset;
        while (!cs.memExclusive && cs.parent !== null) cs = cs.parent;
        return cs.mems.includes(node);
      },
      printk: this.printk,
      jiffies: () => this.jiffies(),
    };
    this.contexts.set(t, ctx);
    return ctx;
  }

  zonelist(t: Task, gfp: number): readonly Zone[] {
    // Without a policy the answer is the CPU node's zonelist; no context is needed.
    if (t.mempolicyBind === null) return nodeZonelist(this.mem, this.cpuNode(t), gfp);
    const key = t.mempolicyBind.join(",");
    let bind = this.bindCache.get(key);
    if (bind === undefined) {
      bind = bindZonelist(this.mem, t.mempolicyBind);
      this.bindCache.set(key, bind);
    }
    return zonelistPolicy(this.mem, this.context(t), gfp, bind);
  }

  /** Told after each fast-path allocation and each free (the memory timeline's samples). */
  onPagesChanged: (() => void) | null = null;

  allocateFast(t: Task, gfp: number, order: number, use: PageUse): number {
    const zone = allocPagesFast(this.mem, this.context(t), gfp, order, this.zonelist(t, gfp), use);
    this.onPagesChanged?.();
    return zone === null ? -1 : zone.id;
  }

  *allocate(t: Task, gfp: number, order: number, use: PageUse): PortGenerator<PortOutcome> {
    const gen = allocPagesSlow(this.mem, this.context(t), gfp, order, this.zonelist(t, gfp), use);
    const out = yield* translate(gen);
    if (out.kind === "success") return { kind: "success", zone: out.zone.id };
    return out;
  }

  free(zone: number, use: PageUse, pages: number): void {
    freePages(this.mem, this.mem.zones[zone]!, use, pages);
    this.onPagesChanged?.();
  }

  /**
   * Boot-time residency: `pages` pages of `use` taken along the task's GFP_HIGHUSER
   * zonelist, each zone down to its high watermark. Returns pages per zone, or null
   * when they do not fit.
   */
  bootCharge(t: Task, pages: number, use: PageUse): number[] | null {
    const out = new Array<number>(this.zoneCount).fill(0);
    let need = pages;
    for (const z of this.zonelist(t, GFP_HIGHUSER)) {
      const take = Math.min(need, Math.max(0, z.freePages - z.pagesHigh));
      if (take > 0) {
        takeFreePages(z, use, take);
        out[z.id] += take;
        need -= take;
      }
      if (need === 0) break;
    }
    if (need > 0) {
      // Undo, so that the caller can report the problem cleanly.
      for (let i = 0; i < out.length; i++)
        if (out[i]! > 0) freePages(this.mem, this.mem.zones[i]!, use, out[i]!);
      return null;
    }
    return out;
  }

  wokenKswapds(): number[] {
    const out: number[] = [];
    for (const n of this.mem.nodes) if (n.kswapdState === "woken") out.push(n.id);
    return out;
  }

  *kswapd(node: number): PortGenerator<void> {
    const pgdat = this.mem.nodes.find((n) => n.id === node)!;
    yield* translate(kswapd(this.mem, pgdat));
  }

  memInfo(): MemInfo {
    const mem = this.mem;
    let active = 0;
    let dirty = 0;
    let free = 0;
    let slab = 0;
    let total = 0;
    let highmem = 0;
    let reserved = 0;
    const zones = [];
    for (const z of mem.zones) {
      // show_mem walks every page frame of every node: the mem_map and reserved pages
      // are PageReserved, the rest the zone's present pages.
      total += z.spannedPages;
      if (z.highmem) highmem += z.spannedPages;
      reserved += z.spannedPages - z.presentPages;
      free += z.freePages;
      if (z.presentPages === 0) continue;
      const lru = z.anonPages + z.cleanCachePages + z.dirtyCachePages;
      active += lru;
      dirty += z.dirtyCachePages;
      slab += z.kernelPages;
      const pagesets = [];
      for (let cpu = 0; cpu < mem.cpus; cpu++) {
        // The model keeps the per-CPU lists empty (docs/oom-path.md §4.9): every count is 0.
        const { hot, cold } = z.pageset;
        pagesets.push({ cpu, hot: { ...hot, count: 0 }, cold: { ...cold, count: 0 } });
      }
      zones.push({
        node: z.nodeId,
        name: z.name,
        freePages: z.freePages,
        minPages: z.pagesMin,
        lowPages: z.pagesLow,
        highPages: z.pagesHigh,
        activePages: lru,
        inactivePages: 0,
        presentPages: z.presentPages,
        pagesScanned: z.pagesScanned,
        allUnreclaimable: z.allUnreclaimable,
        lowmemReserve: [...z.lowmemReserve],
        freeArea: freeArea(z),
        pagesets,
      });
    }
    const ulong = (v: number) => v % 2 ** mem.bits;
    return {
      arch: mem.arch,
      numa: this.numa,
      zones,
      active,
      inactive: 0,
      dirty,
      writeback: 0,
      unstable: 0,
      free,
      slab,
      mapped: 0,
      pagetables: 0,
      // Reclaim's swap-outs go into the swap cache and out again once written; nothing
      // is swapped back in, so no lookups and no races.
      swapCache: {
        add: ulong(mem.swapCacheAddTotal),
        delete: ulong(mem.swapCacheDelTotal),
        findSuccess: 0,
        findTotal: 0,
        noentRace: 0,
        existRace: 0,
      },
      swapFreePages: mem.swapFreePages,
      swapTotalPages: mem.swapTotalPages,
      totalPages: total,
      highmemPages: highmem,
      reservedPages: reserved,
      // Every page in use has one user: fork's copy-on-write pages stay the parent's own
      // (docs/oom-path.md §4.9) and page cache is not mapped; written swap pages leave the cache.
      sharedPages: 0,
      swapCachedPages: 0,
    };
  }

  presentPages(): number {
    let n = 0;
    for (const z of this.mem.zones) n += z.presentPages;
    return n;
  }

  freePages(): number {
    let n = 0;
    for (const z of this.mem.zones) n += z.freePages;
    return n;
  }

  swapTotalPages(): number {
    return this.mem.swapTotalPages;
  }

  anonSplit(pagesByZone: readonly number[]): { resident: number; swapped: number } {
    let resident = 0;
    let swapped = 0;
    for (let z = 0; z < pagesByZone.length; z++) {
      const pages = pagesByZone[z]!;
      if (pages === 0) continue;
      const zone = this.mem.zones[z]!;
      const out = swappedShare(pages, zone.anonPages, zone.anonSwappedPages);
      swapped += out;
      resident += pages - out;
    }
    return { resident, swapped };
  }

  conservation(): string | null {
    return checkConservation(this.mem);
  }

  printkRatelimit(): { allowed: boolean; suppressed: number } {
    const allowed = this.printk.allow(this.jiffies());
    return { allowed, suppressed: allowed ? this.printk.reportMissed : 0 };
  }
}

function zonelistEntries(zones: readonly Zone[]): ZonelistEntry[] {
  return zones.map((z) => ({ node: z.nodeId, zone: z.name }));
}

/** Re-yields the allocator's requests in the port's terms. */
function* translate<R>(
  gen: Generator<AllocRequest, R, unknown>,
): Generator<PortRequest, R, unknown> {
  let resume: unknown;
  for (;;) {
    const r = gen.next(resume);
    if (r.done) return r.value;
    const req = r.value;
    if (req.kind === "out_of_memory") {
      resume = yield {
        kind: "out_of_memory",
        zonelist: zonelistEntries(req.zonelist),
        gfpMask: req.gfpMask,
        order: req.order,
      };
    } else resume = yield req;
  }
}
