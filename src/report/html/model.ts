/**
 * The data model of the HTML report: the event stream of one simulation turned into
 * what the page shows. Memory over time (free pages per zone and the watermarks), the
 * markers on that timeline, one entry per `out_of_memory()` call with the path it took
 * through the flow of docs/oom-path.md §7-8 and its badness table, and the kernel log
 * with each line tied to the event that printed it. Plain JSON data: no bigints.
 */

import { monotonicAt } from "../../kernel/clock.js";
import { OOM_DISABLE } from "../../kernel/constants.js";
import type { OomResult } from "../../oom/result.js";
import { badnessTable } from "../../oom/table.js";
import type { PrintEvent, SimEvent } from "../../sim/events.js";
import { mergeIntervals } from "../../sim/intervals.js";
import type { Snapshot } from "../../snapshot/types.js";
import { simJsonLine } from "../sim-json.js";
import { simLogLines } from "../sim-log.js";
import type { FlowNodeId } from "./flow.js";
import type { ReplayEventModel } from "./sources.js";

/** One populated zone, with the watermarks it kept through the run. */
export interface ZoneSeries {
  node: number;
  name: string;
  present: number;
  min: number;
  low: number;
  high: number;
}

/** Free pages per zone, read at ticks of the run (ascending). */
export interface MemorySamples {
  zones: ZoneSeries[];
  ticks: number[];
  /** free[z][i]: free pages of zone z at ticks[i]. */
  free: number[][];
}

/** What one `out_of_memory()` call read and decided: its snapshot (built on demand) and result. */
export interface OomCallInput {
  n: number;
  snapshot: () => Snapshot;
  result: OomResult;
}

/** A call with its snapshot built. */
interface CallRecord {
  n: number;
  snapshot: Snapshot;
  result: OomResult;
}

export interface ReportInput {
  /** The scenario's name, for the title. */
  title: string;
  /**
   * The run's events; the memory timeline is drawn from its `mem.sample` events
   * (a run with `memorySamples`) and the zones sim.start describes.
   */
  events: readonly SimEvent[];
  /** The snapshot and result of each call, for the badness terms (optional). */
  calls?: readonly OomCallInput[];
}

/**
 * The free pages of each zone over time, from the stream's samples. A sample is emitted
 * only when something changed, so the value before a gap is repeated at the tick before
 * the next sample: the lines stay flat until memory moves.
 */
export function memoryOfEvents(events: readonly SimEvent[]): MemorySamples | null {
  const start = events.find((e) => e.type === "sim.start");
  if (start?.type !== "sim.start") return null;
  const zones = start.machine.zones.map((z) => ({
    node: z.node,
    name: z.name,
    present: z.presentPages,
    min: z.minPages,
    low: z.lowPages,
    high: z.highPages,
  }));
  const m: MemorySamples = { zones, ticks: [], free: zones.map(() => []) };
  let last: number[] | null = null;
  let lastTick = -1;
  for (const e of events) {
    if (e.type !== "mem.sample") continue;
    if (last !== null && e.tick > lastTick + 1) {
      m.ticks.push(e.tick - 1);
      for (let z = 0; z < zones.length; z++) m.free[z]!.push(last[z]!);
    }
    m.ticks.push(e.tick);
    for (let z = 0; z < zones.length; z++) m.free[z]!.push(e.free[z]!);
    last = e.free;
    lastTick = e.tick;
  }
  // The values held until the run's end.
  let end: SimEvent | undefined;
  for (let i = events.length - 1; i >= 0 && end === undefined; i--) {
    if (events[i]!.type === "sim.end") end = events[i];
  }
  if (last !== null && end !== undefined && end.tick > lastTick) {
    m.ticks.push(end.tick);
    for (let z = 0; z < zones.length; z++) m.free[z]!.push(last[z]!);
  }
  return m.ticks.length === 0 ? null : m;
}

export interface TermCell {
  term: string;
  before: string;
  after: string;
  by: string | null;
  detail: string;
}

