/**
 * One scenario, once per victim policy, with the same seed: each run is the ordinary
 * simulation with the policy choosing inside select_bad_process(), and its metrics come
 * from its own event stream. A contender may instead be a userspace guard (guard-agent.ts)
 * in front of the 2.6.20 kernel. Pure: the caller reads the files.
 */

import { policyByName } from "../policy/registry.js";
import type { VictimPolicy } from "../policy/types.js";
import type { ReportInput } from "../report/html/model.js";
import { ReportRecorder } from "../report/html/recorder.js";
import { type SkippedAction, SummaryCollector } from "../report/sim-summary.js";
import type { SimEvent } from "../sim/events.js";
import { parseScenario } from "../sim/load-scenario.js";
import { positionFinder, runParsedScenario } from "../sim/run.js";
import type { Scenario } from "../sim/scenario-schema.js";
import type { Snapshot } from "../snapshot/types.js";
import { type GroundTruth, groundTruthOf } from "./ground-truth.js";
import { simulatedGuard } from "./guard-agent.js";
import {
  DEFAULT_WINDOW_SECONDS,
  MetricsCollector,
  type MetricsOptions,
  type RunMetrics,
} from "./metrics.js";

export interface CompareOptions extends MetricsOptions {
  /** Names the scenario in errors. */
  file: string;
  seed?: number;
  until?: number | string;
  loadSnapshot?: (path: string) => Snapshot;
  /** Keep each run's events, memory samples among them, for the HTML report. */
  record?: boolean;
}

/** What one run puts in charge: a kernel victim policy, or a guard with its own policy. */
export interface Contender {
  name: string;
  /** The policy inside select_bad_process() (absent: 2.6.20's badness()). */
  policy?: VictimPolicy;
  /** A userspace guard choosing by this policy, acting before the kernel. */
  guard?: VictimPolicy;
}

/** The guard as a contender; named `guard`, or `guard:POLICY` for another policy than modern. */
export function guardContender(policy: VictimPolicy): Contender {
  return { name: policy.name === "modern" ? "guard" : `guard:${policy.name}`, guard: policy };
}

/**
 * A contender by name: a registered policy, `guard` (the guard with its default policy,
 * modern) or `guard:POLICY`; a UsageError naming the choices for an unknown policy.
 */
export function contenderByName(name: string): VictimPolicy | Contender {
  if (name === "guard") return guardContender(policyByName("modern"));
  if (name.startsWith("guard:")) return guardContender(policyByName(name.slice(6)));
  return policyByName(name);
}

function contenderOf(c: VictimPolicy | Contender): Contender {
  return "eligibility" in c ? { name: c.name, policy: c } : c;
}

export interface PolicyRun {
  policy: string;
  metrics: RunMetrics;
  /** Timeline actions the run skipped, as `oomkit sim` warns of them. */
  skipped: SkippedAction[];
  /** The run's events and calls, with `record`. */
  report?: ReportInput;
}

export interface Comparison {
  seed: number;
  hz: number;
  windowSeconds: number;
  /** The ground truth of the first run (every run starts from the same state). */
  truth: GroundTruth;
  runs: PolicyRun[];
}

export function compareScenario(
  text: string,
  contenders: readonly (VictimPolicy | Contender)[],
  o: CompareOptions,
): Comparison {
  if (contenders.length === 0) throw new RangeError("no policy to compare");
  const { scenario } = parseScenario(text, o.file);
  return compareParsedScenario(scenario, contenders, o, positionFinder(text));
}

/**
 * compareScenario() on a scenario already validated (scenarioSchema's output), parsed
 * once for every run; `positionOf` places setup errors in its text.
 */
export function compareParsedScenario(
  scenario: Scenario,
  contenders: readonly (VictimPolicy | Contender)[],
  o: CompareOptions,
  positionOf?: (path: PropertyKey[]) => { line: number; col: number } | undefined,
): Comparison {
  if (contenders.length === 0) throw new RangeError("no policy to compare");
  const runs: PolicyRun[] = [];
  const first: { truth?: GroundTruth; seed?: number } = {};
  for (const contender of contenders.map(contenderOf)) {
    // The run calls onSetup before its first event.
    const run: { collector?: MetricsCollector } = {};
    const skips = new SummaryCollector();
    const skipped: SkippedAction[] = [];
    const recorder = o.record ? new ReportRecorder(contender.name) : null;
    const sink = (e: SimEvent) => {
      recorder?.add(e);
      if (e.type === "mem.sample") return;
      run.collector!.add(e);
      if (e.type === "sim.start") skips.add(e);
      else if (e.type === "sim.skip") skipped.push(skips.describeSkip(e));
    };
    // Each run gets its own copy: nothing one run does can reach the next.
    const result = runParsedScenario(
      structuredClone(scenario),
      sink,
      {
        file: o.file,
        seed: o.seed,
        until: o.until,
        loadSnapshot: o.loadSnapshot,
        ...(recorder === null ? {} : ReportRecorder.runOptions),
        policy: contender.policy,
        agent: contender.guard === undefined ? undefined : simulatedGuard(contender.guard),
        onSetup: (sim) => {
          const truth = groundTruthOf(sim);
          first.truth ??= truth;
          run.collector = new MetricsCollector(truth, o);
          skips.setTargets(sim.targets);
        },
      },
      positionOf,
    );
    first.seed ??= result.sim.seed;
    const report = recorder?.input(result);
    runs.push({
      policy: contender.name,
      metrics: run.collector!.result(),
      skipped,
      ...(report === undefined ? {} : { report }),
    });
  }
  return {
    seed: first.seed!,
    hz: first.truth!.hz,
    windowSeconds: o.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
    truth: first.truth!,
    runs,
  };
}
