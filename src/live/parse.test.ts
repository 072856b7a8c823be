import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseChildren,
  parseIntFile,
  parseMeminfo,
  parseStatm,
  parseUptime,
  parseZoneinfo,
} from "./parse-misc.js";
import { parseStat, translatePfFlags } from "./parse-stat.js";
import { parseNodeList, parseStatus } from "./parse-status.js";

const fixture = (path: string) =>
  readFileSync(new URL(`../../test/fixtures/proc/${path}`, import.meta.url), "latin1");

const REAL_STAT =
  "5212 (cat) R 5205 5205 2850 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 34836 3133440 360 " +
  "18446744073709551615 93916557881344 93916557901225 140720863494672 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

describe("parseStat (modern-oom §4.1, §5 field numbers)", () => {
  it("reads the fields the model needs", () => {
    expect(parseStat(REAL_STAT)).toEqual({
      pid: 5212,
      comm: "cat",
      state: "R",
      ppid: 5205,
      pgrp: 5205,
      flags: 4194304,
      utimeTicks: 7n,
      stimeTicks: 3n,
      nice: 0,
      numThreads: 1,
      startTicks: 34836n,
      vsizeBytes: 3133440n,
      rssPages: 360n,
    });
  });
  it("takes the name between the first '(' and the last ')'", () => {
    const t = fixture("hostile-comm/801/stat");
    const s = parseStat(t);
    expect(s?.comm).toBe(") (x) 1 2 (");
    expect(s?.ppid).toBe(1);
    expect(s?.rssPages).toBe(200n);
  });
  it("keeps spaces, newlines and raw bytes of the name", () => {
    expect(parseStat(fixture("hostile-comm/800/stat"))?.comm).toBe("a b  c");
    expect(parseStat(fixture("hostile-comm/802/stat"))?.comm).toBe("two\nlines");
    const raw = parseStat(fixture("hostile-comm/803/stat"))?.comm ?? "";
    expect(Buffer.from(raw, "latin1")).toEqual(
      Buffer.from([0xff, 0xfe, 0x41, 0x28, 0x29, 0xc3, 0x20, 0x29]),
    );
  });
  it("returns null for truncated or garbled lines", () => {
    expect(parseStat("")).toBeNull();
    expect(parseStat("12 (x")).toBeNull();
    expect(parseStat("12 (x) S 1 2 3")).toBeNull();
    expect(parseStat("abc (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0")).toBeNull();
    expect(parseStat(REAL_STAT.replace(" 360 ", " 3x0 "))).toBeNull();
  });
  it("fast-check: never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (s) => void parseStat(s) === undefined));
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        parseStat(`${a}(${b})${REAL_STAT.slice(10)}`);
        return true;
      }),
    );
  });
  it("fast-check: any name round-trips through the stat line", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (name) => {
        const s = parseStat(REAL_STAT.replace("(cat)", () => `(${name})`));
        return s !== null && s.comm === name && s.rssPages === 360n;
      }),
    );
  });
});

describe("translatePfFlags (modern-oom §5: by name, never by bit)", () => {
  it("maps moved flags by name and drops modern-only bits", () => {
    expect(translatePfFlags(0x4 | 0x40)).toEqual(["PF_EXITING", "PF_FORKNOEXEC"]);
    expect(translatePfFlags(0x20000)).toEqual(["PF_KSWAPD"]);
    // 0x200000 is PF_KTHREAD today and PF_BORROWED_MM in 2.6.20: not copied.
    expect(translatePfFlags(0x200000)).toEqual([]);
    expect(translatePfFlags(4194304)).toEqual(["PF_RANDOMIZE"]);
  });
});

describe("parseStatus", () => {
  it("reads uids, memory lines, capabilities and Kthread", () => {
    const s = parseStatus(fixture("normal/200/status"));
    expect(s.uids).toEqual([1000, 1000, 1000, 1000]);
    expect(s.vmPteKb).toBe(400n);
    expect(s.vmSwapKb).toBe(0n);
    expect(s.hasMm).toBe(true);
    expect(s.kthread).toBe(false);
    expect(s.threads).toBe(2);
    expect(s.memsAllowedList).toEqual([0]);
  });
  it("a kernel thread has no Vm lines; an old kernel has no Kthread line", () => {
    expect(parseStatus(fixture("normal/2/status")).hasMm).toBe(false);
    expect(parseStatus(fixture("normal/2/status")).kthread).toBe(true);
    expect(parseStatus(fixture("kthread-old-kernel/2/status")).kthread).toBeNull();
  });
  it("reads CapEff as a 64-bit mask", () => {
    expect(parseStatus("CapEff:\t000001fffeffffff\n").capEff).toBe(0x1fffeffffffn);
  });
  it("returns all-null fields for garbage and never throws (fast-check)", () => {
    const s = parseStatus("garbage\n:::\nUid:\tx y\n");
    expect(s.uids).toBeNull();
    expect(s.hasMm).toBe(false);
    fc.assert(fc.property(fc.string(), (t) => typeof parseStatus(t).hasMm === "boolean"));
  });
});

describe("small files", () => {
  it("parseStatm", () => {
    expect(parseStatm("765 403 375 5 0 123 0\n")).toEqual({
      sizePages: 765n,
      residentPages: 403n,
      sharedPages: 375n,
    });
    expect(parseStatm("x")).toBeNull();
  });
  it("parseMeminfo keeps kB values exactly", () => {
    const m = parseMeminfo(
      "MemTotal:       24683656 kB\nSwapTotal:             0 kB\nHugePages_Total:       0\n",
    );
    expect(m.get("MemTotal")).toBe(24683656n);
    expect(m.get("SwapTotal")).toBe(0n);
    expect(m.get("HugePages_Total")).toBe(0n);
  });
  it("parseUptime truncates to whole seconds", () => {
    expect(parseUptime("348.96 592.44\n")).toBe(348n);
    expect(parseUptime("nope")).toBeNull();
  });
  it("parseIntFile, parseChildren, parseNodeList", () => {
    expect(parseIntFile("-1000\n")).toBe(-1000);
    expect(parseIntFile("1.5")).toBeNull();
    expect(parseChildren("12 34 \n")).toEqual([12, 34]);
    expect(parseChildren("")).toEqual([]);
    expect(parseChildren("1 x")).toBeNull();
    expect(parseNodeList("0-2,5\n")).toEqual([0, 1, 2, 5]);
    expect(parseNodeList("")).toEqual([]);
    expect(parseNodeList("3-1")).toBeNull();
  });
  it("parseZoneinfo reads present and managed pages per zone", () => {
    const z = parseZoneinfo(fixture("normal/zoneinfo"));
    expect(z.map((x) => x.zone)).toEqual(["DMA", "DMA32", "Normal", "Movable"]);
    expect(z[0]).toEqual({ node: 0, zone: "DMA", presentPages: 3998n, managedPages: 3840n });
  });
  it("fast-check: none of the small parsers throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (t) => {
        parseStatm(t);
        parseMeminfo(t);
        parseUptime(t);
        parseIntFile(t);
        parseChildren(t);
        parseNodeList(t);
        parseZoneinfo(t);
        return true;
      }),
      { numRuns: 300 },
    );
  });
  it("fast-check: nor on arbitrary bytes read as latin1", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const t = Buffer.from(bytes).toString("latin1");
        parseStat(t);
        parseStatus(t);
        parseMeminfo(t);
        parseZoneinfo(t);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
