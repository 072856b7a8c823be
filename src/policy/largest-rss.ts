/**
 * The simplest userspace rule (earlyoom's `--sort-by-rss`): the process with the most
 * resident pages, whatever its adjustments. Never init, a kernel thread, a task without
 * an mm or one with oom_score_adj -1000; the first scanned wins a tie; an earlier victim
 * still dying stops the choice.
 */

import { OOM_SCORE_ADJ_MIN } from "./modern.js";
import type { Eligibility, VictimPolicy } from "./types.js";

export const largestRssPolicy: VictimPolicy = {
  name: "largest-rss",
  tie: "first",
  scans: "processes",
  eligibility(view): Eligibility {
    if (view.memdie) return { kind: "abort", reason: "an earlier victim is still dying" };
    if (view.isInit) return { kind: "skip", reason: "init" };
    if (view.isKthread) return { kind: "skip", reason: "kernel thread" };
    if (!view.hasMm) return { kind: "skip", reason: "no mm" };
    if (view.oomScoreAdj === OOM_SCORE_ADJ_MIN) {
      return { kind: "skip", reason: "oom_score_adj is -1000" };
    }
    return { kind: "candidate" };
  },
  score: (view) => view.rssPages ?? 0n,
  explain: (view) => [
    view.rssPages === null
      ? { term: "rss", value: "0", note: "resident pages not known: 0 assumed" }
      : { term: "rss", value: view.rssPages.toString(), note: "resident pages" },
  ],
};
