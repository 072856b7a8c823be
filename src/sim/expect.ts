/**
 * Checking a run against its scenario's `expect` block: what the story says (the
 * out_of_memory() outcomes, who was chosen and who was killed, who dies, how the run
 * ends) against the event stream, by event type and fields. Nothing here reads the
 * kernel log's text, the order of events inside one call, or figures such as
 * pages_scanned. Pure: the answer is a list of mismatches in words, empty when all hold.
 */

import type { SimEvent } from "./events.js";
import type { Claim, Expect, ExpectCall } from "./scenario-schema.js";
import type { Simulation } from "./setup.js";

/** A task alive when the run starts, with the names a scenario may give it. */
export interface KnownTask {
  pid: number;
  tgid: number;
  comm: string;
  /** The label of its process in the scenario, if any (threads share it). */
  label?: string;
  /** Its mm's name and mm_users at the start (none: a kernel thread). */
  mm?: { id: string; users: number };
}

/** The tasks of a simulation that has been set up and has not run yet. */
export function knownTasks(sim: Simulation): KnownTask[] {
  const labels = new Map<number, string>();
  for (const p of sim.processes) labels.set(p.pid, p.spec.label ?? p.spec.name);
  const out: KnownTask[] = [];
  for (const t of sim.k.tasks.values()) {
    const label = labels.get(t.tgid);
    out.push({
      pid: t.pid,
      tgid: t.tgid,
      comm: t.comm,
      ...(label === undefined ? {} : { label }),
      ...(t.mm === null ? {} : { mm: { id: t.mm.id, users: t.mm.users } }),
    });
  }
  return out;
}

type Ref = number | string;

interface Call {
  /** The core's call number; absent for a caller blocked before the call was counted. */
  n?: number;
  task?: number;
  outcome?: string;
  selected?: number;
  victim?: number;
  constraint?: string;
  points?: string;
  sleep?: boolean;
  scored: boolean;
  /** show_mem()'s zones as this call printed them. */
  zones?: { node: number; name: string; freePages: number; minPages: number }[];
}

interface Run {
  hz: number;
  names: Map<number, { comms: Set<string>; labels: Set<string> }>;
  mmAtStart: Map<number, { id: string; users: number }>;
  exits: Map<number, SimEvent & { type: "task.exit" }>;
  calls: Call[];
  signals: (SimEvent & { type: "task.signal" })[];
  mmUsers: Map<string, number[]>;
  mmFreed: Set<string>;
  lastAlloc: Map<number, { result: "ok" | "failed" | "pending"; order: number }>;
  kills: number[];
  logLines: number;
  end?: string;
}

