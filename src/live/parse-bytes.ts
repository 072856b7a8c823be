/**
 * The per-process /proc files that `rank` reads for every process, parsed from the bytes
 * of one read (procfs.ts `readBytes`) without first decoding them to text: stat, status
 * (only the fields the ranking uses), single integers and children lists. Pure; never
 * throw.
 *
 * Each parser gives exactly what its text twin (parseStat, parseStatus, parseIntFile,
 * parseChildren) gives for the same bytes read as latin1; parse-bytes.test.ts holds them
 * to it. White space follows the twins: fields of stat split on space and \t\n\v\f\r;
 * trimmed values and lists split as JavaScript's trim and \s do, which in latin1 add
 * 0xA0 (no-break space).
 */
import type { ProcStat } from "./parse-stat.js";
import type { ProcStatus } from "./parse-status.js";
import { parseNodeList } from "./parse-status.js";

/** The fields of /proc/PID/status that a live ranking uses. */
export type LiveStatus = Pick<
  ProcStatus,
  "uids" | "kthread" | "vmPteKb" | "vmSwapKb" | "capEff" | "memsAllowedList" | "hasMm"
>;

/** Bytes [start, end) as latin1 text, one character per byte. */
export function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start === 1) return String.fromCharCode(b[start]!);
  let s = "";
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as never);
  }
  return s;
}

/** stat's field separators (the text parser's isSpace). */
function isFieldSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** What JavaScript's trim and \s treat as white space, among latin1 characters. */
function isJsSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0;
}

/**
 * The decimal integer b[start, end) (an optional "-", then digits, at most 21 bytes) as
 * a number, or NaN when it is not one or is not a safe integer.
 */
function numberAt(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len > 21) return Number.NaN;
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  if (i === end) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  // Up to 15 digits the sum is exact; beyond, Number() rounds as the text says.
  if (len > 15) v = Math.abs(Number(latin1(b, start, end)));
  if (!Number.isSafeInteger(v)) return Number.NaN;
  return negative ? -v : v;
}

/** b[start, end) as a bigint when it is "-"? and 1..21 digits in at most 21 bytes, else null. */
function bigAt(b: Uint8Array, start: number, end: number): bigint | null {
  const v = numberAt(b, start, end);
  if (!Number.isNaN(v)) return BigInt(v);
  if (end - start > 21) return null;
  let i = b[start] === 45 ? start + 1 : start;
  if (i === end) return null;
  for (; i < end; i++) if (b[i]! < 48 || b[i]! > 57) return null;
  return BigInt(latin1(b, start, end));
}

/** Field boundaries of fields 3..24 of the last line parsed: [start, end) pairs. */
const bounds = new Int32Array(2 * 22);

/** stat (see parse-stat.ts): null when it is not a stat line with at least 24 fields. */
export function parseStatBytes(b: Uint8Array, len: number): ProcStat | null {
  let open = -1;
  for (let i = 0; i < len; i++) {
    if (b[i] === 40) {
      open = i;
      break;
    }
  }
  let close = -1;
  for (let i = len - 1; i >= 0; i--) {
    if (b[i] === 41) {
      close = i;
      break;
    }
  }
  if (open < 0 || close < open) return null;
  // The pid before the name: one non-negative safe integer, white space around it.
  let ps = 0;
  let pe = open;
  while (ps < pe && isJsSpace(b[ps]!)) ps++;
  while (pe > ps && isJsSpace(b[pe - 1]!)) pe--;
  const pid = numberAt(b, ps, pe);
  if (Number.isNaN(pid) || pid < 0) return null;
  let i = close + 1;
  let count = 0;
  while (count < 22) {
    while (i < len && isFieldSpace(b[i]!)) i++;
    if (i >= len) break;
    bounds[2 * count] = i;
    while (i < len && !isFieldSpace(b[i]!)) i++;
    bounds[2 * count + 1] = i;
    count++;
  }
  if (count < 22) return null;
  const num = (n: number) => numberAt(b, bounds[2 * (n - 3)]!, bounds[2 * (n - 3) + 1]!);
  const big = (n: number) => bigAt(b, bounds[2 * (n - 3)]!, bounds[2 * (n - 3) + 1]!);
  const ppid = num(4);
  const pgrp = num(5);
  const flags = num(9);
  const utimeTicks = big(14);
  const stimeTicks = big(15);
  const nice = num(19);
  const numThreads = num(20);
  const startTicks = big(22);
  const vsizeBytes = big(23);
  const rssPages = big(24);
  if (
    Number.isNaN(ppid) ||
    Number.isNaN(pgrp) ||
    Number.isNaN(flags) ||
    utimeTicks === null ||
    stimeTicks === null ||
    Number.isNaN(nice) ||
    Number.isNaN(numThreads) ||
    startTicks === null ||
    vsizeBytes === null ||
    rssPages === null
  ) {
    return null;
  }
  return {
    pid,
    comm: latin1(b, open + 1, close),
    state: latin1(b, bounds[0]!, bounds[1]!),
    ppid,
    pgrp,
    flags: flags >>> 0,
    utimeTicks,
    stimeTicks,
    nice,
    numThreads,
    startTicks,
    vsizeBytes,
    rssPages,
  };
}

