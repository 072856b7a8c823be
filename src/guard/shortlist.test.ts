/**
 * The first look by oom_score never loses the victim: for any processes whose kernel
 * score is their modern points scaled and truncated, the modern policy's choice among
 * the shortlist is its choice among all of them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { policyByName } from "../policy/registry.js";
import { glanceCandidate, NO_EXTRAS } from "./candidate.js";
import { decide } from "./decide.js";
import { parseRule } from "./rules.js";
import { shortlist, shortlistOfScores } from "./shortlist.js";

const TOTAL = 1_000_000n;

describe("shortlist", () => {
  it("keeps every tie of the top score, fills up to keep, and reads unknown scores", () => {
    const g = (pid: number, score: number | null, tier: 0 | 1 | 2 = 1, excluded = false) => ({
      pid,
      score,
      tier,
      excluded,
    });
    const list = [g(1, 900, 1, true), g(2, 5), g(3, 7), g(4, 7), g(5, 7), g(6, null), g(7, 1, 0)];
    expect([...shortlist(list, 2)].sort()).toEqual([6, 7]);
    expect([...shortlist(list.slice(0, 6), 2)].sort()).toEqual([3, 4, 5, 6]);
    expect([...shortlist(list.slice(0, 6), 5)].sort()).toEqual([2, 3, 4, 5, 6]);
  });
  it("the modern victim of the shortlist is the victim of all (property)", () => {
    const proc = fc.record({
      rss: fc.bigInt({ min: 0n, max: 200_000n }),
      adj: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 })),
      name: fc.constantFrom("web", "db", "batch", "cron"),
    });
    fc.assert(
      fc.property(
        fc.array(proc, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (ps, keep) => {
          const policy = policyByName("modern");
          const ctx = {
            bits: 64 as const,
            hz: 100,
            uptimeSeconds: 1n,
            totalPages: TOTAL,
            current: -1,
          };
          const rules = [parseRule("prefer", "^batch$"), parseRule("avoid", "^db$")];
          const candidates = ps.map((p, i) => {
            const c = glanceCandidate(i + 2, p.name, NO_EXTRAS);
            c.view.rssPages = p.rss;
            c.view.swapPages = 0n;
            c.view.pgtablesPages = 0n;
            c.view.oomScoreAdj = p.adj;
            c.startTicks = BigInt(i);
            return c;
          });
          const all = decide({ candidates, policy, ctx, rules, protectedPids: new Set() });
          const glances = all.table.map((r) => {
            const c = r.candidate;
            const points = r.points ?? 0n;
            // The kernel's oom_score: points * 1000 / totalpages, truncated (modern-oom §2).
            const score = r.excluded === null ? Number((points * 1000n) / TOTAL) : 0;
            return { pid: c.view.pid, score, tier: r.tier, excluded: r.excluded !== null };
          });
          const keepSet = shortlist(glances, keep);
          const some = decide({
            candidates: candidates.filter((c) => keepSet.has(c.view.pid)),
            policy,
            ctx,
            rules,
            protectedPids: new Set(),
          });
          const victim = (d: typeof all) =>
            d.candidates === 0 ? null : d.table[0]!.candidate.view.pid;
          expect(victim(some)).toBe(victim(all));
        },
      ),
      { numRuns: 300 },
    );
  });
  it("on typed arrays, without rules, gives the same pids as shortlist (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(null)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (scores, keep) => {
          const glances = scores.map((score, i) => ({
            pid: i + 2,
            score,
            tier: 1 as const,
            excluded: false,
          }));
          const pids = Int32Array.from(glances, (g) => g.pid);
          const values = Float64Array.from(scores, (s) => (s === null ? Number.NaN : s));
          const fast = shortlistOfScores(pids, values, scores.length, keep);
          expect([...fast].sort((a, b) => a - b)).toEqual(
            [...shortlist(glances, keep)].sort((a, b) => a - b),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
