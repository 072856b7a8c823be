import { describe, expect, it } from "vitest";
import { context, view } from "../../test/support/views.js";
import { chooseBest, chooseVictim, scoreViews } from "./select.js";
import type { VictimPolicy } from "./types.js";

/** Scores total_vm; skips init; aborts at a dying task. */
const byVm = (tie: "first" | "last"): VictimPolicy => ({
  name: "by-vm",
  tie,
  eligibility: (v) =>
    v.memdie
      ? { kind: "abort", reason: "dying" }
      : v.isInit
        ? { kind: "skip", reason: "init" }
        : { kind: "candidate" },
  score: (v) => v.totalVmPages,
  explain: (v) => [{ term: "total_vm", value: String(v.totalVmPages), note: "" }],
});

describe("chooseVictim: the one selection loop", () => {
  it("keeps the highest score; the first candidate is chosen even at 0", () => {
    const views = [view({ pid: 1, isInit: true }), view({ pid: 2, totalVmPages: 0n })];
    expect(chooseVictim(views, byVm("first"), context())).toEqual({
      kind: "chosen",
      index: 1,
      points: 0n,
    });
  });
  it("ties go to the first scanned or the last, as the policy says", () => {
    const views = [view({ pid: 2 }), view({ pid: 3 }), view({ pid: 4, totalVmPages: 10n })];
    expect(chooseVictim(views, byVm("first"), context())).toMatchObject({ index: 0 });
    expect(chooseVictim(views, byVm("last"), context())).toMatchObject({ index: 1 });
  });
  it("an abort stops the scan and names the task", () => {
    const views = [view({ pid: 2 }), view({ pid: 3, memdie: true }), view({ pid: 4 })];
    expect(chooseVictim(views, byVm("first"), context())).toEqual({
      kind: "abort",
      index: 1,
      reason: "dying",
    });
  });
  it("no candidate: none", () => {
    expect(chooseVictim([view({ isInit: true })], byVm("first"), context())).toEqual({
      kind: "none",
    });
    expect(chooseVictim([], byVm("first"), context())).toEqual({ kind: "none" });
  });
  it("a taken task replaces any earlier choice; later ones compare with its points", () => {
    const points = [5n, 100n, 7n, 100n, 101n];
    const choice = chooseBest(
      points.length,
      (i) => (i === 2 ? { kind: "take", points: 100n } : { kind: "score", points: points[i]! }),
      "first",
    );
    expect(choice).toEqual({ kind: "chosen", index: 4, points: 101n });
  });
  it("the observer hears every score in scan order", () => {
    const heard: [number, bigint][] = [];
    const views = [view({ pid: 1, isInit: true }), view({ pid: 2 }), view({ pid: 3 })];
    chooseVictim(views, byVm("first"), context(), (i, p) => heard.push([i, p]));
    expect(heard).toEqual([
      [1, 1000n],
      [2, 1000n],
    ]);
  });
});

describe("scoreViews", () => {
  it("every view with its eligibility, points (null when skipped) and terms", () => {
    const rows = scoreViews(
      [view({ pid: 1, isInit: true }), view({ pid: 2, totalVmPages: 7n })],
      byVm("first"),
      context(),
    );
    expect(rows.map((r) => [r.index, r.eligibility.kind, r.points, r.terms.length])).toEqual([
      [0, "skip", null, 0],
      [1, "candidate", 7n, 1],
    ]);
  });
});