export interface BadnessRowModel {
  /** Position in the task list (do_each_thread order). */
  index: number;
  pid: number;
  tgid: number;
  comm: string;
  points: string | null;
  skip: "no_mm" | "init" | "oom_disable" | null;
  aborts: "memdie" | "exiting" | null;
  oomkilladj: number;
  terms: TermCell[];
}

export interface BadnessModel {
  /** select_bad_process() ran (CONSTRAINT_NONE, no panic before it). */
  ran: boolean;
  rows: BadnessRowModel[];
  /** Rows left out of a very large table. */
  omitted: number;
}

export interface CallModel {
  /** "1", "2", ... for numbered calls; "b1", ... for callers blocked on cpuset_lock. */
  key: string;
  n: number | null;
  t: number;
  time: string;
  pid: number;
  comm: string;
  gfpMask: string;
  order: number;
  outcome: string;
  constraint: string | null;
  /** The steps taken, in order. */
  path: FlowNodeId[];
  /** Steps touched on the way without being on the line (an OOM_DISABLE child passed over). */
  also: FlowNodeId[];
  /** What happened at each step of this call, in words. */
  notes: Partial<Record<FlowNodeId, string>>;
  /** The event (index into `events`) behind each step. */
  stepEvents: Partial<Record<FlowNodeId, number>>;
  selected: { pid: number; comm: string; points: string } | null;
  victim: { pid: number; comm: string } | null;
  badness: BadnessModel | null;
  /** Indices into `log` of the lines this call printed. */
  log: number[];
}

export interface LogLineModel {
  text: string;
  level: number;
  t: number;
  call: string | null;
  node: FlowNodeId | null;
  /** The event (index into `events`) that printed it. */
  event: number;
}

export interface ReportModel {
  title: string;
  /** What the report shows: a simulated run, one call on a snapshot, or a replayed log. */
  source: "sim" | "oom" | "replay";
  seed: number;
  bits: number;
  hz: number;
  start: number;
  end: number;
  endReason: string;
  zones: ZoneSeries[];
  /** Seconds of uptime of each memory sample. */
  times: number[];
  free: number[][];
  markers: {
    /** Periods some task spent in the allocator's slow path: [from, to] seconds. */
    stalls: [number, number][];
    /** kswapd at work: [from, to, node]. */
    kswapd: [number, number, number][];
    /** Direct reclaim calls that ended: [time, pid, progress 0/1]. */
    reclaim: [number, number, number][];
    ooms: { t: number; key: string; label: string }[];
    kills: { t: number; pid: number; comm: string; reason: string }[];
    exits: { t: number; pid: number; comm: string; cause: string }[];
  };
  calls: CallModel[];
  /** The OOM events of a replayed log (empty for the other sources). */
  replay: ReplayEventModel[];
  /** What the time axis counts: seconds of uptime, or events in log order. */
  timeAxis: "uptime" | "index";
  /** The call (or replayed event) selected when the page opens; null: the first. */
  focus: string | null;
  log: LogLineModel[];
  /** The events the report links to, as JSON lines (`oomkit sim --json`). */
  events: string[];
  /** Counts for the header. */
  counts: { kills: number; exits: number; stalls: number; failed: number };
}

/** Rows beyond this many per call keep only the best scores, the chosen and the victim. */
export const MAX_BADNESS_ROWS = 2000;
/** Memory samples beyond this many are thinned, keeping each bucket's extremes. */
export const MAX_SAMPLES = 4000;

const LEVEL: Readonly<Record<string, number>> = {
  KERN_EMERG: 0,
  KERN_ERR: 3,
  KERN_WARNING: 4,
  default: 4,
  placeholder: 4,
};

function seconds(tick: number, hz: number): number {
  const { seconds: s, micros } = monotonicAt(tick, hz);
  return s + micros / 1e6;
}

function timeText(tick: number, hz: number): string {
  const { seconds: s, micros } = monotonicAt(tick, hz);
  return `${s}.${String(micros).padStart(6, "0")}`;
}

