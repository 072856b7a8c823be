/**
 * The order of one out_of_memory() call's trace (docs/oom-path.md §7-8, docs/formats.md §6):
 * the steps in the kernel's order, the log lines and effects where the kernel makes them,
 * and the result's lists as the same facts grouped by kind.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotArbitrary } from "../../test/support/arbitrary.js";
import { buildSnapshot, type SnapshotSpec } from "../../test/support/build.js";
import { runOutOfMemory } from "./out_of_memory.js";
import type { OomResult } from "./result.js";
import type { OomTraceEntry } from "./trace.js";

/** Each entry as a short word: the step's name, `log:` and the text's start, or the effect. */
function words(trace: readonly OomTraceEntry[]): string[] {
  return trace.map((e) => {
    switch (e.kind) {
      case "step":
        return e.step;
      case "log":
        return `log:${e.line.text.split(" ").slice(0, 2).join(" ")}`;
      case "badness":
        return `badness×${e.calls.length}`;
      default:
        return `${e.kind}:${e.pid}`;
    }
  });
}

const NO_NUMA = { numa: false, cpusetsEnabled: false };

/** init, a parent with a child of its own mm, and the caller. */
const FAMILY: SnapshotSpec = {
  ...NO_NUMA,
  current: 300,
  tasks: [
    { pid: 1, comm: "init", vm: 100 },
    { pid: 200, parent: 1, comm: "parent", vm: 50000 },
    { pid: 201, parent: 200, comm: "child", vm: 20000 },
    { pid: 300, parent: 1, comm: "caller", vm: 1000 },
  ],
};

describe("the trace of one out_of_memory() call", () => {
  it("a kill of a child: header before the locks, badness after select, effects after the kill lines", () => {
    const r = runOutOfMemory(buildSnapshot(FAMILY));
    expect(words(r.trace)).toEqual([
      "notifier",
      "ratelimit",
      "log:caller invoked",
      "log:dump_stack()",
      "log:show_mem()",
      "lock",
      "constraint",
      "panic_on_oom",
      "select",
      "badness×3",
      "kill",
      "log:Out of",
      "log:Killed process",
      "time_slice:201",
      "memdie:201",
      "sigkill:201",
      "unlock",
      "sleep",
    ]);
    const kill = r.trace.find((e) => e.kind === "step" && e.step === "kill");
    expect(kill).toMatchObject({ selected: 200, pid: 201, child: true, exiting: false });
    expect(kill).toMatchObject({ sigkill: [201], memdie: [201] });
  });

  it("a notifier that freed pages is the whole trace", () => {
    const r = runOutOfMemory(buildSnapshot({ ...FAMILY, notifier_freed: 5 }));
    expect(words(r.trace)).toEqual(["notifier"]);
  });

  it("panic_on_oom: the panic lines follow the panic_on_oom step, and nothing is unlocked", () => {
    const r = runOutOfMemory(buildSnapshot({ ...FAMILY, panic_on_oom: 1 }));
    expect(words(r.trace).slice(-3)).toEqual(["panic_on_oom", "log:Kernel panic", "log:"]);
  });

  it("no killable task: the locks are released before the panic", () => {
    const r = runOutOfMemory(
      buildSnapshot({
        ...NO_NUMA,
        current: 1,
        tasks: [{ pid: 1, comm: "init", vm: 100 }],
      }),
    );
    expect(r.outcome).toBe("panic");
    expect(words(r.trace).slice(-5)).toEqual([
      "select",
      "badness×0",
      "unlock",
      "log:Kernel panic",
      "log:",
    ]);
  });

  it("a caller behind a deadlocked cpuset_lock() prints its report, then blocks", () => {
    const r = runOutOfMemory(buildSnapshot(FAMILY), { cpusetLockHeld: true });
    expect(r.outcome).toBe("blocked");
    expect(words(r.trace).slice(-2)).toEqual(["log:show_mem()", "lock"]);
    expect(r.trace.at(-1)).toMatchObject({ step: "lock", blocked: true });
  });

  it("an observer of badness() leaves the trace without rows but still counts the calls", () => {
    let seen = 0;
    const r = runOutOfMemory(buildSnapshot(FAMILY), { onBadness: () => seen++ });
    expect(seen).toBe(3);
    expect(r.trace.some((e) => e.kind === "badness")).toBe(false);
    expect(r.trace.find((e) => e.kind === "step" && e.step === "select")).toMatchObject({
      chosen: 200,
      scored: 3,
    });
  });
});

/** The facts of the trace, grouped as the result lists them. */
function grouped(r: OomResult) {
  const log = [];
  const sigkill = [];
  const memdie = [];
  const timeSlice = [];
  const badness = [];
  for (const e of r.trace) {
    if (e.kind === "log") log.push(e.line);
    else if (e.kind === "sigkill") sigkill.push(e.pid);
    else if (e.kind === "memdie") memdie.push(e.pid);
    else if (e.kind === "time_slice") timeSlice.push({ pid: e.pid, value: e.value });
    else if (e.kind === "badness") badness.push(...e.calls);
  }
  return { log, sigkill, memdie, time_slice: timeSlice, badness };
}

/** The step names a call can take, in order (docs/oom-path.md §7). */
const PATH =
  /^notifier( ratelimit lock( constraint( kill unlock sleep| panic_on_oom( select( kill)? unlock( sleep)?)?)?)?)?$/;

describe("the trace over generated kernel states (fast-check)", () => {
  it("holds exactly the result's log, signals, TIF_MEMDIE bits, time slices and badness calls, in order", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        expect(grouped(r)).toEqual({
          log: r.log,
          sigkill: r.sigkill,
          memdie: r.memdie,
          time_slice: r.time_slice,
          badness: r.badness,
        });
      }),
      { numRuns: 300 },
    );
  });

  it("takes the steps in the kernel's order, and a kill step names the task given TIF_MEMDIE", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        const steps = r.trace.flatMap((e) => (e.kind === "step" ? [e.step] : []));
        expect(steps.join(" ")).toMatch(PATH);
        expect(steps.includes("sleep")).toBe(r.outcome === "killed" || r.outcome === "aborted");
        const kill = r.trace.find((e) => e.kind === "step" && e.step === "kill");
        if (kill?.kind === "step" && kill.step === "kill") {
          expect(kill.selected).toBe(r.selected?.pid);
          expect(kill.pid).toBe(r.memdie[0] ?? null);
          // The effects of the kill come after its step, before the unlock.
          const at = r.trace.indexOf(kill);
          const effects = r.trace.findIndex(
            (e) => e.kind === "sigkill" || e.kind === "memdie" || e.kind === "time_slice",
          );
          if (effects >= 0) expect(effects).toBeGreaterThan(at);
        } else expect(r.memdie).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
