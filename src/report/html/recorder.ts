/**
 * What the HTML report keeps of a running simulation: its events, memory samples
 * included (a run with `memorySamples`). Pure, so the CLI and the browser playground
 * record a run the same way, and the report can be drawn as the run stood after any
 * number of its events.
 */

import type { SimEvent } from "../../sim/events.js";
import type { RunResult } from "../../sim/run.js";
import type { ReportInput } from "./model.js";

export class ReportRecorder {
  readonly events: SimEvent[] = [];

  /** What a run must be asked for so that the report has its memory timeline. */
  static readonly runOptions = { memorySamples: true } as const;

  constructor(private readonly title: string) {}

  /** The sink of the run: every event, in order. */
  add(e: SimEvent): void {
    this.events.push(e);
  }

  /** What buildReportModel needs for the whole run. */
  input(result: RunResult): ReportInput {
    return { title: this.title, events: this.events, calls: result.oomCalls };
  }

  /**
   * The run as it stood after its first `count` events: those events (memory samples
   * among them) and the records of the calls that had scored their tasks by then (a
   * call's scores show once badness() ran).
   */
  inputAt(result: RunResult, count: number): ReportInput {
    const events = this.events.slice(0, Math.max(0, Math.min(count, this.events.length)));
    const scored = new Set<number>();
    for (const e of events)
      if (e.type === "oom.badness" || e.type === "oom.result") scored.add(e.n);
    return {
      title: this.title,
      events,
      calls: result.oomCalls.filter((c) => scored.has(c.n)),
    };
  }
}
