/**
 * Every example scenario says in its `expect` block what its story claims; a run of it
 * must show each of those facts (src/sim/expect.ts checks them by event type and fields,
 * not by log text or figures such as pages_scanned).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO } from "../src/sim/default-scenario.js";
import type { SimEvent } from "../src/sim/events.js";
import { checkExpect, type KnownTask, knownTasks } from "../src/sim/expect.js";
import { runScenarioText } from "../src/sim/run.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");
const scenarios: [string, string][] = [
  ["the default story", DEFAULT_SCENARIO],
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f): [string, string] => [f, readFileSync(join(EXAMPLES, f), "utf8")]),
];

describe("example scenarios: the expect block", () => {
  for (const [file, text] of scenarios) {
    it(`${file}: has an expect block with claims, and its run shows every fact of it`, () => {
      const events: SimEvent[] = [];
      let tasks: KnownTask[] = [];
      const { sim } = runScenarioText(text, (e) => events.push(e), {
        file,
        onSetup: (s) => {
          tasks = knownTasks(s);
        },
      });
      const want = sim.scenario.expect;
      expect(want, `${file} has no expect block`).toBeDefined();
      expect(want?.claims?.length ?? 0, `${file} states no claims`).toBeGreaterThan(0);
      expect(checkExpect(want!, events, tasks)).toEqual([]);
    });
  }
});