/** The facts of a run, gathered an event at a time. */
function collector(tasks: readonly KnownTask[]): { run: Run; add: (e: SimEvent) => void } {
  const run: Run = {
    hz: 250,
    names: new Map(),
    mmAtStart: new Map(),
    exits: new Map(),
    calls: [],
    signals: [],
    mmUsers: new Map(),
    mmFreed: new Set(),
    lastAlloc: new Map(),
    kills: [],
    logLines: 0,
  };
  const name = (pid: number) => {
    let n = run.names.get(pid);
    if (n === undefined) {
      n = { comms: new Set(), labels: new Set() };
      run.names.set(pid, n);
    }
    return n;
  };
  for (const t of tasks) {
    const n = name(t.pid);
    n.comms.add(t.comm);
    if (t.label !== undefined) n.labels.add(t.label);
    if (t.mm !== undefined) {
      run.mmAtStart.set(t.pid, t.mm);
      if (!run.mmUsers.has(t.mm.id)) run.mmUsers.set(t.mm.id, [t.mm.users]);
    }
  }
  const byN = new Map<number, Call>();
  const callN = (n: number) => {
    let c = byN.get(n);
    if (c === undefined) {
      c = { n, scored: false, zones };
      zones = undefined;
      byN.set(n, c);
      run.calls.push(c);
    }
    return c;
  };
  let zones: Call["zones"];
  let seq = 0;
  let lastTick = -1;
  const add = (e: SimEvent): void => {
    seq++;
    if (e.type === "oom.result" || e.type === "oom.blocked") lastTick = e.tick;
    switch (e.type) {
      case "sim.start":
        run.hz = e.hz;
        break;
      case "sim.end":
        run.end = e.reason;
        break;
      case "task.fork":
        name(e.pid).comms.add(e.comm);
        break;
      case "task.exec":
        name(e.pid).comms.add(e.comm);
        break;
      case "task.exit":
        if (!run.exits.has(e.pid)) run.exits.set(e.pid, e);
        break;
      case "task.signal":
        run.signals.push(e);
        break;
      case "mm.put":
        run.mmUsers.get(e.mm)?.push(e.users);
        break;
      case "mm.free":
        run.mmUsers.get(e.mm)?.push(0);
        run.mmFreed.add(e.mm);
        break;
      case "alloc.done":
        run.lastAlloc.set(e.pid, { result: e.ok ? "ok" : "failed", order: seq });
        break;
      case "alloc.pending":
        run.lastAlloc.set(e.pid, { result: "pending", order: seq });
        break;
      case "log":
      case "dump_stack":
        run.logLines++;
        break;
      case "show_mem": {
        run.logLines++;
        // show_mem() belongs to the call it is printed in: the open one, one just
        // answered in the same tick, or else the next one.
        const last = run.calls[run.calls.length - 1];
        const open =
          last !== undefined &&
          last.zones === undefined &&
          (last.outcome === undefined || lastTick === e.tick);
        if (e.mem !== null) {
          if (open) last.zones = e.mem.zones;
          else zones = e.mem.zones;
        }
        break;
      }
      case "oom.invoked":
        callN(e.n).task = e.pid;
        break;
      case "oom.badness":
        if (e.rows.length > 0) callN(e.n).scored = true;
        break;
      case "oom.kill": {
        const c = callN(e.n);
        c.selected = e.selected;
        c.victim = e.victim;
        c.constraint = e.constraint;
        c.points = e.points;
        run.kills.push(e.victim);
        break;
      }
      case "oom.result": {
        const c = callN(e.n);
        c.outcome = e.outcome;
        c.sleep = e.sleep;
        if (e.outcome === "blocked") {
          // The same caller, reported blocked before its call was numbered: one call.
          const i = run.calls.indexOf(c);
          const before = run.calls[i - 1];
          if (before?.n === undefined && before?.outcome === "blocked" && before.task === c.task) {
            run.calls.splice(i - 1, 1);
            c.zones ??= before.zones;
          }
        }
        break;
      }
      case "oom.blocked": {
        const last = run.calls[run.calls.length - 1];
        // A core that reports the blocked caller as a call's outcome needs no second call.
        if (last?.outcome === "blocked" && last.task === e.pid) break;
        run.calls.push({ task: e.pid, outcome: "blocked", scored: false, zones });
        zones = undefined;
        break;
      }
      default:
        break;
    }
  };
  return { run, add };
}

function quote(r: Ref): string {
  return typeof r === "number" ? `pid ${r}` : `"${r}"`;
}

/** The pids a reference names: the pid itself, or every task with that comm or label. */
function pidsOf(run: Run, r: Ref): number[] {
  if (typeof r === "number") return run.names.has(r) ? [r] : [];
  const out: number[] = [];
  for (const [pid, n] of run.names) if (n.comms.has(r) || n.labels.has(r)) out.push(pid);
  return out;
}

function who(run: Run, pid: number): string {
  const n = run.names.get(pid);
  const comm = n === undefined ? undefined : [...n.comms].pop();
  return comm === undefined ? `pid ${pid}` : `${comm} (pid ${pid})`;
}

function seconds(run: Run, tick: number): string {
  return `${(tick / run.hz).toFixed(3)} s`;
}

function isTask(run: Run, r: Ref, pid: number | undefined): boolean {
  return pid !== undefined && pidsOf(run, r).includes(pid);
}

