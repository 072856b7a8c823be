import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replayJsonLines } from "../report/replay-json.js";
import { replaysToText } from "../report/replay-text.js";
import { replayEvent } from "./analyse.js";
import { OomReportReader, parseOomReports } from "./segment.js";

const REPORT = [
  "[  100.000001] a.out invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
  "[  100.000002] CPU: 0 PID: 11 Comm: a.out Not tainted 5.10.0-28-amd64 #1",
  "[  100.000003] memory: usage 4096kB, limit 4096kB, failcnt 3",
  "[  100.000004] memory+swap: usage 4096kB, limit 4096kB, failcnt 0",
  "[  100.000005] Tasks state (memory values in pages):",
  "[  100.000006] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
  "[  100.000007] [     11]     0    11     1000      600        8192        0             0 a.out",
  "[  100.000008] [     12]     0    12     1000      500        8192        0             0 b.out",
  "[  100.000009] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/t,task_memcg=/t,task=a.out,pid=11,uid=0",
  "[  100.000010] Memory cgroup out of memory: Killed process 11 (a.out) total-vm:4000kB, anon-rss:2400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0",
];

describe("event segmentation (modern-oom §6, §6.5)", () => {
  it("§6 one report, complete, with its line range", () => {
    const [e, ...rest] = parseOomReports(REPORT.join("\n"));
    expect(rest).toEqual([]);
    expect([e.complete, e.missing, e.firstLine, e.lastLine, e.table?.rows.length]).toEqual([
      true,
      [],
      1,
      10,
      2,
    ]);
    expect(e.memcg?.memory?.limitKb).toBe(4096n);
  });

  it("§6.5 a second header ends the first report, which is then incomplete", () => {
    const events = parseOomReports([...REPORT.slice(0, 7), ...REPORT].join("\n"));
    expect(events.map((e) => [e.complete, e.missing])).toEqual([
      [false, ["kill line"]],
      [true, []],
    ]);
  });

  it("§6.5 a kill line without a header (rate-limited report) is an event of its own", () => {
    const events = parseOomReports(
      [...REPORT, REPORT[9].replace("11 (a.out)", "12 (b.out)")].join("\n"),
    );
    expect(events.map((e) => [e.killed[0]?.pid, e.header === null, e.complete])).toEqual([
      [11, false, true],
      [12, true, false],
    ]);
  });

  it("§6.5 adjacent duplicate lines are dropped; a twin row with other values is damage", () => {
    const dup = [...REPORT.slice(0, 7), REPORT[6], ...REPORT.slice(7)];
    expect(parseOomReports(dup.join("\n"))[0].complete).toBe(true);
    const twin = [...REPORT.slice(0, 8), REPORT[6].replace(" 600 ", " 601 "), ...REPORT.slice(8)];
    const e = parseOomReports(twin.join("\n"))[0];
    expect([e.complete, e.table?.rows.length, e.problems.length]).toEqual([false, 2, 1]);
  });

  it("§6.5 memory lines of an allocation failure never make an event", () => {
    const text = [
      "[ 1.0] kworker: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP)",
      "[ 1.1] Mem-Info:",
      "[ 1.2] Node 0 Normal free:1000kB min:128kB present:999999kB managed:999000kB",
      "[ 1.3] Total swap = 0kB",
      "[ 1.4] 262128 pages RAM",
    ].join("\n");
    expect(parseOomReports(text)).toEqual([]);
  });

  it("§6.5 a table whose header line was lost: the memory state before it is kept", () => {
    const events = parseOomReports(REPORT.slice(2).join("\n"));
    expect(events).toHaveLength(1);
    expect([events[0].header, events[0].memcg?.memory?.limitKb, events[0].missing]).toEqual([
      null,
      4096n,
      ["header (invoked oom-killer)"],
    ]);
  });

  it("§6.5 rows before any table header are damage", () => {
    const e = parseOomReports([...REPORT.slice(0, 5), ...REPORT.slice(6)].join("\n"))[0];
    expect([e.complete, e.table, e.problems.length > 0]).toEqual([false, null, true]);
  });

  it("§6.5 the oom_reaper line joins the report of its victim, whichever thread printed it", () => {
    const text = [
      ...REPORT,
      "[  100.2][  T45] oom_reaper: reaped process 11 (a.out), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
    ];
    const [e] = parseOomReports(text.join("\n"));
    expect(e.reaper).toEqual([{ line: 11, pid: 11, comm: "a.out", reaped: true }]);
  });

  it("§6.5 linear in the input: a 20 MB log of noise and reports parses", () => {
    const noise = "[ 5.000000] usb 1-2: new high-speed USB device number 3 using xhci_hcd\n".repeat(
      1000,
    );
    const block = `${noise}${REPORT.join("\n")}\n`;
    const text = block.repeat(Math.ceil(20_000_000 / block.length));
    const events = parseOomReports(text);
    expect(events.length).toBe(Math.ceil(20_000_000 / block.length));
    expect(events.every((e) => e.complete)).toBe(true);
  });
});

