/**
 * The small /proc files: statm, meminfo, uptime, single integers, children lists,
 * zoneinfo. Pure; never throw; null (or a partial result) on garbage.
 */

/** `/proc/PID/statm`: size resident shared text lib data dt, in pages. */
export interface ProcStatm {
  sizePages: bigint;
  residentPages: bigint;
  sharedPages: bigint;
}

export function parseStatm(text: string): ProcStatm | null {
  if (typeof text !== "string") return null;
  const parts = text.trim().split(/\s+/);
  if (parts.length < 3 || !parts.slice(0, 3).every((p) => /^\d{1,20}$/.test(p))) return null;
  return {
    sizePages: BigInt(parts[0]!),
    residentPages: BigInt(parts[1]!),
    sharedPages: BigInt(parts[2]!),
  };
}

/** `/proc/meminfo`: every "Key: N kB" line, values in kB (or a bare count). */
export function parseMeminfo(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (typeof text !== "string") return out;
  for (const line of text.split("\n")) {
    const m = /^([^:\s][^:]*):\s+(\d{1,20})(?:\s+kB)?\s*$/.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, BigInt(m[2]!));
  }
  return out;
}

/** `/proc/uptime` first field, whole seconds (truncated). */
export function parseUptime(text: string): bigint | null {
  if (typeof text !== "string") return null;
  const m = /^\s*(\d{1,20})(?:\.\d*)?(?:\s|$)/.exec(text);
  return m ? BigInt(m[1]!) : null;
}

/** A file holding one decimal integer (oom_score, oom_score_adj, pid_max). */
export function parseIntFile(text: string): number | null {
  if (typeof text !== "string") return null;
  const t = text.trim();
  if (!/^-?\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/** `/proc/PID/task/TID/children`: space-separated pids; null if any token is not one. */
export function parseChildren(text: string): number[] | null {
  if (typeof text !== "string") return null;
  const parts = text.split(/\s+/).filter((p) => p !== "");
  if (!parts.every((p) => /^\d{1,10}$/.test(p))) return null;
  return parts.map(Number);
}

export interface ZoneInfo {
  node: number;
  zone: string;
  presentPages: bigint;
  managedPages: bigint | null;
}

/** `/proc/zoneinfo`: the "Node N, zone NAME" sections with their present/managed counts. */
export function parseZoneinfo(text: string): ZoneInfo[] {
  const out: ZoneInfo[] = [];
  if (typeof text !== "string") return out;
  let cur: ZoneInfo | null = null;
  for (const line of text.split("\n")) {
    const head = /^Node\s+(\d{1,4}),\s*zone\s+(\S{1,32})/.exec(line);
    if (head) {
      cur = { node: Number(head[1]), zone: head[2]!, presentPages: 0n, managedPages: null };
      out.push(cur);
      continue;
    }
    if (cur === null) continue;
    const kv = /^\s+(present|managed)\s+(\d{1,20})\s*$/.exec(line);
    if (!kv) continue;
    if (kv[1] === "present") cur.presentPages = BigInt(kv[2]!);
    else cur.managedPages = BigInt(kv[2]!);
  }
  return out;
}
