import { describe, expect, it } from "vitest";
import { replayEvent } from "./analyse.js";
import { parseOomReports } from "./segment.js";

const HEAD = [
  "app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
  "memory: usage 400000kB, limit 400000kB, failcnt 1",
  "Tasks state (memory values in pages):",
  "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
];
const row = (pid: number, rss: number, adj = 0, comm = "app") =>
  `[${String(pid).padStart(7)}]  1000 ${pid}  ${rss * 2}  ${rss}  8192  0  ${adj} ${comm}`;
const killed = (pid: number, comm = "app") =>
  `Memory cgroup out of memory: Killed process ${pid} (${comm}) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8kB oom_score_adj:0`;

function replay(lines: string[], version?: readonly [number, number, number]) {
  return replayEvent(
    parseOomReports(lines.join("\n"))[0],
    version ? { kernelVersion: version } : {},
  );
}

describe("replaying a report (modern-oom §1, §6.4)", () => {
  it("§1.2 points per task and the predicted victim, matching the kernel", () => {
    const r = replay(
      [...HEAD, row(10, 5000), row(11, 9000), row(12, 100, 1000), killed(12)],
      [6, 1, 0],
    );
    expect(r.scoringTotalPages).toBe(100000n);
    expect(r.tasks.map((t) => [t.pid, t.points])).toEqual([
      [10, 5002n],
      [11, 9002n],
      [12, 100102n],
    ]);
    expect([r.predicted, r.actual, r.match, r.predictedBy]).toEqual([
      { pid: 12, comm: "app" },
      { pid: 12, comm: "app" },
      true,
      "modern",
    ]);
  });

  it("§6.4 a kernel victim other than the prediction is reported with both scores", () => {
    const r = replay([...HEAD, row(10, 5000), row(11, 9000), killed(10)], [6, 1, 0]);
    expect(r.match).toBe(false);
    expect(r.notes.join(" ")).toContain("victim 5002");
  });

  it("§1.4 ties: 5.9+ the last scanned, before the first; an ambiguous range says so", () => {
    const lines = [...HEAD, row(10, 5000), row(11, 5000), killed(11)];
    expect(replay(lines, [5, 10, 0]).predicted?.pid).toBe(11);
    expect(replay(lines, [5, 8, 0]).predicted?.pid).toBe(10);
    const inferred = replay(lines.slice(1));
    expect(inferred.kernel.source).toBe("formats");
    expect(
      inferred.eras.map((x) => [x.era, x.version.join("."), x.victim?.pid, x.explains]),
    ).toEqual([
      ["4.17-5.8", "5.4.0", 10, false],
      ["5.9+", "5.9.0", 11, true],
    ]);
    expect(inferred.verdict).toContain(
      "no release printed, the formats allow 5.4 .. 6.7: 5.9+ explains the kernel's choice, not 4.17-5.8 (10 (app))",
    );
  });

  it("§6.4 before 5.1 the selected task is the kernel's victim, a sacrificed child is shown apart", () => {
    const r = replay(
      [
        ...HEAD,
        row(10, 5000),
        row(11, 9000),
        "Memory cgroup out of memory: Kill process 11 (app) score 90 or sacrifice child",
        "Killed process 12 (helper) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
      ],
      [4, 14, 0],
    );
    expect([r.actual, r.killedInstead, r.match]).toEqual([
      { pid: 11, comm: "app" },
      { pid: 12, comm: "helper" },
      true,
    ]);
    expect(r.actualFrom).toContain("Kill process");
    expect(r.notes.some((n) => n.includes("printed score"))).toBe(false);
  });

  it("§6.4 the printed pre-4.19 score checks the totalpages used", () => {
    const r = replay(
      [
        ...HEAD,
        row(11, 9000),
        "Memory cgroup out of memory: Kill process 11 (app) score 300 or sacrifice child",
      ],
      [4, 14, 0],
    );
    expect(r.notes.join(" ")).toContain("printed score 300");
  });

  it("§1.3 a memcg limit printed as unlimited: totalpages estimated from the usage, said to be a guess", () => {
    const r = replay(
      [
        HEAD[0]!,
        "memory: usage 400000kB, limit 9007199254740988kB, failcnt 0",
        ...HEAD.slice(2),
        row(10, 5000),
        row(11, 3000, 500),
        killed(11),
      ],
      [6, 1, 0],
    );
    expect(r.total.totalPages).toBeNull();
    expect(r.scoringTotalPages).toBe(100000n);
    expect(r.totalEstimate).toContain("the memcg's usage, 400000 kB");
    expect(r.totalEstimate).toContain("a guess");
  });

  it("§1.3 unknown totalpages: the adj term uses the tasks' own total, and says so", () => {
    const r = replay(
      [HEAD[0], ...HEAD.slice(2), row(10, 5000), row(11, 3000, 500), killed(11)],
      [6, 1, 0],
    );
    expect(r.total.totalPages).toBeNull();
    expect(r.scoringTotalPages).toBe(8000n);
    expect(r.assumptions.some((a) => a.startsWith("totalpages estimated"))).toBe(true);
    expect(r.totalEstimate).toContain("the listed tasks' rss + swap");
    expect(r.verdict).toContain("the limit is not in the report, so totalpages is estimated");
    expect(r.predicted?.pid).toBe(11);
  });

  it("§2 before 2.6.36 the prediction is 2.6.20's badness, with its assumptions", () => {
    const r = replay([
      "db invoked oom-killer: gfp_mask=0x201da, order=0, oomkilladj=0",
      "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name",
      "[  100]     0   100   900000   300000   0       0 rootjob",
      "[  200]  1000   200   400000   200000   1       0 userjob",
      "[  300]  1000   300   100000    20000   1       2 adjusted",
      "Out of memory: kill process 300 (adjusted) score 400000 or a child",
      "Killed process 300 (adjusted)",
    ]);
    expect(r.tasks.map((t) => t.badness2620)).toEqual([225000n, 400000n, 400000n]);
    expect([r.predicted?.pid, r.predictedBy, r.match]).toEqual([200, "badness-2.6.20", false]);
    expect(r.ranking2620.adjFrom).toContain("oom_adj column");
  });

  it("§1.4 vm.oom_kill_allocating_task: the allocating task is the prediction", () => {
    const r = replay([
      HEAD[0],
      "CPU: 0 PID: 10 Comm: app Not tainted 6.1.0 #1",
      ...HEAD.slice(1),
      row(10, 100),
      row(11, 9000),
      "Out of memory (oom_kill_allocating_task): Killed process 10 (app) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:8kB oom_score_adj:0",
    ]);
    expect([r.predicted?.pid, r.predictedBy, r.match]).toEqual([
      10,
      "oom_kill_allocating_task",
      true,
    ]);
  });

  it("§1.1 adj -1000 and pid 1 are never predicted", () => {
    const r = replay(
      [...HEAD, row(1, 90000), row(10, 9000, -1000), row(11, 10), killed(11)],
      [6, 1, 0],
    );
    expect(r.tasks.map((t) => t.points)).toEqual([null, null, 12n]);
    expect(r.predicted?.pid).toBe(11);
  });
});
