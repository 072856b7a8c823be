/**
 * Who the simple userspace-style rules (largest RSS, newest, oom_score_adj bands) may
 * choose: never init, a kernel thread, a task without an mm or one with oom_score_adj
 * -1000 (OOM_DISABLE); an earlier victim that still has its mm stops the choice, as in
 * the modern kernel (one whose mm is torn down is passed over).
 */

import { OOM_SCORE_ADJ_MIN } from "./modern.js";
import type { CandidateView, Eligibility } from "./types.js";

export function userspaceEligibility(view: CandidateView): Eligibility {
  if (view.isInit) return { kind: "skip", reason: "init" };
  if (view.isKthread) return { kind: "skip", reason: "kernel thread" };
  // An earlier victim whose mm is already gone has nothing left to free: passed over.
  if (!view.hasMm) return { kind: "skip", reason: "no mm" };
  if (view.memdie) return { kind: "abort", reason: "an earlier victim is still dying" };
  if (view.oomScoreAdj === OOM_SCORE_ADJ_MIN) {
    return { kind: "skip", reason: "oom_score_adj is -1000" };
  }
  return { kind: "candidate" };
}