/** Whether b[at, at + head.length) is `head` (ASCII). */
function startsWith(b: Uint8Array, at: number, end: number, head: string): boolean {
  if (end - at < head.length) return false;
  for (let k = 0; k < head.length; k++) if (b[at + k] !== head.charCodeAt(k)) return false;
  return true;
}

/** The status keys a ranking reads; each line is matched on its first byte. */
const UID = 0;
const KTHREAD = 1;
const VMSIZE = 2;
const VMPTE = 3;
const VMSWAP = 4;
const RSSANON = 5;
const CAPEFF = 6;
const MEMS = 7;
const HEADS = ["Uid:", "Kthread:", "VmSize:", "VmPTE:", "VmSwap:", "RssAnon:", "CapEff:"];
const MEMS_HEAD = "Mems_allowed_list:";

/** Trimmed value bounds of each key's first line: [start, end), -1 when absent. */
const values = new Int32Array(2 * 8);

/** The key index of the status line at `at`, or -1. */
function keyOf(b: Uint8Array, at: number, end: number): number {
  switch (b[at]) {
    case 85: // U
      return startsWith(b, at, end, HEADS[UID]!) ? UID : -1;
    case 75: // K
      return startsWith(b, at, end, HEADS[KTHREAD]!) ? KTHREAD : -1;
    case 86: // V
      if (startsWith(b, at, end, HEADS[VMSIZE]!)) return VMSIZE;
      if (startsWith(b, at, end, HEADS[VMPTE]!)) return VMPTE;
      return startsWith(b, at, end, HEADS[VMSWAP]!) ? VMSWAP : -1;
    case 82: // R
      return startsWith(b, at, end, HEADS[RSSANON]!) ? RSSANON : -1;
    case 67: // C
      return startsWith(b, at, end, HEADS[CAPEFF]!) ? CAPEFF : -1;
    case 77: // M
      return startsWith(b, at, end, MEMS_HEAD) ? MEMS : -1;
    default:
      return -1;
  }
}

function headLength(key: number): number {
  return key === MEMS ? MEMS_HEAD.length : HEADS[key]!.length;
}

/** "1234 kB" (digits, then optionally white space and "kB"): the digits' end, or -1. */
function kbDigitsEnd(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
  const digits = i - start;
  if (digits === 0 || digits > 20) return -1;
  if (i === end) return i;
  let j = i;
  while (j < end && isJsSpace(b[j]!)) j++;
  return end - j === 2 && b[j] === 107 && b[j + 1] === 66 ? i : -1;
}

