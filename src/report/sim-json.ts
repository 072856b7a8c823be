/**
 * JSON lines of a simulation: one object per event, with its tick and the monotonic time
 * in seconds ("12.345678"), then the event's own fields, in a stable order. Keys are
 * snake_case, as in every JSON document oomkit prints; the events themselves
 * (src/sim/events.ts) keep TypeScript's camelCase, and the one conversion is here.
 */

import { monotonicAt } from "../kernel/clock.js";
import type { SimEvent } from "../sim/events.js";
import type { SimSummary } from "./sim-summary.js";

const snakeNames = new Map<string, string>();

/** `gfpMask` -> `gfp_mask`; a key that is not camelCase (`type`, `CONFIG_NUMA`) is kept. */
export function snakeKey(key: string): string {
  let name = snakeNames.get(key);
  if (name === undefined) {
    name = /^[a-z][a-zA-Z0-9]*$/.test(key)
      ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
      : key;
    snakeNames.set(key, name);
  }
  return name;
}

/** A copy of `value` whose objects, at every depth, have snake_case keys, in the same order. */
export function snakeCaseKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    // Arrays of numbers (free areas, per-zone counts) are kept as they are.
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== "object") continue;
      copy ??= value.slice();
      copy[i] = snakeCaseKeys(item);
    }
    return copy ?? value;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (Object.hasOwn(value, key)) {
      out[snakeKey(key)] = snakeCaseKeys((value as Record<string, unknown>)[key]);
    }
  }
  return out;
}

export function simJsonLine(e: SimEvent, hz: number): string {
  const { tick, type, ...rest } = e;
  const { seconds, micros } = monotonicAt(tick, hz);
  const time = `${seconds}.${String(micros).padStart(6, "0")}`;
  return JSON.stringify(snakeCaseKeys({ tick, time, type, ...rest }));
}

/**
 * The last line of `sim --json --summary`. The skipped actions are left out: the stream
 * has each of them already, as a `sim.skip` event.
 */
export function simSummaryJsonLine(summary: SimSummary): string {
  const { skipped: _, ...rest } = summary;
  return JSON.stringify(snakeCaseKeys({ type: "summary", ...rest }));
}
