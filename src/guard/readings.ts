/**
 * What one poll of the guard reads, as plain numbers, and the parsers of the files it
 * comes from (guard.md §1-§3). Pure; a file that does not parse gives null, never a throw.
 *
 * Sizes are bytes as doubles: exact up to 8 PiB, far above any real machine; a cgroup
 * limit of 2^62 bytes or more ("unlimited" in v1, `max` in v2) is read as no limit.
 */

import { parseMeminfo } from "../live/parse-misc.js";

export interface MemoryReading {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  totalUs: number;
}

export interface PressureReading {
  some: PressureLine;
  /** Absent on kernels and files that print no `full` line. */
  full: PressureLine | null;
}

export interface CgroupReading {
  usageBytes: number;
  /** null: no limit. */
  limitBytes: number | null;
  /** Memory + swap (v1 memsw) or swap alone (v2), and its limit; null when not there. */
  swapUsageBytes: number | null;
  swapLimitBytes: number | null;
  /** The kernel's OOM kills in the cgroup (v1 oom_control `oom_kill`, v2 events `oom_kill`). */
  kernelOomKills: number | null;
}

/** One poll. A part not configured (or not readable) is null. */
export interface Reading {
  memory: MemoryReading | null;
  pressure: PressureReading | null;
  cgroup: CgroupReading | null;
}

const KIB = 1024;
/** Limits at or above this are "unlimited" (v1 prints 9223372036854771712). */
const UNLIMITED_BYTES = 2 ** 62;

/** `/proc/meminfo`: null without MemTotal or MemAvailable (kernels before 3.14). */
export function parseMemoryReading(text: string): MemoryReading | null {
  const m = parseMeminfo(text);
  const total = m.get("MemTotal");
  const available = m.get("MemAvailable");
  if (total === undefined || available === undefined) return null;
  return {
    totalBytes: Number(total) * KIB,
    availableBytes: Number(available) * KIB,
    swapTotalBytes: Number(m.get("SwapTotal") ?? 0n) * KIB,
    swapFreeBytes: Number(m.get("SwapFree") ?? 0n) * KIB,
  };
}

function parsePressureLine(line: string | undefined, kind: string): PressureLine | null {
  if (line === undefined) return null;
  const m =
    /^(\w+) avg10=(\d+(?:\.\d+)?) avg60=(\d+(?:\.\d+)?) avg300=(\d+(?:\.\d+)?) total=(\d+)\s*$/.exec(
      line,
    );
  if (m === null || m[1] !== kind) return null;
  return {
    avg10: Number(m[2]),
    avg60: Number(m[3]),
    avg300: Number(m[4]),
    totalUs: Number(m[5]),
  };
}

/** `/proc/pressure/memory` or a cgroup's `memory.pressure` (guard.md §2). */
export function parsePressure(text: string): PressureReading | null {
  const lines = text.split("\n");
  const some = parsePressureLine(
    lines.find((l) => l.startsWith("some ")),
    "some",
  );
  if (some === null) return null;
  return {
    some,
    full: parsePressureLine(
      lines.find((l) => l.startsWith("full ")),
      "full",
    ),
  };
}

/**
 * A byte count file: a decimal, or `max` (v2) for no limit. Returns null for garbage,
 * Infinity for no limit.
 */
export function parseBytesFile(text: string): number | null {
  const t = text.trim();
  if (t === "max") return Number.POSITIVE_INFINITY;
  if (!/^\d{1,20}$/.test(t)) return null;
  const n = Number(t);
  return n >= UNLIMITED_BYTES ? Number.POSITIVE_INFINITY : n;
}

/** `name N` lines (v1 memory.oom_control, v2 memory.events): the value of `key`, or null. */
export function parseKeyedCount(text: string, key: string): number | null {
  for (const line of text.split("\n")) {
    const m = /^(\S+)\s+(\d{1,20})\s*$/.exec(line);
    if (m !== null && m[1] === key) return Number(m[2]);
  }
  return null;
}

/** A limit as the reading holds it: null for no limit. */
export function limitOf(n: number | null): number | null {
  return n === null || n === Number.POSITIVE_INFINITY ? null : n;
}
