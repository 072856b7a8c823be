import { describe, expect, it } from "vitest";
import { replayEvent } from "./analyse.js";
import { RepeatFilter } from "./repeats.js";
import { parseOomReports } from "./segment.js";

const REPORT = [
  "[  100.000001] a.out invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
  "[  100.000005] Tasks state (memory values in pages):",
  "[  100.000006] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
  "[  100.000007] [     11]     0    11     1000      600        8192        0             0 a.out",
  "[  100.000008] [     12]     0    12     1000      500        8192        0             0 b.out",
  "[  100.000010] Out of memory: Killed process 11 (a.out) total-vm:4000kB, anon-rss:2400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0",
];

function repeats(lines: string[]): boolean[] {
  const filter = new RepeatFilter();
  return parseOomReports(lines.join("\n")).map((e) => filter.isRepeat(replayEvent(e)));
}

describe("reports a log holds twice", () => {
  it("the same report again (same timestamp, victim and text) is a repeat", () => {
    expect(repeats([...REPORT, "[  100.1] eth0: link up", ...REPORT])).toEqual([false, true]);
  });

  it("another timestamp, another victim or another text is another report", () => {
    const later = REPORT.map((l) => l.replace("[  100.", "[  300."));
    const other = REPORT.map((l) => l.replace("11 (a.out) total", "12 (b.out) total"));
    const rows = REPORT.map((l) => l.replace(" 500 ", " 501 "));
    expect(repeats([...REPORT, ...later, ...other, ...rows])).toEqual([false, false, false, false]);
  });

  it("reports without any timestamp are never taken for repeats", () => {
    const bare = REPORT.map((l) => l.slice(l.indexOf("]") + 2));
    expect(repeats([...bare, ...bare])).toEqual([false, false]);
  });

  it("counts what it dropped", () => {
    const filter = new RepeatFilter();
    const events = parseOomReports([...REPORT, ...REPORT, ...REPORT].join("\n"));
    for (const e of events) filter.isRepeat(replayEvent(e));
    expect(filter.dropped).toBe(2);
  });
});
