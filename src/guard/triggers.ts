/**
 * The guard's triggers (each with a TERM and a KILL level) and how they combine. Pure:
 * a reading and the time in, a level and the values behind it out; the one piece of
 * state, how long pressure has stayed above a level, is passed in and returned.
 */

import type { CgroupReading, MemoryReading, PressureReading, Reading } from "./readings.js";

export type Level = "ok" | "term" | "kill";

/** "Below this": a share of the total and/or an absolute size; the lower of the two applies. */
export interface LowThreshold {
  percent: number | null;
  bytes: number | null;
}

export interface LowTrigger {
  term: LowThreshold;
  kill: LowThreshold;
}

export interface PressureTrigger {
  /** Which line of the PSI file: some task stalled, or every non-idle task. */
  line: "some" | "full";
  /** avg10 percentages. */
  term: number;
  kill: number;
  /** How long avg10 must stay at or above a level before it counts, in ms. */
  forMs: number;
}

export interface CgroupTrigger {
  /** Usage as a percentage of the limit, at or above which each level applies. */
  termPercent: number;
  killPercent: number;
}

export interface TriggerConfig {
  /** "and": every trigger that applies must be at the level; "or": any one. */
  combine: "and" | "or";
  /** MemAvailable below. */
  memory: LowTrigger | null;
  /** SwapFree below; does not apply while the machine has no swap. */
  swap: LowTrigger | null;
  pressure: PressureTrigger | null;
  cgroup: CgroupTrigger | null;
}

/** Since when PSI has been at or above each level (ms), or null. */
export interface PressureClock {
  termSince: number | null;
  killSince: number | null;
}

export const NO_PRESSURE: PressureClock = { termSince: null, killSince: null };

export type TriggerName = "memory" | "swap" | "pressure" | "cgroup";

/** One trigger's verdict: "n/a" when it cannot apply now (no swap, no limit, unreadable). */
export interface TriggerState {
  name: TriggerName;
  level: Level | "n/a";
  /** What was measured, in words ("MemAvailable 812 MiB (3.3 %)"). */
  value: string;
  /** The levels it was compared with, in words. */
  limits: string;
  /** Why it does not apply, when level is "n/a". */
  why?: string;
}

export interface Evaluation {
  level: Level;
  triggers: TriggerState[];
  pressureClock: PressureClock;
}