/** Which step of the flow printed a kernel log line of an OOM call. */
export function logNode(text: string, previous: FlowNodeId | null): FlowNodeId {
  if (text.startsWith("Kernel panic - not syncing: out of memory. panic_on_oom")) return "panic";
  if (text.startsWith("Kernel panic - not syncing: Out of memory and no killable"))
    return "no_killable";
  if (text === "" && previous !== null) return previous;
  if (/: kill process -?\d+ \(.*\) score -?\d+ or a child$/.test(text)) return "oom_kill_process";
  if (text.startsWith("Killed process ")) return "sigkill";
  if (text.startsWith("BUG: at mm/oom_kill.c") || text.startsWith("tried to kill"))
    return "sigkill";
  return "warning";
}

function badnessModel(snapshot: Snapshot, ran: boolean, keep: Set<number>): BadnessModel {
  const table = badnessTable(snapshot);
  let rows: BadnessRowModel[] = table.map((r, index) => ({
    index,
    pid: r.pid,
    tgid: r.tgid,
    comm: r.comm,
    points: r.points === null ? null : r.points.toString(),
    skip: r.skip,
    aborts: r.aborts,
    oomkilladj: snapshot.tasks[index]!.oomkilladj,
    terms: r.terms.map((t) => ({
      term: t.term,
      before: t.before.toString(),
      after: t.after.toString(),
      by: t.by === undefined ? null : t.by.toString(),
      detail: t.detail,
    })),
  }));
  let omitted = 0;
  if (rows.length > MAX_BADNESS_ROWS) {
    const ranked = table
      .map((r, i) => ({ p: r.points ?? -1n, i }))
      .sort((a, b) => (a.p > b.p ? -1 : a.p < b.p ? 1 : a.i - b.i));
    const kept = new Set(ranked.slice(0, MAX_BADNESS_ROWS).map((x) => x.i));
    rows.forEach((r, i) => {
      if (keep.has(r.pid) || r.aborts !== null) kept.add(i);
    });
    omitted = rows.length - kept.size;
    rows = rows.filter((_, i) => kept.has(i));
  }
  return { ran, rows, omitted };
}

/** The children oom_kill_process() passed over because oom_kill_task() refused them. */
function refusedBeforeVictim(
  snapshot: Snapshot,
  selected: number,
  victim: number | null,
): { pid: number; why: "oom_disable" | "no_mm" }[] {
  const tasks = new Map(snapshot.tasks.map((t) => [t.pid, t]));
  const p = tasks.get(selected);
  if (p === undefined) return [];
  const out: { pid: number; why: "oom_disable" | "no_mm" }[] = [];
  for (const pid of p.children) {
    const c = tasks.get(pid);
    if (c === undefined || c.mm === p.mm) continue;
    if (pid === victim) return out;
    if (c.mm === null) out.push({ pid, why: "no_mm" });
    else if (c.oomkilladj === OOM_DISABLE) out.push({ pid, why: "oom_disable" });
  }
  if (victim === null || victim === selected) {
    if (p.mm === null) out.push({ pid: selected, why: "no_mm" });
    else if (p.oomkilladj === OOM_DISABLE) out.push({ pid: selected, why: "oom_disable" });
  }
  return out;
}

/** Whether an event is something the kernel printed. */
function isPrint(e: SimEvent): e is SimEvent & PrintEvent {
  return e.type === "log" || e.type === "dump_stack" || e.type === "show_mem";
}

/** The text a print event stands for: its line, or the function that printed it. */
function printText(e: PrintEvent): string {
  return e.type === "log" ? e.text : e.type === "show_mem" ? "show_mem()" : "dump_stack()";
}

interface CallEvents {
  invoked: SimEvent & { type: "oom.invoked" };
  steps: Map<string, { detail: Record<string, unknown>; index: number }>;
  badnessIndex: number | null;
  kill: (SimEvent & { type: "oom.kill" }) | null;
  result: (SimEvent & { type: "oom.result" }) | null;
  logTexts: string[];
}

