import { describe, expect, it } from "vitest";
import { context, view } from "../../test/support/views.js";
import { runOutOfMemory } from "../oom/out_of_memory.js";
import { EXAMPLE_SNAPSHOT_TEXT } from "../snapshot/example.js";
import { parseSnapshot } from "../snapshot/load.js";
import { newestPolicy as policy } from "./newest.js";
import { chooseVictim } from "./select.js";

describe("newest policy", () => {
  const ctx = context();
  it("the latest start time wins, whatever the size, the adjustments or the CPU time", () => {
    const views = [
      view({ pid: 2, startTimeSeconds: 10n, rssPages: 10n ** 9n, oomScoreAdj: 1000 }),
      view({ pid: 3, startTimeSeconds: 900n, rssPages: 1n, oomScoreAdj: -999, uid: 0 }),
      view({ pid: 4, startTimeSeconds: 500n, cpuTimeJiffies: 0n }),
    ];
    expect(chooseVictim(views, policy, ctx)).toEqual({ kind: "chosen", index: 1, points: 900n });
  });
  it("of two started in the same second, the one later in the task list wins", () => {
    const views = [
      view({ pid: 2, startTimeSeconds: 7n }),
      view({ pid: 3, startTimeSeconds: 7n }),
      view({ pid: 4, startTimeSeconds: 6n }),
    ];
    expect(chooseVictim(views, policy, ctx)).toMatchObject({ index: 1 });
  });
  it("never init, a kernel thread, an mm-less task or oom_score_adj -1000", () => {
    for (const over of [
      { pid: 1, isInit: true },
      { isKthread: true },
      { hasMm: false },
      { oomScoreAdj: -1000 },
    ]) {
      expect(policy.eligibility(view({ startTimeSeconds: 10n ** 6n, ...over }), ctx).kind).toBe(
        "skip",
      );
    }
  });
  it("a dying victim stops the choice; an unknown start time counts as boot and says so", () => {
    expect(policy.eligibility(view({ memdie: true }), ctx).kind).toBe("abort");
    expect(policy.score(view({ startTimeSeconds: null }), ctx)).toBe(0n);
    expect(policy.explain(view({ startTimeSeconds: null }), ctx)[0]!.note).toContain("not known");
    expect(policy.explain(view({ startTimeSeconds: 42n }), ctx)[0]!.value).toBe("42");
  });
  it("inside out_of_memory the newest process is the one selected", () => {
    const snapshot = parseSnapshot(EXAMPLE_SNAPSHOT_TEXT, "example.json");
    const newest = [...snapshot.tasks]
      .filter((t) => t.pid === t.tgid && t.pid !== 1 && t.mm !== null && t.oomkilladj !== -17)
      .reduce((a, b) => (b.start_time >= a.start_time ? b : a));
    const r = runOutOfMemory(snapshot, { policy });
    expect(r.selected).toEqual({ pid: newest.pid, points: newest.start_time });
  });
});
