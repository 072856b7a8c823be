/**
 * The selection loop every policy shares: walk the views in scan order, ask the policy
 * whether each is a candidate, score the candidates, and keep the best under the policy's
 * tie rule. Also every view's score and terms at once, for tables and explanations.
 */

import type {
  CandidateView,
  Choice,
  Eligibility,
  PolicyContext,
  PolicyTerm,
  VictimPolicy,
} from "./types.js";

/** What the loop needs to know of the task at one index. */
export type Assessment =
  | { kind: "skip" }
  | { kind: "abort"; reason: string }
  | { kind: "take"; points: bigint }
  | { kind: "score"; points: bigint };

/** Hears every score the loop compares, in scan order. */
export type ScoreObserver = (index: number, points: bigint) => void;

/**
 * The loop itself over `count` tasks: the first candidate is chosen whatever its points;
 * a later one replaces it when its points are greater, or equal under `tie: "last"`.
 */
export function chooseBest(
  count: number,
  assess: (index: number) => Assessment,
  tie: "first" | "last",
  onScore?: ScoreObserver,
): Choice {
  let chosen = -1;
  let best = 0n;
  for (let i = 0; i < count; i++) {
    const a = assess(i);
    if (a.kind === "skip") continue;
    if (a.kind === "abort") return { kind: "abort", index: i, reason: a.reason };
    if (a.kind === "take") {
      chosen = i;
      best = a.points;
      continue;
    }
    onScore?.(i, a.points);
    if (chosen < 0 || a.points > best || (tie === "last" && a.points === best)) {
      chosen = i;
      best = a.points;
    }
  }
  return chosen < 0 ? { kind: "none" } : { kind: "chosen", index: chosen, points: best };
}

/** What the loop makes of one view: its eligibility, and its points when a candidate. */
export function assessView(
  policy: VictimPolicy,
  view: CandidateView,
  ctx: PolicyContext,
  index: number,
): Assessment {
  const e = policy.eligibility(view, ctx, index);
  if (e.kind === "candidate") return { kind: "score", points: policy.score(view, ctx) };
  return e.kind === "skip" ? { kind: "skip" } : e;
}

/** The policy's victim among `views`, scanned in their order. */
export function chooseVictim(
  views: readonly CandidateView[],
  policy: VictimPolicy,
  ctx: PolicyContext,
  onScore?: ScoreObserver,
): Choice {
  return chooseBest(
    views.length,
    (i) => assessView(policy, views[i]!, ctx, i),
    policy.tie,
    onScore,
  );
}

/** One view as a policy sees it: eligible or why not, its points and their terms. */
export interface ScoredView {
  index: number;
  view: CandidateView;
  eligibility: Eligibility;
  /** The policy's score; null for a skipped view. Also given for "take" and "abort" views. */
  points: bigint | null;
  terms: PolicyTerm[];
}

/** Every view's eligibility, score and terms under the policy, in scan order. */
export function scoreViews(
  views: readonly CandidateView[],
  policy: VictimPolicy,
  ctx: PolicyContext,
): ScoredView[] {
  return views.map((view, index) => {
    const eligibility = policy.eligibility(view, ctx, index);
    const scored = eligibility.kind !== "skip";
    return {
      index,
      view,
      eligibility,
      points: scored ? policy.score(view, ctx) : null,
      terms: scored ? policy.explain(view, ctx) : [],
    };
  });
}
