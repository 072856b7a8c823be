/**
 * The guard's choice of a victim: a pure function of the candidates in scope, the
 * victim policy (the shared seam: the same code `rank`, the simulator and the comparison
 * use), the context it scores in, the operator's rules and the processes that must never
 * be touched. Gives the whole table, ordered as the guard would try it, with why each
 * process is out or where it stands.
 */

import type { PolicyContext, PolicyTerm, VictimPolicy } from "../policy/types.js";
import type { GuardCandidate } from "./candidate.js";
import { judge, type Rule, type Tier } from "./rules.js";

export interface RankedCandidate {
  candidate: GuardCandidate;
  /** Why the guard will not signal it, or null for a candidate. */
  excluded: string | null;
  tier: Tier;
  /** The policy's points; null when the policy does not score it. */
  points: bigint | null;
  /** The terms behind the points, for the first EXPLAINED_ROWS candidates; else empty. */
  terms: PolicyTerm[];
  matched: string[];
}

export interface Decision {
  policy: string;
  /** Candidates first, in the order the guard tries them; then the excluded ones. */
  table: RankedCandidate[];
  /** How many rows of `table` are candidates. */
  candidates: number;
}

export interface DecideInput {
  candidates: readonly GuardCandidate[];
  policy: VictimPolicy;
  ctx: PolicyContext;
  rules: readonly Rule[];
  /** The guard itself and its ancestors. */
  protectedPids: ReadonlySet<number>;
}

/** The guard's own exclusions, checked before the rules and the policy (issue order). */
function hardExclusion(c: GuardCandidate, protectedPids: ReadonlySet<number>): string | null {
  const v = c.view;
  if (v.pid === 1 || v.isInit) return "pid 1";
  if (v.isKthread) return "kernel thread";
  if (protectedPids.has(v.pid)) return "the guard itself or one of its ancestors";
  if (v.oomScoreAdj === -1000) return "oom_score_adj is -1000";
  if (!v.hasMm) return "no memory";
  if (v.exiting) return "already exiting";
  return null;
}

/** How many of the first candidates get their policy terms spelled out. */
export const EXPLAINED_ROWS = 4;

export function decide(input: DecideInput): Decision {
  const { policy, ctx } = input;
  const rows: (RankedCandidate & { index: number })[] = input.candidates.map((candidate, index) => {
    const base = { candidate, index, tier: 1 as Tier, points: null, terms: [], matched: [] };
    const hard = hardExclusion(candidate, input.protectedPids);
    if (hard !== null) return { ...base, excluded: hard };
    const verdict = judge(input.rules, candidate);
    if (verdict.excluded !== null) {
      return { ...base, excluded: verdict.excluded, matched: verdict.matched };
    }
    const e = policy.eligibility(candidate.view, ctx);
    if (e.kind === "skip") return { ...base, excluded: `${policy.name}: ${e.reason}` };
    // "abort" and "take" are the kernel's own shortcuts (a victim already dying, an exiting
    // current); the guard has no dying victim of its own here and no current, so it scores.
    return {
      ...base,
      excluded: null,
      tier: verdict.tier,
      points: policy.score(candidate.view, ctx),
      terms: [],
      matched: verdict.matched,
    };
  });
  const byOrder = (a: (typeof rows)[number], b: (typeof rows)[number]): number => {
    if ((a.excluded === null) !== (b.excluded === null)) return a.excluded === null ? -1 : 1;
    if (a.excluded !== null) return a.index - b.index;
    if (a.tier !== b.tier) return a.tier - b.tier;
    if (a.points !== b.points) return a.points! > b.points! ? -1 : 1;
    return policy.tie === "first" ? a.index - b.index : b.index - a.index;
  };
  rows.sort(byOrder);
  // The terms are for the records, which show the victim and a few runners-up only.
  for (const row of rows.slice(0, EXPLAINED_ROWS)) {
    if (row.excluded === null) row.terms = policy.explain(row.candidate.view, ctx);
  }
  return {
    policy: policy.name,
    table: rows.map(({ index: _index, ...row }) => row),
    candidates: rows.filter((r) => r.excluded === null).length,
  };
}

/** Why `row` was not chosen over `winner`, in words. */
export function whyLost(row: RankedCandidate, winner: RankedCandidate): string {
  if (row.excluded !== null) return row.excluded;
  if (row.tier === 2 && winner.tier !== 2) return "avoided by a rule";
  if (winner.tier === 0 && row.tier !== 0) return "the victim is preferred by a rule";
  if (row.points === winner.points) return "equal points: the scan order decides";
  return `fewer points (${row.points} < ${winner.points})`;
}
