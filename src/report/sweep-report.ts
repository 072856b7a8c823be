/**
 * A sweep's summary as text (tables per metric, the paired wins, the families) or as one
 * JSON object with snake_case keys, the last line of `oomkit sweep --json`. The figures
 * are src/sweep/summary.ts's; this file only lays them out.
 */

import type { MetricStats, SweepSummary } from "../sweep/summary.js";
import { round6 } from "../sweep/sweep.js";

export const CI_METHOD =
  "95 % confidence interval of the mean: Student's t-interval, mean +/- t(0.975, n-1) s/sqrt(n)";
export const QUANTILE_METHOD = "linear interpolation between closest ranks (type 7)";

/** At most three decimals, trailing zeros dropped. */
function plain(n: number | null): string {
  return n === null ? "-" : String(Number(n.toFixed(3)));
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

function heading(s: SweepSummary): string {
  const { spec } = s;
  const policies = `${spec.policies.length} ${spec.policies.length === 1 ? "policy" : "policies"}`;
  const whole = s.first === 0 && s.end === spec.scenarios;
  const what = whole
    ? `Sweep of ${spec.scenarios} scenarios`
    : `Scenarios ${s.first}-${s.end - 1} of a sweep of ${spec.scenarios}`;
  return `${what} (seed ${spec.seed}), ${policies}, oomkit ${s.version}`;
}

const BEST_WORDS: Record<string, string> = {
  innocent_victims: "fewest innocent victims",
  work_lost: "least work lost",
  kills: "fewest kills",
  pressure_seconds: "least time under pressure",
};

export function renderSweepSummary(s: SweepSummary): string[] {
  const { spec } = s;
  const names = spec.policies;
  const out: string[] = [heading(s)];
  const counts = s.families.map((f) => `${f.family} ${f.scenarios}`).join(", ");
  out.push(`Families, in turn: ${counts === "" ? "none" : counts}`);
  if (s.end === s.first) {
    out.push("", "No scenarios in this part.");
    return out;
  }
  out.push(
    "Per metric: mean with its 95 % confidence interval (Student's t), median and p95 over the scenarios",
  );
  for (const m of s.metrics) {
    out.push("");
    const rows = m.stats.map((x: MetricStats) => [
      `  ${x.policy}`,
      String(x.n),
      plain(x.mean),
      x.ci95 === null ? "-" : `[${plain(x.ci95.low)}, ${plain(x.ci95.high)}]`,
      plain(x.median),
      plain(x.p95),
    ]);
    out.push(...table([m.label, "n", "mean", "95 % CI", "median", "p95"], rows));
  }
  if (names.length > 1) {
    out.push("");
    out.push(
      "Paired by scenario (lower is better): wins/losses/ties of the row's policy against the column's",
    );
    const metrics = [...new Set(s.pairs.map((p) => p.metric))];
    for (const metric of metrics) {
      const label = s.metrics.find((m) => m.key === metric)!.label;
      const rows = names.map((a) => [
        `  ${a}`,
        ...names.map((b) => {
          if (a === b) return "-";
          const p = s.pairs.find((x) => x.metric === metric && x.a === a && x.b === b);
          if (p !== undefined) return `${p.wins}/${p.losses}/${p.ties}`;
          const q = s.pairs.find((x) => x.metric === metric && x.a === b && x.b === a)!;
          return `${q.losses}/${q.wins}/${q.ties}`;
        }),
      ]);
      out.push("", ...table([label, ...names], rows));
    }
  }
  out.push("", "Mean innocent victims / work lost (CPU seconds) by family");
  out.push(
    ...table(
      ["  family", "scenarios", ...names],
      s.families.map((f) => [
        `  ${f.family}`,
        String(f.scenarios),
        ...names.map((_, p) => `${plain(f.innocentVictims[p]!)} / ${plain(f.workLost[p]!)}`),
      ]),
    ),
  );
  out.push("");
  const best = Object.entries(s.best).map(([key, policy]) => {
    const mean = s.metrics.find((m) => m.key === key)!.stats.find((x) => x.policy === policy)!.mean;
    return `${BEST_WORDS[key]}: ${policy} (mean ${plain(mean)})`;
  });
  out.push(`Lowest mean: ${best.join("; ")}`);
  return out;
}

const r6 = (x: number | null) => (x === null ? null : round6(x));

export function sweepSummaryJson(s: SweepSummary): Record<string, unknown> {
  const { spec } = s;
  return {
    type: "summary",
    oomkit: s.version,
    seed: spec.seed,
    scenarios: spec.scenarios,
    first: s.first,
    end: s.end,
    families: spec.families,
    policies: spec.policies,
    window_seconds: spec.windowSeconds,
    ci_method: CI_METHOD,
    quantile_method: QUANTILE_METHOD,
    metrics: Object.fromEntries(
      s.metrics.map((m) => [
        m.key,
        m.stats.map((x) => ({
          policy: x.policy,
          n: x.n,
          mean: r6(x.mean),
          ci95_low: x.ci95 === null ? null : round6(x.ci95.low),
          ci95_high: x.ci95 === null ? null : round6(x.ci95.high),
          median: r6(x.median),
          p95: r6(x.p95),
        })),
      ]),
    ),
    pairs: s.pairs.map((p) => ({
      metric: p.metric,
      a: p.a,
      b: p.b,
      a_wins: p.wins,
      b_wins: p.losses,
      ties: p.ties,
    })),
    by_family: s.families.map((f) => ({
      family: f.family,
      scenarios: f.scenarios,
      innocent_victims_mean: f.innocentVictims.map(round6),
      work_lost_mean: f.workLost.map(round6),
    })),
    lowest_mean: s.best,
  };
}
