/**
 * The cpuset tests the allocator makes (docs/oom-path.md §4.4): `cpuset_zone_allowed_softwall`,
 * `cpuset_zone_allowed_hardwall`, and `cpuset_zonelist_valid_mems_allowed` (§4.3).
 * Without CONFIG_CPUSETS the context reports one cpuset and allows every node.
 */

import { PF_EXITING } from "../kernel/constants.js";
import type { AllocContext } from "./context.js";
import { __GFP_HARDWALL, __GFP_THISNODE } from "./gfp.js";
import type { Zone } from "./zone.js";

/**
 * `cpuset_zone_allowed_softwall(z, gfp)`: outside current's mems, a non-hardwall
 * allocation may still use the nodes of the nearest mem-exclusive ancestor, and an
 * exiting task may use any node. (Outside `out_of_memory` the callback_mutex it takes is
 * free, so this never deadlocks here; quirk Q4 is the OOM core's business.)
 */
export function cpusetZoneAllowedSoftwall(ctx: AllocContext, zone: Zone, gfp: number): boolean {
  if (ctx.numberOfCpusets() <= 1) return true;
  if (ctx.inInterrupt || gfp & __GFP_THISNODE) return true;
  if (ctx.nodeInMemsAllowed(zone.nodeId)) return true;
  if (gfp & __GFP_HARDWALL) return false;
  if (ctx.flags & PF_EXITING) return true;
  return ctx.nodeInExclusiveAncestorMems(zone.nodeId);
}

/** `cpuset_zone_allowed_hardwall(z, gfp)`: only current's own mems. */
export function cpusetZoneAllowedHardwall(ctx: AllocContext, zone: Zone, gfp: number): boolean {
  if (ctx.numberOfCpusets() <= 1) return true;
  if (ctx.inInterrupt || gfp & __GFP_THISNODE) return true;
  return ctx.nodeInMemsAllowed(zone.nodeId);
}

/**
 * `cpuset_zonelist_valid_mems_allowed(zl)`: some zone of the list is on a node of
 * current's `mems_allowed` (no shortcut for a single cpuset: the root's mems are all
 * online nodes, and without CONFIG_CPUSETS the context allows every node).
 */
export function cpusetZonelistValidMemsAllowed(
  ctx: AllocContext,
  zonelist: readonly Zone[],
): boolean {
  for (const z of zonelist) if (ctx.nodeInMemsAllowed(z.nodeId)) return true;
  return false;
}
