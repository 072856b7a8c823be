import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { snapshotArbitrary } from "../snapshot/arbitrary.js";
import { parseSnapshot } from "../snapshot/load.js";
import { snapshotToJson } from "../snapshot/serialize.js";
import { loadSnapshotText } from "./load.js";
import { compileState } from "./state.js";

/** The message a load fails with, or null when it loads. */
function failure(load: () => unknown): string | null {
  try {
    load();
    return null;
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
}

describe("loading a snapshot straight into the compiled state", () => {
  it("compiles the document as written to the state of its normalised snapshot, and normalises it the same", () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (snapshot) => {
        // The serialised form leaves out every default, so the raw reading applies them.
        const text = JSON.stringify(snapshotToJson(snapshot));
        const loaded = loadSnapshotText(text, "a.json");
        const normalized = parseSnapshot(text, "a.json");
        expect(loaded.state).toEqual(compileState(normalized));
        expect(loaded.snapshot).toEqual(normalized);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects what parseSnapshot rejects, with the same message", () => {
    const broken = fc.tuple(
      snapshotArbitrary(),
      fc.nat(),
      fc.constantFrom("pid", "mm", "parent", "comm", "extra", "uid", "current"),
    );
    fc.assert(
      fc.property(broken, ([snapshot, k, key]) => {
        const doc = snapshotToJson(snapshot) as {
          tasks: Record<string, unknown>[];
          current: unknown;
        };
        const task = doc.tasks[k % doc.tasks.length]!;
        if (key === "pid") task.pid = (doc.tasks[0]!.pid as number) + 0;
        if (key === "mm") task.mm = "no-such-mm";
        if (key === "parent") task.parent = 4194303;
        // Shape errors, in a task and (current) after the tasks in the document.
        if (key === "comm") task.comm = 5;
        if (key === "extra") task.extra = true;
        if (key === "uid") delete task.uid;
        if (key === "current") doc.current = "1";
        const text = JSON.stringify(doc);
        expect(failure(() => loadSnapshotText(text, "b.json"))).toBe(
          failure(() => parseSnapshot(text, "b.json")),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("names the mm of a thread from the mm before it, and an unlisted mm is still an error", () => {
    const doc = {
      format: "oomkit.snapshot/1",
      kernel: { bits: 64, hz: 250, uptime: 100, nodes: [{ id: 0 }] },
      mms: [
        { id: "a", total_vm: 10 },
        { id: "b", total_vm: 20 },
      ],
      tasks: [
        { pid: 1, parent: 0, comm: "init", mm: "b", uid: 0, euid: 0 },
        { pid: 2, parent: 1, comm: "x", mm: "a", uid: 0, euid: 0 },
        { pid: 3, tgid: 2, parent: 1, comm: "x", mm: "a", uid: 0, euid: 0 },
        { pid: 4, parent: 1, comm: "y", mm: "b", uid: 0, euid: 0 },
      ],
      current: 4,
      request: { gfp_mask: "0xd0", zonelist: [{ node: 0, zone: "Normal" }] },
    };
    expect([...loadSnapshotText(JSON.stringify(doc), "c.json").state.tasks.mm]).toEqual([
      1, 0, 0, 1,
    ]);
    doc.tasks[3]!.mm = "c";
    expect(failure(() => loadSnapshotText(JSON.stringify(doc), "c.json"))).toBe(
      'c.json: tasks[3].mm: mm "c" is not in mms',
    );
  });
});
