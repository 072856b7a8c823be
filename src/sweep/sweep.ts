/**
 * A sweep: N generated scenarios (families.ts), each run once per contender with the
 * metrics of src/compare/metrics.ts, written as JSON lines (docs/formats.md, section
 * oomkit.sweep/1): one header line naming the sweep, then one line per run. A shard is
 * a contiguous range of scenario indices; the union of the shards' run lines is the
 * whole sweep's, whatever split made them. Pure: the caller runs it wherever it likes
 * (worker threads, other machines) and reads and writes the files.
 */

import { type Contender, compareParsedScenario, contenderByName } from "../compare/compare.js";
import type { RunMetrics } from "../compare/metrics.js";
import type { VictimPolicy } from "../policy/types.js";
import { scenarioSchema } from "../sim/scenario-schema.js";
import { type Family, sweepScenario } from "./families.js";

export const SWEEP_FORMAT = "oomkit.sweep/1";

export interface SweepSpec {
  seed: number;
  /** Scenarios in the whole sweep (every shard's together). */
  scenarios: number;
  families: Family[];
  /** Contender names, as --policies gives them. */
  policies: string[];
  windowSeconds: number;
}

export interface Shard {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

/** The scenario indices [first, end) of a shard: contiguous, disjoint, covering 0..N-1. */
export function shardRange(scenarios: number, shard: Shard): { first: number; end: number } {
  const at = (k: number) => Math.floor((k * scenarios) / shard.count);
  return { first: at(shard.index), end: at(shard.index + 1) };
}

/** The figures of one run as its line gives them (snake_case; null where undefined). */
export interface RunLineMetrics {
  oom_calls: number;
  guard_kills: number;
  kills: number;
  innocent_victims: number;
  overkill: number;
  work_lost: number;
  culprit_killed: boolean;
  recovered_mib_per_kill: number | null;
  oom_episodes: number;
  repeat_ooms: number;
  pressure_seconds: number;
  time_to_relief_seconds: number | null;
  stalled_at_end: boolean;
  protected_violations: number;
  panics: number;
  end_reason: string;
}

export interface RunLine {
  type: "run";
  index: number;
  family: Family;
  seed: number;
  policy: string;
  metrics: RunLineMetrics;
}

export interface HeaderLine {
  type: "sweep";
  format: typeof SWEEP_FORMAT;
  oomkit: string;
  seed: number;
  scenarios: number;
  families: Family[];
  policies: string[];
  window_seconds: number;
  /** The part of the sweep the file's runs cover. */
  shard: { index: number; count: number; first: number; end: number };
}

export function headerLine(spec: SweepSpec, version: string, shard: Shard): HeaderLine {
  return {
    type: "sweep",
    format: SWEEP_FORMAT,
    oomkit: version,
    seed: spec.seed,
    scenarios: spec.scenarios,
    families: spec.families,
    policies: spec.policies,
    window_seconds: spec.windowSeconds,
    shard: { ...shard, ...shardRange(spec.scenarios, shard) },
  };
}

/** Six decimals at most: the figures do not mean more, and the lines stay short. */
export function round6(x: number): number {
  return Number(x.toFixed(6));
}

function lineMetrics(m: RunMetrics, hz: number, culprits: ReadonlySet<number>): RunLineMetrics {
  return {
    oom_calls: m.oomCalls,
    guard_kills: m.guardKills,
    kills: m.kills,
    innocent_victims: m.innocentVictims,
    overkill: m.overkill,
    work_lost: round6(m.workLost),
    culprit_killed: m.killedProcesses.some((p) => culprits.has(p)),
    recovered_mib_per_kill:
      m.recoveredPagesPerKill === null ? null : round6(m.recoveredPagesPerKill / 256),
    oom_episodes: m.oomEpisodes,
    repeat_ooms: m.repeatOoms,
    pressure_seconds: round6(m.pressureTicks / hz),
    time_to_relief_seconds: m.reliefTicks === null ? null : round6(m.reliefTicks / hz),
    stalled_at_end: m.stalledAtEnd,
    protected_violations: m.protectedViolations,
    panics: m.panics,
    end_reason: m.endReason,
  };
}

/** The contenders of a spec, made once per thread that runs scenarios. */
export function contendersOf(spec: SweepSpec): (VictimPolicy | Contender)[] {
  return spec.policies.map(contenderByName);
}

/** Scenario `index` of the sweep, run under every contender: one line per contender. */
export function runSweepScenario(
  spec: SweepSpec,
  contenders: readonly (VictimPolicy | Contender)[],
  index: number,
): RunLine[] {
  const s = sweepScenario(spec.seed, spec.families, index);
  // Generated, so valid by construction; the schema still fills in the defaults.
  const comparison = compareParsedScenario(scenarioSchema.parse(s.scenario), contenders, {
    file: `scenario ${index}`,
    windowSeconds: spec.windowSeconds,
  });
  const culprits = new Set(comparison.truth.processes.filter((p) => p.culprit).map((p) => p.tgid));
  return comparison.runs.map((r, k) => ({
    type: "run",
    index,
    family: s.family,
    seed: s.seed,
    policy: spec.policies[k]!,
    metrics: lineMetrics(r.metrics, comparison.hz, culprits),
  }));
}
