import { describe, expect, it } from "vitest";
import { emptyMemcg, emptyMemInfo, readMemcgLine, readMemInfoLine } from "./meminfo.js";
import type { MemcgInfo, MemInfo } from "./types.js";

function memInfo(lines: string[]): MemInfo {
  const info = emptyMemInfo();
  for (const l of lines) readMemInfoLine(l, () => info);
  return info;
}

function memcg(lines: string[]): MemcgInfo {
  const m = emptyMemcg();
  for (const l of lines) readMemcgLine(l, () => m);
  return m;
}

describe("memory state (modern-oom §6.2)", () => {
  it("§6.2 zones with present and managed, pages RAM, swap totals; duplicates counted once", () => {
    const zone =
      "Node 0 Normal free:11260kB boost:0kB min:128kB low:160kB high:192kB present:5242880kB managed:5120004kB mlocked:0kB";
    const info = memInfo([
      zone,
      zone,
      "Node 0 DMA free:15884kB min:28kB present:15700kB mlocked:0kB pages_scanned:0 all_unreclaimable? yes",
      "Node 0 DMA: 1*4kB 1*8kB = 12kB",
      "Node 0 active_anon:5808kB inactive_anon:7973376kB",
      "Free swap  = 12kB",
      "Total swap = 2097148kB",
      "2096915 pages RAM",
      "262128 pages of RAM",
    ]);
    expect(info).toEqual({
      zones: [
        { node: 0, zone: "Normal", presentKb: 5242880n, managedKb: 5120004n },
        { node: 0, zone: "DMA", presentKb: 15700n, managedKb: null },
      ],
      pagesRam: 262128n,
      totalSwapKb: 2097148n,
      freeSwapKb: 12n,
    });
  });

  it("§6.2 memcg v1 block", () => {
    const m = memcg([
      "Task in /docker/4f1c killed as a result of limit of /docker",
      "memory: usage 524288kB, limit 524288kB, failcnt 1234",
      "memory+swap: usage 524288kB, limit 1048576kB, failcnt 0",
      "kmem: usage 4096kB, limit 9007199254740988kB, failcnt 0",
      "Memory cgroup stats for /docker/4f1c: cache:0KB rss:520192KB rss_huge:0KB",
    ]);
    expect(m).toEqual({
      version: 1,
      taskCgroup: "/docker/4f1c",
      oomCgroup: "/docker",
      memory: { usageKb: 524288n, limitKb: 524288n, failcnt: 1234n },
      memsw: { usageKb: 524288n, limitKb: 1048576n, failcnt: 0n },
      swap: null,
      kmem: { usageKb: 4096n, limitKb: 9007199254740988n, failcnt: 0n },
      statsFor: ["/docker/4f1c"],
    });
  });

  it("§6.2 memcg v2 block", () => {
    const m = memcg([
      "memory: usage 1048576kB, limit 1048576kB, failcnt 2201",
      "swap: usage 0kB, limit 0kB, failcnt 0",
      "Memory cgroup stats for /kubepods.slice/pod1:",
      "anon 1061888000",
    ]);
    expect([m.version, m.swap?.limitKb, m.statsFor]).toEqual([2, 0n, ["/kubepods.slice/pod1"]]);
  });
});
