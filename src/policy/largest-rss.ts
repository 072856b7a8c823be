/**
 * The simplest userspace rule (earlyoom's `--sort-by-rss`): the process with the most
 * resident pages, whatever its adjustments. Never init, a kernel thread, a task without
 * an mm or one with oom_score_adj -1000; the first scanned wins a tie; an earlier victim
 * still dying stops the choice.
 */

import type { VictimPolicy } from "./types.js";
import { userspaceEligibility } from "./userspace-eligibility.js";

export const largestRssPolicy: VictimPolicy = {
  name: "largest-rss",
  tie: "first",
  scans: "processes",
  eligibility: userspaceEligibility,
  score: (view) => view.rssPages ?? 0n,
  explain: (view) => [
    view.rssPages === null
      ? { term: "rss", value: "0", note: "resident pages not known: 0 assumed" }
      : { term: "rss", value: view.rssPages.toString(), note: "resident pages" },
  ],
};
