/**
 * The summary of a sweep from its run lines: per policy and metric the mean with its
 * 95 % confidence interval, the median and p95 (stats.ts); per pair of policies, paired
 * per scenario, how often each did better (lower), worse or the same; per family the
 * mean innocent victims and work lost. The runs are held by scenario index, so the
 * summary is the same whatever order or split they arrived in. Pure.
 */

import type { Family } from "./families.js";
import {
  type Interval,
  mean,
  meanInterval95,
  pairedCounts,
  quantileSorted,
  sortedCopy,
  type WinLossTie,
} from "./stats.js";
import type { RunLine, RunLineMetrics, SweepSpec } from "./sweep.js";

type NumericKey = Exclude<keyof RunLineMetrics, "end_reason">;

/** The metrics summarised, in the order the summary shows them, with their labels. */
export const SUMMARY_METRICS: readonly (readonly [NumericKey, string])[] = [
  ["innocent_victims", "innocent victims"],
  ["work_lost", "work lost (CPU seconds)"],
  ["kills", "kills"],
  ["overkill", "overkill"],
  ["culprit_killed", "culprit killed (share of scenarios)"],
  ["recovered_mib_per_kill", "memory recovered per kill (MiB)"],
  ["repeat_ooms", "repeat OOMs"],
  ["pressure_seconds", "time under pressure (s)"],
  ["time_to_relief_seconds", "first stall to relief (s)"],
  ["stalled_at_end", "stalled at the end (share of scenarios)"],
  ["oom_calls", "OOM calls"],
  ["protected_violations", "protected-process violations"],
  ["panics", "panics"],
];

/** The metrics compared pair by pair, scenario by scenario (lower is better). */
export const PAIRED_METRICS: readonly NumericKey[] = [
  "innocent_victims",
  "work_lost",
  "kills",
  "pressure_seconds",
];

const KEYS = SUMMARY_METRICS.map(([k]) => k);

/** The values of every run of a range of scenarios, by metric, NaN where null. */
export class SweepColumns {
  readonly values = new Map<NumericKey, Float64Array>();
  readonly family: (Family | undefined)[];
  private readonly seen: Uint8Array;
  private count = 0;

  constructor(
    readonly spec: SweepSpec,
    readonly first: number,
    readonly end: number,
  ) {
    const size = (end - first) * spec.policies.length;
    for (const k of KEYS) this.values.set(k, new Float64Array(size).fill(Number.NaN));
    this.seen = new Uint8Array(size);
    this.family = new Array(end - first);
  }

  /** Whether the run was new (false: this scenario and policy were already added). */
  add(line: RunLine): boolean {
    const p = this.spec.policies.indexOf(line.policy);
    const at = (line.index - this.first) * this.spec.policies.length + p;
    if (p < 0 || this.seen[at] === 1) return false;
    this.seen[at] = 1;
    this.count += 1;
    this.family[line.index - this.first] = line.family;
    for (const k of KEYS) {
      const v = line.metrics[k];
      this.values.get(k)![at] = v === null ? Number.NaN : Number(v);
    }
    return true;
  }

  get complete(): boolean {
    return this.count === this.seen.length;
  }

  /** The scenario index ranges [a, b] some run of which is missing. */
  missing(): [number, number][] {
    const out: [number, number][] = [];
    const P = this.spec.policies.length;
    for (let i = this.first; i < this.end; i++) {
      let whole = true;
      for (let p = 0; p < P; p++) {
        if (this.seen[(i - this.first) * P + p] !== 1) whole = false;
      }
      if (whole) continue;
      const last = out[out.length - 1];
      if (last !== undefined && last[1] === i - 1) last[1] = i;
      else out.push([i, i]);
    }
    return out;
  }

  /** Metric `key` of policy `p` over the scenarios, in index order. */
  column(key: NumericKey, p: number): Float64Array {
    const all = this.values.get(key)!;
    const P = this.spec.policies.length;
    const out = new Float64Array(this.end - this.first);
    for (let i = 0; i < out.length; i++) out[i] = all[i * P + p]!;
    return out;
  }
}

export interface MetricStats {
  policy: string;
  /** Scenarios where the metric is defined (a run without a kill has no memory per kill). */
  n: number;
  mean: number | null;
  ci95: Interval | null;
  median: number | null;
  p95: number | null;
}

export interface PairCounts extends WinLossTie {
  metric: NumericKey;
  a: string;
  b: string;
}

export interface FamilyMeans {
  family: Family;
  scenarios: number;
  innocentVictims: number[];
  workLost: number[];
}

export interface SweepSummary {
  spec: SweepSpec;
  version: string;
  first: number;
  end: number;
  metrics: { key: NumericKey; label: string; stats: MetricStats[] }[];
  pairs: PairCounts[];
  families: FamilyMeans[];
  /** The policy with the lowest mean, per paired metric (the first of equals). */
  best: Partial<Record<NumericKey, string>>;
}

function statsOf(policy: string, xs: Float64Array): MetricStats {
  const defined = xs.filter((x) => !Number.isNaN(x));
  if (defined.length === 0) {
    return { policy, n: 0, mean: null, ci95: null, median: null, p95: null };
  }
  const sorted = sortedCopy(defined);
  return {
    policy,
    n: defined.length,
    mean: mean(defined),
    ci95: meanInterval95(defined),
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}

export function summarize(columns: SweepColumns, version: string): SweepSummary {
  const { spec } = columns;
  const names = spec.policies;
  const metrics = SUMMARY_METRICS.map(([key, label]) => ({
    key,
    label,
    stats: names.map((name, p) => statsOf(name, columns.column(key, p))),
  }));
  const pairs: PairCounts[] = [];
  for (const metric of PAIRED_METRICS) {
    const cols = names.map((_, p) => columns.column(metric, p));
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        pairs.push({ metric, a: names[a]!, b: names[b]!, ...pairedCounts(cols[a]!, cols[b]!) });
      }
    }
  }
  const families: FamilyMeans[] = [];
  const innocents = names.map((_, p) => columns.column("innocent_victims", p));
  const work = names.map((_, p) => columns.column("work_lost", p));
  for (const family of spec.families) {
    const rows: number[] = [];
    columns.family.forEach((f, i) => {
      if (f === family) rows.push(i);
    });
    if (rows.length === 0) continue;
    const meanAt = (col: Float64Array) => mean(rows.map((i) => col[i]!));
    families.push({
      family,
      scenarios: rows.length,
      innocentVictims: innocents.map(meanAt),
      workLost: work.map(meanAt),
    });
  }
  const best: SweepSummary["best"] = {};
  for (const key of PAIRED_METRICS) {
    const m = metrics.find((x) => x.key === key)!;
    let winner: MetricStats | null = null;
    for (const s of m.stats) {
      if (s.mean !== null && (winner === null || s.mean < winner.mean!)) winner = s;
    }
    if (winner !== null) best[key] = winner.policy;
  }
  return {
    spec,
    version,
    first: columns.first,
    end: columns.end,
    metrics,
    pairs,
    families,
    best,
  };
}
