/** Running a scenario from text to the end of its event stream. */

import { isMap, isNode, LineCounter, parseDocument } from "yaml";
import type { EndReason } from "./engine.js";
import type { SimEvent } from "./events.js";
import { parseScenario } from "./load-scenario.js";
import { MemorySampler, machineZones } from "./mem-samples.js";
import type { OomCallRecord } from "./oom-call.js";
import type { Scenario } from "./scenario-schema.js";
import { type SetupOptions, type Simulation, setupSimulation } from "./setup.js";

export interface RunOptions extends Omit<SetupOptions, "file" | "positionOf"> {
  file: string;
  /** Called once the simulation is set up, before its first event. */
  onSetup?: (sim: Simulation) => void;
  /** Add `mem.sample` events (each zone's free pages per tick) for a memory timeline. */
  memorySamples?: boolean;
}

export interface RunResult {
  reason: EndReason;
  sim: Simulation;
  oomCalls: OomCallRecord[];
}

/** Finds the position of a JSON path in a scenario's text, parsing it on first use. */
export function positionFinder(text: string): SetupOptions["positionOf"] {
  let cache: { doc: ReturnType<typeof parseDocument>; lc: LineCounter } | null = null;
  return (path) => {
    if (cache === null) {
      const lc = new LineCounter();
      cache = { doc: parseDocument(text, { lineCounter: lc }), lc };
    }
    for (let n = path.length; n >= 0; n--) {
      const node = cache.doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return cache.lc.linePos(node.range[0]);
      if (isMap(node)) break;
    }
    return undefined;
  };
}

/** A scenario set up and started, to be run in slices (`oomkit sim` looks for Ctrl-C between them). */
export interface ScenarioRun {
  sim: Simulation;
  oomCalls: OomCallRecord[];
  /** Runs at most `budget` turns of the event loop; "paused" when the run is not over. */
  step(budget?: number): Exclude<EndReason, "interrupted"> | "paused";
  /** Ends the run (sim.end with `reason`) and returns it. */
  finish(reason: EndReason): RunResult;
}

/**
 * Parses, validates and sets up a scenario and emits its first events; `step` runs it.
 * Throws InputError for a bad scenario before any event is emitted.
 */
export function startScenarioText(
  text: string,
  sink: (e: SimEvent) => void,
  o: RunOptions,
): ScenarioRun {
  const { scenario } = parseScenario(text, o.file);
  return startParsedScenario(scenario, sink, o, positionFinder(text));
}

/**
 * Sets up and runs a scenario already validated (scenarioSchema's output), as
 * runScenarioText does after parsing; `positionOf` places semantic errors in its text
 * (without it they name the JSON path only).
 */
export function runParsedScenario(
  scenario: Scenario,
  sink: (e: SimEvent) => void,
  o: RunOptions,
  positionOf?: SetupOptions["positionOf"],
): RunResult {
  return runToEnd(startParsedScenario(scenario, sink, o, positionOf));
}

/** startScenarioText for a scenario already validated. */
export function startParsedScenario(
  scenario: Scenario,
  sink: (e: SimEvent) => void,
  o: RunOptions,
  positionOf?: SetupOptions["positionOf"],
): ScenarioRun {
  const oomCalls: OomCallRecord[] = [];
  // Setup may emit before sim.start is known; those events wait in a buffer.
  const buffered: SimEvent[] = [];
  let target: (e: SimEvent) => void = (e) => buffered.push(e);
  const sim = setupSimulation(scenario, (e) => target(e), {
    ...o,
    positionOf,
    onOomCall: (r) => {
      oomCalls.push(r);
      o.onOomCall?.(r);
    },
  });
  const { k, port } = sim;
  o.onSetup?.(sim);
  let out = sink;
  let sampler: MemorySampler | null = null;
  if (o.memorySamples) {
    const s = new MemorySampler(port.mem.zones, sink);
    sampler = s;
    out = (e) => {
      s.read(e.tick);
      sink(e);
    };
    port.onPagesChanged = () => s.read(k.ticks);
  }
  out({
    type: "sim.start",
    tick: k.ticks,
    seed: sim.seed,
    bits: k.bits,
    hz: k.hz,
    tasks: k.tasks.size,
    presentPages: port.presentPages(),
    printkTime: sim.printkTime,
    machine: {
      numa: port.numa,
      cpus: port.mem.cpus,
      zones: machineZones(port.mem.zones),
      swapPages: port.swapTotalPages(),
    },
    ...(o.policy === undefined ? {} : { policy: o.policy.name }),
  });
  for (const e of buffered) out(e);
  target = out;
  return {
    sim,
    oomCalls,
    step: (budget) => sim.engine.run(budget),
    finish: (reason) => {
      sim.engine.reportPending();
      sampler?.read(k.ticks);
      sampler?.flush();
      sink({
        type: "sim.end",
        tick: k.ticks,
        reason,
        tasks: k.tasks.size,
        freePages: port.freePages(),
      });
      return { reason, sim, oomCalls };
    },
  };
}

/**
 * Parses, validates, sets up and runs a scenario; every event goes to `sink` as it
 * happens. Throws InputError for a bad scenario before any event is emitted.
 */
export function runScenarioText(
  text: string,
  sink: (e: SimEvent) => void,
  o: RunOptions,
): RunResult {
  return runToEnd(startScenarioText(text, sink, o));
}

function runToEnd(run: ScenarioRun): RunResult {
  const reason = run.step();
  if (reason === "paused") throw new Error("a run without a budget cannot pause");
  return run.finish(reason);
}
