/**
 * `oomkit replay` as text: per OOM event its place in the log, the header, the kernel version
 * and constraint, the task table with modern points, oom_score and 2.6.20 badness, the
 * kernel's victim against the predicted one, and every assumption made.
 */
import type { Replay, TaskRef } from "../replay/analyse.js";
import { formatRange, formatVersion } from "../replay/era.js";
import type { OomEvent } from "../replay/types.js";

function ref(t: TaskRef | null): string {
  return t === null ? "none" : `${t.pid} (${t.comm})`;
}

function pad(cells: string[], widths: number[], right: boolean[]): string {
  return cells
    .map((c, i) =>
      i === cells.length - 1 ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]),
    )
    .join("  ")
    .trimEnd();
}

function taskTable(r: Replay): string[] {
  const head = [
    "",
    "pid",
    "uid",
    "total_vm",
    "rss",
    "swap",
    "pgtbl",
    "adj",
    "points",
    "oom_score",
    "2.6.20",
    "name",
  ];
  const right = [false, true, true, true, true, true, true, true, true, true, true, false];
  const rows = r.tasks.map((t) => {
    const mark =
      (r.actual?.pid === t.pid ? "K" : " ") +
      (r.predicted?.pid === t.pid ? "P" : " ") +
      (r.ranking2620.victim?.pid === t.pid ? "2" : " ");
    return [
      mark,
      String(t.pid),
      t.uid === null ? "-" : String(t.uid),
      t.totalVmPages === null ? "-" : String(t.totalVmPages),
      String(t.rssPages),
      String(t.swapPages),
      String(t.pgtablesPages),
      String(t.oomScoreAdj),
      t.points === null ? "skip" : String(t.points),
      String(t.oomScore),
      t.badness2620 === null ? "skip" : String(t.badness2620),
      t.comm,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [pad(head, widths, right), ...rows.map((row) => pad(row, widths, right))];
}

/** `kern.log lines 5-80`, or `kern.log.1 line 990 to kern.log line 40` across two files. */
function placeOf(e: OomEvent): string {
  const lines =
    e.lastFile === e.file
      ? `lines ${e.firstLine}-${e.lastLine}`
      : `line ${e.firstLine} to ${e.lastFile} line ${e.lastLine}`;
  return e.file === null ? lines : `${e.file} ${lines}`;
}

export function replayToText(r: Replay): string {
  const e = r.event;
  const out: string[] = [];
  const when = [e.time, e.uptime === null ? null : `[${e.uptime}]`]
    .filter((x) => x !== null)
    .join(" ");
  out.push(
    `OOM event ${e.index + 1} (${placeOf(e)}${e.host ? `, host ${e.host}` : ""})${when ? ` at ${when}` : ""}`,
  );
  out.push(
    e.complete
      ? "  report: complete"
      : r.complete
        ? "  report: complete for its kernel (no task table before 2.6.36)"
        : `  report: INCOMPLETE${e.missing.length ? `, missing ${e.missing.join(", ")}` : ""}`,
  );
  out.push(`  verdict: ${r.verdict}`);
  for (const p of e.problems.slice(0, 10)) out.push(`    damage: ${p}`);
  if (e.problems.length > 10) out.push(`    damage: ... ${e.problems.length - 10} more`);
  if (e.header) {
    const h = e.header;
    const adj =
      h.oomkilladj !== null
        ? `oomkilladj=${h.oomkilladj}`
        : [
            h.oomAdj !== null ? `oom_adj=${h.oomAdj}` : null,
            h.oomScoreAdj !== null ? `oom_score_adj=${h.oomScoreAdj}` : null,
          ]
            .filter((x) => x !== null)
            .join(", ");
    out.push(
      `  header: ${h.comm} invoked the OOM killer: gfp_mask=${h.gfpMask ?? "?"}${h.gfpFlags !== null ? `(${h.gfpFlags})` : ""}, order=${h.order ?? "?"}${adj ? `, ${adj}` : ""}`,
    );
  }
  if (e.allocating) out.push(`  allocating task: ${ref(e.allocating)}`);
  const k = r.kernel;
  const from =
    k.source === "option"
      ? "as given"
      : k.source === "report"
        ? k.releaseFrom === null || k.releaseFrom === "stack dump"
          ? `release ${k.release} printed in the report`
          : `release ${k.release} from the ${k.releaseFrom} before the report`
        : k.source === "formats"
          ? "inferred from the formats"
          : "assumed";
  out.push(`  kernel: ${formatVersion(k.version)} (${from})`);
  for (const h of k.hints) out.push(`    format: ${h}`);
  out.push(`  constraint: ${r.total.constraint} (${r.total.constraintFrom})`);
  const cg = e.summary?.oomMemcg ?? e.memcg?.oomCgroup;
  if (cg)
    out.push(`  memcg: ${cg}${e.memcg?.memory ? `, limit ${e.memcg.memory.limitKb} kB` : ""}`);
  out.push(
    `  totalpages: ${r.total.totalPages === null ? (r.totalEstimate === null ? `unknown (${r.total.how}); scored with ${r.scoringTotalPages}` : `estimated ${r.scoringTotalPages} (${r.total.how}; from ${r.totalEstimate})`) : `${r.total.totalPages} (${r.total.how})`}`,
  );
  if (r.tasks.length > 0) {
    out.push("  tasks (K = the kernel's victim, P = predicted, 2 = 2.6.20's choice):");
    for (const line of taskTable(r)) out.push(`    ${line}`);
  } else {
    out.push("  tasks: no task table in the report");
  }
  out.push(`  kernel's victim: ${ref(r.actual)}${r.actualFrom ? ` from ${r.actualFrom}` : ""}`);
  if (r.killedInstead)
    out.push(`  actually killed: ${ref(r.killedInstead)} (a child of the selected task)`);
  const verdict =
    r.match === null ? "" : r.match ? " - MATCHES the kernel" : " - DIFFERS from the kernel";
  const by =
    r.predictedBy === "modern"
      ? ` under the rules of ${formatVersion(k.version)}`
      : r.predictedBy
        ? ` by ${r.predictedBy}`
        : "";
  const none = r.tasks.length === 0 ? "none (no task table)" : "none (no eligible task)";
  const noPrediction = r.allocatingTaskKill
    ? "none (oom_kill_allocating_task: the allocating task is killed without ranking)"
    : none;
  out.push(`  predicted victim: ${r.predicted ? ref(r.predicted) : noPrediction}${by}${verdict}`);
  if (r.eras.length > 0) {
    out.push(
      `  scoring eras the formats allow (no release printed, ${formatRange(k.range.lo, k.range.hi)}):`,
    );
    const w = Math.max(...r.eras.map((x) => x.era.length));
    for (const x of r.eras) {
      const said =
        x.explains === null ? "" : x.explains ? " - explains the kernel's choice" : " - does not";
      const clamp = x.allClamped
        ? " (every eligible task scores 1: the first in the table wins)"
        : "";
      out.push(
        `    ${x.era.padEnd(w)}  ${ref(x.victim)}${said}${clamp}; scored as ${formatVersion(x.version)}: ${x.rule}`,
      );
    }
  }
  if (r.tasks.length > 0) {
    out.push(`  2.6.20 badness would kill: ${ref(r.ranking2620.victim)}`);
    out.push(`    (${r.ranking2620.adjFrom}; other assumptions at the end)`);
  } else {
    out.push("  2.6.20 badness: no task table to rank");
  }
  if (r.assumptions.length > 0) {
    out.push("  assumptions:");
    for (const a of r.assumptions) out.push(`    - ${a}`);
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  return `${out.join("\n")}\n`;
}

/** What the summary of a replay counts, added to one event at a time. */
export class ReplayTally {
  events = 0;
  complete = 0;
  compared = 0;
  matched = 0;
  /** Duplicate reports that were dropped (src/replay/repeats.ts). */
  duplicates = 0;
  assumptions2620: readonly string[] | null = null;

  add(r: Replay): void {
    this.events++;
    if (r.complete) this.complete++;
    if (r.match !== null) this.compared++;
    if (r.match) this.matched++;
    if (r.tasks.length > 0) this.assumptions2620 ??= r.ranking2620.assumptions;
  }
}

/** The end of the text output: the 2.6.20 assumptions (once), then one summary line. */
export function replaySummaryText(t: ReplayTally, lines?: number): string {
  const parts: string[] = [];
  if (t.assumptions2620 !== null) {
    const list = t.assumptions2620.map((a) => `  - ${a}`);
    parts.push(`2.6.20 badness assumptions:\n${list.join("\n")}\n`);
  }
  if (t.events === 0) {
    parts.push(`0 OOM events${lines === undefined ? "" : ` in ${lines} lines`}\n`);
  } else {
    const dropped =
      t.duplicates === 0
        ? ""
        : `; ${t.duplicates} duplicate report${t.duplicates === 1 ? "" : "s"} dropped`;
    parts.push(
      `${t.events} OOM event${t.events === 1 ? "" : "s"}: ${t.complete} complete; predicted victim matches the kernel's in ${t.matched} of ${t.compared} compared${dropped}\n`,
    );
  }
  return parts.join("\n");
}

/** All events, then one summary line. */
export function replaysToText(replays: readonly Replay[], duplicates = 0): string {
  const tally = new ReplayTally();
  tally.duplicates = duplicates;
  for (const r of replays) tally.add(r);
  return [...replays.map(replayToText), replaySummaryText(tally)].join("\n");
}
