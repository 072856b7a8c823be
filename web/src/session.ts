/**
 * The playground's engine side: a scenario run once with the same pure code as
 * `oomkit sim`, then shown as it stood after any number of its events, through the
 * report's own model and renderer. Also a pasted kernel log, replayed as
 * `oomkit replay` does. No DOM here: it runs in the Worker.
 */

import { InputError } from "../../src/errors.js";
import { runOutOfMemory } from "../../src/oom/out_of_memory.js";
import { parseOomReports, replayEvent } from "../../src/replay/index.js";
import { buildReportModel } from "../../src/report/html/model.js";
import { ReportRecorder } from "../../src/report/html/recorder.js";
import { type PageAssets, renderHtmlReport } from "../../src/report/html/render.js";
import { buildOomReportModel, buildReplayReportModel } from "../../src/report/html/sources.js";
import { simJsonLine } from "../../src/report/sim-json.js";
import { type RunResult, runScenarioText } from "../../src/sim/run.js";
import { parseSnapshot } from "../../src/snapshot/load.js";
import type { Snapshot } from "../../src/snapshot/types.js";
import type {
  CallInfo,
  ReplayInfo,
  RunInfo,
  ScenarioError,
  SnapshotInfo,
  StepInfo,
} from "./protocol.js";

export class Session {
  private constructor(
    private readonly recorder: ReportRecorder,
    private readonly result: RunResult,
    readonly info: RunInfo,
  ) {}

  /** Runs a scenario to its end; a bad scenario is the CLI's own message and position. */
  static run(text: string, file: string, seed?: number): Session | ScenarioError {
    const recorder = new ReportRecorder(file);
    const started = performance.now();
    let result: RunResult;
    try {
      result = runScenarioText(text, (e) => recorder.add(e), {
        file,
        seed,
        ...ReportRecorder.runOptions,
      });
    } catch (err) {
      return scenarioError(err);
    }
    const ms = performance.now() - started;
    const events = recorder.events;
    const calls: CallInfo[] = result.oomCalls.map((c) => {
      const invokedAt = events.findIndex((e) => e.type === "oom.invoked" && e.n === c.n);
      const endAt = events.findIndex((e) => e.type === "oom.result" && e.n === c.n);
      const kill = events.find((e) => e.type === "oom.kill" && e.n === c.n);
      const badnessAt = events.findIndex((e) => e.type === "oom.badness" && e.n === c.n);
      const badness = events[badnessAt];
      const sel = c.result.selected;
      const snapshot = c.snapshot();
      const comm = (pid: number) => snapshot.tasks.find((t) => t.pid === pid)?.comm ?? "";
      return {
        n: c.n,
        invokedAt,
        endAt,
        badnessAt,
        scored:
          badness?.type === "oom.badness"
            ? badness.rows.map((r) => ({ pid: r.pid, comm: r.comm }))
            : [],
        outcome: c.result.outcome,
        candidates: snapshot.tasks
          .filter((t) => t.mm !== null && t.pid === t.tgid && t.pid !== 1)
          .map((t) => ({ pid: t.pid, comm: t.comm })),
        selected:
          sel === null
            ? null
            : { pid: sel.pid, comm: comm(sel.pid), points: sel.points.toString() },
        victim: kill?.type === "oom.kill" ? { pid: kill.victim, comm: kill.comm } : null,
      };
    });
    const start = events[0];
    return new Session(recorder, result, {
      events: events.length,
      seed: start?.type === "sim.start" ? start.seed : 0,
      reason: result.reason,
      ms,
      calls,
    });
  }

  /**
   * The report page as the run stood after its first `step` events; when the last of
   * them is an oom.badness event, `sub` of its scored tasks are shown (null: all).
   */
  page(step: number, sub: number | null, assets: PageAssets): StepInfo {
    const n = Math.max(0, Math.min(step, this.info.events));
    const events = this.recorder.events;
    const e = n === 0 ? null : events[n - 1]!;
    const rows = e?.type === "oom.badness" ? e.rows : [];
    const shown = sub === null || sub >= rows.length ? null : Math.max(0, sub);
    const input = this.recorder.inputAt(this.result, n);
    const model = buildReportModel(input);
    const last = model.calls[model.calls.length - 1];
    if (last !== undefined && last.outcome === "unknown") {
      // A call still under way: light only the steps it has taken so far.
      const end = last.path.findIndex((node) => last.stepEvents[node] === undefined);
      if (end >= 0) last.path = last.path.slice(0, end);
      last.also = [];
    }
    if (shown !== null && last?.badness) {
      // Scoring under way: only the tasks badness() has been called on so far.
      const done = new Set(rows.slice(0, shown).map((r) => r.pid));
      last.badness.rows = last.badness.rows.filter((r) => done.has(r.pid));
    }
    model.focus = last === undefined ? null : last.key;
    const hz = events[0]?.type === "sim.start" ? events[0].hz : 250;
    return {
      step: n,
      sub: shown,
      html: renderHtmlReport(model, assets),
      event: e === null ? null : simJsonLine(e, hz),
      tick: e === null ? null : e.tick,
    };
  }
}

function scenarioError(err: unknown): ScenarioError {
  if (err instanceof InputError) {
    return { message: err.message, line: err.line ?? null, column: err.column ?? null };
  }
  return { message: err instanceof Error ? err.message : String(err), line: null, column: null };
}

/** An edited snapshot: one out_of_memory() call on it, as `oomkit oom --html` shows it. */
export function snapshotText(text: string, file: string, assets: PageAssets): SnapshotInfo {
  let snapshot: Snapshot;
  try {
    snapshot = parseSnapshot(text, file);
  } catch (err) {
    return { html: null, outcome: null, victim: null, error: scenarioError(err) };
  }
  const result = runOutOfMemory(snapshot);
  const model = buildOomReportModel(file, snapshot, result);
  const kill = model.calls[0]?.victim ?? null;
  return {
    html: renderHtmlReport(model, assets),
    outcome: result.outcome,
    victim: kill,
    error: null,
  };
}

/** A pasted kernel log: every OOM report in it, replayed. */
export function replayText(text: string, assets: PageAssets): ReplayInfo {
  const replays = parseOomReports(text).map((e) => replayEvent(e));
  if (replays.length === 0) {
    return {
      events: 0,
      html: null,
      victims: [],
      message: "no OOM report found in the pasted text",
    };
  }
  const model = buildReplayReportModel("pasted log", replays);
  return {
    events: replays.length,
    html: renderHtmlReport(model, assets),
    victims: replays.map((r) => r.actual),
    message: null,
  };
}