const CONSTRAINT_TEXT: Readonly<Record<string, string>> = {
  none: "CONSTRAINT_NONE: the whole machine is searched",
  cpuset: "CONSTRAINT_CPUSET: a zone of the zonelist is outside current's cpuset",
  memory_policy: "CONSTRAINT_MEMORY_POLICY: the zonelist misses a node with memory",
  deadlock: "the cpuset test took callback_mutex a second time",
};

function describeTask(pid: number, comms: Map<number, string>): string {
  const comm = comms.get(pid);
  return comm === undefined ? `pid ${pid}` : `${comm} (${pid})`;
}

/** The path of one numbered call through the flow, with a note per step. */
function callPath(
  c: CallEvents,
  record: CallRecord | undefined,
  comms: Map<number, string>,
): Pick<CallModel, "path" | "also" | "notes" | "stepEvents"> {
  const path: FlowNodeId[] = ["alloc_fail", "out_of_memory"];
  const also: FlowNodeId[] = [];
  const notes: Partial<Record<FlowNodeId, string>> = {};
  const stepEvents: Partial<Record<FlowNodeId, number>> = {};
  const step = (name: string) => c.steps.get(name);
  const link = (node: FlowNodeId, name: string) => {
    const s = step(name);
    if (s !== undefined) stepEvents[node] = s.index;
  };
  const inv = c.invoked;
  notes.alloc_fail = `${inv.comm} (${inv.pid}) asked for ${2 ** inv.order} page(s), gfp_mask 0x${inv.gfpMask.toString(16)}, order ${inv.order}`;
  stepEvents.alloc_fail = -1;
  stepEvents.out_of_memory = -1;
  const notifier = step("notifier");
  path.push("notifiers");
  link("notifiers", "notifier");
  const freed = String(notifier?.detail.freed ?? "0");
  notes.notifiers = `the chain freed ${freed} page(s)`;
  if (freed !== "0") {
    path.push("notifier_freed", "retry");
    link("notifier_freed", "notifier");
    return { path, also, notes, stepEvents };
  }
  const rl = step("ratelimit");
  path.push("warning");
  link("warning", "ratelimit");
  if (rl !== undefined && rl.detail.allowed === false) {
    notes.warning = "suppressed by printk_ratelimit(): no header, no stack, no memory report";
  } else {
    const missed = Number(rl?.detail.suppressed ?? 0);
    notes.warning = `printed${missed > 0 ? `, after \u201cprintk: ${missed} messages suppressed.\u201d` : ""}`;
  }
  path.push("locks");
  link("locks", "lock");
  const constraint = String(step("constraint")?.detail.result ?? "none");
  path.push("constraint");
  link("constraint", "constraint");
  notes.constraint = CONSTRAINT_TEXT[constraint] ?? constraint;
  if (constraint === "deadlock") {
    path.push("deadlock");
    link("deadlock", "constraint");
    notes.deadlock = `${inv.comm} (${inv.pid}) hangs here for ever, holding callback_mutex`;
    return { path, also, notes, stepEvents };
  }
  const kill = step("kill");
  let selected: number | null = null;
  if (constraint === "none") {
    const pom = step("panic_on_oom");
    path.push("panic_on_oom");
    link("panic_on_oom", "panic_on_oom");
    notes.panic_on_oom = `vm.panic_on_oom = ${String(pom?.detail.value ?? 0)}`;
    if (pom?.detail.panic === true) {
      path.push("panic");
      link("panic", "panic_on_oom");
      notes.panic = "the machine stops";
      return { path, also, notes, stepEvents };
    }
    const sel = step("select");
    path.push("select");
    link("select", "select");
    const chosen = sel?.detail.chosen;
    if (chosen === "abort") {
      path.push("memdie_abort");
      link("memdie_abort", "select");
      const rows = record === undefined ? [] : badnessTable(record.snapshot);
      const blocker = rows.find((r) => r.aborts !== null);
      notes.select = "stopped before the end of the task list";
      notes.memdie_abort =
        blocker === undefined
          ? "a task is already dying: nothing is killed"
          : `${blocker.comm} (${blocker.pid}) ${blocker.aborts === "memdie" ? "has TIF_MEMDIE" : "is exiting"} and still holds its mm: nothing is killed`;
    } else if (chosen === "none") {
      path.push("badness", "no_killable");
      link("badness", "select");
      link("no_killable", "select");
      notes.select = "no task was eligible";
      notes.no_killable = "the kernel panics";
      return { path, also, notes, stepEvents };
    } else {
      path.push("badness");
      link("badness", "select");
      if (c.badnessIndex !== null) stepEvents.badness = c.badnessIndex;
      selected = Number(chosen);
      notes.select = `scored ${String(sel?.detail.scored ?? 0)} task(s)`;
      notes.badness = `${describeTask(selected, comms)} has the highest score, ${String(kill?.detail.points ?? "?")}`;
    }
  } else {
    path.push("kill_current");
    link("kill_current", "kill");
    selected = kill === undefined ? inv.pid : Number(kill.detail.selected);
    notes.kill_current = `${describeTask(selected, comms)} is the target, score 0`;
  }
  if (kill !== undefined && selected !== null) {
    path.push("oom_kill_process");
    link("oom_kill_process", "kill");
    const victim = c.kill?.victim ?? null;
    const exiting =
      record !== undefined
        ? (record.snapshot.tasks.find((t) => t.pid === selected)?.flags ?? []).includes(
            "PF_EXITING",
          )
        : !c.logTexts.some((t) => logNode(t, null) === "oom_kill_process");
    notes.oom_kill_process = `p = ${describeTask(selected, comms)}, ${String(kill.detail.points)} points`;
    if (exiting) {
      path.push("pf_exiting");
      link("pf_exiting", "kill");
      notes.pf_exiting = `${describeTask(selected, comms)} gets TIF_MEMDIE and SIGKILL without a message`;
    } else {
      path.push("child_first");
      link("child_first", "kill");
      const refused =
        record === undefined ? [] : refusedBeforeVictim(record.snapshot, selected, victim);
      const passed = refused.filter((r) => r.pid !== selected);
      notes.child_first =
        passed.length === 0
          ? "no child was passed over"
          : `passed over ${passed.map((r) => `${describeTask(r.pid, comms)} (${r.why === "oom_disable" ? "OOM_DISABLE" : "no mm"})`).join(", ")}`;
      if (victim !== null && victim !== selected) {
        path.push("kill_child");
        link("kill_child", "kill");
        notes.kill_child = `${describeTask(victim, comms)}, a child with its own mm`;
      } else {
        path.push("kill_self");
        link("kill_self", "kill");
        notes.kill_self = `${describeTask(selected, comms)} itself`;
      }
      path.push("oom_kill_task");
      link("oom_kill_task", "kill");
      if (refused.some((r) => r.why === "oom_disable")) {
        link("oom_disable_skip", "kill");
        const spared = refused.filter((r) => r.why === "oom_disable");
        notes.oom_disable_skip = `spared: ${spared.map((r) => describeTask(r.pid, comms)).join(", ")}`;
        if (victim === null) path.push("oom_disable_skip");
        else also.push("oom_disable_skip");
      }
      if (victim !== null) {
        path.push("sigkill");
        link("sigkill", "kill");
        const sigkill = (kill.detail.sigkill as number[] | undefined) ?? [];
        const memdie = (kill.detail.memdie as number[] | undefined) ?? [];
        const extra = sigkill.length - memdie.length;
        notes.sigkill = `SIGKILL and TIF_MEMDIE to ${memdie.map((p) => describeTask(p, comms)).join(", ")}${extra > 0 ? `; ${extra} more SIGKILL(s) to the same task instead of its mm's sharers (Q2)` : ""}`;
      } else if (!path.includes("oom_disable_skip")) {
        notes.oom_kill_task = "nothing could be killed";
      }
    }
  }
  path.push("unlock");
  link("unlock", "unlock");
  const sleep = step("sleep");
  link("sleep", "sleep");
  if (sleep?.detail.sleep === true) {
    path.push("sleep");
    notes.sleep = `${inv.comm} (${inv.pid}) sleeps one jiffy`;
  } else {
    notes.unlock = `${inv.comm} (${inv.pid}) has TIF_MEMDIE: no sleep`;
  }
  path.push("retry");
  return { path, also, notes, stepEvents };
}

