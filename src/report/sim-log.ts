/**
 * The kernel log of a simulation (docs/oom-path.md §11): the `log` events of the stream, each line
 * with its `<N>` level tag and, with printk_time, the `[%5lu.%06lu] ` time after it. A
 * show_mem() report is rendered from the zone state captured with it (show-mem.ts); the
 * stack dump stays a placeholder.
 */

import { printkTimePrefix } from "../kernel/clock.js";
import type { LogLine } from "../oom/result.js";
import type { SimEvent } from "../sim/events.js";
import { kernelLogLines } from "./kernel-log.js";
import { showMemLines } from "./show-mem.js";

export interface SimLogOptions {
  hz: number;
  printkTime: boolean;
  /** Also the simulation's own story as `#` lines: forks, execs, exits, skipped actions. */
  verbose?: boolean;
}

/** A `# [seconds] ...` line of --verbose: what happened, which the kernel does not log. */
function storyLine(e: SimEvent, hz: number): string | null {
  const at = `# [${(e.tick / hz).toFixed(6)}]`;
  switch (e.type) {
    case "task.fork":
      return `${at} ${e.thread ? "thread" : "fork"} ${e.pid} (${e.comm}) from ${e.parent}${e.sharedMm && !e.thread ? ", sharing its mm (CLONE_VM)" : ""}`;
    case "task.exec":
      return `${at} exec: ${e.pid} is now ${e.comm}`;
    case "task.exit":
      return `${at} exit ${e.pid} (${e.comm}), ${e.cause === "exit" ? `code ${e.code}` : `killed (${e.cause})`}`;
    case "sim.skip":
      return `${at} skipped ${e.action} (timeline[${e.entry}])${e.pid === null ? "" : ` for ${e.pid}`}: ${e.why}`;
    default:
      return null;
  }
}

/** The kernel log lines of one event (none for events that print nothing). */
export function simLogLines(e: SimEvent, o: SimLogOptions): string[] {
  if (e.type !== "log" && e.type !== "show_mem" && e.type !== "dump_stack") {
    const story = o.verbose ? storyLine(e, o.hz) : null;
    return story === null ? [] : [story];
  }
  const stamp = o.printkTime ? printkTimePrefix(e.tick, o.hz) : "";
  if (e.type === "show_mem" && e.mem !== null) {
    return showMemLines(e.mem).map((l) => `<${l.level}>${stamp}${l.text}`);
  }
  const line: LogLine =
    e.type === "log"
      ? { level: e.level, text: e.text }
      : { level: "placeholder", text: e.type === "show_mem" ? "show_mem()" : "dump_stack()" };
  return kernelLogLines([line], { timestamp: stamp });
}
