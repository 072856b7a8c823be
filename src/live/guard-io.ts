/**
 * The guard's ports on a real machine (or a fake tree under another root): sensors read
 * through descriptors kept open and re-read from offset 0, processes listed from /proc or
 * from one cgroup's `cgroup.procs`, identities re-read from `stat` right before a signal,
 * signals sent with kill(2). guard.md §1-§5.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ProcError } from "../errors.js";
import {
  type CandidateExtras,
  candidateOfProcess,
  type GuardCandidate,
  glanceCandidate,
  NO_EXTRAS,
} from "../guard/candidate.js";
import type { CandidateList, Identity, SignalResult, SignalTarget } from "../guard/guard.js";
import {
  type CgroupReading,
  limitOf,
  parseBytesFile,
  parseKeyedCount,
  parseMemoryReading,
  parsePressure,
  type Reading,
} from "../guard/readings.js";
import type { Signal } from "../guard/records.js";
import { judge, type Rule, type Tier } from "../guard/rules.js";
import { type Glance, shortlist, shortlistOfScores } from "../guard/shortlist.js";
import { parseIntFile, parseUptime } from "./parse-misc.js";
import { parseStat } from "./parse-stat.js";
import { parseStatus } from "./parse-status.js";
import type { ProcFs } from "./procfs.js";
import { readPageSize, USER_HZ } from "./read-machine.js";
import type { LiveProcess } from "./read-process.js";

/** A file opened once and read whole from offset 0 each time (one pread per poll). */
export class KeptFile {
  private fd: number | null;
  private buf = Buffer.allocUnsafe(8192);

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
  }

  /** The file's text, or null when it can no longer be read. */
  read(): string | null {
    if (this.fd === null) return null;
    try {
      let used = 0;
      for (;;) {
        if (used === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger);
          this.buf = bigger;
        }
        const n = readSync(this.fd, this.buf, used, this.buf.length - used, used);
        if (n === 0) break;
        used += n;
        if (used < this.buf.length) break;
      }
      return this.buf.toString("latin1", 0, used);
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Opens `path` to keep, or null when it does not exist or cannot be opened. */
function keep(path: string): KeptFile | null {
  try {
    return new KeptFile(path);
  } catch {
    return null;
  }
}

export type CgroupVersion = 1 | 2;

export interface GuardedCgroup {
  path: string;
  version: CgroupVersion;
}

/** Which cgroup version a directory belongs to, from the files it holds. */
export function cgroupVersionOf(path: string): CgroupVersion {
  if (!existsSync(join(path, "cgroup.procs"))) {
    throw new ProcError({ path, code: "ENOENT", message: `${path}: not a cgroup directory` });
  }
  if (existsSync(join(path, "memory.limit_in_bytes"))) return 1;
  return 2;
}

export interface SensorPaths {
  meminfo: string | null;
  pressure: string | null;
  cgroup: GuardedCgroup | null;
}

/** The sensors of one guard, its files opened once. */
export class Sensors {
  private readonly meminfo: KeptFile | null;
  private readonly pressure: KeptFile | null;
  private readonly usage: KeptFile | null = null;
  private readonly limit: KeptFile | null = null;
  private readonly swapUsage: KeptFile | null = null;
  private readonly swapLimit: KeptFile | null = null;
  private readonly events: KeptFile | null = null;
  private readonly cgroupVersion: CgroupVersion | null;

  constructor(private readonly paths: SensorPaths) {
    this.meminfo = paths.meminfo === null ? null : keep(paths.meminfo);
    this.pressure = paths.pressure === null ? null : keep(paths.pressure);
    const cg = paths.cgroup;
    this.cgroupVersion = cg?.version ?? null;
    if (cg?.version === 1) {
      this.usage = keep(join(cg.path, "memory.usage_in_bytes"));
      this.limit = keep(join(cg.path, "memory.limit_in_bytes"));
      this.swapUsage = keep(join(cg.path, "memory.memsw.usage_in_bytes"));
      this.swapLimit = keep(join(cg.path, "memory.memsw.limit_in_bytes"));
      this.events = keep(join(cg.path, "memory.oom_control"));
    } else if (cg?.version === 2) {
      this.usage = keep(join(cg.path, "memory.current"));
      this.limit = keep(join(cg.path, "memory.max"));
      this.swapUsage = keep(join(cg.path, "memory.swap.current"));
      this.swapLimit = keep(join(cg.path, "memory.swap.max"));
      this.events = keep(join(cg.path, "memory.events"));
    }
  }

  /** What could not be opened, for a warning at start-up. */
  missing(): string[] {
    const out: string[] = [];
    if (this.meminfo === null && this.paths.meminfo !== null) out.push("meminfo");
    if (this.pressure === null && this.paths.pressure !== null) out.push(this.paths.pressure);
    if (this.cgroupVersion !== null && this.usage === null) out.push("the cgroup's memory usage");
    return out;
  }

  read(): Reading {
    const mem = this.meminfo?.read();
    const psi = this.pressure?.read();
    return {
      memory: mem == null ? null : parseMemoryReading(mem),
      pressure: psi == null ? null : parsePressure(psi),
      cgroup: this.readCgroup(),
    };
  }

  private readCgroup(): CgroupReading | null {
    if (this.usage === null) return null;
    const num = (f: KeptFile | null) => {
      const text = f?.read();
      return text == null ? null : parseBytesFile(text);
    };
    const usage = num(this.usage);
    if (usage === null || !Number.isFinite(usage)) return null;
    const events = this.events?.read();
    // v1 memsw counts memory + swap; v2 swap.current counts swap alone, so add usage.
    const swapUsage = num(this.swapUsage);
    const swapTotal =
      swapUsage === null ? null : this.cgroupVersion === 2 ? swapUsage + usage : swapUsage;
    const swapLimitRaw = limitOf(num(this.swapLimit));
    const swapLimit =
      swapLimitRaw === null || this.cgroupVersion !== 2
        ? swapLimitRaw
        : swapLimitRaw + (limitOf(num(this.limit)) ?? 0);
    return {
      usageBytes: usage,
      limitBytes: limitOf(num(this.limit)),
      swapUsageBytes: swapTotal,
      swapLimitBytes: swapLimit,
      kernelOomKills: events == null ? null : parseKeyedCount(events, "oom_kill"),
    };
  }

  close(): void {
    for (const f of [
      this.meminfo,
      this.pressure,
      this.usage,
      this.limit,
      this.swapUsage,
      this.swapLimit,
      this.events,
    ]) {
      f?.close();
    }
  }
}

/** Every pid in a cgroup and the cgroups below it. */
export function cgroupPids(path: string): number[] {
  const out: number[] = [];
  const walk = (dir: string) => {
    const f = keep(join(dir, "cgroup.procs"));
    const text = f?.read() ?? "";
    f?.close();
    for (const line of text.split("\n")) {
      const pid = Number(line);
      if (line !== "" && Number.isInteger(pid) && pid > 0) out.push(pid);
    }
    let entries: string[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) walk(join(dir, e));
  };
  walk(path);
  return [...new Set(out)].sort((a, b) => a - b);
}

/**
 * The cgroup path of a /proc/PID/cgroup text: the memory controller's (v1) line, else the
 * v2 line. On a hybrid machine (v1 memory controller beside a v2 tree with no memory
 * controller) the v2 path says nothing of memory, and may be "/" for every process.
 */
export function cgroupPathOf(text: string): string | null {
  let unified: string | null = null;
  for (const line of text.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    if (m[1] === "") unified = m[2]!;
    else if (m[1]!.split(",").includes("memory")) return m[2]!;
  }
  return unified;
}

/**
 * What the guard needs of one process, in three reads: stat, status and oom_score_adj.
 * Unlike `rank`, no thread is read: the memory counters are the process's, and a process
 * whose leader has exited while other threads run (no mm on the leader) is left out.
 */
export async function readGuardProcess(
  fs: ProcFs,
  pid: number,
  kept: FullFiles | null = null,
): Promise<LiveProcess | null> {
  // Through kept descriptors when given (a file too long for one falls back to a read).
  const read = async (files: KeptProcFiles | undefined, name: string) =>
    files?.text(pid) ?? (await fs.readText(`${pid}/${name}`));
  const statText = await read(kept?.stat, "stat");
  const stat = statText === null ? null : parseStat(statText);
  if (stat === null) return null;
  const statusText = await read(kept?.status, "status");
  if (statusText === null) return null;
  // The guard reads no cpuset: the mems list is left unparsed.
  const status = parseStatus(statusText, { mems: false });
  const adjText = await read(kept?.adj, "oom_score_adj");
  const adj = adjText === null ? null : parseIntFile(adjText);
  const hasMm = stat.vsizeBytes > 0n || status.hasMm;
  return {
    pid,
    stat,
    status,
    oomScoreAdj: adj === null || adj < -1000 || adj > 1000 ? 0 : adj,
    kernelOomScore: null,
    threads: [],
    mm: hasMm
      ? {
          vsizeBytes: stat.vsizeBytes,
          rssPages: stat.rssPages < 0n ? 0n : stat.rssPages,
          vmSwapKb: status.vmSwapKb ?? 0n,
          vmPteKb: status.vmPteKb ?? 0n,
        }
      : null,
    missing: adj === null ? ["oom_score_adj"] : [],
    isVforkChild: false,
  };
}

/** How many per-process descriptors a guard keeps at most (each pins a struct pid). */
const MAX_KEPT_DEFAULT = 4096;

/** Half the soft limit of open files (from /proc/self/limits), at most MAX_KEPT_DEFAULT. */
export function keptFileBudget(limitsText: string | null): number {
  const m = limitsText === null ? null : /^Max open files\s+(\d+|unlimited)/m.exec(limitsText);
  if (m === null) return 256;
  if (m[1] === "unlimited") return MAX_KEPT_DEFAULT;
  return Math.max(0, Math.min(MAX_KEPT_DEFAULT, Math.floor(Number(m[1]) / 2) - 64));
}

/**
 * One small /proc/PID file (oom_score, comm) of many processes, each through a
 * descriptor opened once and re-read from offset 0 (one pread per process per choice
 * instead of open, read and close). A descriptor of /proc/PID names the process that
 * held the pid when it was opened, never a later one: once that process has gone its
 * reads fail (ESRCH), and the pid, if listed again, is opened afresh.
 */
export class KeptProcFiles {
  private readonly fds = new Map<number, number>();
  private readonly buf: Buffer;
  private length = 0;

  /** `bytes`: the largest file read whole; a longer one reads as unreadable (null). */
  constructor(
    private readonly root: string,
    private readonly name: string,
    private readonly maxKept: number,
    bytes = 64,
  ) {
    this.buf = Buffer.allocUnsafe(bytes);
  }

  /** Reads the file of `pid` into the buffer; false when it cannot be read. */
  private load(pid: number): boolean {
    const kept = this.fds.get(pid);
    if (kept !== undefined) {
      if (this.pread(kept)) return true;
      // That process has gone; the pid may name a new one now.
      this.drop(pid, kept);
    }
    let fd: number;
    try {
      fd = openSync(`${this.root}/${pid}/${this.name}`, "r");
    } catch {
      return false;
    }
    const ok = this.pread(fd);
    if (ok && this.fds.size < this.maxKept) this.fds.set(pid, fd);
    else closeSync(fd);
    return ok;
  }

  private pread(fd: number): boolean {
    try {
      this.length = readSync(fd, this.buf, 0, this.buf.length, 0);
      // A file that fills the buffer may go on: not read whole, so not read here.
      return this.length < this.buf.length;
    } catch {
      return false;
    }
  }

  private drop(pid: number, fd: number): void {
    this.fds.delete(pid);
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing to release.
    }
  }

  /** The file as one decimal integer (oom_score), parsed from the bytes; null if not. */
  int(pid: number): number | null {
    if (!this.load(pid)) return null;
    const b = this.buf;
    let i = 0;
    let end = this.length;
    while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x20)) end--;
    const negative = b[0] === 0x2d;
    if (negative) i = 1;
    if (i === end || end - i > 15) return null;
    let n = 0;
    for (; i < end; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) return null;
      n = n * 10 + d;
    }
    return negative ? -n : n;
  }

  /** The file's text (latin1), or null. */
  text(pid: number): string | null {
    return this.load(pid) ? this.buf.toString("latin1", 0, this.length) : null;
  }

  /** Opens the files of `pids` ahead of the first choice, while memory is plentiful. */
  prime(pids: readonly number[]): void {
    for (const pid of pids) {
      if (this.fds.size >= this.maxKept) return;
      if (this.fds.has(pid)) continue;
      try {
        this.fds.set(pid, openSync(`${this.root}/${pid}/${this.name}`, "r"));
      } catch {
        // Gone already, or not readable: read once when a choice needs it.
      }
    }
  }

  /** Closes the descriptors of processes no longer listed. */
  prune(listed: ReadonlySet<number>): void {
    for (const [pid, fd] of this.fds) if (!listed.has(pid)) this.drop(pid, fd);
  }

  get kept(): number {
    return this.fds.size;
  }

  close(): void {
    for (const [pid, fd] of this.fds) this.drop(pid, fd);
  }
}

