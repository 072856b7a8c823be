/**
 * The one rendering of a whole run: fed the event stream one event at a time, it gives
 * each event's output lines as they come (the kernel log, with --verbose the story lines,
 * or JSON lines), and at the end the summary and the HTML report's data. The CLI, the
 * comparison, the tests and the playground read a run through it.
 */

import type { SimEvent } from "../sim/events.js";
import { buildReportModel, type OomCallInput, type ReportModel } from "./html/model.js";
import { simJsonLine, simSummaryJsonLine } from "./sim-json.js";
import { simLogLines } from "./sim-log.js";
import { renderSummary, type SimSummary, SummaryCollector } from "./sim-summary.js";

export interface RunReportOptions {
  /** JSON lines instead of the kernel log. */
  json?: boolean;
  /** Also the story lines (forks, execs, exits, skipped actions) between the log's. */
  verbose?: boolean;
  /** Keep every event, for the HTML report at the end. */
  keepEvents?: boolean;
}

export class RunReport {
  readonly summaries = new SummaryCollector();
  private readonly kept: SimEvent[] = [];
  private hz = 250;
  private printkTime = false;
  private logLines = 0;

  constructor(private readonly o: RunReportOptions = {}) {}

  /** Takes one event; returns what it prints. */
  add(e: SimEvent): string[] {
    if (e.type === "sim.start") {
      this.hz = e.hz;
      this.printkTime = e.printkTime;
    }
    this.summaries.add(e);
    if (this.o.keepEvents) this.kept.push(e);
    if (this.o.json) return [simJsonLine(e, this.hz)];
    const lines = simLogLines(e, {
      hz: this.hz,
      printkTime: this.printkTime,
      verbose: this.o.verbose,
    });
    this.logLines += lines.length;
    return lines;
  }

  /** The kernel log lines given so far (JSON lines not counted). */
  get printedLogLines(): number {
    return this.logLines;
  }

  get events(): readonly SimEvent[] {
    return this.kept;
  }

  summary(): SimSummary {
    return this.summaries.summary();
  }

  /** The summary as printed at the end: one JSON line, or the text block. */
  summaryLines(): string[] {
    const s = this.summary();
    return this.o.json ? [simSummaryJsonLine(s)] : renderSummary(s);
  }

  /** The HTML report's data (the events must have been kept). */
  htmlModel(title: string, calls: readonly OomCallInput[]): ReportModel {
    return buildReportModel({ title, events: this.kept, calls });
  }
}
