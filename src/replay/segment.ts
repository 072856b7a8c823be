/**
 * Cuts a log into OOM events and fills each from its lines (modern-oom §6, §6.5).
 *
 * Lines are grouped into streams by syslog host and printk caller id, so reports of two
 * machines (or two CPUs with CONFIG_PRINTK_CALLER) interleaved in one file are told apart.
 * In each stream an event starts at an `invoked oom-killer:` header, or, when the header is
 * missing (rate-limited or cut off), at a task table, a summary or a kill line that cannot
 * belong to the event before it. Memory-state lines never start an event; seen outside one,
 * they are kept and given to the next event that starts without a header.
 *
 * `OomReportReader` takes the text in pieces, file after file, as one log, and hands out each
 * event once it is over, so a log that grows can be followed; `parseOomReports` reads a whole
 * text at once.
 */
import {
  HEADER_MARKER,
  parseAllocatingTask,
  parseCpusetLine,
  parseHeader,
  parseReleaseLine,
} from "./header.js";
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
import { LogLineSplitter } from "./lines.js";
import { emptyMemcg, emptyMemInfo, readMemcgLine, readMemInfoLine } from "./meminfo.js";
import { looksLikeRow, parseTableHeader, parseTaskRow, TASKS_STATE_MARKER } from "./table.js";
import type { LogLine, MemcgInfo, MemInfo, OomEvent, ReleaseSeen } from "./types.js";

/** Memory-state lines seen while no event was open to take them. */
interface Loose {
  memInfo: MemInfo | null;
  memcg: MemcgInfo | null;
  file: string | null;
  firstLine: number;
  messages: string[];
}

interface Stream {
  current: OomEvent | null;
  tasksState: boolean;
  loose: Loose | null;
  lastKey: string;
}

/** How many recent victims are remembered for the oom_reaper lines that name them. */
const VICTIMS_KEPT = 512;

function newEvent(index: number, line: LogLine, file: string | null): OomEvent {
  return {
    index,
    file,
    firstLine: line.lineNo,
    lastLine: line.lineNo,
    lastFile: file,
    host: line.host,
    caller: line.caller,
    time: line.time,
    uptime: line.uptime,
    header: null,
    allocating: null,
    release: null,
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
    messages: [],
  };
}

/** True while the event is still in its memory-state part (nothing after it seen yet). */
function beforeTable(e: OomEvent): boolean {
  return e.table === null && e.summary === null && e.select === null && e.killed.length === 0;
}

function hasVictimLine(e: OomEvent): boolean {
  return e.select !== null || e.killed.length > 0;
}

