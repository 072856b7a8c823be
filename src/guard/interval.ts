/**
 * How long to sleep before the next poll: the time the nearest TERM level could be
 * reached if memory filled at a worst-case rate, between a floor near the levels and a
 * ceiling far from them (earlyoom's rule, guard.md §7). Pure.
 */

import type { Reading } from "./readings.js";
import { type Evaluation, lowLevelBytes, type TriggerConfig } from "./triggers.js";

export interface IntervalConfig {
  minMs: number;
  maxMs: number;
  /** The fastest rate memory is assumed to fill at, bytes per second. */
  fillRateBytesPerSecond: number;
}

export const DEFAULT_INTERVAL: IntervalConfig = {
  minMs: 100,
  maxMs: 1000,
  fillRateBytesPerSecond: 6000 * 1024 * 1024,
};

/** Bytes that may still be used before some trigger reaches TERM; Infinity if none can. */
export function headroomBytes(reading: Reading, config: TriggerConfig): number {
  let room = Number.POSITIVE_INFINITY;
  const m = reading.memory;
  if (config.memory !== null && m !== null) {
    room = Math.min(room, m.availableBytes - lowLevelBytes(config.memory.term, m.totalBytes));
  }
  if (config.swap !== null && m !== null && m.swapTotalBytes > 0) {
    room = Math.min(room, m.swapFreeBytes - lowLevelBytes(config.swap.term, m.swapTotalBytes));
  }
  const c = reading.cgroup;
  if (config.cgroup !== null && c !== null && c.limitBytes !== null) {
    room = Math.min(room, (config.cgroup.termPercent / 100) * c.limitBytes - c.usageBytes);
  }
  return room;
}

export function nextIntervalMs(
  reading: Reading,
  evaluation: Evaluation,
  config: TriggerConfig,
  interval: IntervalConfig,
): number {
  if (evaluation.level !== "ok") return interval.minMs;
  // Any pressure at all: stalls are already happening, so look often.
  const p = reading.pressure;
  if (config.pressure !== null && p !== null) {
    const line = config.pressure.line === "some" ? p.some : p.full;
    if (line !== null && line.avg10 > 0) return interval.minMs;
  }
  const room = headroomBytes(reading, config);
  if (!Number.isFinite(room)) return interval.maxMs;
  const ms = (Math.max(0, room) / interval.fillRateBytesPerSecond) * 1000;
  return Math.round(Math.min(interval.maxMs, Math.max(interval.minMs, ms)));
}
