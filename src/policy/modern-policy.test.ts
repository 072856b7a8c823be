import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { context, view } from "../../test/support/views.js";
import {
  explainModern,
  type KernelVersion,
  oomBadness,
  selectionPoints,
  selectVictim,
} from "./modern.js";
import { modernPolicy, modernTaskOfView } from "./modern-policy.js";
import { chooseVictim } from "./select.js";
import type { CandidateView } from "./types.js";

const versions: KernelVersion[] = [
  [2, 6, 20],
  [2, 6, 36],
  [3, 7, 0],
  [3, 14, 0],
  [4, 17, 0],
  [5, 8, 0],
  [5, 9, 0],
  [6, 18, 0],
];

const viewArbitrary: fc.Arbitrary<CandidateView> = fc
  .record({
    pid: fc.integer({ min: 1, max: 50 }),
    rss: fc.option(fc.bigInt({ min: 0n, max: 2_000_000n })),
    swap: fc.option(fc.bigInt({ min: 0n, max: 500_000n })),
    pgtables: fc.option(fc.bigInt({ min: 0n, max: 5_000n })),
    adj: fc.oneof(fc.constantFrom(-1000, -998, 0, 1000), fc.integer({ min: -1000, max: 1000 })),
    init: fc.boolean(),
    kthread: fc.boolean(),
    mm: fc.boolean(),
    vfork: fc.boolean(),
    admin: fc.boolean(),
    origin: fc.boolean(),
  })
  .map((r) =>
    view({
      pid: r.pid,
      rssPages: r.rss,
      swapPages: r.swap,
      pgtablesPages: r.pgtables,
      oomScoreAdj: r.adj,
      isInit: r.init && r.pid === 1,
      isKthread: r.kthread && r.pid % 7 === 0,
      hasMm: r.mm || r.pid % 5 !== 0,
      vforkChild: r.vfork && r.pid % 3 === 0,
      capSysAdmin: r.admin,
      swapoff: r.origin && r.pid % 11 === 0,
    }),
  );

describe("modern policy = the functions of modern.ts (fast-check)", () => {
  it("same victim, tie rule included, for every era", () => {
    fc.assert(
      fc.property(
        fc.array(viewArbitrary, { maxLength: 12 }),
        fc.constantFrom(...versions),
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        (views, version, totalPages) => {
          const policy = modernPolicy(version);
          const choice = chooseVictim(views, policy, context({ totalPages }));
          const tasks = views.map(modernTaskOfView);
          const expected = selectVictim(tasks, totalPages, version);
          if (expected === null) expect(choice.kind).toBe("none");
          else {
            expect(choice.kind).toBe("chosen");
            if (choice.kind === "chosen") {
              expect(tasks[choice.index]).toBe(expected);
              expect(choice.points).toBe(selectionPoints(expected, totalPages, version));
            }
          }
        },
      ),
    );
  });
  it("eligibility, score and explanation per view", () => {
    fc.assert(
      fc.property(viewArbitrary, fc.constantFrom(...versions), (v, version) => {
        const policy = modernPolicy(version);
        const ctx = context({ totalPages: 4_000_000n });
        const task = modernTaskOfView(v);
        const points = selectionPoints(task, ctx.totalPages, version);
        expect(policy.eligibility(v, ctx).kind).toBe(points === null ? "skip" : "candidate");
        if (points !== null) expect(policy.score(v, ctx)).toBe(points);
        expect(policy.explain(v, ctx)).toEqual(explainModern(task, ctx.totalPages, version));
      }),
    );
  });
});

describe("modern policy details", () => {
  it("the tie rule follows the version: last from 5.9, first before", () => {
    expect(modernPolicy([5, 9, 0]).tie).toBe("last");
    expect(modernPolicy([5, 8, 0]).tie).toBe("first");
    expect(modernPolicy().tie).toBe("last");
  });
  it("unknown rss, swap and page tables count as 0; PF_SWAPOFF is the OOM origin", () => {
    const v = view({ rssPages: null, swapPages: null, pgtablesPages: null, oomScoreAdj: 10 });
    expect(modernPolicy().score(v, context({ totalPages: 100_000n }))).toBe(1000n);
    const origin = modernPolicy().score(view({ swapoff: true }), context());
    expect(origin).toBe(2n ** 63n - 1n);
    expect(oomBadness(modernTaskOfView(view({ swapoff: true })), 1n)).toBe(500n);
  });
  it("skips with the reason of modern.ts; a task already dying aborts (§1.4)", () => {
    const policy = modernPolicy();
    expect(policy.eligibility(view({ oomScoreAdj: -1000 }), context())).toEqual({
      kind: "skip",
      reason: "oom_score_adj is -1000 (OOM_SCORE_ADJ_MIN)",
    });
    expect(policy.eligibility(view({ memdie: true }), context()).kind).toBe("abort");
  });
  it("an earlier victim whose mm is gone (MMF_OOM_SKIP) is passed over, not waited for", () => {
    const policy = modernPolicy();
    expect(policy.eligibility(view({ memdie: true, hasMm: false }), context())).toEqual({
      kind: "skip",
      reason: "an earlier OOM victim whose memory is already torn down (MMF_OOM_SKIP)",
    });
    // Still alive with its mm: the scan stops there, whatever its oom_score_adj.
    const dying = view({ memdie: true, oomScoreAdj: -1000 });
    expect(policy.eligibility(dying, context()).kind).toBe("abort");
    const zombie = view({ pid: 30, memdie: true, hasMm: false, rssPages: 900_000n });
    const views = [view({ pid: 20, rssPages: 10n }), zombie, view({ pid: 40, rssPages: 50n })];
    expect(chooseVictim(views, policy, context())).toMatchObject({ kind: "chosen", index: 2 });
    expect(chooseVictim([views[0]!, dying], policy, context())).toMatchObject({
      kind: "abort",
      index: 1,
    });
  });
});
