/**
 * The generated states of the OOM property tests and of `oomkit gen` are valid snapshots:
 * they pass the loader and survive a round trip through JSON unchanged.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateSnapshot } from "../src/snapshot/generate.js";
import { validateSnapshot } from "../src/snapshot/load.js";
import { snapshotToJson } from "../src/snapshot/serialize.js";
import { snapshotArbitrary } from "./support/arbitrary.js";

const roundTrip = (doc: unknown) => validateSnapshot(JSON.parse(JSON.stringify(doc)), "x.json");

describe("generated snapshots are valid", () => {
  it("the property-test arbitrary yields snapshots the loader accepts unchanged", () => {
    fc.assert(
      fc.property(snapshotArbitrary, (snapshot) => {
        expect(roundTrip(snapshotToJson(snapshot))).toEqual(snapshot);
      }),
      { numRuns: 300 },
    );
  });

  it("oomkit gen output loads back unchanged at both widths", () => {
    for (const [bits, seed] of [
      [64, 1],
      [32, 2],
      [64, 3],
    ] as const) {
      const snapshot = generateSnapshot({ tasks: 3000, seed, bits });
      expect(roundTrip(snapshotToJson(snapshot))).toEqual(snapshot);
    }
  });
});