/** The files a full read of a shortlisted process reads, kept open across choices. */
export interface FullFiles {
  stat: KeptProcFiles;
  status: KeptProcFiles;
  adj: KeptProcFiles;
}

/** The per-process files a first look reads, kept open across choices. */
interface GlanceFiles {
  scores: KeptProcFiles;
  comms: KeptProcFiles;
  full: FullFiles;
  /** Reused from one choice to the next: pids and their scores (NaN when unknown). */
  pids: Int32Array;
  values: Float64Array;
}

function keptOf(files: GlanceFiles): KeptProcFiles[] {
  return [files.scores, files.comms, files.full.stat, files.full.status, files.full.adj];
}

/** Without rules: every score into reused typed arrays, then the shortlist of them. */
function glanceScores(
  files: GlanceFiles,
  pids: readonly number[],
  keep: number,
  protectedPids: ReadonlySet<number>,
): Set<number> {
  if (files.pids.length < pids.length) {
    files.pids = new Int32Array(pids.length * 2);
    files.values = new Float64Array(pids.length * 2);
  }
  let n = 0;
  for (const pid of pids) {
    if (pid === 1 || protectedPids.has(pid)) continue;
    files.pids[n] = pid;
    files.values[n] = files.scores.int(pid) ?? Number.NaN;
    n++;
  }
  return shortlistOfScores(files.pids, files.values, n, keep);
}

