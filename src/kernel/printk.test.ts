import { describe, expect, it } from "vitest";
import { PrintkRatelimit, printkSuppressedLine } from "./printk.js";

const HZ = 250;
const T = 2 ** 32 - 300 * HZ + 5000;

describe("docs/oom-path.md §7.2 printk_ratelimit", () => {
  it("the very first call passes (its now - 0 is clamped to the burst)", () => {
    const p = new PrintkRatelimit(HZ, 64);
    expect(p.allow(2 ** 32 - 300 * HZ)).toBe(true);
    expect(p.reportMissed).toBe(0);
  });

  it("docs/oom-path.md §14 example 11: ten pass at one jiffy, then one per 5*HZ with the missed count", () => {
    const p = new PrintkRatelimit(HZ, 64);
    const first = Array.from({ length: 12 }, () => p.allow(T));
    expect(first).toEqual([...Array(10).fill(true), false, false]);
    expect(p.missed).toBe(2);
    expect(p.allow(T + 1250)).toBe(true);
    expect(p.reportMissed).toBe(2);
    expect(printkSuppressedLine(p.reportMissed)).toBe("printk: 2 messages suppressed.");
    expect(p.missed).toBe(0);
  });

  it("docs/oom-path.md §14 example 11: a call at T + 1249 is suppressed too and adds to missed", () => {
    const p = new PrintkRatelimit(HZ, 64);
    for (let i = 0; i < 12; i++) p.allow(T);
    expect(p.allow(T + 1249)).toBe(false);
    expect(p.allow(T + 1250)).toBe(true);
    expect(p.reportMissed).toBe(3);
    expect(p.allow(T + 1250)).toBe(false);
    expect(p.reportMissed).toBe(0);
  });

  it("32-bit jiffies: the difference wraps modulo 2^32", () => {
    const p = new PrintkRatelimit(100, 32);
    expect(p.allow(2 ** 32 - 30000)).toBe(true); // at boot: clamped to the burst
    const before = 2 ** 32 - 10;
    for (let i = 0; i < 10; i++) expect(p.allow(before)).toBe(true);
    expect(p.allow(before)).toBe(false);
    // 510 jiffies later the counter has wrapped to 500: 510 tokens, one passes.
    expect(p.allow(500)).toBe(true);
    expect(p.reportMissed).toBe(1);
    expect(p.toks).toBe(10);
  });

  it("32-bit: toks itself wraps, so a first call 250 s after boot starts nearly empty", () => {
    // HZ 100: toks 5000 + jiffies (2^32 - 30000 + 25100) wraps to 100 < 500.
    const p = new PrintkRatelimit(100, 32);
    expect(p.allow(2 ** 32 - 30000 + 25100)).toBe(false);
    expect(p.toks).toBe(100);
    // On 64 bits the same call passes.
    expect(new PrintkRatelimit(100, 64).allow(2 ** 32 - 30000 + 25100)).toBe(true);
  });

  it("honours other interval and burst values", () => {
    const p = new PrintkRatelimit(HZ, 64, 10, 2);
    expect([p.allow(T), p.allow(T), p.allow(T)]).toEqual([true, true, false]);
    expect(p.allow(T + 9)).toBe(false);
    expect(p.allow(T + 10)).toBe(true);
    expect(p.reportMissed).toBe(2);
  });
});