describe("a log read in pieces, file after file", () => {
  const LOG = [
    "[   99.000001] usb 1-2: new high-speed USB device number 3 using xhci_hcd",
    ...REPORT,
    "[  100.500000] eth0: link up",
    ...REPORT.map((l) => l.replace("[  100.", "[  200.").replace("11 (a.out)", "12 (b.out)")),
  ];

  const summary = (events: ReturnType<typeof parseOomReports>) =>
    events.map((e) => [e.file, e.firstLine, e.lastFile, e.lastLine, e.complete, e.messages.length]);

  it("text cut anywhere, even inside a CRLF, gives the same events as the whole text (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.array(fc.nat(), { maxLength: 12 }),
        (nl, cuts) => {
          const text = `${LOG.join(nl)}${nl}`;
          const whole = parseOomReports(text);
          const reader = new OomReportReader();
          reader.beginFile("kern.log");
          let at = 0;
          for (const cut of [...cuts.map((c) => c % (text.length + 1))].sort((a, b) => a - b)) {
            reader.push(text.slice(at, cut));
            at = cut;
          }
          reader.push(text.slice(at));
          const pieces = reader.end();
          expect(summary(pieces)).toEqual(
            summary(whole).map(([, first, , ...rest]) => ["kern.log", first, "kern.log", ...rest]),
          );
          expect(reader.lines).toBe(LOG.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("files are one log: line numbers restart with each file, a report a file boundary cuts is one event", () => {
    const reader = new OomReportReader();
    reader.beginFile("kern.log.1");
    reader.push(LOG.slice(0, 6).join("\n"));
    reader.beginFile("kern.log");
    reader.push(LOG.slice(6).join("\n"));
    const events = reader.end();
    expect(summary(events)).toEqual([
      ["kern.log.1", 2, "kern.log", 5, true, 9],
      ["kern.log", 7, "kern.log", 16, true, 9],
    ]);
    expect(reader.lines).toBe(LOG.length);
  });

  it("take() hands out an event once it is over, and each event only once", () => {
    const reader = new OomReportReader();
    reader.beginFile("kern.log");
    reader.push(`${LOG.slice(0, 11).join("\n")}\n`);
    // The kill line is read, but more of the report could still come.
    expect(reader.take(false)).toEqual([]);
    // Everything written so far has been read: the report ended with its kill line.
    expect(reader.take(true).map((e) => e.killed[0]?.pid)).toEqual([11]);
    expect(reader.take(true)).toEqual([]);
    // A line that is no part of the report also ends it.
    reader.push(`${LOG.slice(12).join("\n")}\n[  201.000000] eth0: link down\n`);
    expect(reader.take(false).map((e) => e.killed[0]?.pid)).toEqual([12]);
    expect(reader.end()).toEqual([]);
  });

  it("a report without its kill line is handed out when the next one begins, or at the end", () => {
    const reader = new OomReportReader();
    reader.push(`${REPORT.slice(0, 8).join("\n")}\n`);
    expect(reader.take(true)).toEqual([]);
    reader.push(`${REPORT[0]}\n`);
    expect(reader.take(false).map((e) => [e.complete, e.missing])).toEqual([
      [false, ["kill line"]],
    ]);
    expect(reader.end().map((e) => e.index)).toEqual([1]);
  });
});

const fragments = [
  ...REPORT,
  ...REPORT.map((l) => l.slice(0, 40)),
  "Out of memory: Kill process 11 (a.out) score 9 or sacrifice child",
  "Killed process 12, UID 0, (b.out) total-vm:1kB, anon-rss:1kB, file-rss:0kB",
  "Out of memory and no killable processes...",
  "Kernel panic - not syncing: System is deadlocked on memory",
  "Tasks in /x are going to be killed due to memory.oom.group set",
  "oom_reaper: unable to reap pid:11 (a.out)",
  "Node 0 DMA32 free:1kB min:1kB present:1kB managed:1kB",
  "Nov 28 23:54:31  kernel: ",
  "6,1,2,-;",
  "#012#012",
  "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name",
  "[  1]     0     1     2652      123   0       0 init",
  "[99999999999999999999] 1 2 3",
];

describe("robustness (issue: never a crash)", () => {
  it("§6.5 parsing and replaying arbitrary text never throws (fast-check)", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.constantFrom(...fragments),
      fc.tuple(fc.constantFrom(...fragments), fc.nat(120)).map(([f, n]) => f.slice(0, n)),
      fc
        .tuple(
          fc.constantFrom("> ", "[ 1.0] ", "kern  :info  : ", "<4>", "Feb  7 03:12:10 h kernel: "),
          fc.constantFrom(...fragments),
        )
        .map(([p, f]) => p + f),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.constantFrom("\n", "\r\n", "\r", "#012"),
        (lines, nl) => {
          const events = parseOomReports(lines.join(nl));
          const replays = events.map((e) => replayEvent(e));
          expect(() =>
            JSON.parse(`[${replayJsonLines(replays).trimEnd().split("\n").join(",")}]`),
          ).not.toThrow();
          expect(typeof replaysToText(replays)).toBe("string");
          events.forEach((e, i) => {
            expect(e.index).toBe(i);
            expect(e.firstLine).toBeLessThanOrEqual(e.lastLine);
            if (e.complete) expect(e.missing).toEqual([]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
