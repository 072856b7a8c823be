/** Running a scenario from text to the end of its event stream. */

import { isMap, isNode, LineCounter, parseDocument } from "yaml";
import type { EndReason } from "./engine.js";
import type { SimEvent } from "./events.js";
import { parseScenario } from "./load-scenario.js";
import type { OomCallRecord } from "./oom-call.js";
import type { Scenario } from "./scenario-schema.js";
import { type SetupOptions, type Simulation, setupSimulation } from "./setup.js";

export interface RunOptions extends Omit<SetupOptions, "file" | "positionOf"> {
  file: string;
  /** Called once the simulation is set up, before its first event. */
  onSetup?: (sim: Simulation) => void;
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

/**
 * Parses, validates, sets up and runs a scenario; every event goes to `sink` as it
 * happens. Throws InputError for a bad scenario before any event is emitted.
 */
export function runScenarioText(
  text: string,
  sink: (e: SimEvent) => void,
  o: RunOptions,
): RunResult {
  const { scenario } = parseScenario(text, o.file);
  return runParsedScenario(scenario, sink, o, positionFinder(text));
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
  sink({
    type: "sim.start",
    tick: k.ticks,
    seed: sim.seed,
    bits: k.bits,
    hz: k.hz,
    tasks: k.tasks.size,
    presentPages: port.presentPages(),
    ...(o.policy === undefined ? {} : { policy: o.policy.name }),
  });
  for (const e of buffered) sink(e);
  target = sink;
  const reason = sim.engine.run();
  sim.engine.reportPending();
  sink({
    type: "sim.end",
    tick: k.ticks,
    reason,
    tasks: k.tasks.size,
    freePages: port.freePages(),
  });
  return { reason, sim, oomCalls };
}