const MIB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= 10 * 1024 * MIB) return `${(n / (1024 * MIB)).toFixed(1)} GiB`;
  if (n >= MIB) return `${Math.round(n / MIB)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

function percentText(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : "0 %";
}

/** The byte level below which a threshold is crossed, for a total. */
export function lowLevelBytes(t: LowThreshold, total: number): number {
  const fromPercent = t.percent === null ? Number.POSITIVE_INFINITY : (t.percent / 100) * total;
  const fromBytes = t.bytes === null ? Number.POSITIVE_INFINITY : t.bytes;
  const level = Math.min(fromPercent, fromBytes);
  return Number.isFinite(level) ? level : 0;
}

function lowState(
  name: "memory" | "swap",
  label: string,
  free: number,
  total: number,
  trigger: LowTrigger,
): TriggerState {
  const term = lowLevelBytes(trigger.term, total);
  const kill = lowLevelBytes(trigger.kill, total);
  const level: Level = free <= kill ? "kill" : free <= term ? "term" : "ok";
  return {
    name,
    level,
    value: `${label} ${formatBytes(free)} (${percentText(free, total)})`,
    limits: `TERM below ${formatBytes(term)}, KILL below ${formatBytes(kill)}`,
  };
}

function memoryState(m: MemoryReading | null, trigger: LowTrigger): TriggerState {
  if (m === null) {
    return { name: "memory", level: "n/a", value: "", limits: "", why: "meminfo unreadable" };
  }
  return lowState("memory", "MemAvailable", m.availableBytes, m.totalBytes, trigger);
}

function swapState(m: MemoryReading | null, trigger: LowTrigger): TriggerState {
  if (m === null || m.swapTotalBytes === 0) {
    // guard.md §1: no swap must not read as "swap low", or every poll is an emergency.
    return { name: "swap", level: "n/a", value: "", limits: "", why: "no swap" };
  }
  return lowState("swap", "SwapFree", m.swapFreeBytes, m.swapTotalBytes, trigger);
}

function since(prev: number | null, above: boolean, now: number): number | null {
  if (!above) return null;
  return prev ?? now;
}

function pressureState(
  p: PressureReading | null,
  trigger: PressureTrigger,
  clock: PressureClock,
  now: number,
): { state: TriggerState; clock: PressureClock } {
  const line = p === null ? null : trigger.line === "some" ? p.some : p.full;
  if (line === null) {
    return {
      state: { name: "pressure", level: "n/a", value: "", limits: "", why: "PSI unreadable" },
      clock: NO_PRESSURE,
    };
  }
  const next: PressureClock = {
    termSince: since(clock.termSince, line.avg10 >= trigger.term, now),
    killSince: since(clock.killSince, line.avg10 >= trigger.kill, now),
  };
  const held = (t: number | null) => t !== null && now - t >= trigger.forMs;
  const level: Level = held(next.killSince) ? "kill" : held(next.termSince) ? "term" : "ok";
  const seconds = (trigger.forMs / 1000).toString();
  return {
    state: {
      name: "pressure",
      level,
      value: `PSI ${trigger.line} avg10 ${line.avg10.toFixed(2)} %`,
      limits: `TERM at ${trigger.term} %, KILL at ${trigger.kill} %, each held ${seconds} s`,
    },
    clock: next,
  };
}

/** The share of its limit a cgroup uses: memory, or memory + swap when that is closer. */
export function cgroupUsedPercent(c: CgroupReading): number | null {
  const shares: number[] = [];
  if (c.limitBytes !== null && c.limitBytes > 0) shares.push(c.usageBytes / c.limitBytes);
  if (c.swapLimitBytes !== null && c.swapLimitBytes > 0 && c.swapUsageBytes !== null) {
    shares.push(c.swapUsageBytes / c.swapLimitBytes);
  }
  return shares.length === 0 ? null : Math.max(...shares) * 100;
}

function cgroupState(c: CgroupReading | null, trigger: CgroupTrigger): TriggerState {
  if (c === null) {
    return { name: "cgroup", level: "n/a", value: "", limits: "", why: "cgroup unreadable" };
  }
  const used = cgroupUsedPercent(c);
  if (used === null) {
    return { name: "cgroup", level: "n/a", value: "", limits: "", why: "the cgroup has no limit" };
  }
  const level: Level =
    used >= trigger.killPercent ? "kill" : used >= trigger.termPercent ? "term" : "ok";
  const limit = c.limitBytes === null ? "" : ` of ${formatBytes(c.limitBytes)}`;
  return {
    name: "cgroup",
    level,
    value: `cgroup usage ${formatBytes(c.usageBytes)}${limit} (${used.toFixed(1)} %)`,
    limits: `TERM at ${trigger.termPercent} %, KILL at ${trigger.killPercent} %`,
  };
}

const RANK: Record<Level, number> = { ok: 0, term: 1, kill: 2 };

/** Whether the combination of `states` reaches `level`. */
function reaches(states: readonly TriggerState[], level: Level, combine: "and" | "or"): boolean {
  const live = states.filter((s) => s.level !== "n/a");
  if (live.length === 0) return false;
  const at = (s: TriggerState) => RANK[s.level as Level] >= RANK[level];
  return combine === "and" ? live.every(at) : live.some(at);
}

/** Every configured trigger on one reading, and the level they reach together. */
export function evaluate(
  reading: Reading,
  config: TriggerConfig,
  clock: PressureClock,
  now: number,
): Evaluation {
  const triggers: TriggerState[] = [];
  let pressureClock = NO_PRESSURE;
  if (config.memory !== null) triggers.push(memoryState(reading.memory, config.memory));
  if (config.swap !== null) triggers.push(swapState(reading.memory, config.swap));
  if (config.pressure !== null) {
    const p = pressureState(reading.pressure, config.pressure, clock, now);
    triggers.push(p.state);
    pressureClock = p.clock;
  }
  if (config.cgroup !== null) triggers.push(cgroupState(reading.cgroup, config.cgroup));
  const level: Level = reaches(triggers, "kill", config.combine)
    ? "kill"
    : reaches(triggers, "term", config.combine)
      ? "term"
      : "ok";
  return { level, triggers, pressureClock };
}
