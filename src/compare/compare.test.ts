import { describe, expect, it } from "vitest";
import { largestRssPolicy } from "../policy/largest-rss.js";
import { linux2620Policy } from "../policy/linux-2620.js";
import { modernPolicy } from "../policy/modern-policy.js";
import { allPolicies } from "../policy/registry.js";
import type { SimEvent } from "../sim/events.js";
import { runScenarioText } from "../sim/run.js";
import { compareScenario } from "./compare.js";

/** examples/clone-vm-sharer.yaml: lt-main's kill frees nothing (Q2), the leaker goes on. */
const SHARER = `
machine: { bits: 64, hz: 250, memory: 128MiB, uptime: 100 }
processes:
  - name: lt-main
    pid: 70
    start: 10
    total_vm: 50000
    rss: 12000
    children:
      - { name: lt-helper, pid: 71, start: 11, share_mm: true, oomkilladj: -17 }
  - { name: leaker, pid: 80, start: 50, total_vm: 1000, rss: 500 }
timeline:
  - { at: 1, task: leaker, fault: { pages: 40000, rate: 10000 } }
`;

/** The hog's parent never reaps it: after its kill it stays a zombie, TIF_MEMDIE and no mm. */
const ZOMBIE_VICTIM = `
machine: { bits: 64, hz: 250, memory: 64MiB, uptime: 900 }
processes:
  - name: shell
    pid: 1400
    start: 50
    total_vm: 1000
    rss: 200
    children:
      - { name: hog, pid: 1500, start: 100, total_vm: 20000, rss: 8000 }
  - { name: indexer, pid: 1600, start: 200, total_vm: 3000, rss: 1000 }
timeline:
  - { at: 1, task: indexer, fault: { pages: 30000, rate: 8000 } }
  - { at: 6, task: indexer, fault: { pages: 30000, rate: 8000 } }
`;

describe("compareScenario", () => {
  it("a victim left a zombie without its mm does not stop the next choice", () => {
    const policies = [modernPolicy(), largestRssPolicy];
    const c = compareScenario(ZOMBIE_VICTIM, policies, { file: "z.yaml", until: 30 });
    for (const { metrics: m } of c.runs) {
      expect(m.calls.map((x) => x.victim)).toEqual([1500, 1600]);
      expect(m.endReason).toBe("idle");
    }
  });

  it("record keeps each run's events with memory samples, and changes no metric", () => {
    const policies = [linux2620Policy, largestRssPolicy];
    const plain = compareScenario(SHARER, policies, { file: "s.yaml" });
    const kept = compareScenario(SHARER, policies, { file: "s.yaml", record: true });
    expect(plain.runs.every((r) => r.report === undefined)).toBe(true);
    expect(kept.runs.map((r) => r.metrics)).toEqual(plain.runs.map((r) => r.metrics));
    for (const r of kept.runs) {
      expect(r.report!.title).toBe(r.policy);
      expect(r.report!.events.some((e) => e.type === "mem.sample")).toBe(true);
      expect(r.report!.calls!.length).toBe(r.metrics.oomCalls);
    }
  });

  it("runs once per policy: 2.6.20 kills the sharer for nothing, then the leak; largest-rss the leak", () => {
    const c = compareScenario(SHARER, [linux2620Policy, largestRssPolicy], { file: "s.yaml" });
    expect(c.runs.map((r) => r.policy)).toEqual(["2.6.20", "largest-rss"]);
    expect(c.truth.culpritSource).toBe("growth");
    const [old, rss] = c.runs.map((r) => r.metrics);
    expect(old!.calls.map((x) => x.victim)).toEqual([70, 80]);
    expect([old!.kills, old!.innocentVictims, old!.overkill]).toEqual([2, 1, 1]);
    expect(rss!.calls.map((x) => x.victim)).toEqual([80]);
    expect([rss!.kills, rss!.innocentVictims, rss!.overkill]).toEqual([1, 0, 0]);
    // lt-main's mm stays with lt-helper, so both runs recover only the leaker's pages.
    expect(old!.recoveredPages).toBe(rss!.recoveredPages);
    expect(c.seed).toBe(1);
    expect(c.windowSeconds).toBe(30);
  });

  it("with 2.6.20 alone the victims are those of the plain simulation", () => {
    const events: SimEvent[] = [];
    runScenarioText(SHARER, (e) => events.push(e), { file: "s.yaml" });
    const plain = events.flatMap((e) => (e.type === "oom.kill" ? [e.victim] : []));
    const c = compareScenario(SHARER, [linux2620Policy], { file: "s.yaml" });
    expect(c.runs[0]!.metrics.calls.map((x) => x.victim)).toEqual(plain);
  });

  it("every policy starts from the same state and seed", () => {
    const c = compareScenario(SHARER, allPolicies(), { file: "s.yaml", seed: 9 });
    expect(c.seed).toBe(9);
    const firstCalls = c.runs.map((r) => r.metrics.calls[0]!);
    // Up to the first selection every run is the same: same caller, same moment.
    expect(new Set(firstCalls.map((x) => `${x.tick}:${x.pid}`)).size).toBe(1);
    for (const r of c.runs) expect(r.metrics.protectedViolations).toBe(0);
  });

  it("collects the timeline actions each run skipped", () => {
    const text = `${SHARER}  - { at: 2, task: 999, exit: 0 }\n`;
    const c = compareScenario(text, [largestRssPolicy], { file: "s.yaml" });
    expect(c.runs[0]!.skipped.map((s) => [s.entry, s.action, s.why])).toEqual([
      [1, "exit", "no such live task"],
    ]);
  });

  it("refuses an empty list of policies", () => {
    expect(() => compareScenario(SHARER, [], { file: "s.yaml" })).toThrow(RangeError);
  });
});
