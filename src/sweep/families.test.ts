import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareScenario } from "../compare/compare.js";
import { policyByName } from "../policy/registry.js";
import { scenarioSchema } from "../sim/scenario-schema.js";
import { FAMILY_NAMES, generateFamilyScenario, scenarioSeed, sweepScenario } from "./families.js";

describe("sweep scenarios", () => {
  it("scenario i depends on the seed and i alone", () => {
    expect(sweepScenario(5, FAMILY_NAMES, 7)).toEqual(sweepScenario(5, FAMILY_NAMES, 7));
    expect(sweepScenario(5, FAMILY_NAMES, 7).family).toBe("many-medium");
    expect(sweepScenario(5, ["leak", "cpuset"], 7).family).toBe("cpuset");
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => scenarioSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(scenarioSeed(1, 3)).not.toBe(scenarioSeed(2, 3));
    expect(scenarioSeed(1, 2 ** 32 + 3)).not.toBe(scenarioSeed(1, 3));
  });

  it("every generated scenario is valid and marks at least one culprit", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FAMILY_NAMES),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (family, seed) => {
          const doc = generateFamilyScenario(family, seed);
          expect(generateFamilyScenario(family, seed)).toEqual(doc);
          const parsed = scenarioSchema.safeParse(doc);
          expect(parsed.success, JSON.stringify(parsed.error?.issues[0])).toBe(true);
          const marked = JSON.stringify(doc).match(/"role":"culprit"/g) ?? [];
          expect(marked.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  for (const family of FAMILY_NAMES) {
    it(`${family}: runs out of memory on the 2.6.20 kernel, culprit by role, killed in the end`, () => {
      for (let i = 0; i < 4; i++) {
        const s = sweepScenario(11, [family], i);
        const c = compareScenario(JSON.stringify(s.scenario), [policyByName("2.6.20")], {
          file: `${family} ${i}`,
        });
        expect(c.truth.culpritSource, `${family} ${i}`).toBe("role");
        const m = c.runs[0]!.metrics;
        expect(m.oomCalls, `${family} ${i}`).toBeGreaterThan(0);
        expect(m.kills, `${family} ${i}`).toBeGreaterThan(0);
        const culprits = new Set(c.truth.processes.filter((p) => p.culprit).map((p) => p.tgid));
        expect(
          m.killedProcesses.some((p) => culprits.has(p)),
          `${family} ${i}`,
        ).toBe(true);
        expect(m.protectedViolations).toBe(0);
        expect(m.panics).toBe(0);
      }
    });
  }
});
