/**
 * `rank --explain PID` and `rank --check` renderings: term by term under each policy, and
 * the agreement of the modern policy with the kernel's own oom_score.
 */
import { UsageError } from "../errors.js";
import type { CheckReport } from "../live/check.js";
import type { ModernContext, RankProcessInfo, RankReport } from "../live/rank-model.js";
import { explainModern, type ModernTask } from "../policy/modern.js";
import type { RankMeta } from "./rank-table.js";

export function explainJson(
  pid: number,
  report: RankReport,
  infos: readonly RankProcessInfo[],
  modern: ModernContext | null,
  meta: RankMeta,
) {
  const threads = report.threadRows.filter((r) => r.tgid === pid || r.pid === pid);
  if (threads.length === 0) throw new UsageError(`--explain ${pid}: no such task`);
  const tgid = threads[0]!.tgid;
  const info = infos.find((i) => i.pid === tgid) ?? null;
  const task = info?.modern ?? null;
  return {
    pid: tgid,
    comm: info?.comm ?? threads[0]!.comm,
    linux_2_6_20: {
      hz: meta.hz,
      current: meta.current,
      selected: report.victim2620.selected?.pid ?? null,
      threads: threads.map((r) => ({
        pid: r.pid,
        comm: r.comm,
        points: r.points === null ? null : r.points.toString(),
        skip: r.skip,
        aborts: r.aborts,
        terms: r.terms.map((t) => ({
          term: t.term,
          before: t.before.toString(),
          after: t.after.toString(),
          detail: t.detail,
        })),
      })),
    },
    modern:
      task === null || modern === null
        ? null
        : {
            kernel_version: modern.version.join("."),
            total_pages: modern.totalPages.toString(),
            inputs: modernInputs(task),
            terms: modernTerms(task, modern),
            kernel_oom_score: info?.kernelOomScore ?? null,
          },
    assumptions: meta.assumptions,
  };
}

/**
 * The modern terms; under a memcg's totalpages the oom_score line is still the machine's
 * (what /proc/PID/oom_score shows), said in its note.
 */
function modernTerms(task: ModernTask, modern: ModernContext) {
  const terms = explainModern(task, modern.totalPages, modern.version);
  const global = modern.oomScoreTotalPages;
  if (global === undefined || global === modern.totalPages) return terms;
  const score = explainModern(task, global, modern.version).find((t) => t.term === "oom_score");
  return terms.map((t) =>
    t.term === "oom_score" && score !== undefined
      ? { ...score, note: `${score.note} (the machine's totalpages ${global}, not the cgroup's)` }
      : t,
  );
}

export function modernInputs(t: ModernTask) {
  return {
    rss_pages: t.rssPages.toString(),
    swap_pages: t.swapPages.toString(),
    pgtables_pages: t.pgtablesPages.toString(),
    oom_score_adj: t.oomScoreAdj,
    is_init: t.isInit,
    is_kthread: t.isKthread,
    has_mm: t.hasMm,
    is_vfork_child: t.isVforkChild,
    cap_sys_admin: t.hasCapSysAdmin ?? false,
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd());
}

export function renderExplain(doc: ReturnType<typeof explainJson>): string {
  const out: string[] = [`pid ${doc.pid} (${doc.comm.replace(/[\u0000-\u001f]/g, "?")})`, ""];
  const old = doc.linux_2_6_20;
  out.push(`Linux 2.6.20 badness() at HZ ${old.hz}, relative to current ${old.current}:`);
  for (const t of old.threads) {
    const verdict =
      t.skip !== null
        ? `not scored by select_bad_process (${t.skip})`
        : `points ${t.points}${t.aborts === null ? "" : `; selection aborts here (${t.aborts})`}`;
    out.push(
      ` thread ${t.pid} (${t.comm}): ${verdict}${old.selected === t.pid ? "  <- selected" : ""}`,
    );
    if (t.terms.length > 0) {
      out.push(
        ...table([
          ["term", "before", "after", "why"],
          ...t.terms.map((x) => [x.term, x.before, x.after, x.detail]),
        ]),
      );
    }
  }
  out.push("");
  if (doc.modern === null) {
    out.push("Modern oom_badness: not computed (no RSS, swap or memory size in a snapshot).");
  } else {
    const m = doc.modern;
    out.push(`Modern oom_badness (kernel ${m.kernel_version}, totalpages ${m.total_pages}):`);
    out.push(
      ...table([["term", "value", "note"], ...m.terms.map((x) => [x.term, x.value, x.note])]),
    );
    out.push(`  kernel's /proc/${doc.pid}/oom_score: ${m.kernel_oom_score ?? "not read"}`);
  }
  return `${out.join("\n")}\n`;
}

export function checkJson(r: CheckReport) {
  return {
    checked: r.checked,
    agreed: r.agreed,
    mismatches: r.mismatches.map((m) => ({
      pid: m.pid,
      comm: m.comm,
      kernel_oom_score: m.kernel,
      predicted: m.predicted,
      inputs: modernInputs(m.inputs),
    })),
    unstable: r.unstable,
    vanished: r.vanished,
    total_pages: r.totalPages.toString(),
    page_size: r.pageSizeBytes,
    kernel_version: r.version.join("."),
  };
}

export function renderCheck(r: CheckReport): string {
  const pct = r.checked === 0 ? "n/a" : `${((100 * r.agreed) / r.checked).toFixed(1)}%`;
  const out = [
    `kernel ${r.version.join(".")}, totalpages ${r.totalPages}, page size ${r.pageSizeBytes}`,
    `checked ${r.checked} stable processes: ${r.agreed} agree (${pct}), ${r.mismatches.length} mismatch`,
    `${r.unstable.length} still changing after retries (not counted), ${r.vanished} vanished`,
  ];
  for (const m of r.mismatches) {
    const i = modernInputs(m.inputs);
    out.push(
      `mismatch pid ${m.pid} (${m.comm.replace(/[\u0000-\u001f]/g, "?")}): kernel ${m.kernel}, ` +
        `predicted ${m.predicted}; rss ${i.rss_pages} swap ${i.swap_pages} pgtables ` +
        `${i.pgtables_pages} adj ${i.oom_score_adj} kthread ${i.is_kthread} init ${i.is_init} ` +
        `mm ${i.has_mm} vfork ${i.is_vfork_child}`,
    );
  }
  return `${out.join("\n")}\n`;
}
