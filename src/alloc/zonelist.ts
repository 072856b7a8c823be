/**
 * Zonelists (docs/oom-path.md §4.3): `build_zonelists` for non-NUMA and NUMA builds,
 * `find_next_best_node`, the MPOL_BIND custom zonelist (`bind_zonelist`) and the choice
 * between the two (`zonelist_policy`).
 */

import type { AllocContext } from "./context.js";
import { cpusetZonelistValidMemsAllowed } from "./cpuset.js";
import { gfpZone, MAX_NR_ZONES } from "./gfp.js";
import { findNode, type MemoryModel, type PgData, populatedZone, type Zone } from "./zone.js";

/** `RECLAIM_DISTANCE`: a farther node turns zone_reclaim_mode on at boot. */
export const RECLAIM_DISTANCE = 20;
/** `PENALTY_FOR_NODE_WITH_CPUS`. */
export const PENALTY_FOR_NODE_WITH_CPUS = 1;
/** `MAX_NUMNODES` (taken as 64 for both word sizes, as the snapshot format does). */
export const MAX_NUMNODES = 64;

/** `build_zonelists_node`: the node's populated zones of types `type` down to 0. */
function appendNodeZones(list: Zone[], node: PgData, type: number): void {
  for (let t = type; t >= 0; t--) {
    const z = node.zones[t];
    if (populatedZone(z)) list.push(z);
  }
}

/**
 * `find_next_best_node(node, used)`: the local node first; then the unused online node
 * with the smallest `(distance + (n < node) + hasCpus) * (nodes * MAX_NUMNODES) + load[n]`,
 * the lowest id winning ties. Returns -1 when every node is used.
 */
export function findNextBestNode(
  mem: MemoryModel,
  local: number,
  used: Set<number>,
  nodeLoad: Map<number, number>,
): number {
  if (!used.has(local)) {
    used.add(local);
    return local;
  }
  let best = -1;
  let minVal = Number.POSITIVE_INFINITY;
  for (const n of mem.nodes) {
    if (used.has(n.id)) continue;
    let val = mem.distance(local, n.id);
    if (n.id < local) val += 1;
    if (n.hasCpus) val += PENALTY_FOR_NODE_WITH_CPUS;
    val *= mem.nodes.length * MAX_NUMNODES;
    val += nodeLoad.get(n.id) ?? 0;
    if (val < minVal) {
      minVal = val;
      best = n.id;
    }
  }
  if (best >= 0) used.add(best);
  return best;
}

/**
 * NUMA `build_zonelists(pgdat)`: nodes by `find_next_best_node`, each contributing its
 * zones from the zonelist's type down. The first node of each new distance group gets a
 * load penalty so that equal-distance nodes are used round-robin across local nodes.
 * `node_load` is a static array that 2.6.20 does not clear between nodes, so it is
 * shared across the calls for all nodes (this changes only tie-breaks). Sets
 * `zone_reclaim_mode` to 1 when some node is farther than RECLAIM_DISTANCE.
 */
function buildZonelistsNuma(mem: MemoryModel, pgdat: PgData, nodeLoad: Map<number, number>) {
  const local = pgdat.id;
  let load = mem.nodes.length;
  let prev = local;
  const used = new Set<number>();
  for (;;) {
    const nodeId = findNextBestNode(mem, local, used, nodeLoad);
    if (nodeId < 0) break;
    const distance = mem.distance(local, nodeId);
    if (distance > RECLAIM_DISTANCE) mem.zoneReclaimMode = 1;
    if (distance !== mem.distance(local, prev)) {
      nodeLoad.set(nodeId, (nodeLoad.get(nodeId) ?? 0) + load);
    }
    prev = nodeId;
    load--;
    const node = findNode(mem, nodeId)!;
    for (let t = 0; t < MAX_NR_ZONES; t++) appendNodeZones(pgdat.zonelists[t], node, t);
  }
}

/** Non-NUMA `build_zonelists(pgdat)`: the local node, then higher ids, then wrap to 0. */
function buildZonelistsFlat(mem: MemoryModel, pgdat: PgData) {
  const order = [
    pgdat,
    ...mem.nodes.filter((n) => n.id > pgdat.id),
    ...mem.nodes.filter((n) => n.id < pgdat.id),
  ];
  for (let t = 0; t < MAX_NR_ZONES; t++) {
    for (const node of order) appendNodeZones(pgdat.zonelists[t], node, t);
  }
}

/**
 * `build_all_zonelists()`: every node's zonelists, and `policy_zone`, the highest
 * populated zone type (mempolicy's `check_highest_zone`).
 */
export function buildAllZonelists(mem: MemoryModel): void {
  const nodeLoad = new Map<number, number>();
  for (const pgdat of mem.nodes) {
    for (const list of pgdat.zonelists) list.length = 0;
    if (mem.numa) buildZonelistsNuma(mem, pgdat, nodeLoad);
    else buildZonelistsFlat(mem, pgdat);
  }
  mem.policyZone = 0;
  for (const z of mem.zones)
    if (populatedZone(z) && z.type > mem.policyZone) mem.policyZone = z.type;
}

/**
 * `bind_zonelist(nodes)`: the MPOL_BIND custom zonelist. Zones of type `policy_zone` of
 * the bound nodes in node-number order, then the next lower type, and so on; empty zones
 * are left out.
 */
export function bindZonelist(mem: MemoryModel, nodes: readonly number[]): Zone[] {
  const sorted = [...new Set(nodes)].sort((a, b) => a - b);
  const list: Zone[] = [];
  for (let t = mem.policyZone; t >= 0; t--) {
    for (const id of sorted) {
      const node = findNode(mem, id);
      if (node && populatedZone(node.zones[t])) list.push(node.zones[t]);
    }
  }
  return list;
}

/** The default zonelist of an allocation: `NODE_DATA(node)->node_zonelists + gfp_zone(gfp)`. */
export function nodeZonelist(mem: MemoryModel, nodeId: number, gfp: number): Zone[] {
  const node = findNode(mem, nodeId);
  if (!node) throw new RangeError(`node ${nodeId} is not online`);
  return node.zonelists[gfpZone(mem.arch, gfp)];
}

/**
 * `zonelist_policy(gfp, policy)`: the MPOL_BIND zonelist `bind` (from `bindZonelist`) for
 * allocations of zone type >= `policy_zone` whose list reaches one of current's mems;
 * otherwise the default zonelist of current's CPU node.
 */
export function zonelistPolicy(
  mem: MemoryModel,
  ctx: AllocContext,
  gfp: number,
  bind: readonly Zone[] | null,
): readonly Zone[] {
  if (bind !== null && gfpZone(mem.arch, gfp) >= mem.policyZone) {
    if (cpusetZonelistValidMemsAllowed(ctx, bind)) return bind;
  }
  return nodeZonelist(mem, ctx.cpuNode, gfp);
}

/** `classzone_idx`: the type of the first zone of the zonelist (-1 when empty). */
export function classzoneIdx(zonelist: readonly Zone[]): number {
  return zonelist.length === 0 ? -1 : zonelist[0].type;
}
