/**
 * JSON lines of a simulation: one object per event, with its tick and the monotonic time
 * in seconds ("12.345678"), then the event's own fields, in a stable order.
 */

import { monotonicAt } from "../kernel/clock.js";
import type { SimEvent } from "../sim/events.js";

export function simJsonLine(e: SimEvent, hz: number): string {
  const { tick, type, ...rest } = e;
  const { seconds, micros } = monotonicAt(tick, hz);
  const time = `${seconds}.${String(micros).padStart(6, "0")}`;
  return JSON.stringify({ tick, time, type, ...rest });
}
