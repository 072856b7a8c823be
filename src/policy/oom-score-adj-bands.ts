/**
 * oom_score_adj bands, as Android's lowmemorykiller ranks: the highest oom_score_adj
 * first, and within one value (a band) the largest resident set. The points put the band
 * in the leading digits, (oom_score_adj + 1000) x 10^12 + resident pages (at most
 * 10^12 - 1), so one number compares both and the log's score shows the band; a
 * 32-bit kernel's `%li` prints it wrapped, like any score beyond LONG_MAX. Never init,
 * a kernel thread, a task without an mm or one with oom_score_adj -1000 (OOM_DISABLE);
 * the first scanned wins a tie; an earlier victim still dying stops the choice.
 */

import type { CandidateView, VictimPolicy } from "./types.js";
import { userspaceEligibility } from "./userspace-eligibility.js";

/** The weight of one band step: more resident pages than any machine has. */
export const BAND_WEIGHT = 10n ** 12n;

function rssOf(view: CandidateView): bigint {
  const rss = view.rssPages ?? 0n;
  return rss < BAND_WEIGHT ? rss : BAND_WEIGHT - 1n;
}

export const oomScoreAdjBandsPolicy: VictimPolicy = {
  name: "oom-score-adj-bands",
  tie: "first",
  scans: "processes",
  eligibility: userspaceEligibility,
  score: (view) => BigInt(view.oomScoreAdj + 1000) * BAND_WEIGHT + rssOf(view),
  explain: (view) => [
    {
      term: "band",
      value: String(view.oomScoreAdj),
      note: "oom_score_adj: a higher band is chosen first",
    },
    view.rssPages === null
      ? { term: "rss", value: "0", note: "resident pages not known: 0 assumed" }
      : { term: "rss", value: rssOf(view).toString(), note: "resident pages, within the band" },
  ],
};
