/**
 * From a scenario's `machine` to the allocator's machine description: the zones of each
 * node, the SLIT, the CPUs and how the zone sizes are to be read.
 *
 * Sizes are RAM: `memory` is cut into the architecture's zones (free_area_init_nodes)
 * and each zone of `memory` or `nodes` then loses its mem_map, and the first zone
 * `dma_reserve`, at boot (free_area_init_core). With `exact_zones` the sizes are the
 * zones' present pages instead, taken as they are.
 */

import { zoneSpannedPages } from "../alloc/free-area-init.js";
import type { MachineSpec as AllocMachineSpec, NodeSpec } from "../alloc/machine.js";
import type { InputError } from "../errors.js";
import type { MachineSpec } from "./scenario-schema.js";
import { sizeToPages } from "./units.js";

type Fail = (path: PropertyKey[], expected: string) => InputError;

/** The zones of a one-node machine whose RAM is `pages` page frames from pfn 0. */
export function zonesForTotal(bits: 32 | 64, pages: number): NodeSpec["zones"] {
  const [a, b, c] = zoneSpannedPages(bits === 64 ? "x86_64" : "i386", 0, pages);
  return bits === 64 ? { DMA: a, DMA32: b, Normal: c } : { DMA: a, Normal: b, HighMem: c };
}

function nodesOf(m: MachineSpec, fail: Fail): NodeSpec[] {
  if (m.nodes !== undefined) {
    if (m.memory !== undefined)
      throw fail(["machine", "memory"], "give either memory or nodes, not both");
    return m.nodes.map((n) => {
      const zones: NodeSpec["zones"] = {};
      for (const [name, v] of Object.entries(n.zones)) zones[name as "DMA"] = sizeToPages(v!);
      return { id: n.id, zones };
    });
  }
  if (m.memory === undefined) throw fail(["machine"], "memory or nodes is required");
  return [{ id: 0, zones: zonesForTotal(m.bits, sizeToPages(m.memory)) }];
}

/**
 * The SLIT rows of `nodes`, by node id. A 32-bit machine may not have any: 2.6.20's i386
 * defines no node_distance(), so every other node is at 20 whatever the firmware says,
 * and a row there would only mislead.
 */
function distanceOf(m: MachineSpec, fail: Fail): number[][] | undefined {
  const distance: number[][] = [];
  m.nodes?.forEach((n, i) => {
    if (n.distance === undefined) return;
    if (m.bits === 32)
      throw fail(
        ["machine", "nodes", i, "distance"],
        "no distance rows on a 32-bit machine: 2.6.20's i386 has no node_distance(), every other node is at 20",
      );
    const row: number[] = [];
    m.nodes!.forEach((other, j) => {
      row[other.id] = n.distance![j] ?? (n.id === other.id ? 10 : 20);
    });
    distance[n.id] = row;
  });
  return distance.length > 0 ? distance : undefined;
}

/** The allocator's machine description of a validated scenario machine. */
export function allocMachineSpec(m: MachineSpec, fail: Fail): AllocMachineSpec {
  const nodes = nodesOf(m, fail);
  const distance = distanceOf(m, fail);
  if (m.dma_reserve !== undefined) {
    if (m.bits === 32)
      throw fail(
        ["machine", "dma_reserve"],
        "no dma_reserve on a 32-bit machine: 2.6.20's i386 never calls set_dma_reserve()",
      );
    if (m.exact_zones)
      throw fail(
        ["machine", "dma_reserve"],
        "no dma_reserve with exact_zones (nothing is subtracted)",
      );
  }
  return {
    arch: m.bits === 64 ? "x86_64" : "i386",
    hz: m.hz,
    numa: m.numa,
    nodes,
    distance,
    minFreeKbytes: m.min_free_kbytes,
    swapPages: sizeToPages(m.swap),
    zonePages: m.exact_zones ? "present" : "spanned",
    dmaReserve: m.dma_reserve === undefined ? 0 : sizeToPages(m.dma_reserve),
    cpus: m.cpus,
  };
}
