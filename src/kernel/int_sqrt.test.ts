import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { intSqrt, intSqrtNumber, intSqrtSteps } from "./int_sqrt.js";

function floorSqrtReference(x: bigint): bigint {
  if (x < 2n) return x;
  let lo = 0n;
  let hi = x;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (mid * mid <= x) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

describe("int_sqrt (docs/oom-path.md §5.2)", () => {
  it("is floor(sqrt(x)) exhaustively for small values at both widths", () => {
    for (let x = 0n; x < 70000n; x++) {
      const want = floorSqrtReference(x);
      expect(intSqrtSteps(x, 32)).toBe(want);
      expect(intSqrtSteps(x, 64)).toBe(want);
      expect(intSqrt(x, 64)).toBe(want);
    }
  });

  it("is exact at the boundaries of both widths", () => {
    const cases32 = [0xffffffffn, 0xfffe0001n, 0xfffe0000n, 1n << 31n];
    for (const x of cases32) expect(intSqrtSteps(x, 32)).toBe(floorSqrtReference(x));
    for (const x of cases32) expect(intSqrt(x, 32)).toBe(floorSqrtReference(x));
    const cases64 = [(1n << 64n) - 1n, (1n << 63n) - 1n, 0xfffffffe00000001n, 0xfffffffe00000000n];
    for (const x of cases64) expect(intSqrtSteps(x, 64)).toBe(floorSqrtReference(x));
    for (const x of cases64) expect(intSqrt(x, 64)).toBe(floorSqrtReference(x));
  });

  it("gives the divisor table of §5.2 for isqrt(isqrt(run_time))", () => {
    const divisor = (r: bigint) => intSqrt(intSqrt(r, 64), 64);
    expect([0n, 1n, 15n, 16n, 80n, 81n, 255n, 256n, 624n, 625n].map(divisor)).toEqual([
      0n,
      1n,
      1n,
      2n,
      2n,
      3n,
      3n,
      4n,
      4n,
      5n,
    ]);
  });

  it("agrees with the reference on random 64-bit values", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (x) => {
        expect(intSqrtSteps(x, 64)).toBe(floorSqrtReference(x));
        expect(intSqrt(x, 64)).toBe(floorSqrtReference(x));
      }),
    );
  });

  it("number version equals the kernel's steps below 2^53", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }), (x) => {
        expect(BigInt(intSqrtNumber(Number(x)))).toBe(intSqrtSteps(x, 64));
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), (x) => {
        expect(BigInt(intSqrtNumber(Number(x)))).toBe(intSqrtSteps(x, 32));
      }),
    );
    for (const x of [2 ** 53 - 1, 2 ** 52, 4503599761588224, 94906265 ** 2, 94906265 ** 2 - 1]) {
      expect(BigInt(intSqrtNumber(x))).toBe(intSqrtSteps(BigInt(x), 64));
    }
  });
});