/** One small read per process (oom_score, and the fields rules need), then the shortlist. */
async function glanceAll(
  fs: ProcFs,
  files: GlanceFiles,
  pids: readonly number[],
  opts: ListerOptions,
  protectedPids: ReadonlySet<number>,
): Promise<Set<number>> {
  if (opts.rules.length === 0) {
    return glanceScores(files, pids, opts.shortlist ?? pids.length, protectedPids);
  }
  const glances: Glance[] = [];
  for (const pid of pids) {
    const score = files.scores.int(pid);
    let tier: Tier = 1;
    let excluded = pid === 1 || protectedPids.has(pid);
    if (opts.rules.length > 0 && !excluded) {
      const comm = files.comms.text(pid)?.replace(/\n$/, "") ?? null;
      const extras = opts.need.size === 0 ? NO_EXTRAS : await extrasOf(fs, pid, opts.need);
      const verdict = judge(opts.rules, glanceCandidate(pid, comm, extras));
      tier = verdict.tier;
      excluded = verdict.excluded !== null;
    }
    glances.push({ pid, score, tier, excluded });
  }
  return shortlist(glances, opts.shortlist ?? glances.length);
}

export interface ListerOptions {
  fs: ProcFs;
  /** Only these processes (a cgroup's), or every process under /proc. */
  cgroup: GuardedCgroup | null;
  /** Per-process files beyond stat and status that rules or the scope need. */
  need: ReadonlySet<"cmdline" | "exe" | "cgroup">;
  bits: 32 | 64;
  /** The guard's own pid. */
  selfPid: number;
  /**
   * Read only this many processes in full, chosen by the kernel's oom_score (valid for
   * the modern policy on the running kernel; see shortlist.ts); null reads every one.
   */
  shortlist: number | null;
  /** The rules, when a shortlist must respect their ranks and exclusions. */
  rules: readonly Rule[];
}

