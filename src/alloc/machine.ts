/**
 * Boot: from a machine description to a `MemoryModel` with zonelists, `min_free_kbytes`,
 * watermarks and lowmem reserves derived as 2.6.20 derives them (spec §4.2, §4.3).
 * Every page starts free; `takeFreePages` then sets up what is already in use.
 */

import { type Arch, isHighmemType, MAX_NR_ZONES, type ZoneName, zoneNames } from "./gfp.js";
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
  /** Present pages per zone name; zones left out are empty. */
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
  /** `node_distance` table indexed by node ids (default 10 local, 20 remote). */
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
}

function checkInt(what: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new RangeError(`${what} must be an integer from 0 to ${max}, got ${v}`);
  }
}

function makeNode(mem: MemoryModel, spec: NodeSpec, names: readonly ZoneName[]): PgData {
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
    const present = spec.zones[names[type]] ?? 0;
    checkInt(`node ${spec.id} zone ${names[type]} pages`, present, 2 ** 40);
    const zone: Zone = {
      id: mem.zones.length,
      nodeId: spec.id,
      node,
      type,
      name: names[type],
      highmem: isHighmemType(mem.arch, type),
      presentPages: present,
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
  const mem: MemoryModel = {
    arch: spec.arch,
    bits: spec.arch === "x86_64" ? 64 : 32,
    hz: spec.hz,
    numa,
    nodes: [],
    zones: [],
    distance: (a, b) => table?.[a]?.[b] ?? (a === b ? 10 : 20),
    minFreeKbytes: 1024,
    lowmemReserveRatio: [...(spec.lowmemReserveRatio ?? [256, spec.arch === "x86_64" ? 256 : 32])],
    zoneReclaimMode: 0,
    policyZone: 0,
    swapTotalPages: swap,
    swapFreePages: swap,
  };
  const names = zoneNames(spec.arch);
  for (const ns of nodeSpecs) mem.nodes.push(makeNode(mem, ns, names));
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
