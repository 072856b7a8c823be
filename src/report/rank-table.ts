/**
 * Renderings of a ranking: the aligned table (victims on top) and the JSON document.
 */

import type { RankReport, RankRow, RankSort } from "../live/rank-model.js";
import { sortRows } from "../live/rank-model.js";
import type { Paint } from "./paint.js";

export interface RankMeta {
  source: "live" | "snapshot";
  /** The /proc root or the snapshot file. */
  origin: string;
  kernelVersion: string | null;
  hz: number;
  pageSizeBytes: number | null;
  totalPages: bigint | null;
  current: number;
  currentPolicy: string;
  assumptions: string[];
  /** --cgroup: only the processes of this memory cgroup (and below) are ranked. */
  cgroup?: string;
  /** --cgroup: where totalPages came from (the cgroup's limit files, or why not). */
  totalPagesSource?: string;
}

/** The optional columns (`rank -o user,cmdline,cgroup`), shown in this order. */
export const EXTRA_COLUMNS = ["user", "cgroup", "cmdline"] as const;
export type ExtraColumn = (typeof EXTRA_COLUMNS)[number];

/** What the optional columns show of one process (null: not read or unreadable). */
export interface RankExtras {
  uid: number | null;
  /** The name of `uid` on the machine, or null when it has none. */
  user: string | null;
  /** The arguments; [] for a kernel thread or a zombie. */
  cmdline: string[] | null;
  /** The memory cgroup's path as /proc/PID/cgroup writes it. */
  cgroup: string | null;
}

export interface RankViewOptions {
  sort: RankSort;
  /** Rows to show; null = all. */
  limit: number | null;
  /** Styles victims (and changed rows); default: no styling. */
  paint?: Paint;
  /** --watch: pids whose row differs from the previous frame, marked with `*`. */
  changed?: ReadonlySet<number>;
  /** --watch: a first line (time, interval, load, memory). */
  header?: string;
  /** oomkit's own process and those it runs under, shown after the name. */
  own?: ReadonlyMap<number, string>;
  /** The optional columns asked for, with what each process shows in them. */
  extras?: { columns: readonly ExtraColumn[]; of: ReadonlyMap<number, RankExtras> };
  /** The terminal's width: the command line is cut to fit it (null or absent: never cut). */
  width?: number | null;
}

/** What a row shows, to tell one frame's row from the last one's. */
export function rowSignature(r: RankRow): string {
  return `${r.rssPages}|${r.badness2620}|${r.oomScore}|${r.kernelOomScore}|${r.oomScoreAdj}`;
}

