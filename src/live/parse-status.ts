/**
 * `/proc/PID/status` (proc(5)): "Key:\tvalue" lines. Pure; never throws; every field is
 * null when its line is absent or malformed (older kernels lack some, e.g. `Kthread:`).
 */

export interface ProcStatus {
  tgid: number | null;
  pid: number | null;
  ppid: number | null;
  /** Real, effective, saved, filesystem uid. */
  uids: number[] | null;
  /** Namespace pids, outermost first; one entry in the initial PID namespace. */
  nspid: number[] | null;
  /** `Kthread:` 1/0 (recent kernels only). */
  kthread: boolean | null;
  threads: number | null;
  vmSizeKb: bigint | null;
  vmRssKb: bigint | null;
  rssAnonKb: bigint | null;
  rssFileKb: bigint | null;
  rssShmemKb: bigint | null;
  vmPteKb: bigint | null;
  vmSwapKb: bigint | null;
  /** Effective capabilities (hex in the file). */
  capEff: bigint | null;
  memsAllowedList: number[] | null;
  /** The task has an mm: the Vm* lines are printed only then. */
  hasMm: boolean;
}

/** The wanted keys; a line's key is looked up only among those with its first letter. */
const WANTED = [
  "Tgid",
  "Pid",
  "PPid",
  "Uid",
  "NSpid",
  "Kthread",
  "Threads",
  "VmSize",
  "VmRSS",
  "RssAnon",
  "RssFile",
  "RssShmem",
  "VmPTE",
  "VmSwap",
  "CapEff",
  "Mems_allowed_list",
];
const BY_FIRST = new Map<number, { key: string; head: string }[]>();
for (const key of WANTED) {
  const c = key.charCodeAt(0);
  BY_FIRST.set(c, [...(BY_FIRST.get(c) ?? []), { key, head: `${key}:` }]);
}

/** The wanted "Key:" lines, in one pass over the text; the first occurrence of a key wins. */
function splitLines(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    let end = text.indexOf("\n", i);
    if (end < 0) end = n;
    const candidates = BY_FIRST.get(text.charCodeAt(i));
    if (candidates !== undefined) {
      for (const { key, head } of candidates) {
        if (text.startsWith(head, i)) {
          if (!map.has(key)) map.set(key, text.slice(i + head.length, end).trim());
          break;
        }
      }
    }
    i = end + 1;
  }
  return map;
}

function intOf(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d{1,15}$/.test(v)) return null;
  return Number(v);
}

function intsOf(v: string | undefined): number[] | null {
  if (v === undefined) return null;
  const parts = v.split(/\s+/).filter((p) => p !== "");
  if (parts.length === 0 || !parts.every((p) => /^\d{1,15}$/.test(p))) return null;
  return parts.map(Number);
}

/** "1234 kB" -> 1234n. */
function kbOf(v: string | undefined): bigint | null {
  if (v === undefined) return null;
  const m = /^(\d{1,20})(?:\s*kB)?$/.exec(v);
  return m ? BigInt(m[1]!) : null;
}

function hexOf(v: string | undefined): bigint | null {
  if (v === undefined || !/^[0-9a-fA-F]{1,32}$/.test(v)) return null;
  return BigInt(`0x${v}`);
}

/** The kernel's largest MAX_NUMNODES (CONFIG_NODES_SHIFT 10): no node id reaches it. */
const MAX_NUMNODES = 1024;

/**
 * "0-2,4,7-8" -> [0,1,2,4,7,8], ascending and without repeats; null when malformed or
 * when an id is not below MAX_NUMNODES. However long the text, the result holds at most
 * MAX_NUMNODES ids: the ranges mark a bitmap, never expanded one by one.
 */
export function parseNodeList(text: string): number[] | null {
  if (typeof text !== "string") return null;
  // Every process of a machine usually shows the same list: the last answer is kept.
  if (text === lastNodeList.text) return lastNodeList.ids === null ? null : [...lastNodeList.ids];
  const ids = nodeListOf(text);
  lastNodeList = { text, ids: ids === null ? null : [...ids] };
  return ids;
}

let lastNodeList: { text: string; ids: readonly number[] | null } = { text: "", ids: [] };

function nodeListOf(text: string): number[] | null {
  const t = text.trim();
  if (t === "") return [];
  const seen = new Uint8Array(MAX_NUMNODES);
  for (const part of t.split(",")) {
    const m = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part.trim());
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= MAX_NUMNODES) return null;
    seen.fill(1, lo, hi + 1);
  }
  const out: number[] = [];
  for (let i = 0; i < MAX_NUMNODES; i++) if (seen[i] === 1) out.push(i);
  return out;
}

/** `mems: false` leaves `memsAllowedList` null, for a reader that needs no cpuset. */
export function parseStatus(text: string, opts: { mems?: boolean } = {}): ProcStatus {
  const map = typeof text === "string" ? splitLines(text) : new Map<string, string>();
  const uids = intsOf(map.get("Uid"));
  const kthread = map.get("Kthread");
  const mems = map.get("Mems_allowed_list");
  const vmSizeKb = kbOf(map.get("VmSize"));
  return {
    tgid: intOf(map.get("Tgid")),
    pid: intOf(map.get("Pid")),
    ppid: intOf(map.get("PPid")),
    uids: uids !== null && uids.length >= 2 ? uids : null,
    nspid: intsOf(map.get("NSpid")),
    kthread: kthread === "1" ? true : kthread === "0" ? false : null,
    threads: intOf(map.get("Threads")),
    vmSizeKb,
    vmRssKb: kbOf(map.get("VmRSS")),
    rssAnonKb: kbOf(map.get("RssAnon")),
    rssFileKb: kbOf(map.get("RssFile")),
    rssShmemKb: kbOf(map.get("RssShmem")),
    vmPteKb: kbOf(map.get("VmPTE")),
    vmSwapKb: kbOf(map.get("VmSwap")),
    capEff: hexOf(map.get("CapEff")),
    memsAllowedList: mems === undefined || opts.mems === false ? null : parseNodeList(mems),
    hasMm: vmSizeKb !== null || map.has("RssAnon"),
  };
}
