import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { badness2620, selectBadProcess2620, ULONG_MAX_64 } from "./badness2620.js";

const task = (pid: number, totalVmPages: bigint, root = false, oomkilladj = 0) => ({
  pid,
  totalVmPages,
  root,
  oomkilladj,
});

describe("2.6.20 badness from a report's fields (spec §5.1, §6)", () => {
  it("§5.1 steps 2, 10, 13: total_vm, root divides by 4 before the oomkilladj shift", () => {
    expect(badness2620(task(5, 1000n))).toBe(1000n);
    expect(badness2620(task(5, 1000n, true))).toBe(250n);
    expect(badness2620(task(5, 7n, true, 1))).toBe(2n); // 7/4 = 1, then << 1; shifting first would give 3
    expect(badness2620(task(5, 1000n, false, -3))).toBe(125n);
    expect(badness2620(task(5, 1000n, true, 15))).toBe(250n << 15n);
  });

  it("§5.1 step 13: the left shift drops high bits of a 64-bit unsigned long", () => {
    expect(badness2620(task(5, 2n ** 62n, false, 3))).toBe(0n);
    expect(badness2620(task(5, ULONG_MAX_64, false, 1))).toBe(ULONG_MAX_64 - 1n);
  });

  it("§5.1 the result is always a 64-bit unsigned value (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: ULONG_MAX_64 }),
        fc.boolean(),
        fc.integer({ min: -17, max: 15 }),
        (vm, root, adj) => {
          const p = badness2620(task(9, vm, root, adj));
          expect(p >= 0n && p <= ULONG_MAX_64).toBe(true);
          if (adj === 0) expect(p).toBe(root ? vm / 4n : vm);
        },
      ),
    );
  });

  it("§6 pid 1 and OOM_DISABLE are skipped; the first wins at 0; ties keep the earlier", () => {
    expect(selectBadProcess2620([task(1, 9000n), task(7, 0n), task(8, 0n)])).toEqual({
      index: 1,
      points: 0n,
    });
    expect(selectBadProcess2620([task(6, 100n), task(7, 100n)])).toEqual({
      index: 0,
      points: 100n,
    });
    expect(selectBadProcess2620([task(6, 100n, false, -17), task(7, 1n)])).toEqual({
      index: 1,
      points: 1n,
    });
    expect(selectBadProcess2620([task(1, 5n), task(2, 5n, false, -17)])).toBeNull();
  });
});
