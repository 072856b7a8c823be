/**
 * Memory state lines of a report (modern-oom §6.2): the global `Mem-Info` totals (zone
 * `present:`/`managed:`, `pages RAM`, `Total swap`) and the memcg block (`memory: usage ..`,
 * `memory+swap:`, `swap:`, `kmem:`, `Task in .. killed as a result of limit of ..`,
 * `Memory cgroup stats for ..`). Each function reads one line into the event's record and says
 * whether the line was one of its own.
 */
import type { CounterLine, MemcgInfo, MemInfo } from "./types.js";

export function emptyMemInfo(): MemInfo {
  return { zones: [], pagesRam: null, totalSwapKb: null, freeSwapKb: null };
}

export function emptyMemcg(): MemcgInfo {
  return {
    version: null,
    taskCgroup: null,
    oomCgroup: null,
    memory: null,
    memsw: null,
    swap: null,
    kmem: null,
    statsFor: [],
  };
}

const ZONE = /\bNode (\d{1,4}) (\w{1,16}) free:\d+kB\b/;
const PRESENT = /\bpresent:(\d{1,20})kB\b/;
const MANAGED = /\bmanaged:(\d{1,20})kB\b/;
const PAGES_RAM = /^(\d{1,20}) pages (?:of )?RAM\b/;
const TOTAL_SWAP = /\bTotal swap = (\d{1,20})kB\b/;
const FREE_SWAP = /\bFree swap {1,2}= (\d{1,20})kB\b/;

/** Reads a `Mem-Info` line into `info`; true when the line was one of these totals. */
export function readMemInfoLine(message: string, info: () => MemInfo): boolean {
  if (message.includes(" free:") && message.includes("Node ")) {
    const zone = ZONE.exec(message);
    if (!zone) return false;
    const present = PRESENT.exec(message);
    const managed = MANAGED.exec(message);
    if (!present && !managed) return false;
    const target = info();
    const node = Number(zone[1]);
    const entry = {
      node,
      zone: zone[2],
      presentKb: present ? BigInt(present[1]) : null,
      managedKb: managed ? BigInt(managed[1]) : null,
    };
    // Duplicated lines (journal, rate limits) must not count a zone twice.
    const same = target.zones.findIndex((z) => z.node === node && z.zone === entry.zone);
    if (same >= 0) target.zones[same] = entry;
    else target.zones.push(entry);
    return true;
  }
  let m = PAGES_RAM.exec(message.trimStart());
  if (m) {
    info().pagesRam = BigInt(m[1]);
    return true;
  }
  m = TOTAL_SWAP.exec(message);
  if (m) {
    info().totalSwapKb = BigInt(m[1]);
    return true;
  }
  m = FREE_SWAP.exec(message);
  if (m) {
    info().freeSwapKb = BigInt(m[1]);
    return true;
  }
  return false;
}

const COUNTER =
  /(?:^|\s)(memory|memory\+swap|swap|kmem): usage (\d{1,20})kB, limit (\d{1,20})kB(?:, failcnt (\d{1,20}))?/;
const TASK_IN = /\bTask in (.+) killed as a result of limit of (.+)$/;
const STATS_FOR = /\bMemory cgroup stats for (.*?):?(?:\s|$)/;

/** Reads a memcg block line into `memcg`; true when the line belonged to the block. */
export function readMemcgLine(message: string, memcg: () => MemcgInfo): boolean {
  if (message.includes(": usage ")) {
    const m = COUNTER.exec(message);
    if (!m) return false;
    const counter: CounterLine = {
      usageKb: BigInt(m[2]),
      limitKb: BigInt(m[3]),
      failcnt: m[4] === undefined ? null : BigInt(m[4]),
    };
    const target = memcg();
    if (m[1] === "memory") target.memory = counter;
    else if (m[1] === "memory+swap") {
      target.memsw = counter;
      target.version = 1;
    } else if (m[1] === "kmem") {
      target.kmem = counter;
      target.version ??= 1;
    } else {
      target.swap = counter;
      target.version = 2;
    }
    return true;
  }
  let m = TASK_IN.exec(message);
  if (m) {
    const target = memcg();
    target.taskCgroup = m[1];
    target.oomCgroup = m[2];
    target.version = 1;
    return true;
  }
  m = message.includes("Memory cgroup stats for ") ? STATS_FOR.exec(message) : null;
  if (m) {
    const target = memcg();
    if (!target.statsFor.includes(m[1])) target.statsFor.push(m[1]);
    // v1 prints the counters on the same line (`cache:..KB rss:..KB ...`).
    if (/\bcache:\d+KB\b/.test(message)) target.version ??= 1;
    return true;
  }
  return false;
}
