/**
 * A policy comparison as a table of metrics per policy and the victim each policy chose
 * at each OOM call side by side, or as one JSON document with snake_case keys. The
 * figures are src/compare/metrics.ts's; this file only lays them out.
 */

import type { Comparison } from "../compare/compare.js";
import type { OomCallChoice, RunMetrics } from "../compare/metrics.js";

const END_REASONS: Record<string, string> = {
  idle: "done",
  until: "time limit",
  panic: "panic",
};

function seconds(ticks: number, hz: number): number {
  return Number((ticks / hz).toFixed(6));
}

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}

/** A number with at most three decimals, trailing zeros dropped. */
function plain(n: number): string {
  return String(Number(n.toFixed(3)));
}

function mib(pages: number): string {
  return `${((pages * 4) / 1024).toFixed(1)} MiB`;
}

/** The culprits in words, for the table's heading. */
export function culpritText(c: Comparison): string {
  const culprits = c.truth.processes.filter((p) => p.culprit);
  if (culprits.length === 0) {
    return "none (no process allocates in the timeline): every victim counts as innocent";
  }
  const names = culprits.map((p) => `${p.tgid} (${p.comm})`).join(", ");
  return c.truth.culpritSource === "role"
    ? `${names}, by role`
    : `${names}, the process the timeline makes allocate most`;
}

/**
 * Whether every policy's k-th call chose alike: the same victim (by the kernel or a
 * guard), or, where none was killed, the same outcome.
 */
function agrees(choices: readonly (OomCallChoice | null)[]): boolean {
  const key = (x: OomCallChoice | null) =>
    x === null ? "-" : x.victim !== null ? `victim ${x.victim}` : x.outcome;
  return choices.every((x) => key(x) === key(choices[0]!));
}

function callsAt(c: Comparison, k: number): (OomCallChoice | null)[] {
  return c.runs.map((r) => r.metrics.calls[k] ?? null);
}

function callCount(c: Comparison): number {
  return Math.max(0, ...c.runs.map((r) => r.metrics.calls.length));
}

function choiceText(x: OomCallChoice | null, m: RunMetrics, hz: number): string {
  if (x === null) return "-";
  const at = fixed((x.tick - m.startTick) / hz, 3);
  if (x.victim === null) return `${x.outcome} (${at})`;
  const child = x.selected !== null && x.selected !== x.victim ? `, child of ${x.selected}` : "";
  return `${x.victim} ${x.victimComm}${child} (${at})`;
}

export interface Row {
  label: string;
  cells: string[];
}

function metricRows(c: Comparison): Row[] {
  const hz = c.hz;
  const row = (label: string, cell: (m: RunMetrics) => string): Row => ({
    label,
    cells: c.runs.map((r) => cell(r.metrics)),
  });
  return [
    row("OOM calls", (m) => String(m.oomCalls)),
    ...(c.runs.some((r) => r.metrics.guardKills > 0)
      ? [row("guard kills", (m) => String(m.guardKills))]
      : []),
    row("kills", (m) => String(m.kills)),
    row("innocent victims", (m) => String(m.innocentVictims)),
    row("overkill", (m) => String(m.overkill)),
    row("work lost", (m) => plain(m.workLost)),
    row("memory recovered per kill", (m) =>
      m.recoveredPagesPerKill === null ? "-" : mib(m.recoveredPagesPerKill),
    ),
    row(`repeat OOMs (within ${plain(c.windowSeconds)} s)`, (m) => String(m.repeatOoms)),
    row("time under pressure (s)", (m) => fixed(m.pressureTicks / hz, 3)),
    row("first stall to relief (s)", (m) =>
      m.reliefTicks !== null ? fixed(m.reliefTicks / hz, 3) : m.stalledAtEnd ? "never" : "-",
    ),
    row("protected-process violations", (m) => String(m.protectedViolations)),
    row("panics", (m) => String(m.panics)),
    row("run ended", (m) => END_REASONS[m.endReason] ?? m.endReason),
  ];
}

/** The comparison's two tables as cells: the metrics per policy and the victims per call. */
export interface ComparisonTables {
  policies: string[];
  metrics: Row[];
  /** One row per call; `agree` is false where the policies chose differently. */
  calls: { call: number; agree: boolean; cells: string[] }[];
  /** What each call row counts: "OOM call" or "OOM call or guard kill". */
  what: string;
}

