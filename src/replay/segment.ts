/**
 * Cuts a log into OOM events and fills each from its lines (modern-oom §6, §6.5).
 *
 * Lines are grouped into streams by syslog host and printk caller id, so reports of two
 * machines (or two CPUs with CONFIG_PRINTK_CALLER) interleaved in one file are told apart.
 * In each stream an event starts at an `invoked oom-killer:` header, or, when the header is
 * missing (rate-limited or cut off), at a task table, a summary or a kill line that cannot
 * belong to the event before it. Memory-state lines never start an event; seen outside one,
 * they are kept and given to the next event that starts without a header.
 */
import { HEADER_MARKER, parseAllocatingTask, parseCpusetLine, parseHeader } from "./header.js";
import {
  isNoKillable,
  isSharingLine,
  parseGroupKill,
  parseKilledLine,
  parsePanic,
  parseReaperLine,
  parseSelectLine,
  parseSummary,
} from "./kill.js";
import { forEachLogLine } from "./lines.js";
import { emptyMemcg, emptyMemInfo, readMemcgLine, readMemInfoLine } from "./meminfo.js";
import { looksLikeRow, parseTableHeader, parseTaskRow, TASKS_STATE_MARKER } from "./table.js";
import type { LogLine, MemcgInfo, MemInfo, OomEvent } from "./types.js";

/** Memory-state lines seen while no event was open to take them. */
interface Loose {
  memInfo: MemInfo | null;
  memcg: MemcgInfo | null;
  firstLine: number;
}

interface Stream {
  current: OomEvent | null;
  tasksState: boolean;
  loose: Loose | null;
  lastKey: string;
}

function newEvent(index: number, line: LogLine): OomEvent {
  return {
    index,
    firstLine: line.lineNo,
    lastLine: line.lineNo,
    host: line.host,
    caller: line.caller,
    time: line.time,
    uptime: line.uptime,
    header: null,
    allocating: null,
    cpuset: null,
    memInfo: null,
    memcg: null,
    table: null,
    summary: null,
    select: null,
    killed: [],
    groupKill: null,
    reaper: [],
    noKillable: false,
    panic: null,
    problems: [],
    complete: false,
    missing: [],
  };
}

/** True while the event is still in its memory-state part (nothing after it seen yet). */
function beforeTable(e: OomEvent): boolean {
  return e.table === null && e.summary === null && e.select === null && e.killed.length === 0;
}

function hasVictimLine(e: OomEvent): boolean {
  return e.select !== null || e.killed.length > 0;
}

function finish(e: OomEvent): void {
  const missing: string[] = [];
  if (e.header === null) missing.push("header (invoked oom-killer)");
  if (e.table === null) missing.push("task table");
  else if (e.table.rows.length === 0) missing.push("task table rows");
  if (!hasVictimLine(e) && !e.noKillable) missing.push("kill line");
  e.missing = missing;
  e.complete = missing.length === 0 && e.problems.length === 0;
}

