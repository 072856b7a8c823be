/**
 * Candidate views of a compiled OOM state: one per task (every thread, in do_each_thread
 * order), relative to the state's `current`, and the context a policy scores them in.
 */

import { CAP_SYS_ADMIN_MASK } from "../kernel/constants.js";
import { badnessInputsAt, makeBadnessContext } from "../oom/badness.js";
import { isExiting, type OomState, optionalUlongAt } from "../oom/state.js";
import { scoreAdjFromOomAdj } from "./modern.js";
import { chooseVictim, type ScoreObserver } from "./select.js";
import type { CandidateView, Choice, PolicyContext, VictimPolicy } from "./types.js";

/** Every task of the state as a view, in task-list order (index i is task i). */
export function viewsOfState(s: OomState): CandidateView[] {
  const t = s.tasks;
  const m = s.mms;
  const ctx = makeBadnessContext(s);
  const views: CandidateView[] = new Array(t.count);
  for (let i = 0; i < t.count; i++) {
    const mm = t.mm[i]!;
    const caps = t.caps[i]!;
    const inputs = badnessInputsAt(s, ctx, i);
    views[i] = {
      pid: t.pid[i]!,
      tgid: t.tgid[i]!,
      comm: t.comm[i]!,
      uid: t.uid[i]!,
      euid: t.euid[i]!,
      totalVmPages: inputs.totalVm ?? 0n,
      rssPages: mm < 0 ? null : optionalUlongAt(m.rss, m.bigRss, mm),
      swapPages: mm < 0 ? null : optionalUlongAt(m.swap, m.bigSwap, mm),
      pgtablesPages: null,
      oomkilladj: inputs.oomkilladj,
      oomScoreAdj: scoreAdjFromOomAdj(inputs.oomkilladj),
      isInit: t.pid[i] === 1,
      isKthread: false,
      hasMm: mm >= 0,
      exiting: isExiting(s, i),
      memdie: t.memdie[i] !== 0,
      cpusetOverlap: inputs.cpusetOverlap,
      capSysAdmin: (caps & CAP_SYS_ADMIN_MASK) !== 0,
      capSysRawio: inputs.rawio,
      nice: inputs.nice,
      cpuTimeJiffies: inputs.cpuTime,
      startTimeSeconds: inputs.startTime,
      childrenTotalVmPages: inputs.childrenTotalVm,
      swapoff: inputs.swapoff,
    };
  }
  return views;
}

/**
 * RAM + swap pages are not part of a snapshot: without `totalPages`, the sum of every mm's
 * given rss and swap stands in (at least 1), which only the oom_score_adj term reads.
 */
export function estimatedTotalPages(s: OomState): bigint {
  const m = s.mms;
  let sum = 0n;
  for (let i = 0; i < m.count; i++) {
    sum += optionalUlongAt(m.rss, m.bigRss, i) ?? 0n;
    sum += optionalUlongAt(m.swap, m.bigSwap, i) ?? 0n;
  }
  return sum > 0n ? sum : 1n;
}

/** What a policy may read beyond the compiled state. */
export type PolicyExtras = Partial<Pick<PolicyContext, "totalPages" | "kernelVersion">>;

/** The context of a selection on the state. */
export function contextOfState(s: OomState, extra: PolicyExtras = {}): PolicyContext {
  const ctx: PolicyContext = {
    bits: s.bits,
    hz: s.hz,
    uptimeSeconds: s.uptime,
    totalPages: extra.totalPages ?? estimatedTotalPages(s),
    current: s.current,
  };
  if (extra.kernelVersion !== undefined) ctx.kernelVersion = extra.kernelVersion;
  return ctx;
}

/**
 * The policy's choice over the state's tasks, as task indices: its fast path over the
 * compiled state when it has one; otherwise its views, of every thread or of the
 * thread-group leaders only, as the policy scans.
 */
export function chooseOnState(
  s: OomState,
  policy: VictimPolicy,
  extra: PolicyExtras = {},
  onScore?: ScoreObserver,
): Choice {
  if (policy.chooseCompiled !== undefined) {
    return policy.chooseCompiled(s, onScore && ((i, points) => onScore(i, BigInt(points))));
  }
  const all = viewsOfState(s);
  const ctx = contextOfState(s, extra);
  if (policy.scans === "threads") return chooseVictim(all, policy, ctx, onScore);
  const indices: number[] = [];
  for (let i = 0; i < all.length; i++) if (all[i]!.pid === all[i]!.tgid) indices.push(i);
  const views = indices.map((i) => all[i]!);
  const scan = { ...ctx, current: indices.indexOf(s.current) };
  const choice = chooseVictim(views, policy, scan, onScore && ((k, p) => onScore(indices[k]!, p)));
  return choice.kind === "none" ? choice : { ...choice, index: indices[choice.index]! };
}
