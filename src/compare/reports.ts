/**
 * Counterfactuals on real kernel OOM reports: every chosen policy of the registry picks a
 * victim from the task table of each replayed report, through the one selection loop
 * (`chooseVictim`), and the picks are set against the victim the kernel chose and against
 * each other. The views come from src/replay/views.ts; a policy that ranks by a field the
 * report does not print at all (`newest` and start times) is said not to rank, rather than
 * made to guess.
 */

import { compareKernelVersions, DEFAULT_KERNEL_VERSION, modernRules } from "../policy/modern.js";
import { policyByName } from "../policy/registry.js";
import { chooseVictim } from "../policy/select.js";
import type { PolicyContext } from "../policy/types.js";
import { formatVersion } from "../replay/era.js";
import type { Replay, TaskRef } from "../replay/index.js";
import { REPORT_VIEW_ASSUMPTIONS, type UnknownField, viewsOfTable } from "../replay/views.js";

/** The view fields without which a policy has nothing to rank by, and how to say so. */
const RANKS_BY: Readonly<Record<string, readonly [UnknownField, string][]>> = {
  "2.6.20": [["totalVmPages", "the task table has no total_vm column"]],
  modern: [["rssPages", "the task table has no rss column"]],
  "largest-rss": [["rssPages", "the task table has no rss column"]],
  newest: [["startTimeSeconds", "a report prints no start times"]],
};

/** What every report's context assumes. */
export const REPORT_CONTEXT_ASSUMPTIONS: readonly string[] = [
  "64-bit kernel; uptime from the report's printk timestamp (0 without one)",
  "modern: the rules of the report's kernel when it is 2.6.36 or later, else of the default release",
];

export interface PolicyPick {
  policy: string;
  /** `cannot-rank`: the report lacks what the policy ranks by; no choice is made. */
  outcome: "chosen" | "none" | "abort" | "cannot-rank";
  victim: TaskRef | null;
  points: bigint | null;
  /** Why there is no victim (abort, cannot-rank). */
  reason: string | null;
}

export interface ReportCounterfactual {
  replay: Replay;
  /** The report has a task table with rows. */
  comparable: boolean;
  /** Why it is not comparable. */
  reason: string | null;
  kernelVictim: TaskRef | null;
  /**
   * Why the kernel's victim is no ranking to set the policies against (vm.oom_kill_allocating_task:
   * the allocating task is killed without ranking); null when it is one. Such a report's picks are
   * shown but not counted against the kernel.
   */
  kernelUnranked: string | null;
  tasks: number;
  /** One per policy, in the order asked; empty when not comparable. */
  picks: PolicyPick[];
  /** What this table's columns add to the shared assumptions. */
  assumptions: string[];
}

export interface Tally {
  /** Reports where both sides named a victim and the victims differ. */
  differ: number;
  /** Reports where both sides named a victim. */
  compared: number;
}

export interface ReportsComparison {
  policies: string[];
  reports: ReportCounterfactual[];
  /** Every pair of policies, in order (a before b in `policies`). */
  pairs: ({ a: string; b: string } & Tally)[];
  /** Each policy against the kernel's victim. */
  versusKernel: ({ policy: string } & Tally)[];
  assumptions: string[];
}

function uptimeOf(r: Replay): bigint {
  const m = /^\s*(\d+)/.exec(r.event.uptime ?? "");
  return m ? BigInt(m[1]!) : 0n;
}

