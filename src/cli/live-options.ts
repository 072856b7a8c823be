/**
 * Option values shared by the live commands (`snapshot`, `rank`), checked into typed
 * values; a bad value is a UsageError naming the option.
 */
import { UsageError } from "../errors.js";

export function intOption(name: string, value: string, min: number, max: number): number {
  const t = value.trim();
  if (!/^-?\d+$/.test(t)) throw new UsageError(`${name} must be an integer, got "${value}"`);
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return n;
}

/** HZ of the simulated 2.6.20 kernel (docs/formats.md §2.1: 12..1535). */
export function hzOption(value: string): number {
  return intOption("--hz", value, 12, 1535);
}

export function pidOption(name: string, value: string): number {
  return intOption(name, value, 1, 4194303);
}

/** Seconds between --watch refreshes: a positive decimal, at least 0.1. */
export function secondsOption(name: string, value: string): number {
  const t = value.trim();
  const n = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || !Number.isFinite(n) || n < 0.1 || n > 86400) {
    throw new UsageError(`${name} must be a number of seconds from 0.1 to 86400, got "${value}"`);
  }
  return n;
}
