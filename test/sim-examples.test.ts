import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runOutOfMemory } from "../src/oom/out_of_memory.js";
import { toResultJson } from "../src/oom/result.js";
import { simLogLines } from "../src/report/sim-log.js";
import { renderSummary, SummaryCollector } from "../src/report/sim-summary.js";
import { DEFAULT_SCENARIO } from "../src/sim/default-scenario.js";
import type { SimEvent } from "../src/sim/events.js";
import { runScenarioText } from "../src/sim/run.js";
import { parseSnapshot } from "../src/snapshot/load.js";
import { snapshotToJson } from "../src/snapshot/serialize.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples");
const GOLDEN = join(import.meta.dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const scenarios: [string, string][] = [
  ["default", DEFAULT_SCENARIO],
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f): [string, string] => [
      f.replace(/\.yaml$/, ""),
      readFileSync(join(EXAMPLES, f), "utf8"),
    ]),
];

/** The output of `oomkit sim FILE --summary`, and every OOM call of the run. */
function run(name: string, text: string) {
  const lines: string[] = [];
  const collector = new SummaryCollector();
  let hz = 250;
  let printkTime = false;
  const events: SimEvent[] = [];
  const result = runScenarioText(
    text,
    (e) => {
      if (e.type === "sim.start") hz = e.hz;
      events.push(e);
      collector.add(e);
      lines.push(...simLogLines(e, { hz, printkTime }));
    },
    {
      file: `${name}.yaml`,
      checkInvariants: true,
      onSetup: (sim) => {
        printkTime = sim.printkTime;
      },
    },
  );
  lines.push("", ...renderSummary(collector.summary()));
  return { log: `${lines.join("\n")}\n`, result, events };
}

describe("example scenarios", () => {
  it("ships at least eight examples besides the default story, each text opening with a comment", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(9);
    for (const [, text] of scenarios) expect(text.startsWith("# ")).toBe(true);
  });

  for (const [name, text] of scenarios) {
    describe(name, () => {
      const { log, result, events } = run(name, text);

      it("matches its golden kernel log and summary byte for byte", () => {
        const file = join(GOLDEN, `${name}.log`);
        if (UPDATE) writeFileSync(file, log);
        expect(existsSync(file), `${file} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
        expect(log).toBe(readFileSync(file, "utf8"));
      });

      it("gives byte-identical output when run twice (same scenario, same seed)", () => {
        expect(run(name, text).log).toBe(log);
      });

      it("each OOM call's snapshot, written as JSON and read back, gives the call's result from the core", () => {
        for (const call of result.oomCalls) {
          const text = JSON.stringify(snapshotToJson(call.snapshot()));
          const again = runOutOfMemory(parseSnapshot(text, `oom-${call.n}.snapshot.json`));
          expect(toResultJson(again)).toEqual(toResultJson(call.result));
        }
      });

      it("docs/oom-path.md §10: the ticks of the event stream never go backwards", () => {
        for (let i = 1; i < events.length; i++) {
          expect(events[i]!.tick).toBeGreaterThanOrEqual(events[i - 1]!.tick);
        }
      });
    });
  }
});
