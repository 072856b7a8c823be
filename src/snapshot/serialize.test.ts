import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { snapshotArbitrary } from "./arbitrary.js";
import { checkSnapshot, parseSnapshot, validateSnapshot } from "./load.js";
import { snapshotToJson, ulongToJson } from "./serialize.js";

function loadOrExplain(doc: unknown) {
  const result = checkSnapshot(doc);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.violation)}`);
  return result.snapshot;
}

describe("snapshotToJson (docs/formats.md §2)", () => {
  test("docs/formats.md §1: every generated snapshot serialises to a valid document that loads back equal", () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (snapshot) => {
        expect(loadOrExplain(snapshotToJson(snapshot))).toEqual(snapshot);
      }),
      { numRuns: 300 },
    );
  });

  test("docs/formats.md §1: serialise then load is the identity on loaded snapshots, through JSON text", () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (generated) => {
        const loaded = validateSnapshot(snapshotToJson(generated), "a.json");
        const text = JSON.stringify(snapshotToJson(loaded));
        expect(parseSnapshot(text, "b.json")).toEqual(loaded);
      }),
      { numRuns: 200 },
    );
  });

  test("docs/formats.md §1: ulongs are numbers up to 2^53-1 and decimal strings above", () => {
    expect(ulongToJson(0n)).toBe(0);
    expect(ulongToJson(9007199254740991n)).toBe(9007199254740991);
    expect(ulongToJson(9007199254740992n)).toBe("9007199254740992");
    expect(ulongToJson(18446744073709551615n)).toBe("18446744073709551615");
  });

  test("docs/formats.md §2.6: gfp_mask is written as a lower-case hex string", () => {
    fc.assert(
      fc.property(snapshotArbitrary({ maxGroups: 1, maxThreads: 0 }), (snapshot) => {
        const doc = snapshotToJson(snapshot) as { request: { gfp_mask: string } };
        expect(doc.request.gfp_mask).toMatch(/^0x[0-9a-f]{1,8}$/);
        expect(Number.parseInt(doc.request.gfp_mask.slice(2), 16)).toBe(snapshot.request.gfp_mask);
      }),
      { numRuns: 50 },
    );
  });

  test("docs/formats.md §2.4: children are written only when they differ from the task-list order", () => {
    const doc = {
      format: "oomkit.snapshot/1",
      kernel: { bits: 64, hz: 100, uptime: 10, nodes: [{ id: 0 }] },
      tasks: [
        { pid: 1, parent: 0, comm: "init", mm: null, uid: 0, euid: 0, children: [3, 2] },
        { pid: 2, parent: 1, comm: "a", mm: null, uid: 0, euid: 0 },
        { pid: 3, parent: 1, comm: "b", mm: null, uid: 0, euid: 0 },
        { pid: 4, parent: 3, comm: "c", mm: null, uid: 0, euid: 0, children: [] },
      ],
      current: 1,
      request: { gfp_mask: "0xD0", zonelist: [] },
    };
    const out = snapshotToJson(validateSnapshot(doc, "x.json")) as {
      tasks: { children?: number[] }[];
    };
    expect(out.tasks.map((task) => task.children)).toEqual([
      [3, 2],
      undefined,
      undefined,
      undefined,
    ]);
  });
});