function counterfactual(replay: Replay, names: readonly string[], pageSize: number) {
  const e = replay.event;
  const rows = e.table?.rows ?? [];
  const kernelUnranked = replay.allocatingTaskKill
    ? "vm.oom_kill_allocating_task: the kernel killed the allocating task without ranking"
    : null;
  const base = { replay, kernelVictim: replay.actual, kernelUnranked, tasks: rows.length };
  if (e.table === null || rows.length === 0) {
    return {
      ...base,
      comparable: false,
      reason: e.table === null ? "no task table" : "the task table has no rows",
      picks: [],
      assumptions: [],
    };
  }
  const { views, unknown, assumptions } = viewsOfTable(e.table, pageSize);
  const version = replay.kernel.version;
  const modernVersion = modernRules(version).beforeRewrite ? DEFAULT_KERNEL_VERSION : version;
  const ctx: PolicyContext = {
    bits: 64,
    hz: 250,
    uptimeSeconds: uptimeOf(replay),
    totalPages: replay.scoringTotalPages,
    current: e.allocating ? views.findIndex((v) => v.pid === e.allocating!.pid) : -1,
    kernelVersion: version,
  };
  const picks = names.map((name): PolicyPick => {
    const lacking = (RANKS_BY[name] ?? []).find(([field]) => unknown.includes(field));
    if (lacking) {
      return {
        policy: name,
        outcome: "cannot-rank",
        victim: null,
        points: null,
        reason: lacking[1],
      };
    }
    const policy = policyByName(name, { kernelVersion: modernVersion });
    const c = chooseVictim(views, policy, ctx);
    if (c.kind === "none") {
      return { policy: name, outcome: "none", victim: null, points: null, reason: "no candidate" };
    }
    if (c.kind === "abort") {
      return { policy: name, outcome: "abort", victim: null, points: null, reason: c.reason };
    }
    const v = views[c.index]!;
    return {
      policy: name,
      outcome: "chosen",
      victim: { pid: v.pid, comm: v.comm },
      points: c.points,
      reason: null,
    };
  });
  if (compareKernelVersions(modernVersion, version) !== 0 && names.includes("modern")) {
    assumptions.push(
      `modern: kernel ${formatVersion(version)} predates the rewrite; ${formatVersion(modernVersion)} rules used`,
    );
  }
  return { ...base, comparable: true, reason: null, picks, assumptions };
}

function tally(pairs: [TaskRef | null, TaskRef | null][]): Tally {
  let differ = 0;
  let compared = 0;
  for (const [a, b] of pairs) {
    if (a === null || b === null) continue;
    compared++;
    if (a.pid !== b.pid) differ++;
  }
  return { differ, compared };
}

/** Runs the policies `names` on every replayed report. */
export function compareOnReports(
  replays: readonly Replay[],
  names: readonly string[],
  pageSizeBytes = 4096,
): ReportsComparison {
  const reports = replays.map((r) => counterfactual(r, names, pageSizeBytes));
  const comparable = reports.filter((r) => r.comparable);
  const pickOf = (r: ReportCounterfactual, i: number) => r.picks[i]!.victim;
  const pairs: ReportsComparison["pairs"] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const t = tally(comparable.map((r) => [pickOf(r, i), pickOf(r, j)]));
      pairs.push({ a: names[i]!, b: names[j]!, ...t });
    }
  }
  const versusKernel = names.map((policy, i) => ({
    policy,
    ...tally(
      comparable
        .filter((r) => r.kernelUnranked === null)
        .map((r) => [r.kernelVictim, pickOf(r, i)]),
    ),
  }));
  return {
    policies: [...names],
    reports,
    pairs,
    versusKernel,
    assumptions: [...REPORT_VIEW_ASSUMPTIONS, ...REPORT_CONTEXT_ASSUMPTIONS],
  };
}

const refText = (t: TaskRef | null) => (t === null ? "unknown" : `${t.pid} (${t.comm})`);

function whereOf(r: Replay): string {
  const e = r.event;
  const file = e.file ?? "<text>";
  const to =
    e.lastFile !== null && e.lastFile !== e.file ? `${e.lastFile}:${e.lastLine}` : e.lastLine;
  return `${file} lines ${e.firstLine}-${to}`;
}

