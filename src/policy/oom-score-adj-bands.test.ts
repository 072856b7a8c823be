import { describe, expect, it } from "vitest";
import { context, view } from "../../test/support/views.js";
import { BAND_WEIGHT, oomScoreAdjBandsPolicy as policy } from "./oom-score-adj-bands.js";
import { chooseVictim } from "./select.js";

describe("oom-score-adj-bands policy", () => {
  const ctx = context();
  it("the highest oom_score_adj band first, however small its resident set", () => {
    const views = [
      view({ pid: 2, oomScoreAdj: 0, rssPages: 10n ** 9n }),
      view({ pid: 3, oomScoreAdj: 900, rssPages: 5n }),
      view({ pid: 4, oomScoreAdj: 300, rssPages: 10n ** 6n }),
    ];
    expect(chooseVictim(views, policy, ctx)).toEqual({
      kind: "chosen",
      index: 1,
      points: 1900n * BAND_WEIGHT + 5n,
    });
  });
  it("within a band the largest resident set; the first scanned wins a tie", () => {
    const views = [
      view({ pid: 2, oomScoreAdj: 100, rssPages: 300n }),
      view({ pid: 3, oomScoreAdj: 100, rssPages: 700n }),
      view({ pid: 4, oomScoreAdj: 100, rssPages: 700n }),
      view({ pid: 5, oomScoreAdj: -500, rssPages: 10n ** 9n }),
    ];
    expect(chooseVictim(views, policy, ctx)).toMatchObject({ index: 1 });
  });
  it("negative bands rank below 0 but stay candidates; -1000 never is", () => {
    const low = view({ oomScoreAdj: -999, rssPages: 10n });
    expect(policy.eligibility(low, ctx).kind).toBe("candidate");
    expect(policy.score(low, ctx)).toBe(BAND_WEIGHT + 10n);
    for (const over of [
      { pid: 1, isInit: true },
      { isKthread: true },
      { hasMm: false },
      { oomScoreAdj: -1000 },
    ]) {
      expect(policy.eligibility(view(over), ctx).kind).toBe("skip");
    }
    expect(policy.eligibility(view({ memdie: true }), ctx).kind).toBe("abort");
  });
  it("a resident set too big for the band weight cannot reach the next band", () => {
    const huge = view({ oomScoreAdj: 0, rssPages: 10n ** 15n });
    const next = view({ oomScoreAdj: 1, rssPages: 0n });
    expect(policy.score(huge, ctx)).toBeLessThan(policy.score(next, ctx));
  });
  it("explains the band and the resident pages, and says when the size is unknown", () => {
    const terms = policy.explain(view({ oomScoreAdj: 250, rssPages: null }), ctx);
    expect(terms.map((t) => [t.term, t.value])).toEqual([
      ["band", "250"],
      ["rss", "0"],
    ]);
    expect(terms[1]!.note).toContain("not known");
  });
});
