/**
 * One ranking of a machine under both policies: the 2.6.20 `badness()` of every thread
 * (the best thread shown per process) and the modern `oom_badness`/`oom_score`, with the
 * victim each would choose. No I/O: the inputs come from a live read or a snapshot file.
 */

import { outOfMemory } from "../oom/out_of_memory.js";
import type { Outcome } from "../oom/result.js";
import { compileState } from "../oom/state.js";
import { type BadnessRow, badnessRows } from "../oom/table.js";
import {
  type KernelVersion,
  type ModernTask,
  oomBadness,
  procOomScore,
  selectVictim,
} from "../policy/modern.js";
import { allPolicies } from "../policy/registry.js";
import { assessView, chooseBest } from "../policy/select.js";
import type { CandidateView, PolicyContext } from "../policy/types.js";
import type { Snapshot } from "../snapshot/types.js";

/** What the ranking knows of a process beyond the snapshot (live reads only). */
export interface RankProcessInfo {
  pid: number;
  /** The name for display (raw bytes decoded as UTF-8). */
  comm: string;
  rssPages: bigint | null;
  oomScoreAdj: number | null;
  kernelOomScore: number | null;
  modern: ModernTask | null;
}

export interface ModernContext {
  /** The totalpages the OOM killer compares with: the machine's, or a memcg's limit. */
  totalPages: bigint;
  version: KernelVersion;
  /**
   * The totalpages of /proc/PID/oom_score, always the machine's (modern-oom §1.5); absent:
   * the same as totalPages.
   */
  oomScoreTotalPages?: bigint;
}

export interface RankRow {
  pid: number;
  comm: string;
  rssPages: bigint | null;
  /** The highest 2.6.20 badness among the process's threads; null when none is scored. */
  badness2620: bigint | null;
  /** The thread that scored it. */
  badness2620Tid: number | null;
  /** Why no thread is scored (all threads share the reason), or null. */
  skip2620: string | null;
  modernPoints: bigint | null;
  /** The modern policy's prediction of /proc/PID/oom_score. */
  oomScore: number | null;
  kernelOomScore: number | null;
  oomScoreAdj: number | null;
  oomkilladj: number;
}

export interface Victim2620 {
  outcome: Outcome;
  /** The task select_bad_process chose (maybe a thread; tgid names its process). */
  selected: { pid: number; tgid: number; comm: string; points: bigint } | null;
  /** The first task SIGKILLed (a child of the selected task, or itself). */
  killed: { pid: number; tgid: number; comm: string } | null;
}

export interface VictimModern {
  pid: number;
  comm: string;
  points: bigint;
  oomScore: number;
}

/** One more policy of the registry, scored on the same processes: its points and victim. */
export interface PolicyColumn {
  name: string;
  /** The pid the policy would kill, or null. */
  victim: number | null;
  /** Points by pid; null where the policy does not score the process. */
  points: Map<number, bigint | null>;
}

/**
 * Every registered policy but those named in `skip` (rank gives 2.6.20 and modern their
 * own columns), each scored through the seam on the same views.
 */
export function policyColumns(
  views: readonly CandidateView[],
  ctx: PolicyContext,
  skip: ReadonlySet<string>,
): PolicyColumn[] {
  return allPolicies({ kernelVersion: ctx.kernelVersion })
    .filter((policy) => !skip.has(policy.name))
    .map((policy) => {
      // One assessment per view serves both the column and the choice.
      const points = new Map<number, bigint | null>();
      const assessed = views.map((view, i) => {
        const a = assessView(policy, view, ctx, i);
        points.set(view.pid, a.kind === "score" ? a.points : null);
        return a;
      });
      const choice = chooseBest(views.length, (i) => assessed[i]!, policy.tie);
      return {
        name: policy.name,
        victim: choice.kind === "chosen" ? views[choice.index]!.pid : null,
        points,
      };
    });
}

export interface RankReport {
  rows: RankRow[];
  /** The registry's other policies, for a live machine (a snapshot has no RSS for them). */
  policies?: PolicyColumn[];
  victim2620: Victim2620;
  victimModern: VictimModern | null;
  /** Every 2.6.20 row (per thread), for --explain. */
  threadRows: BadnessRow[];
}