/** At most `max` samples: per bucket the first, the last and each zone's extremes. */
export function thinSamples(m: MemorySamples, max: number): MemorySamples {
  const n = m.ticks.length;
  if (n <= max) return m;
  const buckets = Math.max(1, Math.floor(max / (2 + 2 * m.free.length)));
  const keep = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets) - 1;
    if (to < from) continue;
    keep.add(from).add(to);
    for (const series of m.free) {
      let lo = from;
      let hi = from;
      for (let i = from; i <= to; i++) {
        if (series[i]! < series[lo]!) lo = i;
        if (series[i]! > series[hi]!) hi = i;
      }
      keep.add(lo).add(hi);
    }
  }
  const idx = [...keep].sort((a, b) => a - b);
  return {
    zones: m.zones,
    ticks: idx.map((i) => m.ticks[i]!),
    free: m.free.map((s) => idx.map((i) => s[i]!)),
  };
}

export function buildReportModel(input: ReportInput): ReportModel {
  const { events } = input;
  const start = events.find((e) => e.type === "sim.start");
  const hz = start?.type === "sim.start" ? start.hz : 250;
  const printkTime = start?.type === "sim.start" ? start.printkTime : false;
  const linked: string[] = [];
  const linkedIndex = new Map<number, number>();
  const linkEvent = (i: number): number => {
    let j = linkedIndex.get(i);
    if (j === undefined) {
      j = linked.length;
      linked.push(simJsonLine(events[i]!, hz));
      linkedIndex.set(i, j);
    }
    return j;
  };
  const comms = new Map<number, string>();
  const records = new Map<number, CallRecord>(
    (input.calls ?? []).map((r) => [r.n, { n: r.n, snapshot: r.snapshot(), result: r.result }]),
  );
  for (const r of records.values()) for (const t of r.snapshot.tasks) comms.set(t.pid, t.comm);

  const stallStarts = new Map<number, number>();
  const stalls: [number, number][] = [];
  const kswapdStart = new Map<number, number>();
  const kswapd: [number, number, number][] = [];
  const reclaim: [number, number, number][] = [];
  const kills: ReportModel["markers"]["kills"] = [];
  const exits: ReportModel["markers"]["exits"] = [];
  const ooms: ReportModel["markers"]["ooms"] = [];
  const callEvents = new Map<number, CallEvents>();
  const order: ({ kind: "call"; n: number } | { kind: "blocked"; index: number })[] = [];
  const log: LogLineModel[] = [];
  const logOfCall = new Map<string, number[]>();
  let open: number | null = null;
  let blockedCount = 0;
  // Lines printed outside a numbered call since the last other event: a blocked caller's
  // header comes just before its oom.blocked event.
  let pendingLines: number[] = [];
  let failed = 0;
  let stallCount = 0;
  let endTick = start?.tick ?? 0;
  let endReason = "";

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const t = seconds(e.tick, hz);
    endTick = Math.max(endTick, e.tick);
    if (!isPrint(e) && e.type !== "oom.blocked") pendingLines = [];
    switch (e.type) {
      case "alloc.stall":
        stallCount += 1;
        if (!stallStarts.has(e.pid)) stallStarts.set(e.pid, e.tick);
        break;
      case "alloc.success":
      case "alloc.fail":
      case "alloc.done": {
        if (e.type === "alloc.fail") failed += 1;
        const s = stallStarts.get(e.pid);
        if (s !== undefined) {
          stalls.push([s, e.tick]);
          stallStarts.delete(e.pid);
        }
        break;
      }
      case "kswapd.wake":
        if (!kswapdStart.has(e.node)) kswapdStart.set(e.node, e.tick);
        break;
      case "kswapd.sleep": {
        const s = kswapdStart.get(e.node);
        if (s !== undefined) {
          kswapd.push([seconds(s, hz), t, e.node]);
          kswapdStart.delete(e.node);
        }
        break;
      }
      case "reclaim.done":
        reclaim.push([t, e.pid, e.didSomeProgress > 0 ? 1 : 0]);
        break;
      case "task.signal":
        kills.push({ t, pid: e.pid, comm: e.comm, reason: e.reason });
        break;
      case "task.exit":
        exits.push({ t, pid: e.pid, comm: e.comm, cause: e.cause });
        comms.set(e.pid, e.comm);
        break;
      case "task.fork":
      case "task.exec":
        comms.set(e.pid, e.comm);
        break;
      case "oom.invoked":
        open = e.n;
        comms.set(e.pid, e.comm);
        callEvents.set(e.n, {
          invoked: e,
          steps: new Map(),
          badnessIndex: null,
          kill: null,
          result: null,
          logTexts: [],
        });
        order.push({ kind: "call", n: e.n });
        ooms.push({ t, key: String(e.n), label: `OOM ${e.n}` });
        logOfCall.set(String(e.n), []);
        break;
      case "oom.step":
        callEvents.get(e.n)?.steps.set(e.step, { detail: e.detail, index: i });
        break;
      case "oom.badness": {
        const c = callEvents.get(e.n);
        if (c !== undefined) c.badnessIndex = i;
        for (const r of e.rows) comms.set(r.pid, r.comm);
        break;
      }
      case "oom.kill": {
        const c = callEvents.get(e.n);
        if (c !== undefined) c.kill = e;
        break;
      }
      case "oom.result": {
        const c = callEvents.get(e.n);
        if (c !== undefined) c.result = e;
        open = null;
        break;
      }
      case "oom.blocked": {
        blockedCount += 1;
        const key = `b${blockedCount}`;
        order.push({ kind: "blocked", index: i });
        ooms.push({ t, key, label: `blocked ${blockedCount}` });
        logOfCall.set(key, pendingLines);
        for (const l of pendingLines) log[l]!.call = key;
        pendingLines = [];
        break;
      }
      case "sim.end":
        endReason = e.reason;
        break;
      case "log":
      case "dump_stack":
      case "show_mem": {
        const lines = simLogLines(e, { hz, printkTime });
        const key = open === null ? null : String(open);
        const raw = printText(e);
        if (open !== null) callEvents.get(open)?.logTexts.push(raw);
        const level = e.type === "log" ? (LEVEL[e.level] ?? 4) : 4;
        for (const text of lines) {
          const index = log.length;
          log.push({ text, level, t, call: key, node: null, event: i });
          if (key !== null) logOfCall.get(key)?.push(index);
          else pendingLines.push(index);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [, s] of stallStarts) stalls.push([s, endTick]);
  for (const [node, s] of kswapdStart) kswapd.push([seconds(s, hz), seconds(endTick, hz), node]);

  // Lines outside any call belong to the next event that is not a log line (alloc.fail
  // after a page allocation failure, task.exit after "VM: killing process", ...).
  const nextEvent = new Array<number>(events.length);
  let next = events.length - 1;
  for (let i = events.length - 1; i >= 0; i--) {
    if (!isPrint(events[i]!)) next = i;
    nextEvent[i] = next;
  }

  const calls: CallModel[] = [];
  for (const o of order) {
    if (o.kind === "blocked") {
      const e = events[o.index]! as SimEvent & { type: "oom.blocked" };
      const key = `b${calls.filter((c) => c.n === null).length + 1}`;
      const lines = logOfCall.get(key) ?? [];
      for (const l of lines) {
        log[l]!.node = "warning";
        log[l]!.event = o.index;
      }
      const stepEvents: Partial<Record<FlowNodeId, number>> = { blocked: linkEvent(o.index) };
      calls.push({
        key,
        n: null,
        t: seconds(e.tick, hz),
        time: timeText(e.tick, hz),
        pid: e.pid,
        comm: e.comm,
        gfpMask: "",
        order: 0,
        outcome: "blocked",
        constraint: null,
        path: ["alloc_fail", "out_of_memory", "notifiers", "warning", "locks", "blocked"],
        also: [],
        notes: {
          warning: lines.length > 0 ? "printed" : "suppressed by printk_ratelimit()",
          blocked: `${e.comm} (${e.pid}) waits for ever for callback_mutex`,
        },
        stepEvents,
        selected: null,
        victim: null,
        badness: null,
        log: lines,
      });
      continue;
    }
    const c = callEvents.get(o.n)!;
    const record = records.get(o.n);
    const key = String(o.n);
    const { path, also, notes, stepEvents } = callPath(c, record, comms);
    const linkedSteps: Partial<Record<FlowNodeId, number>> = {};
    for (const [node, idx] of Object.entries(stepEvents) as [FlowNodeId, number][]) {
      linkedSteps[node] = linkEvent(idx < 0 ? events.indexOf(c.invoked) : idx);
    }
    const lines = logOfCall.get(key) ?? [];
    let prev: FlowNodeId | null = null;
    for (const l of lines) {
      const raw = log[l]!;
      const ev = events[raw.event]!;
      const node = logNode(isPrint(ev) ? printText(ev) : "", prev);
      raw.node = node;
      prev = node;
      const se = stepEvents[node];
      if (se !== undefined && se >= 0) raw.event = se;
    }
    const killStep = c.steps.get("kill");
    const selectedPid = killStep === undefined ? null : Number(killStep.detail.selected);
    const constraint = String(c.steps.get("constraint")?.detail.result ?? "none");
    const ran = path.includes("select");
    const keep = new Set<number>();
    if (selectedPid !== null) keep.add(selectedPid);
    if (c.kill !== null) keep.add(c.kill.victim);
    calls.push({
      key,
      n: o.n,
      t: seconds(c.invoked.tick, hz),
      time: timeText(c.invoked.tick, hz),
      pid: c.invoked.pid,
      comm: c.invoked.comm,
      gfpMask: `0x${c.invoked.gfpMask.toString(16)}`,
      order: c.invoked.order,
      outcome: c.result?.outcome ?? "unknown",
      constraint: constraint === "deadlock" ? null : constraint,
      path,
      also,
      notes,
      stepEvents: linkedSteps,
      selected:
        selectedPid === null
          ? null
          : {
              pid: selectedPid,
              comm: comms.get(selectedPid) ?? "",
              points: String((killStep!.detail as { points?: string }).points ?? "0"),
            },
      victim: c.kill === null ? null : { pid: c.kill.victim, comm: c.kill.comm },
      badness: record === undefined ? null : badnessModel(record.snapshot, ran, keep),
      log: lines,
    });
  }
  for (const line of log) {
    if (line.call === null || line.node === null) line.event = nextEvent[line.event]!;
    line.event = linkEvent(line.event);
  }

  const samples = memoryOfEvents(events);
  const mem = samples === null ? null : thinSamples(samples, MAX_SAMPLES);
  const startTick = start?.tick ?? 0;
  return {
    title: input.title,
    source: "sim",
    seed: start?.type === "sim.start" ? start.seed : 0,
    bits: start?.type === "sim.start" ? start.bits : 64,
    hz,
    start: seconds(startTick, hz),
    end: seconds(endTick, hz),
    endReason,
    zones: mem?.zones ?? [],
    times: mem?.ticks.map((t) => seconds(t, hz)) ?? [],
    free: mem?.free ?? [],
    markers: {
      stalls: mergeIntervals(stalls, Math.max(1, Math.round(hz / 10))).map(([a, b]) => [
        seconds(a, hz),
        seconds(b, hz),
      ]),
      kswapd,
      reclaim,
      ooms,
      kills,
      exits,
    },
    calls,
    replay: [],
    timeAxis: "uptime",
    focus: null,
    log,
    events: linked,
    counts: { kills: kills.length, exits: exits.length, stalls: stallCount, failed },
  };
}