function pickText(p: PolicyPick, kernel: TaskRef | null): string {
  if (p.outcome === "cannot-rank") return `cannot rank: ${p.reason}`;
  if (p.outcome === "none") return "no victim: no candidate";
  if (p.outcome === "abort") return `no victim: ${p.reason}`;
  const differs = kernel !== null && p.victim!.pid !== kernel.pid;
  return `${refText(p.victim)}${differs ? "  * differs" : ""}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function cell(t: Tally): string {
  return t.compared === 0 ? "-" : `${t.differ}/${t.compared}`;
}

/** The comparison as text lines. */
export function renderReportsComparison(c: ReportsComparison, names: readonly string[]): string[] {
  const out: string[] = [];
  const comparable = c.reports.filter((r) => r.comparable);
  const unranked = comparable.filter((r) => r.kernelUnranked !== null).length;
  const n = c.reports.length;
  out.push(
    `Counterfactuals on ${n} OOM report${n === 1 ? "" : "s"} (${names.join(", ")}): ` +
      `${comparable.length} with a task table${unranked === 0 ? "" : ` (${unranked} where the kernel ranked nothing: oom_kill_allocating_task)`}, ${c.policies.length} policies`,
  );
  const width = Math.max("kernel".length, ...c.policies.map((p) => p.length)) + 2;
  for (const r of c.reports) {
    const e = r.replay.event;
    out.push("");
    const constraint = e.summary?.constraint ?? (e.memcg ? "memcg" : "global");
    out.push(
      `Report ${e.index + 1}: ${whereOf(r.replay)}, kernel ${formatVersion(r.replay.kernel.version)}, ` +
        `${constraint}${e.table === null ? "" : `, ${r.tasks} task${r.tasks === 1 ? "" : "s"}`}`,
    );
    out.push(`  ${pad("kernel", width)}${refText(r.kernelVictim)}`);
    if (!r.comparable) {
      out.push(`  not comparable: ${r.reason}`);
      continue;
    }
    if (r.kernelUnranked !== null) out.push(`  not set against the kernel: ${r.kernelUnranked}`);
    const against = r.kernelUnranked === null ? r.kernelVictim : null;
    for (const p of r.picks) out.push(`  ${pad(p.policy, width)}${pickText(p, against)}`);
    for (const a of r.assumptions) out.push(`  assumed: ${a}`);
  }
  const excluded = c.reports.filter((r) => !r.comparable);
  if (excluded.length > 0) {
    out.push("");
    out.push(
      `Not comparable: ${excluded.map((r) => `report ${r.replay.event.index + 1} (${r.reason})`).join(", ")}`,
    );
  }
  out.push("");
  out.push(
    `Disagreements (reports where the two differ / reports where both name a victim, of ${comparable.length})`,
  );
  if (unranked > 0) {
    out.push(
      `  (the kernel column leaves out ${unranked} report${unranked === 1 ? "" : "s"} where the kernel killed the allocating task without ranking)`,
    );
  }
  const head = ["kernel", ...c.policies];
  const rows = c.policies.map((p) => [
    cell(c.versusKernel.find((v) => v.policy === p)!),
    ...c.policies.map((q) => {
      if (p === q) return "";
      return cell(c.pairs.find((x) => (x.a === p && x.b === q) || (x.a === q && x.b === p))!);
    }),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)) + 2);
  const line = (label: string, cells: string[]) =>
    `  ${pad(label, width)}${cells.map((x, k) => pad(x, widths[k]!)).join("")}`.trimEnd();
  out.push(line("", head));
  c.policies.forEach((p, k) => {
    out.push(line(p, rows[k]!));
  });
  out.push("  (- : no report where both name a victim)");
  out.push("");
  out.push("Assumed for every report:");
  for (const a of c.assumptions) out.push(`  ${a}`);
  return out;
}

const refJson = (t: TaskRef | null) => (t === null ? null : { pid: t.pid, comm: t.comm });

/** The comparison as one JSON document, snake_case keys. */
export function reportsComparisonJson(c: ReportsComparison, names: readonly string[]): unknown {
  return {
    files: [...names],
    policies: c.policies,
    reports: c.reports.map((r) => {
      const e = r.replay.event;
      return {
        index: e.index,
        file: e.file,
        first_line: e.firstLine,
        last_line: e.lastLine,
        last_file: e.lastFile,
        kernel_version: formatVersion(r.replay.kernel.version),
        constraint: e.summary?.constraint ?? null,
        tasks: r.tasks,
        comparable: r.comparable,
        not_comparable_reason: r.reason,
        kernel_victim: refJson(r.kernelVictim),
        kernel_unranked: r.kernelUnranked,
        picks: r.picks.map((p) => ({
          policy: p.policy,
          outcome: p.outcome.replace("-", "_"),
          victim: refJson(p.victim),
          points: p.points === null ? null : p.points.toString(),
          reason: p.reason,
          differs_from_kernel:
            p.victim === null || r.kernelVictim === null || r.kernelUnranked !== null
              ? null
              : p.victim.pid !== r.kernelVictim.pid,
        })),
        assumptions: r.assumptions,
      };
    }),
    not_comparable: c.reports
      .filter((r) => !r.comparable)
      .map((r) => ({ index: r.replay.event.index, reason: r.reason })),
    disagreements: {
      pairs: c.pairs.map((p) => ({ a: p.a, b: p.b, differ: p.differ, compared: p.compared })),
      versus_kernel: c.versusKernel.map((v) => ({
        policy: v.policy,
        differ: v.differ,
        compared: v.compared,
      })),
    },
    assumptions: c.assumptions,
  };
}
