/**
 * Shadow mode's view of the kernel: kernel log text in, each OOM kill the kernel made
 * out, replayed (the kernel's victim, and the victim the modern policy predicts from the
 * report's own task table). Pure: the text comes from whoever reads the log.
 */

import { replayEvent } from "../replay/analyse.js";
import { parseOomReports } from "../replay/segment.js";

export interface KernelKill {
  /** Seconds of uptime the report was printed at, as the log gives it; null if none. */
  uptime: string | null;
  victim: { pid: number; comm: string } | null;
  predicted: { pid: number; comm: string } | null;
  /** Whether the replay's prediction is the kernel's victim; null when it cannot say. */
  match: boolean | null;
  constraint: string | null;
}

/** Keeps the lines of a report being printed until its kill line arrives. */
export class KernelOomWatcher {
  private pending: string[] = [];

  push(text: string): KernelKill[] {
    const out: KernelKill[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      this.pending.push(line);
      if (this.pending.length > 5000) this.pending.splice(0, this.pending.length - 5000);
      if (!/Killed process \d+/.test(line)) continue;
      const events = parseOomReports(this.pending.join("\n"));
      this.pending = [];
      const last = events.at(-1);
      if (last === undefined) continue;
      const r = replayEvent(last);
      out.push({
        uptime: last.uptime,
        victim: r.actual,
        predicted: r.predicted,
        match: r.match,
        constraint: last.summary?.constraint ?? null,
      });
    }
    return out;
  }
}
