/**
 * What `oomkit rank` does once its options are parsed; loaded only when it runs.
 */

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { viewOfLiveProcess } from "../../guard/candidate.js";
import {
  type LiveView,
  readLiveView,
  SNAPSHOT_ASSUMPTIONS,
  snapshotInfos,
} from "../../live/live-rank.js";
import { parseMeminfo } from "../../live/parse-misc.js";
import { nodeProcFs, type ProcFs } from "../../live/procfs.js";
import {
  type ModernContext,
  policyColumns,
  type RankProcessInfo,
  type RankSort,
  rankMachine,
} from "../../live/rank-model.js";
import { oomAdjFromScoreAdj } from "../../policy/modern.js";
import type { CandidateView, PolicyContext } from "../../policy/types.js";
import {
  EXTRA_COLUMNS,
  type ExtraColumn,
  type RankExtras,
  type RankMeta,
  type RankViewOptions,
  rankJson,
  renderRankTable,
  rowSignature,
} from "../../report/rank-table.js";
import type { Snapshot } from "../../snapshot/types.js";
import { refuseWithoutEffect } from "../combinations.js";
import { EXIT_NEGATIVE } from "../exit.js";
import { hzOption, intOption, pidOption, secondsOption } from "../live-options.js";
import { DEFAULT_TABLE_ROWS } from "./rank.js";

export interface RankOpts {
  /** --adj PID=N, repeatable: rank as if PID's oom_score_adj were N. */
  adj?: string[];
  snapshot?: string;
  root: string;
  json?: boolean;
  watch?: string;
  explain?: string;
  check?: boolean;
  hz: string;
  limit?: string;
  current?: string;
  sort: string;
  /** -o/--columns, repeatable: user, cmdline, cgroup (comma-separated). */
  columns?: string[];
  cgroup?: string;
}

/** -o user,cmdline,cgroup as a list in the table's order; unknown names are usage errors. */
export function columnsOption(values: readonly string[]): ExtraColumn[] {
  const asked = new Set<string>();
  for (const v of values) {
    for (const name of v.split(",").map((n) => n.trim().toLowerCase())) {
      if (!(EXTRA_COLUMNS as readonly string[]).includes(name)) {
        throw new UsageError(
          `--columns: expected names from ${EXTRA_COLUMNS.join(", ")}, comma-separated, got "${name}"`,
        );
      }
      asked.add(name);
    }
  }
  return EXTRA_COLUMNS.filter((c) => asked.has(c));
}

/** Where the machine's user names are: /etc/passwd, or etc/passwd beside another /proc tree. */
function passwdPath(root: string): string {
  return root === "/proc" ? "/etc/passwd" : join(dirname(resolve(root)), "etc", "passwd");
}

/** The /sys tree of a /proc tree: /sys, or sys beside another /proc tree. */
function sysRootOf(root: string): string {
  return root === "/proc" ? "/sys" : join(dirname(resolve(root)), "sys");
}

/** What the optional columns show of each listed process, read now. */
async function readExtras(
  fs: ProcFs,
  view: LiveView,
  columns: readonly ExtraColumn[],
  root: string,
): Promise<Map<number, RankExtras>> {
  const { memoryCgroupOf, parsePasswd, readCgroupText, readCmdline } = await import(
    "../../live/read-extras.js"
  );
  let names = new Map<number, string>();
  if (columns.includes("user")) {
    try {
      names = parsePasswd(readFileSync(passwdPath(root), "utf8"));
    } catch {
      // No passwd file: uids are shown as numbers, as ps does for a uid without a name.
    }
  }
  const byPid = new Map(view.machine.processes.map((p) => [p.pid, p]));
  const out = new Map<number, RankExtras>();
  for (const info of view.infos) {
    const uid = byPid.get(info.pid)?.status.uids?.[1] ?? null;
    const cgroupText = columns.includes("cgroup") ? await readCgroupText(fs, info.pid) : null;
    out.set(info.pid, {
      uid,
      user: uid === null ? null : (names.get(uid) ?? null),
      cmdline: columns.includes("cmdline") ? await readCmdline(fs, info.pid) : null,
      cgroup: cgroupText === null ? null : memoryCgroupOf(cgroupText),
    });
  }
  return out;
}