/** Parses every OOM report in `text`, in log order. Never throws on any input. */
export function parseOomReports(text: string): OomEvent[] {
  const events: OomEvent[] = [];
  const streams = new Map<string, Stream>();
  /** Recent victims by host, for the oom_reaper lines printed later by another thread. */
  const victims = new Map<string, OomEvent>();

  const start = (s: Stream, line: LogLine): OomEvent => {
    if (s.current) finish(s.current);
    const e = newEvent(events.length, line);
    events.push(e);
    s.current = e;
    return e;
  };
  const adoptLoose = (s: Stream, e: OomEvent) => {
    if (s.loose && e.header === null) {
      e.memInfo = s.loose.memInfo;
      e.memcg = s.loose.memcg;
      e.firstLine = Math.min(e.firstLine, s.loose.firstLine);
    }
    s.loose = null;
  };

  forEachLogLine(text, (line) => {
    if (line.foreign) return;
    const msg = line.message;
    if (msg === "") return;
    const key = `${line.host ?? ""}\u0000${line.caller ?? ""}`;
    let s = streams.get(key);
    if (!s) {
      s = { current: null, tasksState: false, loose: null, lastKey: "" };
      streams.set(key, s);
    }
    // Adjacent exact duplicates (journald, rate-limit replays) are dropped.
    const dupKey = `${line.time}\u0000${line.uptime}\u0000${msg}`;
    if (dupKey === s.lastKey) return;
    s.lastKey = dupKey;
    let e = s.current;
    const touch = (ev: OomEvent) => {
      ev.lastLine = line.lineNo;
    };

    if (msg.includes(HEADER_MARKER)) {
      const header = parseHeader(msg, line.lineNo);
      if (header) {
        e = start(s, line);
        e.header = header;
        s.loose = null;
        s.tasksState = false;
        return;
      }
    }
    if (msg.includes("oom_reaper: ")) {
      const reaper = parseReaperLine(msg, line.lineNo);
      const owner = reaper ? victims.get(`${line.host ?? ""}\u0000${reaper.pid}`) : undefined;
      if (reaper && owner) {
        owner.reaper.push(reaper);
        touch(owner);
      }
      return;
    }
    if (msg.includes("oom-kill:constraint=")) {
      const summary = parseSummary(msg, line.lineNo);
      if (summary) {
        if (!e || e.summary !== null || hasVictimLine(e)) {
          e = start(s, line);
          adoptLoose(s, e);
        }
        e.summary = summary;
        touch(e);
        return;
      }
    }
    if (msg.includes("ill process ") || msg.includes("illed process ")) {
      const select = parseSelectLine(msg, line.lineNo);
      if (select) {
        if (!e || hasVictimLine(e)) {
          e = start(s, line);
          adoptLoose(s, e);
        }
        e.select = select;
        touch(e);
        return;
      }
      const killed = parseKilledLine(msg, line.lineNo);
      if (killed) {
        const joins =
          e !== null && (e.killed.length === 0 || e.select !== null || e.groupKill !== null);
        if (!joins || !e) {
          e = start(s, line);
          adoptLoose(s, e);
        }
        if (killed.form === "damaged") {
          e.problems.push(`kill line ${line.lineNo} is cut: only the pid is readable`);
        }
        e.killed.push(killed);
        victims.set(`${line.host ?? ""}\u0000${killed.pid}`, e);
        touch(e);
        return;
      }
      if (e && isSharingLine(msg)) touch(e);
      return;
    }
    if (msg.includes(TASKS_STATE_MARKER)) {
      s.tasksState = true;
      return;
    }
    if (msg.includes("pid") && msg.includes("]")) {
      const table = parseTableHeader(msg, line.lineNo, s.tasksState);
      if (table) {
        s.tasksState = false;
        if (!e || !beforeTable(e)) {
          e = start(s, line);
          adoptLoose(s, e);
        }
        e.table = table;
        touch(e);
        return;
      }
    }
    if (looksLikeRow(msg)) {
      if (e?.table && e.summary === null && !hasVictimLine(e)) {
        const table = e.table;
        const result = parseTaskRow(msg, line.lineNo, table.columns);
        if (result.kind === "row") {
          const row = result.row;
          const twin = table.rows.find((r) => r.pid === row.pid);
          if (!twin) table.rows.push(row);
          else if (
            twin.comm !== row.comm ||
            String(Object.values(twin.values)) !== String(Object.values(row.values))
          ) {
            e.problems.push(
              `pid ${row.pid} is listed twice with different values (line ${line.lineNo})`,
            );
          }
          touch(e);
          return;
        }
        if (result.kind === "damaged") {
          e.problems.push(`line ${line.lineNo}: ${result.reason}`);
          touch(e);
          return;
        }
      } else if (e && e.header !== null && e.table === null && hasVictimLine(e) === false) {
        if (/^\s*\[\s*\d+\]\s+-?\d+\s+-?\d+\s+-?\d+/.test(msg)) {
          e.problems.push(`line ${line.lineNo}: task row before any table header`);
          touch(e);
          return;
        }
      }
    }
    if (isNoKillable(msg)) {
      if (e) {
        e.noKillable = true;
        touch(e);
      }
      return;
    }
    const panic = msg.includes("Kernel panic") ? parsePanic(msg) : null;
    if (panic !== null) {
      if (e && (e.noKillable || hasVictimLine(e) || e.header !== null)) {
        e.panic ??= panic;
        touch(e);
      }
      return;
    }
    if (msg.includes("memory.oom.group")) {
      const group = parseGroupKill(msg);
      if (group !== null && e) {
        e.groupKill = group;
        touch(e);
        return;
      }
    }
    if (msg.includes("page allocation failure")) {
      s.loose = null;
      return;
    }
    const open = e !== null && beforeTable(e) ? e : null;
    if (open) {
      if (open.allocating === null && (msg.includes("PID: ") || msg.includes("Pid: "))) {
        const who = parseAllocatingTask(msg);
        if (who) {
          open.allocating = who;
          touch(open);
          return;
        }
      }
      if (open.cpuset === null && msg.includes("mems_allowed=")) {
        const cpuset = parseCpusetLine(msg);
        if (cpuset) {
          open.cpuset = cpuset;
          touch(open);
          return;
        }
      }
    }
    const holder = (): { memInfo: MemInfo | null; memcg: MemcgInfo | null } => {
      if (open) return open;
      s.loose ??= { memInfo: null, memcg: null, firstLine: line.lineNo };
      return s.loose;
    };
    const memInfoOf = (): MemInfo => {
      const h = holder();
      h.memInfo ??= emptyMemInfo();
      return h.memInfo;
    };
    const memcgOf = (): MemcgInfo => {
      const h = holder();
      h.memcg ??= emptyMemcg();
      return h.memcg;
    };
    if (readMemInfoLine(msg, memInfoOf) || readMemcgLine(msg, memcgOf)) {
      if (open) touch(open);
    }
  });

  for (const s of streams.values()) if (s.current) finish(s.current);
  return events;
}
