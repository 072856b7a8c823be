/**
 * `out_of_memory()` with a victim policy other than 2.6.20's: the policy chooses inside
 * select_bad_process(), the rest of the call stays 2.6.20's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotArbitrary } from "../../test/support/arbitrary.js";
import { largestRssPolicy } from "../policy/largest-rss.js";
import { linux2620Policy } from "../policy/linux-2620.js";
import { modernPolicy } from "../policy/modern-policy.js";
import { EXAMPLE_SNAPSHOT_TEXT } from "../snapshot/example.js";
import { parseSnapshot } from "../snapshot/load.js";
import { runOutOfMemory } from "./out_of_memory.js";
import { toResultJson } from "./result.js";

/** The embedded example with resident sizes: cron is the largest, java next. */
function example(rss: Record<string, number>) {
  const doc = JSON.parse(EXAMPLE_SNAPSHOT_TEXT);
  for (const mm of doc.mms) if (rss[mm.id] !== undefined) mm.rss = rss[mm.id];
  return parseSnapshot(JSON.stringify(doc), "example.json");
}

describe("out_of_memory with a policy", () => {
  it("the 2.6.20 policy given explicitly changes nothing (fast-check)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const a = toResultJson(runOutOfMemory(snapshot));
        const b = toResultJson(runOutOfMemory(snapshot, { policy: linux2620Policy }));
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("largest-rss picks the biggest resident set; 2.6.20 kills it and its mm sharers' way", () => {
    const r = runOutOfMemory(example({ init: 10, bash: 20, java: 300, cron: 90 }), {
      policy: largestRssPolicy,
    });
    // Scans processes: java (400) before its thread 401, and jhelper shares the mm.
    expect(r.selected).toEqual({ pid: 400, points: 300n });
    // cron (oomkilladj -17, so oom_score_adj -1000) is never a candidate.
    expect(r.badness.map((b) => b.pid)).toEqual([300, 400, 450]);
    expect(r.log.map((l) => l.text)).toContain(
      "Out of memory: kill process 400 (java) score 300 or a child",
    );
    // java's first child with its own mm would go first; jhelper shares java's mm, so
    // java itself is killed, and SIGKILLed again for jhelper (Q2).
    expect(r.sigkill).toEqual([400, 400]);
  });

  it("the modern policy reads the snapshot's rss; the last of equal scores wins (5.9+)", () => {
    const s = example({ init: 10, bash: 20, java: 300, cron: 900 });
    const r = runOutOfMemory(s, { policy: modernPolicy(), policyContext: { totalPages: 4000n } });
    // jhelper shares java's mm, so both score 300; cron is OOM_DISABLE (adj -1000).
    expect(r.selected).toEqual({ pid: 450, points: 300n });
    // Q2: jhelper is SIGKILLed once for itself and again for each sharer of another group.
    expect(r.sigkill).toEqual([450, 450, 450]);
    const before59 = runOutOfMemory(s, { policy: modernPolicy([5, 8, 0]) });
    expect(before59.selected).toEqual({ pid: 400, points: 300n });
  });

  it("without rss figures, largest-rss chooses the first candidate at 0", () => {
    const r = runOutOfMemory(example({}), { policy: largestRssPolicy });
    expect(r.selected).toEqual({ pid: 300, points: 0n });
  });
});
