/**
 * `int_sqrt()` of lib/int_sqrt.c (docs/oom-path.md §5.2): the digit-by-digit integer square root,
 * starting from bit BITS-2. It returns floor(sqrt(x)) for every unsigned long.
 */

/**
 * floor(sqrt(x)), what the kernel's algorithm gives: by `intSqrtNumber` below 2^53, by the
 * algorithm itself above.
 */
export function intSqrt(x: bigint, bits: 32 | 64): bigint {
  return x <= MAX_SAFE ? BigInt(intSqrtNumber(Number(x))) : intSqrtSteps(x, bits);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The kernel's algorithm, step for step, on exact values. */
export function intSqrtSteps(x: bigint, bits: 32 | 64): bigint {
  let op = x;
  let res = 0n;
  let one = 1n << BigInt(bits - 2);
  while (one > op) one >>= 2n;
  while (one !== 0n) {
    if (op >= res + one) {
      op -= res + one;
      res += 2n * one;
    }
    res >>= 1n;
    one >>= 2n;
  }
  return res;
}

/**
 * floor(sqrt(x)) for an integer 0 <= x <= 2^53 - 1. Math.sqrt is correctly rounded, so
 * the estimate is off by at most one; the two corrections make it exact.
 */
export function intSqrtNumber(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  if (r * r > x) r -= 1;
  else if ((r + 1) * (r + 1) <= x) r += 1;
  return r;
}
