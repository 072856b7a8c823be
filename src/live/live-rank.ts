/**
 * Glue for `oomkit rank` and `oomkit snapshot`: read a machine (or take a snapshot file)
 * and produce the snapshot, the per-process extras and the ranking.
 */
import { ProcError, UsageError } from "../errors.js";
import type { KernelVersion } from "../policy/modern.js";
import type { Snapshot } from "../snapshot/types.js";
import { parseIntFile } from "./parse-misc.js";
import { displayName, type ProcFs } from "./procfs.js";
import {
  type ModernContext,
  type RankProcessInfo,
  type RankReport,
  rankMachine,
} from "./rank-model.js";
import { inCgroup, memoryCgroupOf, readCgroupText } from "./read-extras.js";
import { type LiveMachine, readMachine } from "./read-machine.js";
import { toModernTask } from "./to-modern.js";
import { liveToSnapshot } from "./to-snapshot.js";

export interface LiveReadOptions {
  hz: number;
  current?: number;
  oomScore?: boolean;
  /** Rank only the processes of this memory cgroup and below (a path of /proc/PID/cgroup). */
  cgroup?: string;
}

export interface LiveView {
  machine: LiveMachine;
  snapshot: Snapshot;
  infos: RankProcessInfo[];
  modern: ModernContext;
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
  const names = await fs.list("");
  if (names === null) {
    throw new ProcError({ path: fs.root, code: "ENOENT", message: `${fs.root}: cannot list` });
  }
  const whole = await readMachine(fs, { oomScore: opts.oomScore ?? true, names });
  const machine = opts.cgroup === undefined ? whole : await onlyCgroup(fs, whole, opts.cgroup);
  const panicText = await fs.readText("sys/vm/panic_on_oom");
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
    modern: { totalPages: machine.totalPages, version },
    currentPolicy: live.currentPolicy,
    assumptions: [
      ...machine.assumptions,
      ...live.assumptions,
      ...(opts.cgroup === undefined
        ? []
        : [
            `only memory cgroup ${opts.cgroup} and below (${machine.processes.length} of ${whole.processes.length} processes); the modern scores stay relative to the machine's memory, not the cgroup's limit`,
          ]),
    ],
  };
}

/** The machine with only the processes of memory cgroup `wanted` (and below). */
async function onlyCgroup(fs: ProcFs, machine: LiveMachine, wanted: string): Promise<LiveMachine> {
  const kept = [];
  for (const p of machine.processes) {
    const text = await readCgroupText(fs, p.pid);
    const path = text === null ? null : memoryCgroupOf(text);
    if (path !== null && inCgroup(path, wanted)) kept.push(p);
  }
  if (kept.length === 0) {
    throw new UsageError(`--cgroup ${wanted}: no process of ${fs.root} is in that memory cgroup`);
  }
  return { ...machine, processes: kept };
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
