import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SimEvent } from "./events.js";
import { runScenarioText } from "./run.js";
import type { Simulation } from "./setup.js";

const LABELS = ["p0", "p1", "p2", "p3", "f0", "f1", "f2"];

const processArb = (i: number) =>
  fc.record({
    name: fc.constant(`proc${i}`),
    label: fc.constant(`p${i}`),
    uid: fc.constantFrom(0, 1000),
    oomkilladj: fc.constantFrom(0, 0, 0, -17, 3, -5),
    total_vm: fc.integer({ min: 0, max: 3000 }),
    rss: fc.integer({ min: 0, max: 800 }),
    threads: fc.array(fc.record({ utime: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 2 }),
    children: fc.array(
      fc.record({
        name: fc.constant(`child${i}`),
        share_mm: fc.boolean(),
        total_vm: fc.integer({ min: 0, max: 2000 }),
        rss: fc.integer({ min: 0, max: 500 }),
      }),
      { maxLength: 2 },
    ),
  });

const actionArb = fc.oneof(
  fc.record({
    fault: fc.record({
      pages: fc.integer({ min: 1, max: 6000 }),
      rate: fc.constantFrom(500, 5000, 50000),
    }),
  }),
  fc.record({
    fork: fc.record({ label: fc.constantFrom("f0", "f1", "f2"), share_mm: fc.boolean() }),
  }),
  fc.record({ thread: fc.constant({}) }),
  fc.record({ exit: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kill: fc.constant(true) }),
  fc.record({ oom_adj: fc.integer({ min: -17, max: 15 }) }),
  fc.record({ wait: fc.constant(true) }),
  fc.record({
    exec: fc.record({ path: fc.constant("/bin/new"), total_vm: fc.integer({ min: 0, max: 500 }) }),
  }),
  fc.record({ map: fc.integer({ min: 0, max: 5000 }) }),
  fc.record({ unmap: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({
    page_cache: fc.record({ pages: fc.integer({ min: 1, max: 3000 }), dirty: fc.boolean() }),
  }),
  fc.record({
    kalloc: fc.record({
      gfp: fc.constantFrom("GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC"),
      order: fc.integer({ min: 0, max: 2 }),
    }),
  }),
);

const scenarioArb = fc
  .record({
    bits: fc.constantFrom(32, 64),
    hz: fc.constantFrom(100, 250, 1000),
    memoryMiB: fc.integer({ min: 24, max: 48 }),
    teardown: fc.constantFrom("0j", "0j", "3j", "1s"),
    processes: fc
      .integer({ min: 1, max: 4 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => processArb(i)))),
    timeline: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(...LABELS), actionArb),
      { minLength: 1, maxLength: 10 },
    ),
  })
  .map((s) => {
    // A label that no process or fork defines is refused at load: such a target becomes
    // one of the processes. A fork's label stays, even where the fork comes later.
    const defined = new Set([
      ...s.processes.map((_, i) => `p${i}`),
      ...s.timeline.flatMap(([, , action]) => ("fork" in action ? [action.fork.label] : [])),
    ]);
    const target = (label: string, i: number) =>
      defined.has(label) ? label : `p${i % s.processes.length}`;
    return {
      seed: 1,
      machine: {
        bits: s.bits,
        hz: s.hz,
        memory: `${s.memoryMiB}MiB`,
        uptime: 100,
        teardown: s.teardown,
      },
      processes: s.processes,
      timeline: s.timeline.map(([ms, task, action], i) => ({
        at: `${ms}ms`,
        task: target(task, i),
        ...action,
      })),
      until: 8,
    };
  });

describe("simulation invariants (fast-check)", () => {
  it("docs/oom-path.md §4.9, §9.3, §10: pages conserved, memory returned once by the last user, no signal after reaping, time monotonic", () => {
    fc.assert(
      fc.property(scenarioArb, (doc) => {
        let sim: Simulation | undefined;
        const freedMms = new Set<string>();
        const reaped = new Set<number>();
        let lastTick = -1;
        const sink = (e: SimEvent) => {
          expect(e.tick).toBeGreaterThanOrEqual(lastTick);
          lastTick = e.tick;
          if (e.type === "mm.free") {
            expect(freedMms.has(e.mm)).toBe(false);
            freedMms.add(e.mm);
            for (const t of sim!.k.tasks.values()) expect(t.mm?.id).not.toBe(e.mm);
          }
          if (e.type === "mm.put") expect(e.users).toBeGreaterThan(0);
          if (e.type === "task.reap" && e.by !== "exec") reaped.add(e.pid);
          if (e.type === "task.fork") reaped.delete(e.pid);
          if (e.type === "task.signal") expect(reaped.has(e.pid)).toBe(false);
        };
        // checkInvariants: free + used = present in every zone after every step.
        runScenarioText(JSON.stringify(doc), sink, {
          file: "generated.json",
          checkInvariants: true,
          onSetup: (s) => {
            sim = s;
          },
        });
        const mm = sim!.k;
        for (const t of mm.tasks.values()) if (t.mm !== null) expect(t.mm.freed).toBe(false);
      }),
      { numRuns: 60, seed: 20070204 },
    );
  });
});
