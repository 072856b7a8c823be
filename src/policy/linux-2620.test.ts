import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotArbitrary } from "../../test/support/arbitrary.js";
import { context, view } from "../../test/support/views.js";
import { badnessExact, makeBadnessContext } from "../oom/badness.js";
import { selectBadProcess } from "../oom/select_bad_process.js";
import { compileState } from "../oom/state.js";
import { linux2620Policy as policy } from "./linux-2620.js";
import { chooseVictim } from "./select.js";
import { chooseOnState, contextOfState, viewsOfState } from "./state-views.js";
import type { VictimPolicy } from "./types.js";

const ULONG_MAX_64 = (1n << 64n) - 1n;

describe("2.6.20 policy: eligibility (docs/oom-path.md §6 step 3, in the kernel's order)", () => {
  const ctx = context({ current: 0 });
  it("no mm and init are skipped", () => {
    expect(policy.eligibility(view({ hasMm: false }), ctx, 1).kind).toBe("skip");
    expect(policy.eligibility(view({ pid: 1, isInit: true }), ctx, 1).kind).toBe("skip");
    // init is skipped before its TIF_MEMDIE would abort
    expect(policy.eligibility(view({ isInit: true, memdie: true }), ctx, 1).kind).toBe("skip");
  });
  it("TIF_MEMDIE aborts, even for current and even when OOM_DISABLE", () => {
    for (const index of [0, 1]) {
      const e = policy.eligibility(
        view({ memdie: true, exiting: true, oomkilladj: -17 }),
        ctx,
        index,
      );
      expect(e).toMatchObject({ kind: "abort", reason: expect.stringContaining("TIF_MEMDIE") });
    }
  });
  it("PF_EXITING aborts unless the task is current, which is taken with ULONG_MAX (Q11)", () => {
    expect(policy.eligibility(view({ exiting: true }), ctx, 1).kind).toBe("abort");
    expect(policy.eligibility(view({ exiting: true }), ctx).kind).toBe("abort");
    expect(policy.eligibility(view({ exiting: true, oomkilladj: -17 }), ctx, 0)).toMatchObject({
      kind: "take",
      points: ULONG_MAX_64,
    });
    expect(
      policy.eligibility(view({ exiting: true }), context({ bits: 32, current: 0 }), 0),
    ).toMatchObject({ kind: "take", points: 0xffffffffn });
  });
  it("OOM_DISABLE is skipped; any other adjustment is a candidate", () => {
    expect(policy.eligibility(view({ oomkilladj: -17 }), ctx, 1).kind).toBe("skip");
    expect(policy.eligibility(view({ oomkilladj: -16 }), ctx, 1).kind).toBe("candidate");
  });
  it("ties keep the first task scanned", () => {
    expect(policy.tie).toBe("first");
    expect(policy.scans).toBe("threads");
  });
});

describe("2.6.20 policy: score (docs/oom-path.md §5.1)", () => {
  const ctx = context({ hz: 250, uptimeSeconds: 100_000n });
  const score = (over: Parameters<typeof view>[0]) => policy.score(view(over), ctx);
  it("total_vm plus half of each child's total_vm plus one", () => {
    expect(score({ startTimeSeconds: 100_000n, childrenTotalVmPages: [100n, 51n] })).toBe(
      1000n + 51n + 26n,
    );
  });
  it("cpu and run time divide by their integer square roots", () => {
    // cpu_time = 40960 >> (8 + 3) = 20, int_sqrt 4; run_time = 16384 >> 10 = 16, root4 2
    expect(score({ cpuTimeJiffies: 40_960n, startTimeSeconds: 100_000n - 16_384n })).toBe(
      1000n / 4n / 2n,
    );
  });
  it("nice doubles; root, raw I/O and a foreign cpuset divide; then the adj shift", () => {
    const now = { startTimeSeconds: 100_000n };
    expect(score({ ...now, nice: 1 })).toBe(2000n);
    expect(score({ ...now, uid: 0 })).toBe(250n);
    expect(score({ ...now, euid: 0, capSysRawio: true })).toBe(62n);
    expect(score({ ...now, cpusetOverlap: false })).toBe(125n);
    expect(score({ ...now, totalVmPages: 7n, uid: 0, oomkilladj: 1 })).toBe(2n);
    expect(score({ ...now, oomkilladj: -3 })).toBe(125n);
  });
  it("PF_SWAPOFF scores ULONG_MAX; no mm scores 0; the left shift wraps (Q3, Q15)", () => {
    expect(score({ swapoff: true })).toBe(ULONG_MAX_64);
    expect(score({ hasMm: false })).toBe(0n);
    expect(score({ startTimeSeconds: 100_000n, totalVmPages: 2n ** 62n, oomkilladj: 3 })).toBe(0n);
  });
  it("unknown cpu time, start time and children are neutral", () => {
    expect(
      score({ cpuTimeJiffies: null, startTimeSeconds: null, childrenTotalVmPages: null }),
    ).toBe(1000n);
  });
  it("explain lists the terms that ran, ending with the score", () => {
    const terms = policy.explain(view({ uid: 0, startTimeSeconds: 100_000n }), ctx);
    expect(terms.map((t) => t.term)).toEqual(["total_vm", "root"]);
    expect(terms.at(-1)!.value).toBe("250");
  });
});

describe("2.6.20 policy over views of a compiled state (fast-check, both widths, up to ULONG_MAX)", () => {
  const runs = { numRuns: 400 };
  it("chooses exactly what selectBadProcess chooses, with the same points", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const s = compileState(snapshot);
        const fast = selectBadProcess(s);
        const choice = chooseVictim(viewsOfState(s), policy, contextOfState(s));
        expect(choice.kind).toBe(fast.kind);
        if (fast.kind !== "none" && choice.kind !== "none") expect(choice.index).toBe(fast.index);
        if (fast.kind === "chosen" && choice.kind === "chosen") {
          expect(choice.points).toBe(BigInt(fast.points));
        }
      }),
      runs,
    );
  });
  it("every view's score is badnessExact of its task", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const s = compileState(snapshot);
        const c = makeBadnessContext(s);
        const ctx = contextOfState(s);
        viewsOfState(s).forEach((v, i) => {
          expect(policy.score(v, ctx)).toBe(badnessExact(s, c, i));
        });
      }),
      runs,
    );
  });
  it("the view path and the fast path of chooseOnState agree, scores included", () => {
    const { chooseCompiled: _, ...viewsOnly } = policy;
    const slow: VictimPolicy = viewsOnly;
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const s = compileState(snapshot);
        const heardFast: [number, bigint][] = [];
        const heardSlow: [number, bigint][] = [];
        const a = chooseOnState(s, policy, {}, (i, p) => heardFast.push([i, p]));
        const b = chooseOnState(s, slow, {}, (i, p) => heardSlow.push([i, p]));
        expect(b).toEqual(a);
        // The kernel also scores an exiting current after taking it; the views path does not.
        const taken = (i: number) => i === s.current && (s.tasks.flags[i]! & 0x4) !== 0;
        expect(heardSlow).toEqual(heardFast.filter(([i]) => !taken(i)));
      }),
      runs,
    );
  });
});
