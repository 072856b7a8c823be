/**
 * The report's other two sources beside a simulation run: one `out_of_memory()` call on a
 * snapshot (`oomkit oom --html`) and the OOM events of a real kernel log
 * (`oomkit replay --html`). Both end in the same ReportModel the page renders.
 */

import type { OomResult } from "../../oom/result.js";
import { largestRssPolicy } from "../../policy/largest-rss.js";
import { chooseVictim } from "../../policy/select.js";
import type { Replay, TaskRef } from "../../replay/analyse.js";
import { formatVersion } from "../../replay/era.js";
import { viewsOfTable } from "../../replay/views.js";
import type { EventBody, SimEvent } from "../../sim/events.js";
import { traceEvents } from "../../sim/oom-call.js";
import type { Snapshot } from "../../snapshot/types.js";
import { replayToJson } from "../replay-json.js";
import { buildReportModel, type LogLineModel, type ReportModel } from "./model.js";

/**
 * The event stream one call on `snapshot` would have made in a simulation, stamped at
 * the snapshot's uptime: the same steps, scores, log lines and kill the simulator emits.
 */
export function oomCallEvents(snapshot: Snapshot, result: OomResult): SimEvent[] {
  const hz = snapshot.kernel.hz;
  const tick = Number(snapshot.kernel.uptime) * hz;
  const comms = new Map(snapshot.tasks.map((t) => [t.pid, t.comm]));
  const comm = (pid: number) => comms.get(pid) ?? "";
  const n = 1;
  const out: SimEvent[] = [];
  const emit = (e: EventBody) => out.push({ ...e, tick } as SimEvent);
  emit({
    type: "sim.start",
    seed: 0,
    bits: snapshot.kernel.bits,
    hz,
    tasks: snapshot.tasks.length,
    presentPages: 0,
    printkTime: false,
    machine: { numa: snapshot.kernel.CONFIG_NUMA, cpus: 1, zones: [], swapPages: 0 },
  });
  emit({
    type: "oom.invoked",
    n,
    pid: snapshot.current,
    comm: comm(snapshot.current),
    gfpMask: snapshot.request.gfp_mask,
    order: snapshot.request.order,
  });
  traceEvents(
    n,
    result,
    { pid: snapshot.current },
    {
      emit,
      commOf: comm,
      // A snapshot holds no zone state: the memory report stays a placeholder line.
      memInfo: () => null,
      onKilled: (kill) =>
        emit({
          type: "oom.kill",
          n,
          selected: kill.selected,
          points: kill.points.toString(),
          victim: kill.pid!,
          comm: comm(kill.pid!),
          constraint: result.constraint ?? "none",
        }),
    },
  );
  if (result.panic !== null) emit({ type: "panic", message: result.panic });
  emit({ type: "oom.result", n, outcome: result.outcome, sleep: result.sleep });
  emit({
    type: "sim.end",
    reason: result.outcome === "panic" ? "panic" : "idle",
    tasks: snapshot.tasks.length,
    freePages: 0,
  });
  return out;
}

/** The report of one `out_of_memory()` call on a snapshot. */
export function buildOomReportModel(
  title: string,
  snapshot: Snapshot,
  result: OomResult,
): ReportModel {
  const model = buildReportModel({
    title,
    events: oomCallEvents(snapshot, result),
    calls: [{ n: 1, snapshot: () => snapshot, result }],
  });
  return { ...model, source: "oom" };
}

/** One task of a replayed report's table, with every policy's score. */
export interface ReplayTaskModel {
  pid: number;
  comm: string;
  uid: string | null;
  totalVm: string | null;
  rss: string;
  swap: string;
  pgtables: string;
  oomScoreAdj: number;
  oomkilladj: number;
  /** The report's kernel's points (null: not a candidate). */
  points: string | null;
  badness2620: string | null;
}

export interface PolicyPrediction {
  policy: string;
  victim: TaskRef | null;
  /** Whether it names the kernel's victim; null when either is unknown. */
  agrees: boolean | null;
}

export interface ReplayEventModel {
  key: string;
  index: number;
  /** Seconds of uptime of the report, null when its lines carry none. */
  t: number | null;
  time: string | null;
  where: string;
  kernel: string;
  constraint: string | null;
  complete: boolean;
  /** The kernel's victim: the selected task (before 5.1) or the killed one. */
  actual: TaskRef | null;
  killedInstead: TaskRef | null;
  /** The recomputation for the report's kernel first, then the other policies. */
  predictions: PolicyPrediction[];
  match: boolean | null;
  verdict: string;
  tasks: ReplayTaskModel[];
  assumptions: string[];
  notes: string[];
  /** Indices into the model's log. */
  log: number[];
}

