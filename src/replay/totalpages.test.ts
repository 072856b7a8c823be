import { describe, expect, it } from "vitest";
import { parseOomReports } from "./segment.js";
import { totalPagesOf } from "./totalpages.js";

const TAIL = [
  "[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
  "[ 1000]     0  1000    20000    12000       131072        0             0 app",
];

function total(lines: string[], totalSwapKb?: bigint) {
  const e = parseOomReports([...lines, ...TAIL].join("\n"))[0];
  return totalPagesOf(e, { pageSizeBytes: 4096, totalSwapKb });
}

describe("totalpages by constraint (modern-oom §1.3)", () => {
  it("§1.3 memcg v1 without swap room: the memory limit", () => {
    const t = total([
      "memory: usage 98304kB, limit 98304kB, failcnt 1",
      "memory+swap: usage 98304kB, limit 98304kB, failcnt 0",
    ]);
    expect([t.constraint, t.totalPages, t.assumptions]).toEqual(["CONSTRAINT_MEMCG", 24576n, []]);
  });

  it("§1.3 memcg v1 with swap room: limit + min(memsw - limit, total swap)", () => {
    const lines = [
      "memory: usage 524288kB, limit 524288kB, failcnt 1",
      "memory+swap: usage 524288kB, limit 1048576kB, failcnt 0",
    ];
    expect(total(lines).totalPages).toBe(131072n);
    expect(total(lines).assumptions).toContain("total swap: not in the report; assumed 0");
    expect(total(lines, 262144n).totalPages).toBe(131072n + 65536n);
    expect(total(lines, 8000000n).totalPages).toBe(262144n);
  });

  it("§1.3 memcg v2: memory.max + min(swap.max, total swap)", () => {
    const lines = [
      "memory: usage 1048576kB, limit 1048576kB, failcnt 1",
      "swap: usage 0kB, limit 524288kB, failcnt 0",
    ];
    expect(total(lines, 1048576n).totalPages).toBe(262144n + 131072n);
    expect(
      total([
        "memory: usage 1048576kB, limit 1048576kB, failcnt 1",
        "swap: usage 0kB, limit 0kB, failcnt 0",
      ]).totalPages,
    ).toBe(262144n);
  });

  it("§1.3 an unlimited memcg limit cannot give totalpages", () => {
    expect(total(["memory: usage 1kB, limit 9007199254740988kB, failcnt 0"]).totalPages).toBeNull();
  });

  it("§1.3 global: managed pages of all zones + total swap; pages RAM before managed existed", () => {
    const zone = (n: number, z: string, present: number, managed?: number) =>
      `Node ${n} ${z} free:1kB min:1kB present:${present}kB${managed === undefined ? "" : ` managed:${managed}kB`} mlocked:0kB`;
    expect(
      total([zone(0, "DMA32", 4000, 3996), zone(0, "Normal", 8000, 7992), "Total swap = 400kB"])
        .totalPages,
    ).toBe(999n + 1998n + 100n);
    const old = total([zone(0, "Normal", 8000), "2000 pages RAM", "Total swap = 0kB"]);
    expect([old.totalPages, old.assumptions.length]).toEqual([2000n, 1]);
  });

  it("§1.3 cpuset: present pages of the allowed nodes + swap", () => {
    const t = total([
      "Node 0 Normal free:1kB min:1kB present:8000kB managed:7992kB mlocked:0kB",
      "Node 1 Normal free:1kB min:1kB present:16000kB managed:15992kB mlocked:0kB",
      "Total swap = 4000kB",
      "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=jobs,mems_allowed=1,global_oom,task=app,pid=1000,uid=0",
    ]);
    expect([t.constraint, t.totalPages]).toEqual(["CONSTRAINT_CPUSET", 4000n + 1000n]);
  });

  it("§1.3 the constraint from the kill line's message when there is no summary", () => {
    const t = total([
      "Memory cgroup out of memory: Kill process 1000 (app) score 5 or sacrifice child",
    ]);
    expect([t.constraint, t.constraintFrom]).toEqual(["CONSTRAINT_MEMCG", "kill line"]);
  });
});
