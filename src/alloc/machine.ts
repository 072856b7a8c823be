/**
 * Boot: from a machine description to a `MemoryModel` with zone sizes, per-CPU pagesets,
 * zonelists, `min_free_kbytes`, watermarks and lowmem reserves derived as 2.6.20 derives
 * them (docs/oom-path.md §4.2, §4.3). Every present page starts free; `takeFreePages` then sets up
 * what is already in use.
 */

import { zonePresentPages } from "./free-area-init.js";
import { type Arch, isHighmemType, MAX_NR_ZONES, type ZoneName, zoneNames } from "./gfp.js";
import { setupPageset, zoneBatchsize } from "./pageset.js";
import {
  bootMinFreeKbytes,
  nrFreeBufferPages,
  setupPerZoneLowmemReserve,
  setupPerZonePagesMin,
} from "./watermarks.js";
import type { MemoryModel, PgData, Zone } from "./zone.js";
import { buildAllZonelists } from "./zonelist.js";

export interface NodeSpec {
  id: number;
  /**
   * Pages per zone name, as `MachineSpec.zonePages` says (present pages by default);
   * zones left out are empty.
   */
  zones: Partial<Record<ZoneName, number>>;
  /** The node has CPUs (default true). */
  hasCpus?: boolean;
}

export interface MachineSpec {
  arch: Arch;
  hz: number;
  /** CONFIG_NUMA (default: true when there is more than one node). */
  numa?: boolean;
  /** Online nodes (any order; kept in id order). */
  nodes: NodeSpec[];
  /**
   * The firmware's SLIT: `node_distance` table indexed by node ids (default 10 local, 20
   * remote). Only x86_64 reads it; i386 ignores it (see `nodeDistance`).
   */
  distance?: number[][];
  /** A value written to `vm.min_free_kbytes` after boot (not clamped). */
  minFreeKbytes?: number;
  /** `vm.lowmem_reserve_ratio` (default x86_64 [256, 256], i386 [256, 32]). */
  lowmemReserveRatio?: number[];
  /** Swap space in pages (default 0: anonymous memory cannot be reclaimed). */
  swapPages?: number;
  /** A value written to `vm.zone_reclaim_mode` after boot (NUMA). */
  zoneReclaimMode?: number;
  /** The boot CPU's node, whose GFP_USER zonelist sizes min_free_kbytes (default lowest id). */
  bootNode?: number;
  /**
   * What `NodeSpec.zones` counts: "present" pages, taken as they are (the default), or
   * "spanned" pages of RAM, from which the boot subtracts each zone's mem_map and the
   * first zone's `dmaReserve` as free_area_init_core does (free-area-init.ts).
   */
  zonePages?: "present" | "spanned";
  /** `set_dma_reserve()`: pages reserved in the first zone before it is sized ("spanned" only; default 0). */
  dmaReserve?: number;
  /** Online CPUs, each with its per-CPU pageset in every zone (default 1). */
  cpus?: number;
}

/** `LOCAL_DISTANCE` and `REMOTE_DISTANCE` of include/linux/topology.h. */
export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/**
 * `node_distance(a, b)`. x86_64 reads the SLIT (its own `node_distance`); 2.6.20's
 * include/asm-i386/topology.h defines none, so i386 gets the generic macro of
 * include/linux/topology.h, 10 for a node itself and 20 for any other, whatever the
 * firmware's table says. Those distances never exceed RECLAIM_DISTANCE, so an i386
 * boot never switches zone_reclaim_mode on either.
 */
export function nodeDistance(
  arch: Arch,
  table: readonly (readonly number[] | undefined)[] | undefined,
): (a: number, b: number) => number {
  const generic = (a: number, b: number) => (a === b ? LOCAL_DISTANCE : REMOTE_DISTANCE);
  if (arch === "i386" || table === undefined) return generic;
  return (a, b) => table[a]?.[b] ?? generic(a, b);
}

function checkInt(what: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new RangeError(`${what} must be an integer from 0 to ${max}, got ${v}`);
  }
}