/** The kernel has printed how the report ends: the kill, or that there was nothing to kill. */
function hasEnding(e: OomEvent): boolean {
  return e.killed.length > 0 || e.noKillable || e.panic !== null;
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

/**
 * Reads a log given in pieces, file after file, as one log, and hands out its OOM events.
 * Line numbers restart at 1 with each file; streams (hosts, callers) and a report that a
 * file boundary cuts continue across files. Never throws on any input.
 */
export class OomReportReader {
  /** Events not handed out yet, in log order. */
  private pending: OomEvent[] = [];
  private count = 0;
  private readonly streams = new Map<string, Stream>();
  /** Recent victims by host, for the oom_reaper lines printed later by another thread. */
  private readonly victims = new Map<string, OomEvent>();
  /** The last `Linux version` banner of each host: the release of that host's later reports. */
  private readonly banners = new Map<string, ReleaseSeen>();
  /** Events whose stream has moved on to a later event: nothing more can join them. */
  private readonly over = new WeakSet<OomEvent>();
  private file: string | null = null;
  private splitter: LogLineSplitter | null = null;
  private linesOfEndedFiles = 0;
  /** Lines taken into an event so far. */
  private touched = 0;

  /** Starts the next file (`name` is what events and messages call it). */
  beginFile(name: string | null): void {
    this.endFile();
    this.file = name;
    this.splitter = new LogLineSplitter((line) => this.line(line));
  }

  /** The next piece of text of the current file. */
  push(text: string): void {
    if (this.splitter === null) this.beginFile(this.file);
    this.splitter!.push(text);
  }

  /** The end of the current file: its unfinished last line, if any, is a line. */
  endFile(): void {
    if (this.splitter === null) return;
    this.splitter.end();
    this.linesOfEndedFiles += this.splitter.lines;
    this.splitter = null;
  }

  /** Lines read so far, in all files. */
  get lines(): number {
    return this.linesOfEndedFiles + (this.splitter?.lines ?? 0);
  }

  /**
   * Hands out, in log order and once each, the events that are over: a later event began in
   * their stream, or the kernel printed their kill line (or that nothing could be killed) and
   * then a line that is no part of the report, or, when `caughtUp` (everything written so far
   * has been read), the kernel printed their kill line (or that nothing could be killed). Lines that come after an event
   * was handed out (a late `oom_reaper` line) no longer change what was handed out.
   */
  take(caughtUp: boolean): OomEvent[] {
    const ready: OomEvent[] = [];
    const rest: OomEvent[] = [];
    for (const e of this.pending) {
      if (this.over.has(e) || (caughtUp && hasEnding(e))) {
        finish(e);
        ready.push(e);
      } else rest.push(e);
    }
    if (ready.length > 0) this.pending = rest;
    return ready;
  }

  /** The end of the log: every event not handed out yet, in log order. */
  end(): OomEvent[] {
    this.endFile();
    for (const s of this.streams.values()) if (s.current) finish(s.current);
    const all = this.pending;
    this.pending = [];
    return all;
  }

  private start(s: Stream, line: LogLine): OomEvent {
    if (s.current) {
      finish(s.current);
      this.over.add(s.current);
    }
    const e = newEvent(this.count++, line, this.file);
    e.release = this.banners.get(line.host ?? "") ?? null;
    this.pending.push(e);
    s.current = e;
    return e;
  }

  private adoptLoose(s: Stream, e: OomEvent): void {
    if (s.loose && e.header === null) {
      e.memInfo = s.loose.memInfo;
      e.memcg = s.loose.memcg;
      // The loose lines came before the line that started the event.
      e.file = s.loose.file;
      e.firstLine = s.loose.firstLine;
      e.messages.push(...s.loose.messages);
    }
    s.loose = null;
  }

  private line(line: LogLine): void {
    if (line.foreign || line.message === "") return;
    const key = `${line.host ?? ""}\u0000${line.caller ?? ""}`;
    let s = this.streams.get(key);
    if (!s) {
      s = { current: null, tasksState: false, loose: null, lastKey: "" };
      this.streams.set(key, s);
    }
    // Adjacent exact duplicates (journald, rate-limit replays) are dropped.
    const dupKey = `${line.time}\u0000${line.uptime}\u0000${line.message}`;
    if (dupKey === s.lastKey) return;
    s.lastKey = dupKey;
    const current = s.current;
    const touched = this.touched;
    this.read(s, line);
    // Once the kill line is printed, a line of the same stream that is no part of the
    // report shows that the report is over.
    if (current !== null && current === s.current && this.touched === touched) {
      if (hasEnding(current)) this.over.add(current);
    }
  }

  private read(s: Stream, line: LogLine): void {
    const msg = line.message;
    let e = s.current;
    const file = this.file;
    const touch = (ev: OomEvent) => {
      ev.lastLine = line.lineNo;
      ev.lastFile = file;
      ev.messages.push(msg);
      this.touched++;
    };

    if (msg.includes(HEADER_MARKER)) {
      const header = parseHeader(msg, line.lineNo);
      if (header) {
        e = this.start(s, line);
        e.header = header;
        e.messages.push(msg);
        s.loose = null;
        s.tasksState = false;
        return;
      }
    }
    if (msg.includes("Linux version ")) {
      const banner = parseReleaseLine(msg);
      if (banner?.from === "Linux version") {
        // A boot: what follows on this host ran that kernel.
        const seen = { text: banner.release, from: banner.from, line: line.lineNo, file };
        if (this.banners.size > VICTIMS_KEPT && !this.banners.has(line.host ?? "")) {
          this.banners.delete(this.banners.keys().next().value!);
        }
        this.banners.set(line.host ?? "", seen);
        return;
      }
    }
    if (msg.includes("oom_reaper: ")) {
      const reaper = parseReaperLine(msg, line.lineNo);
      const owner = reaper ? this.victims.get(`${line.host ?? ""}\u0000${reaper.pid}`) : undefined;
      if (reaper && owner) {
        owner.reaper.push(reaper);
        owner.lastLine = line.lineNo;
        owner.lastFile = file;
      }
      return;
    }
    if (msg.includes("oom-kill:constraint=")) {
      const summary = parseSummary(msg, line.lineNo);
      if (summary) {
        if (!e || e.summary !== null || hasVictimLine(e)) {
          e = this.start(s, line);
          this.adoptLoose(s, e);
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
          e = this.start(s, line);
          this.adoptLoose(s, e);
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
          e = this.start(s, line);
          this.adoptLoose(s, e);
        }
        if (killed.form === "damaged") {
          e.problems.push(`kill line ${line.lineNo} is cut: only the pid is readable`);
        }
        e.killed.push(killed);
        const victimKey = `${line.host ?? ""}\u0000${killed.pid}`;
        this.victims.delete(victimKey);
        this.victims.set(victimKey, e);
        if (this.victims.size > VICTIMS_KEPT) {
          this.victims.delete(this.victims.keys().next().value!);
        }
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
          e = this.start(s, line);
          this.adoptLoose(s, e);
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
          if (who.release !== null) {
            open.release = { text: who.release, from: "stack dump", line: line.lineNo, file };
          }
          touch(open);
          return;
        }
      }
      if (
        open.allocating === null &&
        open.release?.from !== "stack dump" &&
        msg.includes("CPU: ") &&
        msg.includes("ainted")
      ) {
        const cpu = parseReleaseLine(msg);
        if (cpu?.from === "stack dump") {
          open.release = { text: cpu.release, from: cpu.from, line: line.lineNo, file };
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
    const stream = s;
    const holder = (): { memInfo: MemInfo | null; memcg: MemcgInfo | null } => {
      if (open) return open;
      stream.loose ??= {
        memInfo: null,
        memcg: null,
        file,
        firstLine: line.lineNo,
        messages: [],
      };
      return stream.loose;
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
      else s.loose?.messages.push(msg);
    }
  }
}

/** Parses every OOM report in `text`, in log order. Never throws on any input. */
export function parseOomReports(text: string): OomEvent[] {
  const reader = new OomReportReader();
  reader.push(text);
  return reader.end();
}
