/**
 * `oomkit rank` over generated fake /proc trees of 1,000 and 10,000 processes, reading
 * included: read every file, build the 2.6.20 snapshot, score both policies, pick both
 * victims, render the JSON. Target: at most 50 ms per 1,000 processes.
 *
 * Side by side with a native C reader of the same files (bench/native/procscan.c, gcc
 * -O2) over the same 1,000-process tree: the whole `oomkit rank --json` command against
 * the native whole command (target within 4.5x), and one refresh in a warm process (what
 * `rank --watch` does each frame) against one native scan (target within 1.5x).
 *
 * Beside them, the floor of any Node program on this machine: bench/proc-floor.ts, the same
 * reads as the native reader and nothing else, as a whole command.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeMachine, type FakeProcess, writeFakeProc } from "../src/live/fake-tree.js";
import { readLiveView } from "../src/live/live-rank.js";
import { nodeProcFs, type ProcFs } from "../src/live/procfs.js";
import { rankMachine } from "../src/live/rank-model.js";
import { readMachine } from "../src/live/read-machine.js";
import { rankJson } from "../src/report/rank-table.js";
import { nativeProgram } from "./native.js";
import { spawnMs } from "./spawn.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const FLOOR = join(import.meta.dirname, "proc-floor.js");

/** A deterministic machine: a process tree with some kernel threads and threaded processes. */
export function benchMachine(count: number): FakeMachine {
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const processes: FakeProcess[] = [];
  const children = new Map<number, number[]>();
  let pid = 1;
  for (let i = 0; i < count; i++) {
    const kthread = i > 0 && i % 20 === 1;
    const parentPid = i === 0 ? 0 : kthread ? 2 : processes[next(i)]!.pid;
    const me = pid;
    const threads = i % 10 === 3 ? [me + 1, me + 2, me + 3].map((tid) => ({ tid })) : [];
    pid += 1 + threads.length;
    if (parentPid !== 0) children.set(parentPid, [...(children.get(parentPid) ?? []), me]);
    processes.push({
      pid: me,
      ppid: parentPid,
      comm: kthread ? `kworker/${i}` : `proc-${i}`,
      kthread,
      uid: i % 3 === 0 ? 0 : 1000,
      rssPages: 100 + next(50_000),
      vsizePages: 1000 + next(500_000),
      pteKb: 4 * (1 + next(200)),
      oomScoreAdj: i % 7 === 0 ? next(1000) : 0,
      oomScore: 666,
      utimeTicks: next(100_000),
      stimeTicks: next(10_000),
      startTicks: 100 + i,
      threads,
    });
  }
  for (const p of processes) p.children = children.get(p.pid) ?? [];
  return { memTotalKb: 16_000_000, processes };
}

/**
 * Wall-clock and CPU milliseconds of one full ranking: with a fresh reader, as one
 * `rank` command reads, or with the one reader that `rank --watch` keeps for every frame.
 */
async function rankOnce(root: string, kept?: ProcFs): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const view = await readLiveView(kept ?? nodeProcFs({ root }), { hz: 250 }, "x64");
  kept?.endScan?.();
  const report = rankMachine(view.snapshot, view.infos, view.modern, { terms: false });
  const meta = {
    source: "live" as const,
    origin: root,
    kernelVersion: view.machine.kernelRelease,
    hz: 250,
    pageSizeBytes: view.machine.pageSizeBytes,
    totalPages: view.modern.totalPages,
    current: view.snapshot.current,
    currentPolicy: view.currentPolicy,
    assumptions: view.assumptions,
  };
  JSON.stringify(rankJson(report, meta, { sort: "modern", limit: null }));
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The target of the issue: at most 50 ms per 1,000 processes, reading included. */
const TARGET_MS_PER_1000 = 50;

type Row = { name: string; value: number; unit: string; target?: number };

