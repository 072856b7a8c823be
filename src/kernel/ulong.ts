/**
 * `unsigned long` arithmetic of a BITS-wide machine, exact, in bigint (docs/oom-path.md §1).
 * Everything here wraps modulo 2^BITS the way C does; the fast paths elsewhere fall
 * back to these functions whenever a value might leave the exactly representable range.
 */

import type { Bits } from "../snapshot/types.js";

const MAX_32 = (1n << 32n) - 1n;
const MAX_64 = (1n << 64n) - 1n;

export function ulongMax(bits: Bits): bigint {
  return bits === 32 ? MAX_32 : MAX_64;
}

export function longMax(bits: Bits): bigint {
  return bits === 32 ? (1n << 31n) - 1n : (1n << 63n) - 1n;
}

/** Reduces a non-negative or negative bigint modulo 2^BITS. */
export function wrap(x: bigint, bits: Bits): bigint {
  return BigInt.asUintN(bits, x);
}

/** The value as `%li` prints it: the same bits read as a signed long. */
export function asSignedLong(x: bigint, bits: Bits): bigint {
  return BigInt.asIntN(bits, x);
}

/**
 * The largest integer that the number fast paths may hold for a machine of this width:
 * below it, number arithmetic is exact and no wrap-around can have happened.
 */
export function fastLimit(bits: Bits): number {
  return bits === 32 ? 0xffffffff : Number.MAX_SAFE_INTEGER;
}