function makeNode(
  mem: MemoryModel,
  spec: NodeSpec,
  names: readonly ZoneName[],
  sizing: { spanned: boolean; dmaReserve: number },
): PgData {
  const node: PgData = {
    id: spec.id,
    zones: [],
    hasCpus: spec.hasCpus ?? true,
    zonelists: [],
    kswapdMaxOrder: 0,
    kswapdState: "sleeping",
  };
  for (const name of Object.keys(spec.zones)) {
    if (!names.includes(name as ZoneName)) {
      throw new RangeError(`node ${spec.id}: ${mem.arch} has no zone ${name}`);
    }
  }
  for (let type = 0; type < MAX_NR_ZONES; type++) {
    const given = spec.zones[names[type]] ?? 0;
    checkInt(`node ${spec.id} zone ${names[type]} pages`, given, 2 ** 40);
    const present = sizing.spanned
      ? zonePresentPages(mem.arch, type, given, sizing.dmaReserve)
      : given;
    const zone: Zone = {
      id: mem.zones.length,
      nodeId: spec.id,
      node,
      type,
      name: names[type],
      highmem: isHighmemType(mem.arch, type),
      spannedPages: sizing.spanned ? given : present,
      presentPages: present,
      // zone_pcp_init, or on NUMA process_zones for each CPU as it comes up: both size the
      // lists by the zone's present pages (a NUMA boot pageset, batch 0, equals an empty zone's).
      pageset: setupPageset(zoneBatchsize(present)),
      freePages: present,
      pagesMin: 0,
      pagesLow: 0,
      pagesHigh: 0,
      lowmemReserve: new Array(MAX_NR_ZONES).fill(0),
      anonPages: 0,
      anonSwappedPages: 0,
      cleanCachePages: 0,
      dirtyCachePages: 0,
      kernelPages: 0,
      pagesScanned: 0,
      allUnreclaimable: false,
    };
    node.zones.push(zone);
    node.zonelists.push([]);
    mem.zones.push(zone);
  }
  return node;
}

/** Boots the memory side of a machine. */
export function buildMemoryModel(spec: MachineSpec): MemoryModel {
  if (spec.nodes.length === 0) throw new RangeError("a machine needs at least one node");
  checkInt("HZ", spec.hz, 1535);
  const nodeSpecs = [...spec.nodes].sort((a, b) => a.id - b.id);
  for (let i = 0; i < nodeSpecs.length; i++) {
    checkInt("node id", nodeSpecs[i].id, 63);
    if (i > 0 && nodeSpecs[i].id === nodeSpecs[i - 1].id) {
      throw new RangeError(`node ${nodeSpecs[i].id} is listed twice`);
    }
  }
  const numa = spec.numa ?? nodeSpecs.length > 1;
  const table = spec.distance;
  const swap = spec.swapPages ?? 0;
  checkInt("swap pages", swap);
  const cpus = spec.cpus ?? 1;
  checkInt("CPUs", cpus, 255);
  if (cpus < 1) throw new RangeError("a machine needs at least one CPU");
  const spanned = spec.zonePages === "spanned";
  const dmaReserve = spec.dmaReserve ?? 0;
  checkInt("dma_reserve pages", dmaReserve, 2 ** 40);
  if (dmaReserve > 0 && !spanned)
    throw new RangeError("a DMA reserve needs zone sizes given as spanned pages");
  const mem: MemoryModel = {
    arch: spec.arch,
    bits: spec.arch === "x86_64" ? 64 : 32,
    hz: spec.hz,
    numa,
    nodes: [],
    zones: [],
    distance: nodeDistance(spec.arch, table),
    minFreeKbytes: 1024,
    lowmemReserveRatio: [...(spec.lowmemReserveRatio ?? [256, spec.arch === "x86_64" ? 256 : 32])],
    zoneReclaimMode: 0,
    policyZone: 0,
    swapTotalPages: swap,
    swapFreePages: swap,
    cpus,
    swapCacheAddTotal: 0,
    swapCacheDelTotal: 0,
  };
  const names = zoneNames(spec.arch);
  for (const ns of nodeSpecs) mem.nodes.push(makeNode(mem, ns, names, { spanned, dmaReserve }));
  buildAllZonelists(mem);
  const boot = mem.nodes.find((n) => n.id === (spec.bootNode ?? nodeSpecs[0].id));
  if (!boot) throw new RangeError(`boot node ${spec.bootNode} is not online`);
  mem.minFreeKbytes = bootMinFreeKbytes(nrFreeBufferPages(mem, boot));
  setupPerZonePagesMin(mem);
  setupPerZoneLowmemReserve(mem);
  if (spec.minFreeKbytes !== undefined) {
    checkInt("min_free_kbytes", spec.minFreeKbytes, 0x7fffffff);
    mem.minFreeKbytes = spec.minFreeKbytes;
    setupPerZonePagesMin(mem);
  }
  if (spec.zoneReclaimMode !== undefined) {
    checkInt("zone_reclaim_mode", spec.zoneReclaimMode, 0x7fffffff);
    mem.zoneReclaimMode = spec.zoneReclaimMode;
  }
  return mem;
}