/** oomkit itself and the processes it runs under (its shell, a terminal, ...), by pid. */
function ownProcesses(view: LiveView): Map<number, string> {
  const own = new Map<number, string>();
  const self = view.machine.selfPid;
  if (self === null) return own;
  const parentOf = new Map(view.machine.processes.map((p) => [p.pid, p.stat.ppid]));
  own.set(self, "oomkit");
  let pid = parentOf.get(self);
  while (pid !== undefined && pid > 1 && !own.has(pid)) {
    own.set(pid, "runs oomkit");
    pid = parentOf.get(pid);
  }
  return own;
}

interface Frame {
  /** Every listed process as the policy seam sees it, with the context (live reads only). */
  policyInput?: { views: CandidateView[]; ctx: PolicyContext };
  /** --adj in words, when the frame is a "what if". */
  whatIf?: string;
  /** oomkit and its ancestors, marked in the table (live reads only). */
  own?: Map<number, string>;
  /** The optional columns (live reads only). */
  extras?: RankViewOptions["extras"];
  snapshot: Snapshot;
  infos: RankProcessInfo[];
  modern: ModernContext | null;
  meta: RankMeta;
}

async function readFrame(
  opts: RankOpts,
  hz: number,
  current: number | undefined,
  procFs?: ProcFs,
): Promise<Frame> {
  if (opts.snapshot !== undefined) {
    // The snapshot reader (and its validator) loads only for --snapshot.
    const { loadSnapshotFile } = await import("../snapshots.js");
    const { name, snapshot } = await loadSnapshotFile(opts.snapshot);
    return {
      snapshot,
      infos: snapshotInfos(snapshot),
      modern: null,
      meta: {
        source: "snapshot",
        origin: name,
        kernelVersion: null,
        hz: snapshot.kernel.hz,
        pageSizeBytes: null,
        totalPages: null,
        current: snapshot.current,
        currentPolicy: "as the snapshot says",
        assumptions: [...SNAPSHOT_ASSUMPTIONS],
      },
    };
  }
  const fs = procFs ?? nodeProcFs({ root: opts.root });
  const view: LiveView = await readLiveView(
    fs,
    { hz, current, oomScore: true, cgroup: opts.cgroup, sysRoot: sysRootOf(opts.root) },
    process.arch,
  );
  const columns = columnsOption(opts.columns ?? []);
  const listed = new Set(view.infos.map((i) => i.pid));
  const machine = {
    pageSizeBytes: view.machine.pageSizeBytes,
    userHz: view.machine.userHz,
    initialPidNs: view.machine.initialPidNs,
  };
  const views = view.machine.processes
    .filter((p) => listed.has(p.pid))
    .map((p) => viewOfLiveProcess(p, machine));
  return {
    policyInput: {
      views,
      ctx: {
        bits: view.snapshot.kernel.bits,
        hz: view.machine.userHz,
        uptimeSeconds: view.machine.uptimeSeconds,
        totalPages: view.modern.totalPages,
        current: -1,
        kernelVersion: view.modern.version,
      },
    },
    own: ownProcesses(view),
    extras:
      columns.length === 0
        ? undefined
        : { columns, of: await readExtras(fs, view, columns, opts.root) },
    snapshot: view.snapshot,
    infos: view.infos,
    modern: view.modern,
    meta: {
      source: "live",
      origin: opts.root,
      kernelVersion: view.machine.kernelRelease ?? view.modern.version.join("."),
      hz,
      pageSizeBytes: view.machine.pageSizeBytes,
      totalPages: view.modern.totalPages,
      current: view.snapshot.current,
      currentPolicy: view.currentPolicy,
      assumptions: view.assumptions,
      ...(opts.cgroup === undefined ? {} : { cgroup: opts.cgroup }),
      ...(view.totalPagesSource === undefined ? {} : { totalPagesSource: view.totalPagesSource }),
    },
  };
}

function sortOption(value: string): RankSort {
  if (value === "modern" || value === "2620") return value;
  throw new UsageError(`--sort must be "modern" or "2620", got "${value}"`);
}

/** What --watch carries from one frame to the next. */
interface WatchState {
  intervalSeconds: number;
  last: Map<number, string> | null;
  /** One reader for every frame, keeping the files it reads open between frames. */
  fs: ProcFs;
}

/** The --watch header: time, interval, load averages and memory, as top's first lines. */
async function watchHeader(opts: RankOpts, seconds: number): Promise<string> {
  const fs = nodeProcFs({ root: opts.root });
  const load = (await fs.readText("loadavg"))?.split(" ").slice(0, 3).join(" ") ?? "?";
  const mem = parseMeminfo((await fs.readText("meminfo")) ?? "");
  const gib = (kb: bigint | undefined) =>
    kb === undefined ? "?" : `${(Number(kb) / 1024 / 1024).toFixed(1)} GiB`;
  const time = new Date().toTimeString().slice(0, 8);
  return `oomkit rank  ${time}  every ${seconds} s  load ${load}  MemAvailable ${gib(mem.get("MemAvailable"))} of ${gib(mem.get("MemTotal"))}`;
}

