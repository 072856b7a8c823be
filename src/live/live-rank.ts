/**
 * Glue for `oomkit rank` and `oomkit snapshot`: read a machine (or take a snapshot file)
 * and produce the snapshot, the per-process extras and the ranking.
 */
import { ProcError, UsageError } from "../errors.js";
import type { KernelVersion } from "../policy/modern.js";
import type { Snapshot } from "../snapshot/types.js";
import type { MemcgTotal } from "./memcg-limit.js";
import { parseIntFile } from "./parse-misc.js";
import { displayName, type ProcFs } from "./procfs.js";
import {
  type ModernContext,
  type RankProcessInfo,
  type RankReport,
  rankMachine,
} from "./rank-model.js";
import { type LiveMachine, readMachineSync } from "./read-machine.js";
import { toModernTask } from "./to-modern.js";
import { liveToSnapshot } from "./to-snapshot.js";

export interface LiveReadOptions {
  hz: number;
  current?: number;
  oomScore?: boolean;
  /** Rank only the processes of this memory cgroup and below (a path of /proc/PID/cgroup). */
  cgroup?: string;
  /** The /sys tree whose fs/cgroup holds the cgroup's limit files (--cgroup); null: none. */
  sysRoot?: string | null;
}

export interface LiveView {
  machine: LiveMachine;
  snapshot: Snapshot;
  infos: RankProcessInfo[];
  modern: ModernContext;
  /** --cgroup: where the modern totalpages came from (the cgroup's limit files, or why not). */
  totalPagesSource?: string;
  currentPolicy: string;
  assumptions: string[];
}

/** 64 on 64-bit builds of Node (x64, arm64, ppc64, s390x, riscv64, loong64), else 32. */
export function hostBits(arch: string): 32 | 64 {
  return /64|s390x/.test(arch) ? 64 : 32;
}

export async function readLiveView(
  fs: ProcFs,
  opts: LiveReadOptions,
  arch: string,
): Promise<LiveView> {
  const names = fs.listSync("");
  if (names === null) {
    throw new ProcError({ path: fs.root, code: "ENOENT", message: `${fs.root}: cannot list` });
  }
  const whole = readMachineSync(fs, { oomScore: opts.oomScore ?? true, names });
  const scoped = opts.cgroup === undefined ? null : await onlyCgroup(fs, whole, opts.cgroup);
  const machine = scoped?.machine ?? whole;
  const memcg =
    opts.cgroup === undefined || scoped === null
      ? null
      : await cgroupTotal(fs, whole, opts.cgroup, scoped.version, opts.sysRoot ?? null);
  const panicText = fs.readTextSync("sys/vm/panic_on_oom");
  const panicOnOom = panicText === null ? 0 : (parseIntFile(panicText) ?? 0);
  const live = liveToSnapshot(machine, {
    hz: opts.hz,
    current: opts.current,
    bits: hostBits(arch),
    panicOnOom,
  });
  const listed = new Set(live.snapshot.tasks.map((t) => t.tgid));
  const infos: RankProcessInfo[] = machine.processes
    .filter((p) => listed.has(p.pid))
    .map((p) => ({
      pid: p.pid,
      comm: displayName(p.stat.comm),
      rssPages: p.mm?.rssPages ?? null,
      oomScoreAdj: p.oomScoreAdj,
      kernelOomScore: p.kernelOomScore,
      modern: toModernTask(p, machine),
    }));
  const version: KernelVersion = machine.kernelVersion;
  return {
    machine,
    snapshot: live.snapshot,
    infos,
    modern:
      memcg === null
        ? { totalPages: machine.totalPages, version }
        : { totalPages: memcg.totalPages, version, oomScoreTotalPages: machine.totalPages },
    ...(memcg === null ? {} : { totalPagesSource: memcg.source }),
    currentPolicy: live.currentPolicy,
    assumptions: [
      ...machine.assumptions,
      ...live.assumptions,
      ...(opts.cgroup === undefined
        ? []
        : [
            `only memory cgroup ${opts.cgroup} and below (${machine.processes.length} of ${whole.processes.length} processes)`,
            memcg?.limited
              ? `the modern points are a memcg OOM's of this cgroup, relative to its limit (totalpages ${memcg.totalPages}); OOM_SCORE still predicts /proc/PID/oom_score, always relative to the machine's memory (totalpages ${machine.totalPages})`
              : `the cgroup has no limit of its own to hit (${memcg?.source ?? "?"}): the modern points are relative to the machine's memory, as in a global OOM`,
          ]),
    ],
  };
}

/**
 * The machine with only the processes of memory cgroup `wanted` (and below), and the
 * hierarchy their paths are of: 1 when /proc/PID/cgroup names a v1 `memory` controller.
 */
async function onlyCgroup(
  fs: ProcFs,
  machine: LiveMachine,
  wanted: string,
): Promise<{ machine: LiveMachine; version: 1 | 2 }> {
  // Only --cgroup reads cgroups: their readers load then.
  const { inCgroup, memoryCgroupOf, readCgroupText } = await import("./read-extras.js");
  const kept = [];
  let version: 1 | 2 = 2;
  for (const p of machine.processes) {
    const text = await readCgroupText(fs, p.pid);
    const path = text === null ? null : memoryCgroupOf(text);
    if (path !== null && inCgroup(path, wanted)) {
      kept.push(p);
      if (/^\d+:([^:]*,)?memory(,[^:]*)?:/m.test(text!)) version = 1;
    }
  }
  if (kept.length === 0) {
    throw new UsageError(`--cgroup ${wanted}: no process of ${fs.root} is in that memory cgroup`);
  }
  return { machine: { ...machine, processes: kept }, version };
}

/** The memcg OOM's totalpages for the cgroup, from its limit files under the /sys tree. */
async function cgroupTotal(
  fs: ProcFs,
  machine: LiveMachine,
  path: string,
  version: 1 | 2,
  sysRoot: string | null,
): Promise<MemcgTotal> {
  const swappiness = await fs.readText("sys/vm/swappiness");
  const pageKb = BigInt(machine.pageSizeBytes / 1024);
  const { memcgTotalPages, NoSuchCgroup } = await import("./memcg-limit.js");
  try {
    return memcgTotalPages({
      sysRoot,
      path: path.length > 1 ? path.replace(/\/+$/, "") : path,
      version,
      pageSizeBytes: machine.pageSizeBytes,
      machineTotalPages: machine.totalPages,
      swapPages: machine.swapTotalKb / pageKb,
      vmSwappiness: swappiness === null ? null : parseIntFile(swappiness),
    });
  } catch (err) {
    if (err instanceof NoSuchCgroup) {
      throw new UsageError(`--cgroup ${path}: no memory cgroup ${err.message}`);
    }
    throw err;
  }
}

/** Extras for a snapshot file: names only; the modern policy needs RSS, which it lacks. */
export function snapshotInfos(snapshot: Snapshot): RankProcessInfo[] {
  return snapshot.tasks
    .filter((t) => t.pid === t.tgid)
    .map((t) => ({
      pid: t.pid,
      comm: t.comm,
      rssPages: null,
      oomScoreAdj: null,
      kernelOomScore: null,
      modern: null,
    }));
}

export const SNAPSHOT_ASSUMPTIONS: readonly string[] = [
  "a snapshot holds no RSS, swap, page-table or memory-size figures: the modern columns are empty",
];

export function rankLive(view: LiveView): RankReport {
  return rankMachine(view.snapshot, view.infos, view.modern);
}
