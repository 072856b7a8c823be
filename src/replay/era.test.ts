import { describe, expect, it } from "vitest";
import { formatRange, inferKernelVersion } from "./era.js";
import { parseOomReports } from "./segment.js";

function firstEvent(lines: string[]) {
  return parseOomReports(lines.join("\n"))[0];
}

const ROW419 = "[   1000]     0  1000    20000    12000       131072        0             0 app";

describe("kernel version of a report (modern-oom §2, §6)", () => {
  it("§6 the release printed in the stack-dump line wins when the formats agree", () => {
    const e = firstEvent([
      "app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
      "CPU: 0 PID: 1000 Comm: app Not tainted 5.15.0-91-generic #101-Ubuntu",
      "Tasks state (memory values in pages):",
      "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
      ROW419,
      "Out of memory: Killed process 1000 (app) total-vm:80000kB, anon-rss:48000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:128kB oom_score_adj:0",
    ]);
    const k = inferKernelVersion(e);
    expect([k.version, k.source, k.release]).toEqual([[5, 15, 0], "report", "5.15.0-91-generic"]);
    expect(formatRange(k.range.lo, k.range.hi)).toBe("5.4 .. 6.7");
  });

  it("§6.1 a backported format (RHEL6 2.6.32 with oom_score_adj) is scored by its formats", () => {
    const e = firstEvent([
      "java invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0",
      "Pid: 2891, comm: java Not tainted 2.6.32-431.el6.x86_64 #1",
    ]);
    const k = inferKernelVersion(e);
    expect([k.version, k.source]).toEqual([[2, 6, 36], "formats"]);
    expect(k.notes.join(" ")).toContain("backport");
  });

  it("§6 without a release, the formats give a range; 5.4+ without rss_anon is 5.4 .. 6.7", () => {
    const e = firstEvent([
      "Tasks state (memory values in pages):",
      "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
      ROW419,
      "Out of memory: Killed process 1000 (app) total-vm:80000kB, anon-rss:48000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:128kB oom_score_adj:0",
    ]);
    const k = inferKernelVersion(e);
    expect([k.version, k.source, formatRange(k.range.lo, k.range.hi)]).toEqual([
      [6, 7, 9999],
      "formats",
      "5.4 .. 6.7",
    ]);
  });

  it("§6.4 2.6-era kill lines alone place a report before the rewrite", () => {
    const e = firstEvent([
      "Out of Memory: Kill process 3000 (httpd) score 91234 and children.",
      "Out of memory: Killed process 3001 (httpd).",
    ]);
    const k = inferKernelVersion(e);
    expect([k.version, formatRange(k.range.lo, k.range.hi)]).toEqual([
      [2, 6, 21],
      "2.6.21 .. 2.6.24",
    ]);
  });

  it("§6 --kernel-version overrides, with a note when the formats disagree", () => {
    const e = firstEvent(["java invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=0"]);
    const k = inferKernelVersion(e, [5, 10, 0]);
    expect([k.version, k.source]).toEqual([[5, 10, 0], "option"]);
    expect(k.notes).toHaveLength(1);
  });

  it("§6 contradictory hints are set aside and reported", () => {
    const e = firstEvent([
      "java invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=0",
      "Tasks state (memory values in pages):",
      "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
    ]);
    const k = inferKernelVersion(e);
    expect(k.notes.some((n) => n.includes("contradicts"))).toBe(true);
  });
});