const s = (v: bigint | null): string | null => (v === null ? null : v.toString());

function agrees(victim: TaskRef | null, actual: TaskRef | null): boolean | null {
  if (victim === null || actual === null) return null;
  return victim.pid === actual.pid;
}

const PREDICTED_BY: Readonly<Record<string, string>> = {
  modern: "the kernel's own rules",
  "badness-2.6.20": "the kernel's own rules (2.6.20 badness)",
  oom_kill_allocating_task: "oom_kill_allocating_task",
};

function replayEventModel(r: Replay, key: string, log: number[]): ReplayEventModel {
  const e = r.event;
  const predictions: PolicyPrediction[] = [
    {
      policy: r.predictedBy === null ? "the kernel's own rules" : PREDICTED_BY[r.predictedBy]!,
      victim: r.predicted,
      agrees: r.match,
    },
    {
      policy: "2.6.20 badness()",
      victim: r.ranking2620.victim,
      agrees: agrees(r.ranking2620.victim, r.actual),
    },
  ];
  if (e.table !== null && e.table.rows.length > 0) {
    const views = viewsOfTable(e.table).views;
    const choice = chooseVictim(views, largestRssPolicy, {
      bits: 64,
      hz: 250,
      uptimeSeconds: 0n,
      totalPages: r.scoringTotalPages,
      current: -1,
    });
    const victim =
      choice.kind === "chosen"
        ? { pid: e.table.rows[choice.index]!.pid, comm: e.table.rows[choice.index]!.comm }
        : null;
    predictions.push({ policy: "largest-rss", victim, agrees: agrees(victim, r.actual) });
  }
  const where =
    e.lastFile !== null && e.lastFile !== e.file
      ? `${e.file}:${e.firstLine} to ${e.lastFile}:${e.lastLine}`
      : `${e.file ?? "<text>"}:${e.firstLine}-${e.lastLine}`;
  return {
    key,
    index: e.index,
    t: e.uptime === null ? null : Number(e.uptime),
    time: e.time,
    where,
    kernel: formatVersion(r.kernel.version),
    constraint: r.total.constraint,
    complete: r.complete,
    actual: r.actual,
    killedInstead: r.killedInstead,
    predictions,
    match: r.match,
    verdict: r.verdict,
    tasks: r.tasks.map((t) => ({
      pid: t.pid,
      comm: t.comm,
      uid: s(t.uid),
      totalVm: s(t.totalVmPages),
      rss: t.rssPages.toString(),
      swap: t.swapPages.toString(),
      pgtables: t.pgtablesPages.toString(),
      oomScoreAdj: t.oomScoreAdj,
      oomkilladj: t.oomkilladj,
      points: s(t.points),
      badness2620: s(t.badness2620),
    })),
    assumptions: [...r.assumptions],
    notes: [...r.notes],
    log,
  };
}

/** The report of every OOM event of a kernel log, on one time axis. */
export function buildReplayReportModel(title: string, replays: readonly Replay[]): ReportModel {
  const log: LogLineModel[] = [];
  const events: string[] = [];
  const replay: ReplayEventModel[] = [];
  const withTime = replays.every((r) => r.event.uptime !== null);
  replays.forEach((r, i) => {
    const key = `r${i + 1}`;
    const t = withTime ? Number(r.event.uptime) : i + 1;
    events.push(JSON.stringify(replayToJson(r)));
    const lines: number[] = [];
    for (const text of r.event.messages) {
      lines.push(log.length);
      log.push({ text, level: 4, t, call: key, node: null, event: i });
    }
    replay.push(replayEventModel(r, key, lines));
  });
  const times = replay.map((r, i) => (withTime ? r.t! : i + 1));
  const agreeing = replay.filter((r) => r.match === true).length;
  return {
    title,
    source: "replay",
    seed: 0,
    bits: 64,
    hz: 0,
    start: times.length === 0 ? 0 : Math.min(...times),
    end: times.length === 0 ? 0 : Math.max(...times),
    endReason: "",
    zones: [],
    times: [],
    free: [],
    markers: {
      stalls: [],
      kswapd: [],
      reclaim: [],
      ooms: replay.map((r, i) => ({ t: times[i]!, key: r.key, label: `OOM ${i + 1}` })),
      kills: [],
      exits: [],
    },
    calls: [],
    replay,
    timeAxis: withTime ? "uptime" : "index",
    focus: null,
    log,
    events,
    counts: { kills: replay.length, exits: 0, stalls: 0, failed: replay.length - agreeing },
  };
}