function kbAt(key: number, b: Uint8Array): bigint | null {
  const start = values[2 * key]!;
  if (start < 0) return null;
  const end = kbDigitsEnd(b, start, values[2 * key + 1]!);
  if (end < 0) return null;
  const v = numberAt(b, start, end);
  return Number.isNaN(v) ? BigInt(latin1(b, start, end)) : BigInt(v);
}

/** Uid: at least two fields, each 1..15 digits; else null. */
function uidsAt(b: Uint8Array): number[] | null {
  const start = values[2 * UID]!;
  if (start < 0) return null;
  const end = values[2 * UID + 1]!;
  const out: number[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isJsSpace(b[i]!)) i++;
    if (i >= end) break;
    const s = i;
    while (i < end && !isJsSpace(b[i]!)) i++;
    if (i - s > 15) return null;
    const v = numberAt(b, s, i);
    if (Number.isNaN(v) || b[s] === 45) return null;
    out.push(v);
  }
  return out.length >= 2 ? out : null;
}

function hexAt(b: Uint8Array): bigint | null {
  const start = values[2 * CAPEFF]!;
  if (start < 0) return null;
  const end = values[2 * CAPEFF + 1]!;
  if (end - start < 1 || end - start > 32) return null;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    const hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (!hex) return null;
  }
  return BigInt(`0x${latin1(b, start, end)}`);
}

/** status (see parse-status.ts), the ranking's fields only. */
export function parseStatusBytes(b: Uint8Array, len: number): LiveStatus {
  values.fill(-1);
  let i = 0;
  while (i < len) {
    let end = i;
    while (end < len && b[end] !== 10) end++;
    const key = keyOf(b, i, end);
    if (key >= 0 && values[2 * key]! < 0) {
      let s = i + headLength(key);
      let e = end;
      while (s < e && isJsSpace(b[s]!)) s++;
      while (e > s && isJsSpace(b[e - 1]!)) e--;
      values[2 * key] = s;
      values[2 * key + 1] = e;
    }
    i = end + 1;
  }
  const k = values[2 * KTHREAD]!;
  const kthreadOne = k >= 0 && values[2 * KTHREAD + 1]! - k === 1 ? b[k] : -1;
  const vmSizeStart = values[2 * VMSIZE]!;
  const hasVmSize = vmSizeStart >= 0 && kbDigitsEnd(b, vmSizeStart, values[2 * VMSIZE + 1]!) >= 0;
  const memsStart = values[2 * MEMS]!;
  return {
    uids: uidsAt(b),
    kthread: kthreadOne === 49 ? true : kthreadOne === 48 ? false : null,
    vmPteKb: kbAt(VMPTE, b),
    vmSwapKb: kbAt(VMSWAP, b),
    capEff: hexAt(b),
    memsAllowedList:
      memsStart < 0 ? null : parseNodeList(latin1(b, memsStart, values[2 * MEMS + 1]!)),
    hasMm: hasVmSize || values[2 * RSSANON]! >= 0,
  };
}

/** A file holding one decimal integer (see parseIntFile): "-"? and 1..15 digits, trimmed. */
export function parseIntBytes(b: Uint8Array, len: number): number | null {
  let s = 0;
  let e = len;
  while (s < e && isJsSpace(b[s]!)) s++;
  while (e > s && isJsSpace(b[e - 1]!)) e--;
  const digits = b[s] === 45 ? e - s - 1 : e - s;
  if (digits < 1 || digits > 15) return null;
  const v = numberAt(b, s, e);
  return Number.isNaN(v) ? null : v;
}

/** task/TID/children (see parseChildren): pids of 1..10 digits; null if any token is not one. */
export function parseChildrenBytes(b: Uint8Array, len: number): number[] | null {
  const out: number[] = [];
  let i = 0;
  while (i < len) {
    while (i < len && isJsSpace(b[i]!)) i++;
    if (i >= len) break;
    const s = i;
    while (i < len && !isJsSpace(b[i]!)) i++;
    if (i - s > 10 || b[s] === 45) return null;
    const v = numberAt(b, s, i);
    if (Number.isNaN(v)) return null;
    out.push(v);
  }
  return out;
}