export interface ProcessLister {
  list(reading: Reading): Promise<CandidateList>;
  identify(pid: number): Promise<Identity | null>;
  pageSizeBytes: number;
  /** Closes the descriptors kept across choices. */
  close(): void;
}

/** The numeric names of a /proc listing, without a regular expression per name. */
function pidsOf(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 0x31 || c > 0x39 || name.length > 10) continue;
    const pid = Number(name);
    if (Number.isInteger(pid)) out.push(pid);
  }
  return out;
}

async function ancestorsOf(fs: ProcFs, pid: number): Promise<Set<number>> {
  const out = new Set<number>([pid]);
  let cur = pid;
  for (let i = 0; i < 4096 && cur > 1; i++) {
    const text = await fs.readText(`${cur}/stat`);
    const stat = text === null ? null : parseStat(text);
    if (stat === null) break;
    cur = stat.ppid;
    if (cur > 0) out.add(cur);
  }
  return out;
}

async function extrasOf(
  fs: ProcFs,
  pid: number,
  need: ReadonlySet<"cmdline" | "exe" | "cgroup">,
): Promise<CandidateExtras> {
  const cmdline = need.has("cmdline") ? await fs.readText(`${pid}/cmdline`) : null;
  let exe: string | null = null;
  if (need.has("exe")) {
    try {
      exe = readlinkSync(join(fs.root, String(pid), "exe"));
    } catch {
      exe = null;
    }
  }
  const cgroupText = need.has("cgroup") ? await fs.readText(`${pid}/cgroup`) : null;
  return {
    cmdline: cmdline === null ? null : cmdline.replace(/\0+$/, "").replace(/\0/g, " "),
    exe,
    cgroup: cgroupText === null ? null : cgroupPathOf(cgroupText),
  };
}