/** --adj PID=N values, checked: a pid and an oom_score_adj from -1000 to 1000. */
export function adjustments(values: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of values) {
    const m = /^(\d+)=(-?\d+)$/.exec(v.trim());
    if (m === null) throw new UsageError(`--adj must be PID=N, such as 1234=500, got "${v}"`);
    const pid = pidOption("--adj", m[1]!);
    out.set(pid, intOption("--adj", m[2]!, -1000, 1000));
  }
  return out;
}

/**
 * The frame as if each pid's oom_score_adj were the given value ("what if"): the modern
 * input takes it as it is, 2.6.20 its oomkilladj equivalent (as writing oom_score_adj
 * sets oom_adj). A pid that is not listed is a usage error.
 */
function whatIf(f: Frame, adj: ReadonlyMap<number, number>): Frame {
  if (adj.size === 0) return f;
  for (const pid of adj.keys()) {
    if (!f.infos.some((i) => i.pid === pid)) {
      throw new UsageError(`--adj ${pid}=...: no process ${pid} is listed`);
    }
  }
  const infos = f.infos.map((i) => {
    const v = adj.get(i.pid);
    if (v === undefined) return i;
    return {
      ...i,
      oomScoreAdj: v,
      modern: i.modern === null ? null : { ...i.modern, oomScoreAdj: v },
    };
  });
  const tasks = f.snapshot.tasks.map((t) => {
    const v = adj.get(t.tgid);
    return v === undefined ? t : { ...t, oomkilladj: oomAdjFromScoreAdj(v) };
  });
  const what = [...adj].map(([pid, v]) => `${pid}=${v}`).join(", ");
  return {
    ...f,
    infos,
    snapshot: { ...f.snapshot, tasks },
    meta: { ...f.meta, assumptions: [...f.meta.assumptions, `what if: oom_score_adj ${what}`] },
    whatIf: what,
  };
}

async function renderFrame(
  opts: RankOpts,
  hz: number,
  current: number | undefined,
  watch?: WatchState,
) {
  const frame = await readFrame(opts, hz, current, watch?.fs);
  watch?.fs.endScan?.();
  const f = whatIf(frame, adjustments(opts.adj ?? []));
  const report = rankMachine(f.snapshot, f.infos, f.modern, {
    terms: opts.explain !== undefined,
  });
  if (f.policyInput !== undefined) {
    const { views, ctx } = f.policyInput;
    report.policies = policyColumns(views, ctx, new Set(["2.6.20", "modern"]));
  }
  if (opts.explain !== undefined) {
    const { explainJson, renderExplain } = await import("../../report/rank-explain.js");
    const doc = explainJson(
      pidOption("--explain", opts.explain),
      report,
      f.infos,
      f.modern,
      f.meta,
    );
    return opts.json ? `${JSON.stringify(doc)}\n` : renderExplain(doc);
  }
  const sort = f.modern === null ? "2620" : sortOption(opts.sort);
  if (opts.json) {
    const limit = opts.limit === undefined ? null : limitOf(opts.limit);
    return `${JSON.stringify(rankJson(report, f.meta, { sort, limit, extras: f.extras }))}\n`;
  }
  const limit = opts.limit === undefined ? DEFAULT_TABLE_ROWS : limitOf(opts.limit);
  const { colourFor, painter } = await import("../colour.js");
  const paint = painter(colourFor(process.stdout));
  const own = f.own;
  const extras = f.extras;
  const width = process.stdout.isTTY ? (process.stdout.columns ?? 80) : columnsEnv();
  const whatIfLine =
    f.whatIf === undefined ? undefined : `what if: oom_score_adj ${f.whatIf} (--adj)`;
  if (watch === undefined) {
    return renderRankTable(report, f.meta, {
      sort,
      limit,
      paint,
      own,
      header: whatIfLine,
      extras,
      width,
    });
  }
  const now = new Map(report.rows.map((r) => [r.pid, rowSignature(r)]));
  const changed = new Set<number>();
  if (watch.last !== null) {
    for (const [pid, sig] of now) if (watch.last.get(pid) !== sig) changed.add(pid);
  }
  watch.last = now;
  const header = [await watchHeader(opts, watch.intervalSeconds), whatIfLine]
    .filter((l) => l !== undefined)
    .join("\n");
  return renderRankTable(report, f.meta, {
    sort,
    limit,
    paint,
    changed,
    header,
    own,
    extras,
    width,
  });
}