/** Bytes in a short human form: 812K, 45.3M, 2.1G. */
export function humanBytes(bytes: bigint): string {
  const units = ["K", "M", "G", "T", "P"];
  let v = Number(bytes) / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

/** Names for a terminal: control characters shown as "?", at most 20 columns. */
function printable(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > 20 ? `${clean.slice(0, 19)}…` : clean;
}

function userCell(x: RankExtras | undefined): string {
  if (x === undefined) return "-";
  return x.user !== null ? printable(x.user) : x.uid === null ? "-" : String(x.uid);
}

/** The command line on one line, as ps shows it: `[comm]` when it has no arguments. */
function cmdlineCell(x: RankExtras | undefined, comm: string): string {
  if (x === undefined || x.cmdline === null) return "-";
  if (x.cmdline.length === 0) return `[${printable(comm)}]`;
  return x.cmdline.join(" ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function extraCell(column: ExtraColumn, x: RankExtras | undefined, comm: string): string {
  if (column === "user") return userCell(x);
  if (column === "cmdline") return cmdlineCell(x, comm);
  return x?.cgroup === null || x === undefined
    ? "-"
    : x.cgroup.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function victimMark(row: RankRow, report: RankReport): string {
  const old = report.victim2620.selected?.tgid === row.pid;
  const mod = report.victimModern?.pid === row.pid;
  return old && mod ? "both" : old ? "2.6.20" : mod ? "modern" : "";
}

/** Sorted rows with the predicted victims moved to the top (2.6.20's first). */
export function orderedRows(report: RankReport, opts: RankViewOptions): RankRow[] {
  const sorted = sortRows(report.rows, opts.sort);
  const top = [report.victim2620.selected?.tgid, report.victimModern?.pid].filter(
    (p): p is number => p !== undefined,
  );
  const head = top
    .filter((p, i) => top.indexOf(p) === i)
    .map((p) => sorted.find((r) => r.pid === p))
    .filter((r): r is RankRow => r !== undefined);
  return [...head, ...sorted.filter((r) => !head.includes(r))];
}

function victimLines(report: RankReport, meta: RankMeta): string[] {
  const v = report.victim2620;
  let old = `2.6.20 (HZ ${meta.hz}): outcome ${v.outcome}`;
  if (v.selected !== null) {
    const thread = v.selected.tgid === v.selected.pid ? "" : ` (a thread of ${v.selected.tgid})`;
    old += `; selects ${v.selected.pid}${thread} (${printable(v.selected.comm)}) score ${v.selected.points}`;
  }
  if (v.killed !== null) old += `; kills ${v.killed.pid} (${printable(v.killed.comm)})`;
  const m = report.victimModern;
  const ver = meta.kernelVersion ?? "modern";
  const modern =
    meta.source === "snapshot"
      ? `${ver}: not computed (a snapshot has no RSS)`
      : m === null
        ? `${ver}: no eligible process`
        : `${ver}: kills ${m.pid} (${printable(m.comm)}) points ${m.points} oom_score ${m.oomScore}`;
  return [`victim ${old}`, `victim ${modern}`];
}

export function renderRankTable(report: RankReport, meta: RankMeta, opts: RankViewOptions): string {
  const rows = orderedRows(report, opts);
  const shown = opts.limit === null ? rows : rows.slice(0, opts.limit);
  // The registry's other policies, one column each, the victim's points marked with `*`.
  const others = report.policies ?? [];
  const extra = opts.extras?.columns ?? [];
  const has = (c: ExtraColumn) => extra.includes(c);
  // --cgroup: the memcg OOM's points, which OOM_SCORE (the machine's) does not order.
  const memcg = meta.totalPagesSource !== undefined;
  const tail = extra.filter((c) => c !== "user");
  const header = [
    "PID",
    ...(has("user") ? ["USER"] : []),
    "COMM",
    "RSS",
    "BADNESS_2.6.20",
    ...(memcg ? ["MEMCG_POINTS"] : []),
    "OOM_SCORE",
    "KERNEL",
    ...others.map((p) => p.name.toUpperCase()),
    "ADJ",
    "VICTIM",
    ...tail.map((c) => c.toUpperCase()),
  ];
  const page = BigInt(meta.pageSizeBytes ?? 4096);
  const extrasOf = (pid: number) => opts.extras?.of.get(pid);
  const cells = shown.map((r) => [
    String(r.pid),
    ...(has("user") ? [userCell(extrasOf(r.pid))] : []),
    opts.own?.has(r.pid) ? `${printable(r.comm)} [${opts.own.get(r.pid)}]` : printable(r.comm),
    r.rssPages === null ? "-" : humanBytes(r.rssPages * page),
    r.badness2620 === null ? (r.skip2620 ?? "-") : String(r.badness2620),
    ...(memcg ? [r.modernPoints === null ? "-" : String(r.modernPoints)] : []),
    r.oomScore === null ? "-" : String(r.oomScore),
    r.kernelOomScore === null ? "-" : String(r.kernelOomScore),
    ...others.map((p) => {
      const points = p.points.get(r.pid);
      return points == null ? "-" : `${points}${p.victim === r.pid ? "*" : ""}`;
    }),
    r.oomScoreAdj === null ? String(r.oomkilladj) : String(r.oomScoreAdj),
    victimMark(r, report),
    ...tail.map((c) => extraCell(c, extrasOf(r.pid), r.comm)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const victimColumn = header.indexOf("VICTIM");
  const leftAligned = new Set(
    ["USER", "COMM", "VICTIM", "CGROUP", "CMDLINE"].map((h) => header.indexOf(h)),
  );
  if (has("cmdline") && opts.width != null) {
    // The command line is last: cut it where the terminal ends, as ps does.
    const at = header.length - 1;
    const before =
      (opts.changed !== undefined ? 2 : 0) + widths.slice(0, at).reduce((a, w) => a + w + 2, 0);
    const room = Math.max(8, opts.width - before);
    for (const c of cells) if (c[at]!.length > room) c[at] = `${c[at]!.slice(0, room - 1)}…`;
    widths[at] = Math.max(header[at]!.length, ...cells.map((c) => c[at]!.length));
  }
  const paint = opts.paint ?? ((_style, text) => text);
  const marks = opts.changed !== undefined;
  const line = (c: string[], mark = " ") =>
    (marks ? `${mark} ` : "") +
    c
      .map((v, i) => (leftAligned.has(i) ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rowLine = (c: string[], i: number) => {
    const r = shown[i]!;
    const text = line(c, opts.changed?.has(r.pid) ? "*" : " ");
    if (c[victimColumn] !== "") return paint("victim", text);
    return opts.changed?.has(r.pid) ? paint("changed", text) : text;
  };
  const out = [
    ...(opts.header === undefined ? [] : [opts.header]),
    `source ${meta.source} ${meta.origin}${meta.cgroup === undefined ? "" : `, memory cgroup ${meta.cgroup}`}; current ${meta.current} (${meta.currentPolicy})`,
    ...(meta.totalPagesSource === undefined
      ? []
      : [`totalpages ${meta.totalPages} from ${meta.totalPagesSource}`]),
    ...victimLines(report, meta).map((l) => paint("victim", l)),
    "",
    line(header),
    ...cells.map(rowLine),
  ];
  if (shown.length < rows.length) {
    out.push(`(${rows.length - shown.length} more; --limit 0 shows all)`);
  }
  out.push(
    "",
    "BADNESS_2.6.20: the best-scoring thread's badness(); OOM_SCORE: the modern policy's " +
      `prediction of /proc/PID/oom_score${memcg ? " (relative to the machine's memory)" : ""}; ${memcg ? "MEMCG_POINTS: oom_badness() in a memcg OOM of the cgroup (pages, relative to totalpages above); " : ""}KERNEL: the value read; ADJ: oom_score_adj ` +
      `(oomkilladj for a snapshot).${has("cgroup") ? " CGROUP: the memory cgroup (/proc/PID/cgroup)." : ""}${has("cmdline") && opts.width != null ? " CMDLINE: cut at the terminal's width (whole in --json)." : ""}${others.length > 0 ? ` ${others.map((p) => p.name.toUpperCase()).join(", ")}: the points of the other policies, * at each one's victim.` : ""}${marks ? " *: changed since the last frame." : ""}`,
  );
  return `${out.join("\n")}\n`;
}

/** The optional columns of one process in JSON: whole, never cut. */
function extrasJson(extras: RankViewOptions["extras"], pid: number): Record<string, unknown> {
  if (extras === undefined) return {};
  const x = extras.of.get(pid);
  const out: Record<string, unknown> = {};
  for (const c of extras.columns) {
    if (c === "user") {
      out.uid = x?.uid ?? null;
      out.user = x?.user ?? null;
    } else if (c === "cmdline") out.cmdline = x?.cmdline ?? null;
    else out.cgroup = x?.cgroup ?? null;
  }
  return out;
}

function str(v: bigint | null): string | null {
  return v === null ? null : v.toString();
}

export function rankJson(report: RankReport, meta: RankMeta, opts: RankViewOptions) {
  const rows = sortRows(report.rows, opts.sort);
  const shown = opts.limit === null ? rows : rows.slice(0, opts.limit);
  const page = meta.pageSizeBytes === null ? null : BigInt(meta.pageSizeBytes);
  const v = report.victim2620;
  const m = report.victimModern;
  return {
    format: "oomkit.rank/1",
    source: meta.source,
    origin: meta.origin,
    ...(meta.cgroup === undefined ? {} : { cgroup: meta.cgroup }),
    kernel_version: meta.kernelVersion,
    hz: meta.hz,
    page_size: meta.pageSizeBytes,
    total_pages: str(meta.totalPages),
    ...(meta.totalPagesSource === undefined ? {} : { total_pages_source: meta.totalPagesSource }),
    current: { pid: meta.current, policy: meta.currentPolicy },
    victims: {
      linux_2_6_20: {
        outcome: v.outcome,
        selected:
          v.selected === null
            ? null
            : {
                pid: v.selected.pid,
                tgid: v.selected.tgid,
                comm: v.selected.comm,
                points: v.selected.points.toString(),
              },
        killed: v.killed,
      },
      modern:
        m === null
          ? null
          : { pid: m.pid, comm: m.comm, points: m.points.toString(), oom_score: m.oomScore },
    },
    processes: shown.map((r) => ({
      pid: r.pid,
      comm: r.comm,
      rss_pages: str(r.rssPages),
      rss_kb: r.rssPages === null || page === null ? null : str((r.rssPages * page) / 1024n),
      badness_2620: str(r.badness2620),
      badness_2620_tid: r.badness2620Tid,
      skip_2620: r.skip2620,
      modern_points: str(r.modernPoints),
      oom_score: r.oomScore,
      kernel_oom_score: r.kernelOomScore,
      oom_score_adj: r.oomScoreAdj,
      oomkilladj: r.oomkilladj,
      victim_2620: v.selected?.tgid === r.pid,
      victim_modern: m?.pid === r.pid,
      ...extrasJson(opts.extras, r.pid),
      ...(report.policies === undefined
        ? {}
        : {
            policies: report.policies.map((p) => ({
              name: p.name,
              points: str(p.points.get(r.pid) ?? null),
            })),
          }),
    })),
    ...(report.policies === undefined
      ? {}
      : {
          policy_victims: report.policies.map((p) => ({ name: p.name, pid: p.victim })),
        }),
    assumptions: meta.assumptions,
  };
}
