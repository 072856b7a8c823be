/**
 * The modern kernel's rule as a policy, for one kernel release (modern-oom §1, §2): the
 * eligibility, points and explanation of modern.ts, read from a view. Unknown rss, swap
 * and page tables count as 0 pages.
 */

import {
  DEFAULT_KERNEL_VERSION,
  explainModern,
  ineligibleReason,
  type KernelVersion,
  type ModernTask,
  modernRules,
  selectionPoints,
} from "./modern.js";
import type { CandidateView, Eligibility, VictimPolicy } from "./types.js";

/** A view as modern.ts's input. PF_SWAPOFF stands for the "OOM origin" mark. */
export function modernTaskOfView(view: CandidateView): ModernTask {
  return {
    pid: view.pid,
    comm: view.comm,
    rssPages: view.rssPages ?? 0n,
    swapPages: view.swapPages ?? 0n,
    pgtablesPages: view.pgtablesPages ?? 0n,
    oomScoreAdj: view.oomScoreAdj,
    isInit: view.isInit,
    isKthread: view.isKthread,
    hasMm: view.hasMm,
    isVforkChild: view.vforkChild ?? false,
    hasCapSysAdmin: view.capSysAdmin,
    oomOrigin: view.swapoff,
  };
}

/** The modern policy of `version` (default: the release the spec measured). */
export function modernPolicy(version: KernelVersion = DEFAULT_KERNEL_VERSION): VictimPolicy {
  const rules = modernRules(version);
  return {
    name: "modern",
    tie: rules.lastWinsTie ? "last" : "first",
    scans: "processes",
    eligibility(view, ctx): Eligibility {
      // §1.4: an earlier victim stops the scan while its memory may still be freed; once
      // its mm is torn down (exit_mmap or the OOM reaper set MMF_OOM_SKIP) it is passed
      // over. Init and kernel threads are unkillable before that test.
      if (view.memdie && !view.isInit && !view.isKthread) {
        if (view.hasMm) return { kind: "abort", reason: "an earlier OOM victim is still alive" };
        return {
          kind: "skip",
          reason: "an earlier OOM victim whose memory is already torn down (MMF_OOM_SKIP)",
        };
      }
      const task = modernTaskOfView(view);
      if (selectionPoints(task, ctx.totalPages, version) !== null) return { kind: "candidate" };
      return { kind: "skip", reason: ineligibleReason(task, rules) ?? "not a candidate" };
    },
    score: (view, ctx) => selectionPoints(modernTaskOfView(view), ctx.totalPages, version)!,
    explain: (view, ctx) => explainModern(modernTaskOfView(view), ctx.totalPages, version),
  };
}