const unknown = (run: Run, r: Ref): string | null =>
  pidsOf(run, r).length === 0
    ? `no task ${typeof r === "number" ? "has" : "is named"} ${quote(r)}`
    : null;

type CallFields = Omit<ExpectCall, "times">;

/** Where `c` differs from the fields `want` gives, in words; empty when it matches. */
function callDiffs(run: Run, want: CallFields, c: Call): string[] {
  const out: string[] = [];
  if (want.outcome !== undefined && c.outcome !== want.outcome) {
    out.push(`outcome ${want.outcome} expected, got ${c.outcome ?? "none"}`);
  }
  const task = (key: "task" | "selected" | "victim", what: string) => {
    const r = want[key];
    if (r === undefined) return;
    const pid = c[key];
    const bad = unknown(run, r);
    if (bad !== null) out.push(`${key}: ${bad}`);
    else if (!isTask(run, r, pid)) {
      out.push(
        `${key} ${quote(r)} expected, ${pid === undefined ? `no task was ${what}` : `got ${who(run, pid)}`}`,
      );
    }
  };
  task("task", "the caller");
  task("selected", "selected");
  task("victim", "killed");
  if (want.constraint !== undefined && c.constraint !== want.constraint) {
    out.push(
      `constraint ${want.constraint} expected, ${c.constraint === undefined ? "no kill reported one" : `got ${c.constraint}`}`,
    );
  }
  if (want.points !== undefined && c.points !== String(want.points)) {
    out.push(
      `score ${want.points} expected, ${c.points === undefined ? "no task was selected" : `got ${c.points}`}`,
    );
  }
  if (want.sleep !== undefined && c.sleep !== want.sleep) {
    out.push(want.sleep ? "the caller was expected to sleep, it did not" : "the caller slept");
  }
  if (want.scored !== undefined && c.scored !== want.scored) {
    out.push(
      want.scored
        ? "badness() was expected to score tasks, it scored none"
        : "badness() scored tasks",
    );
  }
  return out;
}

function callName(c: Call, i: number): string {
  return `call ${i + 1}${c.n !== undefined && c.n !== i + 1 ? ` (out_of_memory() call ${c.n})` : ""}`;
}

function describeCall(run: Run, c: Call): string {
  const parts = [c.outcome ?? "no outcome"];
  if (c.task !== undefined) parts.push(`by ${who(run, c.task)}`);
  if (c.victim !== undefined) parts.push(`killing ${who(run, c.victim)}`);
  return parts.join(" ");
}

