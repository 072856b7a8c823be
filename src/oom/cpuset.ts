/**
 * The cpuset questions the OOM path asks (docs/oom-path.md §4.4, §5.2), relative to `current`.
 */

import { __GFP_HARDWALL, __GFP_THISNODE } from "../kernel/constants.js";
import { isExiting, type OomState } from "./state.js";

/**
 * Per cpuset index: 1 when `cpuset_excl_nodes_overlap()` holds between current's cpuset
 * and a task in that cpuset (the mems of the two nearest mem-exclusive ancestors
 * intersect). The PF_EXITING escapes are the caller's, since they depend on the task.
 */
export function exclusiveOverlapByCpuset(s: OomState): Uint8Array {
  const count = s.cpusetExclusiveMems.length;
  const overlap = new Uint8Array(count);
  const mine = s.cpusetExclusiveMems[s.tasks.cpuset[s.current]!]!;
  for (let c = 0; c < count; c++) {
    overlap[c] = !s.cpusetsEnabled || (s.cpusetExclusiveMems[c]! & mine) !== 0n ? 1 : 0;
  }
  return overlap;
}

/** Answer of `cpuset_zone_allowed_softwall()` when called with callback_mutex held. */
export type SoftwallAnswer = "allowed" | "denied" | "deadlock";

/**
 * `cpuset_zone_allowed_softwall(zone, gfp)` as `constrained_alloc()` meets it: under
 * `cpuset_lock()`. The branch that would take callback_mutex to look up the exclusive
 * ancestor never returns (KERNEL-QUIRK: Q4, docs/oom-path.md §7.4).
 */
export function cpusetZoneAllowedSoftwall(s: OomState, node: number): SoftwallAnswer {
  if (!s.cpusetsEnabled || s.numberOfCpusets <= 1) return "allowed";
  if ((s.gfpMask & __GFP_THISNODE) !== 0) return "allowed";
  if ((s.currentMemsAllowed & (1n << BigInt(node))) !== 0n) return "allowed";
  if ((s.gfpMask & __GFP_HARDWALL) !== 0) return "denied";
  if (isExiting(s, s.current)) return "allowed";
  return "deadlock";
}
