/**
 * `oomkit replay --json`: one JSON object per OOM event, one per line, in log order.
 * Page and kB counts and scores are decimal strings (exact); pids and small integers are
 * numbers. `actual`, `predicted` and `complete` are always present.
 */
import type { Replay } from "../replay/analyse.js";
import { formatVersion } from "../replay/era.js";

const str = (v: bigint | null | undefined): string | null => (v == null ? null : v.toString());

export function replayToJson(r: Replay): Record<string, unknown> {
  const e = r.event;
  const k = r.kernel;
  return {
    index: e.index,
    file: e.file,
    lines: { first: e.firstLine, last: e.lastLine },
    last_file: e.lastFile,
    host: e.host,
    time: e.time,
    uptime: e.uptime,
    complete: r.complete,
    missing: e.missing,
    verdict: r.verdict,
    problems: e.problems,
    actual: r.actual,
    actual_from: r.actualFrom,
    killed_instead: r.killedInstead,
    predicted: r.predicted,
    predicted_by: r.predictedBy,
    allocating_task_kill: r.allocatingTaskKill,
    match: r.match,
    eras: r.eras.map((x) => ({
      era: x.era,
      rule: x.rule,
      version: formatVersion(x.version),
      victim: x.victim,
      explains: x.explains,
      all_clamped: x.allClamped,
    })),
    clamp_tie: r.clampTie && {
      points: r.clampTie.points.toString(),
      first: r.clampTie.first,
      count: r.clampTie.count,
    },
    kernel: {
      version: formatVersion(k.version),
      source: k.source,
      release: k.release,
      release_from: k.releaseFrom,
      range: { from: formatVersion(k.range.lo), to: k.range.hi && formatVersion(k.range.hi) },
      hints: k.hints,
    },
    header: e.header && {
      comm: e.header.comm,
      gfp_mask: e.header.gfpMask,
      gfp_flags: e.header.gfpFlags,
      nodemask: e.header.nodemask,
      order: e.header.order,
      oomkilladj: e.header.oomkilladj,
      oom_adj: e.header.oomAdj,
      oom_score_adj: e.header.oomScoreAdj,
    },
    allocating: e.allocating && { pid: e.allocating.pid, comm: e.allocating.comm },
    constraint: r.total.constraint,
    constraint_from: r.total.constraintFrom,
    memcg: e.memcg && {
      version: e.memcg.version,
      oom_cgroup: e.summary?.oomMemcg ?? e.memcg.oomCgroup,
      task_cgroup: e.summary?.taskMemcg ?? e.memcg.taskCgroup,
      usage_kb: str(e.memcg.memory?.usageKb),
      limit_kb: str(e.memcg.memory?.limitKb),
      memsw_limit_kb: str(e.memcg.memsw?.limitKb),
      swap_limit_kb: str(e.memcg.swap?.limitKb),
    },
    totalpages: str(r.total.totalPages),
    totalpages_how: r.total.how,
    scoring_totalpages: r.scoringTotalPages.toString(),
    totalpages_estimate: r.totalEstimate,
    tasks: r.tasks.map((t) => ({
      pid: t.pid,
      comm: t.comm,
      uid: str(t.uid),
      total_vm: str(t.totalVmPages),
      rss: t.rssPages.toString(),
      swapents: t.swapPages.toString(),
      pgtables: t.pgtablesPages.toString(),
      oom_score_adj: t.oomScoreAdj,
      points: str(t.points),
      oom_score: t.oomScore,
      oomkilladj: t.oomkilladj,
      badness_2620: str(t.badness2620),
    })),
    select_line: e.select && {
      line: e.select.line,
      message: e.select.message,
      pid: e.select.pid,
      comm: e.select.comm,
      score: e.select.score.toString(),
      form: e.select.form,
    },
    killed: e.killed.map((x) => ({
      line: x.line,
      message: x.message,
      pid: x.pid,
      comm: x.comm,
      form: x.form,
      uid: str(x.uid),
      total_vm_kb: str(x.totalVmKb),
      anon_rss_kb: str(x.anonRssKb),
      file_rss_kb: str(x.fileRssKb),
      shmem_rss_kb: str(x.shmemRssKb),
      pgtables_kb: str(x.pgtablesKb),
      oom_score_adj: x.oomScoreAdj,
    })),
    oom_group: e.groupKill,
    reaper: e.reaper.map((x) => ({ line: x.line, pid: x.pid, comm: x.comm, reaped: x.reaped })),
    no_killable: e.noKillable,
    panic: e.panic,
    badness_2620: {
      victim: r.ranking2620.victim,
      assumptions: [...r.ranking2620.assumptions, r.ranking2620.adjFrom],
    },
    assumptions: r.assumptions,
    notes: r.notes,
  };
}

/** JSON lines: one event per line. */
export function replayJsonLines(replays: readonly Replay[]): string {
  return replays.map((r) => `${JSON.stringify(replayToJson(r))}\n`).join("");
}