function checkCalls(run: Run, want: readonly ExpectCall[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (const [k, w] of want.entries()) {
    const atLeast = typeof w.times === "string";
    const min = typeof w.times === "string" ? Number.parseInt(w.times, 10) : w.times;
    if (atLeast) {
      let got = 0;
      while (i < run.calls.length && callDiffs(run, w, run.calls[i]!).length === 0) {
        i++;
        got++;
      }
      if (got < min) {
        const next = run.calls[i];
        const why =
          next === undefined
            ? "the run made no more calls"
            : `${callName(next, i)}: ${callDiffs(run, w, next).join("; ")}`;
        out.push(`calls[${k}]: ${min} or more matching calls expected, got ${got} (${why})`);
      }
      continue;
    }
    for (let r = 0; r < min; r++, i++) {
      const c = run.calls[i];
      if (c === undefined) {
        out.push(
          `calls[${k}]: out_of_memory() call ${i + 1} expected, the run made ${run.calls.length}`,
        );
        return out;
      }
      for (const d of callDiffs(run, w, c)) out.push(`${callName(c, i)}: ${d}`);
    }
  }
  if (i < run.calls.length) {
    const extra = run.calls.length - i;
    out.push(
      `calls: ${extra} more out_of_memory() call${extra === 1 ? "" : "s"} than expected, from ${callName(run.calls[i]!, i)}: ${describeCall(run, run.calls[i]!)}`,
    );
  }
  return out;
}

function checkDies(run: Run, refs: readonly Ref[]): string[] {
  const out: string[] = [];
  for (const r of refs) {
    const bad = unknown(run, r);
    if (bad !== null) out.push(`dies: ${bad}`);
    for (const pid of pidsOf(run, r)) {
      if (!run.exits.has(pid)) out.push(`dies: ${who(run, pid)} is still alive at the end`);
    }
  }
  return out;
}

function checkSurvives(run: Run, refs: readonly Ref[]): string[] {
  const out: string[] = [];
  for (const r of refs) {
    const bad = unknown(run, r);
    if (bad !== null) out.push(`survives: ${bad}`);
    for (const pid of pidsOf(run, r)) {
      const e = run.exits.get(pid);
      if (e !== undefined) {
        out.push(
          `survives: ${who(run, pid)} exits at ${seconds(run, e.tick)} of uptime (cause ${e.cause})`,
        );
      }
    }
  }
  return out;
}

function checkKills(run: Run, n: number): string[] {
  if (run.kills.length === n) return [];
  const list = run.kills.map((pid) => who(run, pid)).join(", ");
  return [
    `kills: ${n} expected, the OOM killer killed ${run.kills.length}${list === "" ? "" : ` (${list})`}`,
  ];
}

function checkEnd(run: Run, end: string): string[] {
  if (run.end === end) return [];
  return [`end: the run was expected to end ${end}, it ended ${run.end ?? "without sim.end"}`];
}

type Facts = Omit<Claim, "says">;

function checkFact(run: Run, f: Facts): string[] {
  if (f.call !== undefined) {
    const { n, ...want } = f.call;
    const c = run.calls[n - 1];
    if (c === undefined) return [`the run made ${run.calls.length} calls, not ${n}`];
    return callDiffs(run, want, c).map((d) => `${callName(c, n - 1)}: ${d}`);
  }
  if (f.signal !== undefined) {
    const { task, reason, times } = f.signal;
    const bad = unknown(run, task);
    if (bad !== null) return [bad];
    const pids = pidsOf(run, task);
    const got = run.signals.filter(
      (s) => pids.includes(s.pid) && (reason === undefined || s.reason === reason),
    ).length;
    const what = `SIGKILL${reason === undefined ? "" : ` (${reason})`} to ${quote(task)}`;
    if (times === undefined ? got > 0 : got === times) return [];
    return [`${times === undefined ? "at least one" : times} ${what} expected, got ${got}`];
  }
  if (f.mm !== undefined) {
    const bad = unknown(run, f.mm.of);
    if (bad !== null) return [bad];
    const pid = pidsOf(run, f.mm.of).find((p) => run.mmAtStart.has(p));
    if (pid === undefined) return [`${quote(f.mm.of)} has no mm at the start`];
    const mm = run.mmAtStart.get(pid)!;
    const out: string[] = [];
    const users = run.mmUsers.get(mm.id) ?? [];
    if (f.mm.users !== undefined && users.join(",") !== f.mm.users.join(",")) {
      out.push(
        `mm_users of ${who(run, pid)}'s mm ${f.mm.users.join(", ")} expected, got ${users.join(", ")}`,
      );
    }
    if (f.mm.freed !== undefined && run.mmFreed.has(mm.id) !== f.mm.freed) {
      out.push(
        `${who(run, pid)}'s mm was ${f.mm.freed ? "expected to be freed, it was not" : "freed"}`,
      );
    }
    return out;
  }
  if (f.alloc !== undefined) {
    const bad = unknown(run, f.alloc.task);
    if (bad !== null) return [bad];
    let last: { result: string; order: number } | undefined;
    for (const pid of pidsOf(run, f.alloc.task)) {
      const a = run.lastAlloc.get(pid);
      if (a !== undefined && (last === undefined || a.order > last.order)) last = a;
    }
    if (last === undefined) return [`no allocation of ${quote(f.alloc.task)} is reported`];
    if (last.result === f.alloc.result) return [];
    return [
      `the last allocation of ${quote(f.alloc.task)} was expected to end ${f.alloc.result}, it ended ${last.result}`,
    ];
  }
  if (f.free_memory !== undefined) {
    const { call, node, zone, free } = f.free_memory;
    const c = run.calls[call - 1];
    if (c === undefined) return [`the run made ${run.calls.length} calls, not ${call}`];
    if (c.zones === undefined) return [`call ${call} printed no show_mem()`];
    const where = [zone ?? "zone", node === undefined ? "" : `of node ${node}`].join(" ").trim();
    const zones = c.zones.filter(
      (z) => (node === undefined || z.node === node) && (zone === undefined || z.name === zone),
    );
    if (zones.length === 0) return [`show_mem() of call ${call} shows no ${where}`];
    const above = zones.filter((z) => z.freePages > z.minPages);
    if (above.length > 0 === free) return [];
    return free
      ? [`at call ${call} no ${where} has free pages above its min watermark`]
      : [
          `at call ${call} ${above.map((z) => `node ${z.node} ${z.name}`).join(", ")} has free pages above its min watermark`,
        ];
  }
  if (f.oom_calls !== undefined) {
    if (run.calls.length === f.oom_calls) return [];
    return [`${f.oom_calls} out_of_memory() calls expected, the run made ${run.calls.length}`];
  }
  if (f.log_empty !== undefined) {
    if ((run.logLines === 0) === f.log_empty) return [];
    return [
      f.log_empty
        ? `the kernel log was expected to be empty, it has ${run.logLines} entries`
        : "the kernel log is empty",
    ];
  }
  if (f.dies !== undefined) return checkDies(run, f.dies);
  if (f.survives !== undefined) return checkSurvives(run, f.survives);
  if (f.kills !== undefined) return checkKills(run, f.kills);
  if (f.end !== undefined) return checkEnd(run, f.end);
  return [];
}

/** Every way `run` differs from `expect`, one sentence each. */
function mismatches(expect: Expect, run: Run): string[] {
  const out: string[] = [];
  if (expect.end !== undefined) out.push(...checkEnd(run, expect.end));
  if (expect.calls !== undefined) out.push(...checkCalls(run, expect.calls));
  if (expect.kills !== undefined) out.push(...checkKills(run, expect.kills));
  if (expect.dies !== undefined) out.push(...checkDies(run, expect.dies));
  if (expect.survives !== undefined) out.push(...checkSurvives(run, expect.survives));
  for (const c of expect.claims ?? []) {
    for (const m of checkFact(run, c)) out.push(`claim "${c.says}": ${m}`);
  }
  return out;
}

/** How many facts an expect block states: each key besides `claims`, and each claim. */
export function expectFacts(expect: Expect): number {
  const keys = Object.entries(expect).filter(([k, v]) => k !== "claims" && v !== undefined);
  return keys.length + (expect.claims?.length ?? 0);
}

/**
 * Checks a run as it goes: `add` every event of the stream, from sim.start to sim.end,
 * then `mismatches()`. Keeps only the facts it needs, not the events.
 */
export class ExpectChecker {
  private readonly c: ReturnType<typeof collector>;
  /** `tasks`: the tasks alive when the run starts (knownTasks of the set-up simulation). */
  constructor(
    private readonly expect: Expect,
    tasks: readonly KnownTask[],
  ) {
    this.c = collector(tasks);
  }
  add(e: SimEvent): void {
    this.c.add(e);
  }
  /** Every way the run differs from the expect block, one sentence each; empty when all hold. */
  mismatches(): string[] {
    return mismatches(this.expect, this.c.run);
  }
}

/**
 * Every way the run of `events` (started with `tasks` alive) differs from `expect`, one
 * sentence each; an empty list when everything it says holds.
 */
export function checkExpect(
  expect: Expect,
  events: readonly SimEvent[],
  tasks: readonly KnownTask[],
): string[] {
  const c = new ExpectChecker(expect, tasks);
  for (const e of events) c.add(e);
  return c.mismatches();
}
