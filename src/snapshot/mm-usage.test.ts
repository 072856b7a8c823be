import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { baseDoc } from "../../test/support/snapshot-cases.js";
import { runOutOfMemory } from "../oom/out_of_memory.js";
import { toResultJson } from "../oom/result.js";
import { compileState, NOT_GIVEN, optionalUlongAt } from "../oom/state.js";
import { snapshotArbitrary } from "./arbitrary.js";
import { parseSnapshot, validateSnapshot } from "./load.js";
import { snapshotToJson } from "./serialize.js";
import type { Snapshot } from "./types.js";

function withoutUsage(snapshot: Snapshot): Snapshot {
  return { ...snapshot, mms: snapshot.mms.map((mm) => ({ id: mm.id, total_vm: mm.total_vm })) };
}

describe("an mm's optional rss and swap", () => {
  test("a document without them loads as before: no rss or swap key, NOT_GIVEN when compiled", () => {
    const snapshot = validateSnapshot(baseDoc(), "x.json");
    expect(snapshot.mms).toEqual([
      { id: "init", total_vm: 300n },
      { id: "big", total_vm: 18446744073709551615n },
    ]);
    const { mms } = compileState(snapshot);
    expect([...mms.rss]).toEqual([NOT_GIVEN, NOT_GIVEN]);
    expect([...mms.swap]).toEqual([NOT_GIVEN, NOT_GIVEN]);
    expect(optionalUlongAt(mms.rss, mms.bigRss, 0)).toBeNull();
    expect(optionalUlongAt(mms.swap, mms.bigSwap, 1)).toBeNull();
  });

  test("given values load, compile and serialise exactly, up to ULONG_MAX, zero included", () => {
    const doc = baseDoc();
    doc.mms[0].rss = 0;
    doc.mms[0].swap = 12;
    doc.mms[1].rss = "18446744073709551615";
    const snapshot = validateSnapshot(doc, "x.json");
    expect(snapshot.mms).toEqual([
      { id: "init", total_vm: 300n, rss: 0n, swap: 12n },
      { id: "big", total_vm: 18446744073709551615n, rss: 18446744073709551615n },
    ]);
    const { mms } = compileState(snapshot);
    expect(optionalUlongAt(mms.rss, mms.bigRss, 0)).toBe(0n);
    expect(optionalUlongAt(mms.swap, mms.bigSwap, 0)).toBe(12n);
    expect(optionalUlongAt(mms.rss, mms.bigRss, 1)).toBe(18446744073709551615n);
    expect(optionalUlongAt(mms.swap, mms.bigSwap, 1)).toBeNull();
    expect(snapshotToJson(snapshot).mms).toEqual([
      { id: "init", total_vm: 300, rss: 0, swap: 12 },
      { id: "big", total_vm: "18446744073709551615", rss: "18446744073709551615" },
    ]);
    expect(parseSnapshot(JSON.stringify(snapshotToJson(snapshot)), "y.json")).toEqual(snapshot);
  });

  test("2.6.20 never reads them: the result is the same with and without", () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (snapshot) => {
        const with_ = toResultJson(runOutOfMemory(snapshot));
        const without = toResultJson(runOutOfMemory(withoutUsage(snapshot)));
        expect(with_).toEqual(without);
      }),
      { numRuns: 100 },
    );
  });
});
