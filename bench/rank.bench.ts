/**
 * `oomkit rank` over generated fake /proc trees of 1,000 and 10,000 processes, reading
 * included: read every file, build the 2.6.20 snapshot, score both policies, pick both
 * victims, render the JSON. Target: at most 50 ms per 1,000 processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeMachine, type FakeProcess, writeFakeProc } from "../src/live/fake-tree.js";
import { readLiveView } from "../src/live/live-rank.js";
import { nodeProcFs } from "../src/live/procfs.js";
import { rankMachine } from "../src/live/rank-model.js";
import { rankJson } from "../src/report/rank-table.js";

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

/** Wall-clock and CPU milliseconds of one full ranking. */
async function rankOnce(root: string): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const view = await readLiveView(nodeProcFs({ root }), { hz: 250 }, "x64");
  const report = rankMachine(view.snapshot, view.infos, view.modern);
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

export async function benchRank(): Promise<Row[]> {
  const out: Row[] = [];
  for (const count of [1000, 10_000]) {
    const dir = mkdtempSync(join(tmpdir(), "oomkit-bench-proc-"));
    try {
      writeFakeProc(dir, benchMachine(count));
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
