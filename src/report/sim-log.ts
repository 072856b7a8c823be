/**
 * The kernel log of a simulation (docs/oom-path.md §11): the `log` events of the stream, each line
 * with its `<N>` level tag and, with printk_time, the `[%5lu.%06lu] ` time after it. A
 * show_mem() report is rendered from the zone state captured with it (show-mem.ts); the
 * stack dump stays a placeholder.
 */

import { printkTimePrefix } from "../kernel/clock.js";
import type { SimEvent } from "../sim/events.js";
import { kernelLogLines } from "./kernel-log.js";
import { showMemLines } from "./show-mem.js";

export interface SimLogOptions {
  hz: number;
  printkTime: boolean;
}

/** The kernel log lines of one event (none for events that print nothing). */
export function simLogLines(e: SimEvent, o: SimLogOptions): string[] {
  if (e.type !== "log") return [];
  const stamp = o.printkTime ? printkTimePrefix(e.tick, o.hz) : "";
  if (e.level === "placeholder" && e.text === "show_mem()" && "mem" in e && e.mem !== undefined) {
    return showMemLines(e.mem).map((l) => `<${l.level}>${stamp}${l.text}`);
  }
  return kernelLogLines([{ level: e.level, text: e.text }], { timestamp: stamp });
}