function bestThread(rows: BadnessRow[]): BadnessRow | null {
  let best: BadnessRow | null = null;
  for (const r of rows) {
    if (r.skip !== null || r.points === null) continue;
    if (best === null || r.points > best.points!) best = r;
  }
  return best;
}

/**
 * Ranks a machine by both rules. `terms`: record the terms of every 2.6.20 score in
 * `threadRows` (default true), which only --explain shows.
 */
export function rankMachine(
  snapshot: Snapshot,
  infos: readonly RankProcessInfo[],
  modern: ModernContext | null,
  options: { terms?: boolean } = {},
): RankReport {
  // One compiled state: the table first, then the call, which may change the state.
  const state = compileState(snapshot);
  const threadRows = badnessRows(state, { terms: options.terms ?? true });
  const groups = new Map<number, BadnessRow[]>();
  for (const r of threadRows) {
    const g = groups.get(r.tgid);
    if (g === undefined) groups.set(r.tgid, [r]);
    else g.push(r);
  }
  const commOf = new Map(snapshot.tasks.map((t) => [t.pid, t.comm]));
  const tgidOf = new Map(snapshot.tasks.map((t) => [t.pid, t.tgid]));
  const adjOf = new Map(snapshot.tasks.map((t) => [t.pid, t.oomkilladj]));
  const infoOf = new Map(infos.map((i) => [i.pid, i]));

  const rows: RankRow[] = [];
  for (const [tgid, group] of groups) {
    const info = infoOf.get(tgid);
    const best = bestThread(group);
    const m = info?.modern ?? null;
    rows.push({
      pid: tgid,
      comm: info?.comm ?? commOf.get(tgid) ?? "",
      rssPages: info?.rssPages ?? null,
      badness2620: best?.points ?? null,
      badness2620Tid: best?.pid ?? null,
      skip2620: best === null ? (group[0]?.skip ?? null) : null,
      modernPoints:
        m !== null && modern !== null ? oomBadness(m, modern.totalPages, modern.version) : null,
      oomScore:
        m !== null && modern !== null
          ? procOomScore(m, modern.oomScoreTotalPages ?? modern.totalPages, modern.version)
          : null,
      kernelOomScore: info?.kernelOomScore ?? null,
      oomScoreAdj: info?.oomScoreAdj ?? null,
      oomkilladj: adjOf.get(tgid) ?? 0,
    });
  }

  const result = outOfMemory(state);
  const victim2620: Victim2620 = {
    outcome: result.outcome,
    selected:
      result.selected === null
        ? null
        : {
            pid: result.selected.pid,
            tgid: tgidOf.get(result.selected.pid) ?? result.selected.pid,
            comm: commOf.get(result.selected.pid) ?? "",
            points: result.selected.points,
          },
    killed:
      result.sigkill.length === 0
        ? null
        : {
            pid: result.sigkill[0]!,
            tgid: tgidOf.get(result.sigkill[0]!) ?? result.sigkill[0]!,
            comm: commOf.get(result.sigkill[0]!) ?? "",
          },
  };

  let victimModern: VictimModern | null = null;
  if (modern !== null) {
    const candidates = infos.map((i) => i.modern).filter((t): t is ModernTask => t !== null);
    const v = selectVictim(candidates, modern.totalPages, modern.version);
    if (v !== null) {
      victimModern = {
        pid: v.pid,
        comm: infoOf.get(v.pid)?.comm ?? v.comm,
        points: oomBadness(v, modern.totalPages, modern.version) ?? 0n,
        oomScore: procOomScore(v, modern.oomScoreTotalPages ?? modern.totalPages, modern.version),
      };
    }
  }
  return { rows, victim2620, victimModern, threadRows };
}

export type RankSort = "modern" | "2620";

function cmpDesc(a: bigint | number | null, b: bigint | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a > b ? -1 : 1;
}

/** Highest first; the predicted victims are placed on top by the renderer. */
export function sortRows(rows: readonly RankRow[], by: RankSort): RankRow[] {
  return [...rows].sort((x, y) => {
    const primary =
      by === "modern"
        ? cmpDesc(x.modernPoints, y.modernPoints) || cmpDesc(x.badness2620, y.badness2620)
        : cmpDesc(x.badness2620, y.badness2620) || cmpDesc(x.modernPoints, y.modernPoints);
    return primary || x.pid - y.pid;
  });
}
