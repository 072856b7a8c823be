/**
 * `constrained_alloc(zonelist, gfp_mask)` of mm/oom_kill.c (docs/oom-path.md §7.4), CONFIG_NUMA only.
 */

import { cpusetZoneAllowedSoftwall } from "./cpuset.js";
import type { OomState } from "./state.js";

export type Constraint = "none" | "memory_policy" | "cpuset";

/** The constraint, or "deadlock" when current blocks for ever on callback_mutex (Q4). */
export function constrainedAlloc(s: OomState): Constraint | "deadlock" {
  if (!s.numa) return "none";
  // KERNEL-QUIRK: Q5 (docs/oom-path.md §13): the kernel never clears the mask before adding the
  // nodes with memory; the snapshot says which stale bits were there (none by default).
  let nodes = s.uninitNodemask | s.nodesWithMemory;
  for (const node of s.zonelistNodes) {
    const answer = cpusetZoneAllowedSoftwall(s, node);
    if (answer === "deadlock") return "deadlock";
    if (answer === "denied") return "cpuset";
    nodes &= ~(1n << BigInt(node));
  }
  return nodes !== 0n ? "memory_policy" : "none";
}
