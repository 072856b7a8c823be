/**
 * Invariants of one out_of_memory() call over generated kernel states (docs/oom-path.md §5–§8).
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snapshotArbitrary } from "../../test/support/arbitrary.js";
import { badnessExact, makeBadnessContext } from "./badness.js";
import { runOutOfMemory } from "./out_of_memory.js";
import { selectBadProcess } from "./select_bad_process.js";
import { selectBadProcessExact } from "./select_exact.js";
import { compileState } from "./state.js";

const runs = { numRuns: 400 };

describe("OOM invariants (fast-check)", () => {
  it("every fast badness() score of a selection equals the exact bigint badness() (docs/oom-path.md §5.1)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const s = compileState(snapshot);
        const ctx = makeBadnessContext(s);
        selectBadProcess(s, (i, points) => {
          expect(BigInt(points)).toBe(badnessExact(s, ctx, i));
        });
      }),
      runs,
    );
  });

  it("the fast selection equals the all-bigint selection (docs/oom-path.md §6)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const fast = selectBadProcess(compileState(snapshot));
        const exact = selectBadProcessExact(compileState(snapshot));
        expect(fast.kind).toBe(exact.kind);
        if (fast.kind === "chosen" && exact.kind === "chosen") {
          expect(fast.index).toBe(exact.index);
          expect(BigInt(fast.points)).toBe(BigInt(exact.points));
        }
      }),
      runs,
    );
  });

  it("selection never picks pid 1, nor an OOM_DISABLE task other than an exiting current (docs/oom-path.md §6)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        if (r.constraint !== "none" || r.selected === null) return;
        const task = snapshot.tasks.find((t) => t.pid === r.selected!.pid)!;
        expect(task.pid).not.toBe(1);
        expect(task.mm).not.toBeNull();
        if (task.oomkilladj === -17) {
          expect(task.pid).toBe(snapshot.current);
          expect(task.flags).toContain("PF_EXITING");
        }
      }),
      runs,
    );
  });

  it("ties go to the first task in task-list order (docs/oom-path.md §6)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        if (r.constraint !== "none" || r.outcome !== "killed" || r.badness.length === 0) return;
        const current = snapshot.tasks.find((t) => t.pid === snapshot.current)!;
        if (current.flags.includes("PF_EXITING")) return;
        let max = 0n;
        for (const b of r.badness) if (b.points > max) max = b.points;
        expect(r.selected).toEqual({
          pid: r.badness.find((b) => b.points === max)!.pid,
          points: max,
        });
      }),
      runs,
    );
  });

  it("badness() is called in task order, only for tasks with an mm, not init, not OOM_DISABLE unless exiting current", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        const order = new Map(snapshot.tasks.map((t, i) => [t.pid, i]));
        let last = -1;
        for (const b of r.badness) {
          const i = order.get(b.pid)!;
          expect(i).toBeGreaterThan(last);
          last = i;
          const t = snapshot.tasks[i]!;
          expect(t.mm).not.toBeNull();
          expect(t.pid).not.toBe(1);
          expect(t.oomkilladj).not.toBe(-17);
        }
      }),
      runs,
    );
  });

  it("identical input gives identical output", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        expect(runOutOfMemory(snapshot)).toEqual(runOutOfMemory(structuredClone(snapshot)));
      }),
      { numRuns: 200 },
    );
  });

  it("every TIF_MEMDIE set was preceded by its SIGKILL, and the sleep follows the contract (docs/oom-path.md §7.6)", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        const r = runOutOfMemory(snapshot);
        for (const pid of r.memdie) expect(r.sigkill).toContain(pid);
        expect(r.time_slice.map((t) => t.pid)).toEqual(r.memdie);
        const current = snapshot.tasks.find((t) => t.pid === snapshot.current)!;
        const memdie = current.tif.includes("TIF_MEMDIE") || r.memdie.includes(current.pid);
        const mayRun = r.outcome === "killed" || r.outcome === "aborted";
        expect(r.sleep).toBe(mayRun && !memdie);
      }),
      runs,
    );
  });
});