function spawnOk(cmd: string, args: string[]): { wall: number; cpu: number } {
  const r = spawnMs(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}`);
  return r;
}

/** The whole commands and the warm refresh against the native reader, on one tree. */
async function nativeRows(root: string): Promise<Row[]> {
  const scanner = nativeProgram("procscan");
  const runs = 9;
  const node: { wall: number; cpu: number }[] = [];
  const native: { wall: number; cpu: number }[] = [];
  const rank: { wall: number; cpu: number }[] = [];
  const floor: { wall: number; cpu: number }[] = [];
  // Interleaved, so that a busy moment of the machine falls on all four alike.
  for (let i = 0; i < runs; i++) {
    node.push(spawnOk(process.execPath, ["-e", "0"]));
    native.push(spawnOk(scanner, [root]));
    floor.push(spawnOk(process.execPath, [FLOOR, root]));
    rank.push(spawnOk(process.execPath, [CLI, "rank", "--json", "--root", root]));
  }
  const scans = 15;
  const nativeScan = (): number => {
    const out = execFileSync(scanner, [root, String(scans)], { encoding: "utf8" });
    return Number(out.split(" ")[0]) / 1e6;
  };
  const fs = nodeProcFs({ root });
  const wall = (xs: { wall: number }[]) => median(xs.map((x) => x.wall));
  const cpu = (xs: { cpu: number }[]) => median(xs.map((x) => x.cpu));
  const best = async (f: () => Promise<unknown>): Promise<number> => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < scans; i++) {
      const t0 = performance.now();
      await f();
      min = Math.min(min, performance.now() - t0);
    }
    return min;
  };
  const watchFs = nodeProcFs({ root, keepOpen: true });
  for (let i = 0; i < 3; i++) await rankOnce(root, watchFs);
  const scan1 = nativeScan();
  const refresh = await best(async () => (await rankOnce(root, watchFs)).wall);
  const freshRefresh = await best(async () => (await rankOnce(root)).wall);
  const read = await best(() => readMachine(fs));
  const scan2 = nativeScan();
  const scan = Math.min(scan1, scan2);
  return [
    { name: "node -e 0: wall", value: wall(node), unit: "ms" },
    { name: "native reader, whole command: wall", value: wall(native), unit: "ms" },
    { name: "oomkit rank --json, whole command: wall", value: wall(rank), unit: "ms" },
    {
      name: "node, the same reads and nothing else, whole command: wall",
      value: wall(floor),
      unit: "ms",
    },
    {
      name: "oomkit rank --json / native whole command: wall",
      value: wall(rank) / wall(native),
      unit: "ratio",
      target: 4.5,
    },
    {
      name: "node, the same reads and nothing else / native whole command: wall",
      value: wall(floor) / wall(native),
      unit: "ratio",
    },
    {
      name: "oomkit rank --json / node doing the same reads and nothing else: wall",
      value: wall(rank) / wall(floor),
      unit: "ratio",
    },
    { name: "node -e 0: CPU", value: cpu(node), unit: "ms" },
    { name: "native reader, whole command: CPU", value: cpu(native), unit: "ms" },
    { name: "oomkit rank --json, whole command: CPU", value: cpu(rank), unit: "ms" },
    { name: "native scan, warm (best)", value: scan, unit: "ms" },
    {
      name: "rank --watch refresh, warm: read + score + JSON (best)",
      value: refresh,
      unit: "ms",
    },
    {
      name: "rank --watch refresh / native scan",
      value: refresh / scan,
      unit: "ratio",
      target: 1.5,
    },
    {
      name: "rank refresh, fresh reader (open, read, close each file) / native scan",
      value: freshRefresh / scan,
      unit: "ratio",
    },
    {
      name: "rank read alone, fresh reader (readMachine) / native scan",
      value: read / scan,
      unit: "ratio",
    },
  ];
}

export async function benchRank(): Promise<Row[]> {
  const out: Row[] = [];
  for (const count of [1000, 10_000]) {
    const dir = mkdtempSync(join(tmpdir(), "oomkit-bench-proc-"));
    try {
      writeFakeProc(dir, benchMachine(count));
      if (count === 1000) out.push(...(await nativeRows(dir)));
      // Warm up (JIT, page cache), then time.
      for (let i = 0; i < (count > 1000 ? 1 : 3); i++) await rankOnce(dir);
      const runs: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < (count > 1000 ? 3 : 7); i++) runs.push(await rankOnce(dir));
      const ms = median(runs.map((r) => r.wall));
      const cpu = median(runs.map((r) => r.cpu));
      const label = count.toLocaleString("en-US");
      out.push({ name: `rank ${label} processes (read + score)`, value: ms, unit: "ms" });
      out.push({
        name: `rank per 1,000 processes (${label})`,
        value: (ms * 1000) / count,
        unit: "ms",
        target: TARGET_MS_PER_1000,
      });
      // CPU time is less disturbed than wall time when the machine is busy.
      out.push({
        name: `rank per 1,000 processes, CPU time (${label})`,
        value: (cpu * 1000) / count,
        unit: "ms",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
