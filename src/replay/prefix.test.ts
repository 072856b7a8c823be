import { describe, expect, it } from "vitest";
import { forEachLogLine } from "./lines.js";
import { parsePrefix } from "./prefix.js";
import type { LogLine } from "./types.js";

const MSG = "perl invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0";

function lines(text: string): LogLine[] {
  const out: LogLine[] = [];
  forEachLogLine(text, (l) => out.push(l));
  return out;
}

describe("line prefixes (modern-oom §6.5)", () => {
  const cases: [string, string, Partial<ReturnType<typeof parsePrefix>>][] = [
    ["raw kernel uptime", `[ 1234.567890] ${MSG}`, { uptime: "1234.567890" }],
    [
      "uptime and caller id",
      `[ 1234.567890][  T4021] ${MSG}`,
      { uptime: "1234.567890", caller: "T4021" },
    ],
    ["uptime, space, caller id", `[    5.000001] [    C2] ${MSG}`, { caller: "C2" }],
    ["dmesg -T English", `[Sun Aug 11 20:21:28 2024] ${MSG}`, { time: "Sun Aug 11 20:21:28 2024" }],
    ["dmesg -T German", `[Di Aug 12 03:54:03 2025] ${MSG}`, { time: "Di Aug 12 03:54:03 2025" }],
    [
      "dmesg -T French",
      `[dim. 19 avril 18:03:30 2026] ${MSG}`,
      { time: "dim. 19 avril 18:03:30 2026" },
    ],
    ["dmesg -x", `kern  :warn  : [  278.962710] ${MSG}`, { uptime: "278.962710" }],
    ["dmesg -x without time", `kern  :err   : ${MSG}`, {}],
    ["/dev/kmsg", `6,4029,2021308979,-;${MSG}`, { uptime: "2021.308979" }],
    ["/dev/kmsg early", `4,1,42,-;${MSG}`, { uptime: "0.000042" }],
    ["level tag", `<4>[  12.5] ${MSG}`, { uptime: "12.5" }],
    [
      "syslog",
      `Nov 28 23:54:31 web1 kernel: [ 812.000001] ${MSG}`,
      { host: "web1", time: "Nov 28 23:54:31" },
    ],
    ["syslog empty host", `Nov 28 23:54:31  kernel: ${MSG}`, { host: "", time: "Nov 28 23:54:31" }],
    [
      "syslog padded day",
      `Feb  7 03:12:10 web2 kernel: ${MSG}`,
      { host: "web2", time: "Feb  7 03:12:10" },
    ],
    ["journal short-precise", `Mar 03 14:02:11.123456 node-7 kernel: ${MSG}`, { host: "node-7" }],
    [
      "RFC 3339",
      `2024-11-28T23:54:31.369757-08:00 db1 kernel: ${MSG}`,
      { host: "db1", time: "2024-11-28T23:54:31.369757-08:00" },
    ],
    ["journal short-iso", `2024-11-28T23:54:31-0800 db1 kernel: ${MSG}`, { host: "db1" }],
    ["mail quoting", `> > [ 1.000000] ${MSG}`, { uptime: "1.000000" }],
    [
      "journal short-monotonic",
      `[  123.456789] node-7 kernel: ${MSG}`,
      { uptime: "123.456789", host: "node-7" },
    ],
    [
      "journal short-unix",
      `1732866871.369757 db1 kernel: ${MSG}`,
      { host: "db1", time: "1732866871.369757" },
    ],
    [
      "dmesg --time-format iso",
      `2024-11-28T23:54:31,369757-08:00 ${MSG}`,
      { time: "2024-11-28T23:54:31,369757-08:00" },
    ],
    ["dmesg --reltime minute stamp", `[Nov28 23:54] ${MSG}`, { time: "Nov28 23:54" }],
    ["dmesg --reltime delta", `[  +0.000013] ${MSG}`, { uptime: "+0.000013" }],
  ];
  for (const [name, line, expected] of cases) {
    it(`§6.5 ${name}`, () => {
      const info = parsePrefix(line);
      expect(info.message).toBe(MSG);
      expect(info.foreign).toBe(false);
      expect(info).toMatchObject(expected);
    });
  }

  it("§6.5 a syslog line of another program is foreign", () => {
    const info = parsePrefix('Mar 03 14:02:11 node-7 kubelet[1123]: "Killed process 12 (x)"');
    expect(info.foreign).toBe(true);
    expect(parsePrefix("Nov 28 23:54:33  systemd[1]: app.service: Failed").foreign).toBe(true);
  });

  it("§6.3 a task row is not mistaken for a timestamp or caller id", () => {
    const row = "[   3943]     0  3943     9791     8975        0             0 python3";
    expect(parsePrefix(`[  278.963396] ${row}`).message).toBe(row);
    expect(parsePrefix(row).message).toBe(row);
  });
});

describe("line splitting (modern-oom §6.5)", () => {
  it("§6.5 CRLF, lone CR and LF all end lines; line numbers count physical lines", () => {
    const got = lines("a\r\nb\rc\nd");
    expect(got.map((l) => [l.lineNo, l.message])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ]);
  });

  it("§6.5 rsyslog #012 splits a record into lines sharing its prefix; #011 is a tab", () => {
    const got = lines(
      "2024-11-28T23:54:31.1-08:00 db1 kernel: Memory cgroup stats for /x:#012anon 4096#012file#0110",
    );
    expect(got.map((l) => [l.lineNo, l.host, l.message])).toEqual([
      [1, "db1", "Memory cgroup stats for /x:"],
      [1, "db1", "anon 4096"],
      [1, "db1", "file\t0"],
    ]);
  });

  it("§6.5 journal continuation lines inherit the host; lines under a foreign record stay foreign", () => {
    const got = lines(
      [
        "Mar 03 14:02:11 node-7 kernel: Memory cgroup stats for /pod:",
        "                               anon 1061888000",
        "Mar 03 14:02:11 node-7 app[5]: multi-line",
        "                               [  123]     0   123 continued",
      ].join("\n"),
    );
    expect(got.map((l) => [l.host, l.foreign, l.message])).toEqual([
      ["node-7", false, "Memory cgroup stats for /pod:"],
      ["node-7", false, "anon 1061888000"],
      ["node-7", true, "multi-line"],
      ["node-7", true, "[  123]     0   123 continued"],
    ]);
  });

  it("§6.5 lines without a timestamp (KERN_CONT) keep the caller of the line before", () => {
    const got = lines("[  1.000000][  T77] Mem-Info:\nlowmem_reserve[]: 0 0 0");
    expect(got[1].caller).toBe("T77");
  });

  it("§6.5 very long lines are cut before parsing, not rejected", () => {
    const got = lines(`[ 1.0] ${"x".repeat(100_000)}`);
    expect(got).toHaveLength(1);
    expect(got[0].message.length).toBeLessThan(10_000);
  });
});
