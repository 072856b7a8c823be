import { describe, expect, it } from "vitest";
import { context, view } from "../../test/support/views.js";
import { largestRssPolicy as policy } from "./largest-rss.js";
import { chooseVictim } from "./select.js";

describe("largest-rss policy", () => {
  const ctx = context();
  it("the most resident pages wins, whatever the adjustments and the other terms", () => {
    const views = [
      view({ pid: 2, rssPages: 100n, totalVmPages: 10n ** 9n }),
      view({ pid: 3, rssPages: 900n, oomScoreAdj: -999, oomkilladj: -16, uid: 0 }),
      view({ pid: 4, rssPages: 500n, oomScoreAdj: 1000 }),
    ];
    expect(chooseVictim(views, policy, ctx)).toEqual({ kind: "chosen", index: 1, points: 900n });
  });
  it("ties keep the first scanned", () => {
    const views = [view({ pid: 2 }), view({ pid: 3 })];
    expect(chooseVictim(views, policy, ctx)).toMatchObject({ index: 0 });
  });
  it("never init, a kernel thread, an mm-less task or oom_score_adj -1000", () => {
    for (const over of [
      { pid: 1, isInit: true },
      { isKthread: true },
      { hasMm: false },
      { oomScoreAdj: -1000 },
    ]) {
      expect(policy.eligibility(view({ rssPages: 10n ** 6n, ...over }), ctx).kind).toBe("skip");
    }
  });
  it("a dying victim stops the choice; an unknown rss scores 0 and says so", () => {
    expect(policy.eligibility(view({ memdie: true }), ctx).kind).toBe("abort");
    // A victim left a zombie has no mm: it is passed over, as the modern kernel does.
    expect(policy.eligibility(view({ memdie: true, hasMm: false }), ctx)).toEqual({
      kind: "skip",
      reason: "no mm",
    });
    expect(policy.score(view({ rssPages: null }), ctx)).toBe(0n);
    expect(policy.explain(view({ rssPages: null }), ctx)[0]!.note).toContain("not known");
  });
});
