import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  mean,
  meanInterval95,
  median,
  pairedCounts,
  quantileSorted,
  sortedCopy,
  studentTCdf,
  studentTQuantile,
} from "./stats.js";

describe("quantiles by linear interpolation (type 7)", () => {
  it("median and p95 of known data", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const xs = sortedCopy(Array.from({ length: 21 }, (_, i) => 20 - i));
    // Position (21 - 1) * 0.95 = 19: the 20th smallest, 19.
    expect(quantileSorted(xs, 0.95)).toBe(19);
    // 1..10: position 9 * 0.95 = 8.55, between 9 and 10.
    expect(quantileSorted(sortedCopy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.95)).toBeCloseTo(9.55, 12);
    expect(quantileSorted(sortedCopy([7]), 0.95)).toBe(7);
    expect(Number.isNaN(quantileSorted(new Float64Array(0), 0.5))).toBe(true);
  });

  it("lies between the smallest and the largest value, and grows with p", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, p, q) => {
          const s = sortedCopy(xs);
          const a = quantileSorted(s, Math.min(p, q));
          const b = quantileSorted(s, Math.max(p, q));
          expect(a).toBeGreaterThanOrEqual(s[0]!);
          expect(b).toBeLessThanOrEqual(s[s.length - 1]!);
          expect(a).toBeLessThanOrEqual(b);
        },
      ),
    );
  });
});

describe("Student's t", () => {
  it("the 0.975 quantiles of the tables", () => {
    const table: [number, number][] = [
      [1, 12.7062],
      [2, 4.3027],
      [4, 2.7764],
      [10, 2.2281],
      [30, 2.0423],
      [120, 1.9799],
      [100000, 1.96],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-2.2281, 10)).toBeCloseTo(0.025, 4);
  });

  it("the 95 % interval of the mean of known data", () => {
    // 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445.
    const ci = meanInterval95([1, 2, 3, 4, 5])!;
    const half = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(ci.low).toBeCloseTo(3 - half, 5);
    expect(ci.high).toBeCloseTo(3 + half, 5);
    expect(meanInterval95([4, 4, 4])).toEqual({ low: 4, high: 4 });
    expect(meanInterval95([4])).toBeNull();
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it("covers the mean, symmetrically", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 40 }),
        (xs) => {
          const m = mean(xs);
          const ci = meanInterval95(xs)!;
          expect(ci.low).toBeLessThanOrEqual(m + 1e-9);
          expect(ci.high).toBeGreaterThanOrEqual(m - 1e-9);
          expect(ci.high - m).toBeCloseTo(m - ci.low, 9);
        },
      ),
    );
  });
});

describe("paired counts", () => {
  it("counts wins (lower), losses and ties, scenario by scenario", () => {
    expect(pairedCounts([0, 1, 2, 3], [1, 1, 0, 5])).toEqual({ wins: 2, losses: 1, ties: 1 });
    expect(pairedCounts([], [])).toEqual({ wins: 0, losses: 0, ties: 0 });
  });
});
