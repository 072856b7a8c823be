/**
 * kswapd (docs/oom-path.md §4.7): `wakeup_kswapd`, `balance_pgdat` and the thread's loop. kswapd is
 * the only code that flags a zone `all_unreclaimable`, and without that flag direct
 * reclaim keeps reporting progress and the OOM killer is never reached.
 *
 * Scheduling (§4.9 default): `wakeupKswapd` marks a sleeping kswapd `woken`; the caller
 * starts `kswapd(mem, node)` at the next tick, before other tasks, and drives it like an
 * allocation (it yields `congestion_wait` sleeps and events) until it returns asleep.
 */

import type { AllocContext } from "./context.js";
import { cpusetZoneAllowedHardwall } from "./cpuset.js";
import type { AllocRequest } from "./events.js";
import { __GFP_HARDWALL, DEF_PRIORITY, SWAP_CLUSTER_MAX } from "./gfp.js";
import { shrinkZone, shrinkZoneScanCount } from "./shrink-zone.js";
import { congestionWaitJiffies } from "./try-to-free-pages.js";
import { zoneWatermarkOk } from "./watermarks.js";
import { lruPages, type MemoryModel, type PgData, populatedZone, type Zone } from "./zone.js";

/**
 * `wakeup_kswapd(zone, order)`: when a populated zone is below its low watermark (class
 * 0, no flags), raise the node's `kswapd_max_order`; then, if current may use the node
 * (hardwall) and kswapd sleeps, wake it. Returns true when it woke kswapd.
 */
export function wakeupKswapd(
  _mem: MemoryModel,
  ctx: AllocContext,
  zone: Zone,
  order: number,
): boolean {
  if (!populatedZone(zone)) return false;
  if (zoneWatermarkOk(zone, order, zone.pagesLow, 0, 0)) return false;
  const node = zone.node;
  if (node.kswapdMaxOrder < order) node.kswapdMaxOrder = order;
  if (!cpusetZoneAllowedHardwall(ctx, zone, __GFP_HARDWALL)) return false;
  if (node.kswapdState !== "sleeping") return false;
  node.kswapdState = "woken";
  return true;
}

/** Skips of both scans of a pass: unpopulated zones, and flagged ones after priority 12. */
function skipped(zone: Zone, priority: number): boolean {
  return !populatedZone(zone) || (zone.allUnreclaimable && priority !== DEF_PRIORITY);
}

/**
 * `balance_pgdat(pgdat, order)`: runs of priority passes (12..0) until every populated
 * zone of the node meets its high watermark or is flagged. Returns the pages reclaimed
 * in the last run.
 */
export function* balancePgdat(
  mem: MemoryModel,
  pgdat: PgData,
  order: number,
): Generator<AllocRequest, number, unknown> {
  const zones = pgdat.zones;
  for (;;) {
    // loop_again
    let totalScanned = 0;
    let nrReclaimed = 0;
    let allZonesOk = true;
    let priority = DEF_PRIORITY;
    for (; priority >= 0; priority--) {
      allZonesOk = true;
      // The highest zone, scanning from HighMem down, that fails its high watermark.
      let endZone = -1;
      for (let i = zones.length - 1; i >= 0; i--) {
        if (skipped(zones[i], priority)) continue;
        if (!zoneWatermarkOk(zones[i], order, zones[i].pagesHigh, 0, 0)) {
          endZone = i;
          break;
        }
      }
      if (endZone < 0) break; // balanced
      for (let i = 0; i <= endZone; i++) {
        const zone = zones[i];
        if (skipped(zone, priority)) continue;
        if (!zoneWatermarkOk(zone, order, zone.pagesHigh, endZone, 0)) allZonesOk = false;
        const scanned = shrinkZoneScanCount(zone, priority);
        nrReclaimed += shrinkZone(mem, zone, scanned, true, true);
        totalScanned += scanned;
        // shrink_slab() frees nothing in the model (nr_slab == 0).
        if (zone.allUnreclaimable) continue;
        if (zone.pagesScanned >= lruPages(zone) * 6) {
          zone.allUnreclaimable = true;
          yield {
            kind: "event",
            event: {
              type: "zone.unreclaimable",
              node: pgdat.id,
              zoneType: zone.type,
              pagesScanned: zone.pagesScanned,
            },
          };
        }
      }
      if (allZonesOk) break;
      if (totalScanned > 0 && priority < DEF_PRIORITY - 2) {
        yield { kind: "sleep", jiffies: congestionWaitJiffies(mem.hz, 10), reason: "kswapd" };
      }
      if (nrReclaimed >= SWAP_CLUSTER_MAX) break;
    }
    yield {
      kind: "event",
      event: {
        type: "kswapd.balance",
        node: pgdat.id,
        order,
        priority: Math.max(priority, 0),
        nrReclaimed,
        allZonesOk,
      },
    };
    if (allZonesOk) return nrReclaimed;
  }
}

/**
 * One wake-up of the node's kswapd thread: `balance_pgdat` at the order it was woken
 * for, again at once if `kswapd_max_order` was raised above that order meanwhile, then
 * back to sleep (`kswapdState` returns to `sleeping`).
 */
export function* kswapd(mem: MemoryModel, pgdat: PgData): Generator<AllocRequest, void, unknown> {
  pgdat.kswapdState = "running";
  let order = pgdat.kswapdMaxOrder;
  try {
    for (;;) {
      yield* balancePgdat(mem, pgdat, order);
      const newOrder = pgdat.kswapdMaxOrder;
      pgdat.kswapdMaxOrder = 0;
      if (order < newOrder) {
        order = newOrder;
        continue;
      }
      break;
    }
    yield { kind: "event", event: { type: "kswapd.sleep", node: pgdat.id } };
  } finally {
    pgdat.kswapdState = "sleeping";
  }
}
