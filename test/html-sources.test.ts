/** The report's other sources and the run at a step, against the whole run's report. */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildReportModel, memoryOfEvents } from "../src/report/html/model.js";
import { ReportRecorder } from "../src/report/html/recorder.js";
import { buildOomReportModel } from "../src/report/html/sources.js";
import { DEFAULT_SCENARIO } from "../src/sim/default-scenario.js";
import { runScenarioText } from "../src/sim/run.js";

function recorded(text: string) {
  const rec = new ReportRecorder("s.yaml");
  const result = runScenarioText(text, (e) => rec.add(e), {
    file: "s.yaml",
    ...ReportRecorder.runOptions,
  });
  return { rec, result };
}

const SCENARIOS = ["default", "child-first", "memdie-wait", "mpol-bind", "panic-on-oom"];
const text = (name: string) =>
  name === "default" ? DEFAULT_SCENARIO : readFileSync(`examples/${name}.yaml`, "utf8");

describe("one call on its snapshot, as `oomkit oom --html` draws it", () => {
  for (const name of SCENARIOS) {
    it(`${name}: the same path, notes and badness table as in the run's report`, () => {
      const { rec, result } = recorded(text(name));
      const run = buildReportModel(rec.input(result));
      for (const record of result.oomCalls) {
        const [c] = buildOomReportModel("x", record.snapshot(), record.result).calls;
        const inRun = run.calls.find((r) => r.n === record.n)!;
        expect(c!.path).toEqual(inRun.path);
        expect(c!.also).toEqual(inRun.also);
        expect(c!.notes).toEqual(inRun.notes);
        expect(c!.victim).toEqual(inRun.victim);
        expect(c!.badness).toEqual(inRun.badness);
      }
    });
  }
});

describe("the run as it stood after some of its events", () => {
  it("all of them is the whole run; none is an empty report", () => {
    const { rec, result } = recorded(DEFAULT_SCENARIO);
    const all = rec.inputAt(result, rec.events.length);
    expect(buildReportModel(all)).toEqual(buildReportModel(rec.input(result)));
    const none = buildReportModel(rec.inputAt(result, 0));
    expect(none.calls).toEqual([]);
    expect(none.log).toEqual([]);
  });

  it("a call's scores show once badness() ran, not when it was invoked", () => {
    const { rec, result } = recorded(DEFAULT_SCENARIO);
    const invoked = rec.events.findIndex((e) => e.type === "oom.invoked");
    const scored = rec.events.findIndex((e) => e.type === "oom.badness");
    expect(invoked).toBeLessThan(scored);
    const at = (n: number) => buildReportModel(rec.inputAt(result, n)).calls[0]!;
    expect(at(invoked + 1).badness).toBeNull();
    expect(at(scored + 1).badness).not.toBeNull();
    expect(at(scored + 1).outcome).toBe("unknown");
  });

  it("memory readings stop at the tick of the last event shown", () => {
    const { rec, result } = recorded(DEFAULT_SCENARIO);
    const half = Math.floor(rec.events.length / 2);
    const input = rec.inputAt(result, half);
    const tick = rec.events[half - 1]!.tick;
    const memory = memoryOfEvents(input.events)!;
    expect(memory.ticks.every((t) => t <= tick)).toBe(true);
    expect(memory.ticks.length).toBeGreaterThan(0);
    expect(memory.free.every((s) => s.length === memory.ticks.length)).toBe(true);
  });
});