export function comparisonTables(c: Comparison): ComparisonTables {
  const calls = Array.from({ length: callCount(c) }, (_, k) => {
    const choices = callsAt(c, k);
    return {
      call: k + 1,
      agree: agrees(choices),
      cells: choices.map((x, i) => choiceText(x, c.runs[i]!.metrics, c.hz)),
    };
  });
  return {
    policies: c.runs.map((r) => r.policy),
    metrics: metricRows(c),
    calls,
    what: callWhat(c),
  };
}

function callWhat(c: Comparison): string {
  return c.runs.some((r) => r.metrics.guardKills > 0) ? "OOM call or guard kill" : "OOM call";
}

function pad(s: string, width: number, right: boolean): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

function table(head: string[], rows: string[][], rightAligned: boolean): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i]!, i > 0 && rightAligned))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The comparison as text: a heading, the metrics table and the calls side by side. */
export function renderComparison(c: Comparison, scenario: string): string[] {
  const names = c.runs.map((r) => r.policy);
  const out: string[] = [];
  const policies = `${names.length} ${names.length === 1 ? "policy" : "policies"}`;
  out.push(`Comparison of ${scenario} (seed ${c.seed}), ${policies}, each run once`);
  out.push(`Culprit: ${culpritText(c)}`);
  out.push("");
  const rows = metricRows(c).map((r) => [r.label, ...r.cells]);
  out.push(...table(["metric", ...names], rows, true));
  out.push("");
  const n = callCount(c);
  if (n === 0) {
    out.push("No OOM calls: the policies had nothing to choose.");
    return out;
  }
  const disagree = Array.from({ length: n }, (_, k) => !agrees(callsAt(c, k))).filter(
    Boolean,
  ).length;
  const what = callWhat(c);
  out.push(
    `Victim of each ${what} (seconds after the start; * where the policies disagree: ${disagree} of ${n})`,
  );
  const callRows: string[][] = [];
  for (let k = 0; k < n; k++) {
    const choices = callsAt(c, k);
    const mark = agrees(choices) ? " " : "*";
    callRows.push([
      `${mark}${k + 1}`,
      ...choices.map((x, i) => choiceText(x, c.runs[i]!.metrics, c.hz)),
    ]);
  }
  out.push(...table([" call", ...names], callRows, false));
  return out;
}

function choiceJson(x: OomCallChoice | null, m: RunMetrics, hz: number) {
  if (x === null) return null;
  return {
    n: x.n,
    outcome: x.outcome,
    at_seconds: seconds(x.tick - m.startTick, hz),
    pid: x.pid,
    comm: x.comm,
    selected: x.selected,
    victim: x.victim,
    victim_comm: x.victimComm,
    points: x.points,
    constraint: x.constraint,
  };
}

/** The comparison as one JSON document, snake_case keys. */
export function comparisonJson(c: Comparison, scenario: string): Record<string, unknown> {
  const hz = c.hz;
  const n = callCount(c);
  return {
    scenario,
    seed: c.seed,
    window_seconds: c.windowSeconds,
    culprit_source: c.truth.culpritSource,
    culprits: c.truth.processes
      .filter((p) => p.culprit)
      .map((p) => ({ pid: p.tgid, comm: p.comm, value: p.value })),
    policies: c.runs.map(({ policy, metrics: m }) => ({
      policy,
      oom_calls: m.oomCalls,
      guard_kills: m.guardKills,
      kills: m.kills,
      innocent_victims: m.innocentVictims,
      overkill: m.overkill,
      work_lost: m.workLost,
      recovered_pages: m.recoveredPages,
      recovered_pages_per_kill: m.recoveredPagesPerKill,
      oom_episodes: m.oomEpisodes,
      repeat_ooms: m.repeatOoms,
      pressure_seconds: seconds(m.pressureTicks, hz),
      time_to_relief_seconds: m.reliefTicks === null ? null : seconds(m.reliefTicks, hz),
      stalled_at_end: m.stalledAtEnd,
      protected_violations: m.protectedViolations,
      panics: m.panics,
      end_reason: m.endReason,
      killed_processes: m.killedProcesses,
    })),
    calls: Array.from({ length: n }, (_, k) => {
      const choices = callsAt(c, k);
      return {
        call: k + 1,
        agree: agrees(choices),
        choices: choices.map((x, i) => choiceJson(x, c.runs[i]!.metrics, hz)),
      };
    }),
  };
}