export async function makeLister(opts: ListerOptions): Promise<ProcessLister> {
  const { fs } = opts;
  const pids = pidsOf((await fs.list("")) ?? []);
  const pageSizeBytes = await readPageSize(fs, pids.slice(0, 8), []);
  const selfStatus = await fs.readText("self/status");
  const nspid = selfStatus === null ? null : parseStatus(selfStatus).nspid;
  const initialPidNs = nspid === null || nspid.length === 1;
  const machine = { pageSizeBytes, userHz: USER_HZ, initialPidNs };
  const protectedPids = await ancestorsOf(fs, opts.selfPid);
  const glancing = opts.shortlist !== null && !opts.rules.some((r) => r.field === "uid");
  let files: GlanceFiles | null = null;
  if (glancing) {
    const budget = keptFileBudget(await fs.readText("self/limits"));
    files = {
      scores: new KeptProcFiles(fs.root, "oom_score", budget),
      comms: new KeptProcFiles(fs.root, "comm", opts.rules.length > 0 ? budget : 0),
      // Only the shortlisted are read in full: a few dozen at most over a while.
      full: {
        stat: new KeptProcFiles(fs.root, "stat", 256, 4096),
        status: new KeptProcFiles(fs.root, "status", 256, 8192),
        adj: new KeptProcFiles(fs.root, "oom_score_adj", 256),
      },
      pids: new Int32Array(pids.length * 2),
      values: new Float64Array(pids.length * 2),
    };
    // Opened now, so that the first choice under pressure reads and does not open.
    files.scores.prime(opts.cgroup === null ? pids : cgroupPids(opts.cgroup.path));
  }
  let choices = 0;
  return {
    pageSizeBytes,
    async list(reading) {
      const scope =
        opts.cgroup === null ? pidsOf((await fs.list("")) ?? []) : cgroupPids(opts.cgroup.path);
      let wanted = scope;
      if (files !== null) {
        // Descriptors of processes gone since are closed now and then, or at once when
        // more are kept than there are processes.
        if (++choices % 16 === 0 || files.scores.kept > scope.length) {
          const listed = new Set(scope);
          for (const f of keptOf(files)) f.prune(listed);
        }
        wanted = [...(await glanceAll(fs, files, scope, opts, protectedPids))];
      }
      const candidates: GuardCandidate[] = [];
      for (const pid of wanted) {
        const p = await readGuardProcess(fs, pid, files?.full ?? null);
        if (p === null) continue;
        const extras = opts.need.size === 0 ? undefined : await extrasOf(fs, pid, opts.need);
        candidates.push(candidateOfProcess(p, machine, extras));
      }
      candidates.sort((a, b) =>
        a.startTicks !== b.startTicks
          ? a.startTicks < b.startTicks
            ? -1
            : 1
          : a.view.pid - b.view.pid,
      );
      const uptime = parseUptime((await fs.readText("uptime")) ?? "") ?? 0n;
      const page = BigInt(pageSizeBytes);
      const c = reading.cgroup;
      // The modern score is relative to what the OOM killer would compare with: the
      // cgroup's limit when one is guarded, else RAM + swap (modern-oom §4.2). A guard
      // that polls no meminfo reads it here, when it chooses.
      const m = reading.memory ?? parseMemoryReading((await fs.readText("meminfo")) ?? "");
      const totalBytes =
        c !== null && c.limitBytes !== null
          ? c.limitBytes
          : m === null
            ? 0
            : m.totalBytes + m.swapTotalBytes;
      return {
        candidates,
        inScope: scope.length,
        ctx: {
          bits: opts.bits,
          hz: USER_HZ,
          uptimeSeconds: uptime,
          totalPages: BigInt(Math.floor(totalBytes)) / page,
          current: -1,
        },
        protectedPids,
        pageSizeBytes,
      };
    },
    async identify(pid) {
      const text = await fs.readText(`${pid}/stat`);
      const stat = text === null ? null : parseStat(text);
      if (stat === null) return null;
      return { startTicks: stat.startTicks, rawComm: stat.comm, state: stat.state };
    },
    close() {
      if (files !== null) for (const f of keptOf(files)) f.close();
    },
  };
}

/** kill(2) on a process or a process group; errors as the guard's outcomes. */
export function sendSignal(target: SignalTarget, signal: Signal): SignalResult {
  const id = target.kind === "process" ? target.pid : -target.pgrp;
  try {
    process.kill(id, signal);
    return "sent";
  } catch (err) {
    const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
    if (code === "ESRCH") return "gone";
    if (code === "EPERM") return "denied";
    return { error: code || String(err) };
  }
}

/** Sets the guard's own oom_score_adj to -1000 where permitted; the value now in force. */
export async function protectSelf(fs: ProcFs): Promise<number | null> {
  try {
    writeFileSync(join(fs.root, "self", "oom_score_adj"), "-1000\n");
  } catch {
    // Lowering needs CAP_SYS_RESOURCE; without it the value stays as it was.
  }
  const text = await fs.readText("self/oom_score_adj");
  return text === null ? null : parseIntFile(text);
}