/** COLUMNS, when a pipe's reader sets it; otherwise a pipe gets the whole command line. */
function columnsEnv(): number | null {
  const n = Number(process.env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function limitOf(value: string): number | null {
  const n = intOption("--limit", value, 0, 10_000_000);
  return n === 0 ? null : n;
}

/** Refuses the options that conflict with, or do nothing in, the mode chosen. */
function checkCombinations(opts: RankOpts, cmd: Command): void {
  if (opts.check) {
    if (opts.snapshot !== undefined || opts.watch !== undefined || opts.explain !== undefined) {
      throw new UsageError(
        "--check reads the live /proc; it cannot be combined with --snapshot, --watch or --explain",
      );
    }
    if (opts.cgroup !== undefined) {
      throw new UsageError(
        "--check cannot be combined with --cgroup: /proc/PID/oom_score is always relative to the machine's memory, a memcg OOM's points to the cgroup's limit (rank --cgroup shows both)",
      );
    }
    refuseWithoutEffect(
      cmd,
      "--check",
      {
        hz: "--hz",
        current: "--current",
        limit: "--limit",
        sort: "--sort",
        adj: "--adj",
        columns: "--columns",
      },
      "it compares the modern policy with the kernel's /proc/PID/oom_score, nothing else",
    );
    return;
  }
  if (opts.explain !== undefined) {
    if (opts.watch !== undefined) {
      throw new UsageError(
        "--explain PID explains one process once; it cannot be combined with --watch",
      );
    }
    refuseWithoutEffect(
      cmd,
      "--explain",
      { limit: "--limit", sort: "--sort", columns: "--columns" },
      "it explains one process, not a table",
    );
  }
  if (opts.snapshot !== undefined) {
    if (opts.snapshot === "-" && opts.watch !== undefined) {
      throw new UsageError(
        "--watch reads the snapshot again for every frame; standard input ('-') can be read only once",
      );
    }
    refuseWithoutEffect(
      cmd,
      "--snapshot",
      {
        root: "--root",
        hz: "--hz",
        current: "--current",
        sort: "--sort",
        columns: "--columns",
        cgroup: "--cgroup",
      },
      "a snapshot is read from its file, not /proc, with its own HZ and current task, and has only 2.6.20 scores (no command lines, no cgroups)",
    );
  }
}

async function runCheck(opts: RankOpts): Promise<void> {
  const { checkOomScores } = await import("../../live/check.js");
  const { checkJson, renderCheck } = await import("../../report/rank-explain.js");
  const report = await checkOomScores(nodeProcFs({ root: opts.root }));
  process.stdout.write(
    opts.json ? `${JSON.stringify(checkJson(report), null, 2)}\n` : renderCheck(report),
  );
  if (report.mismatches.length > 0) process.exitCode = EXIT_NEGATIVE;
}

export async function runRank(opts: RankOpts, cmd: Command): Promise<void> {
  checkCombinations(opts, cmd);
  if (opts.check) return runCheck(opts);
  const hz = hzOption(opts.hz);
  const current = opts.current === undefined ? undefined : pidOption("--current", opts.current);
  sortOption(opts.sort);
  if (opts.limit !== undefined) limitOf(opts.limit);
  if (opts.explain !== undefined) pidOption("--explain", opts.explain);
  columnsOption(opts.columns ?? []);
  if (opts.cgroup !== undefined && !opts.cgroup.startsWith("/")) {
    throw new UsageError(
      `--cgroup: expected a path as /proc/PID/cgroup shows it, such as /system.slice/cron.service, got "${opts.cgroup}"`,
    );
  }
  if (opts.watch === undefined) {
    process.stdout.write(await renderFrame(opts, hz, current));
    return;
  }
  const seconds = secondsOption("--watch", opts.watch);
  const out = {
    isTTY: process.stdout.isTTY && !opts.json,
    write: (t: string) => process.stdout.write(t),
  };
  const state: WatchState = {
    intervalSeconds: seconds,
    last: null,
    fs: nodeProcFs({ root: opts.root, keepOpen: true }),
  };
  const { watchLoop } = await import("../watch.js");
  await watchLoop(seconds, () => renderFrame(opts, hz, current, state), out);
}
