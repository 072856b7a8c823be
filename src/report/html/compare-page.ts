/**
 * `oomkit compare --html`: one page for a comparison. At the top the metrics per policy,
 * the victim each policy chose at each call and every run's memory timeline, side by
 * side; below them one policy's
 * whole report (memory timeline with its OOM and kill markers, its calls, badness and
 * kernel log), with a selector for the others. Each policy's report is rendered here as
 * for `oomkit sim --html` and kept in a template; the page script puts the selected one
 * in place.
 */

import type { Comparison } from "../../compare/compare.js";
import { comparisonTables, culpritText } from "../compare-report.js";
import { buildReportModel, type ReportModel } from "./model.js";
import {
  escapeHtml,
  modelJson,
  type PageAssets,
  pageHead,
  pageTail,
  reportHeader,
  reportSections,
} from "./render.js";

function cells(tag: "td" | "th", values: readonly string[]): string {
  return values
    .map((v, i) => `<${tag}${i === 0 ? ' class="l"' : ""}>${escapeHtml(v)}</${tag}>`)
    .join("");
}

function comparisonSection(c: Comparison, out: string[]): void {
  const t = comparisonTables(c);
  out.push(
    '<section id="comparison">',
    "<h2>Metrics per policy</h2>",
    '<table class="badness compare">',
    `<thead><tr>${cells("th", ["metric", ...t.policies])}</tr></thead>`,
    "<tbody>",
    ...t.metrics.map((r) => `<tr>${cells("td", [r.label, ...r.cells])}</tr>`),
    "</tbody>",
    "</table>",
  );
  if (t.calls.length === 0) {
    out.push('<p class="empty">No OOM calls: the policies had nothing to choose.</p>');
  } else {
    const disagree = t.calls.filter((r) => !r.agree).length;
    out.push(
      `<h2>Victim of each ${escapeHtml(t.what)}</h2>`,
      `<p class="hint">Seconds after the start in parentheses; the policies disagree on ${disagree} of ${t.calls.length} (marked).</p>`,
      '<table class="badness compare victims" id="victims">',
      `<thead><tr>${cells("th", ["call", ...t.policies])}</tr></thead>`,
      "<tbody>",
      ...t.calls.map(
        (r) =>
          `<tr${r.agree ? "" : ' class="differs"'}>${cells("td", [`${r.agree ? "" : "* "}${r.call}`, ...r.cells])}</tr>`,
      ),
      "</tbody>",
      "</table>",
    );
  }
  out.push("</section>");
}

/** The number as SVG writes it: at most two decimals. */
const n2 = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Every policy's memory timeline side by side: the free pages of all zones together over
 * the same time axis, one small chart per policy, with a line at each OOM call (red) and
 * each SIGKILL (purple). Drawn here as SVG: the page script stays one report's.
 */
function timelinesSection(c: Comparison, models: ReportModel[], out: string[]): void {
  const start = Math.min(...models.map((m) => m.start));
  const end = Math.max(...models.map((m) => m.end), start + 1e-6);
  const totals = models.map((m) => m.times.map((_, i) => m.free.reduce((a, z) => a + z[i]!, 0)));
  const top = Math.max(1, ...totals.flat());
  const w = 560;
  const h = 90;
  const x = (t: number) => n2(((t - start) / (end - start)) * w);
  const y = (v: number) => n2(h - (v / top) * h);
  out.push(
    '<section id="timelines">',
    "<h2>Memory of each run, side by side</h2>",
    `<p class="hint">Free pages of all zones together, ${n2(start)} s to ${n2(end)} s of uptime on every chart (0 to ${top} pages); red: an out_of_memory() call, purple: a SIGKILL.</p>`,
    '<div class="timelines">',
  );
  models.forEach((m, k) => {
    const points = m.times.map((t, i) => `${x(t)},${y(totals[k]![i]!)}`).join(" ");
    const marks = [
      ...m.markers.ooms.map(
        (o) => `<line class="oom" x1="${x(o.t)}" x2="${x(o.t)}" y1="0" y2="${h}"/>`,
      ),
      ...m.markers.kills.map(
        (o) => `<line class="kill" x1="${x(o.t)}" x2="${x(o.t)}" y1="0" y2="${h}"/>`,
      ),
    ];
    out.push(
      '<figure class="timeline">',
      `<figcaption>${escapeHtml(c.runs[k]!.policy)}</figcaption>`,
      `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeHtml(`free pages under ${c.runs[k]!.policy}`)}">`,
      points === "" ? "" : `<polyline class="free" points="${points}"/>`,
      ...marks,
      "</svg>",
      "</figure>",
    );
  });
  out.push(
    "</div>",
    "<style>.timelines{display:flex;flex-wrap:wrap;gap:12px}.timeline{margin:0}.timeline svg{background:#fafbfc;border:1px solid #e6e9ec}.timeline .free{fill:none;stroke:#1f6fb2;stroke-width:1.5}.timeline .oom{stroke:#c0392b;stroke-width:1.5}.timeline .kill{stroke:#6c3483;stroke-width:1;stroke-dasharray:3 2}.timeline figcaption{font-weight:600;font-size:13px}</style>",
    "</section>",
  );
}

/** The comparison page; every run of `c` must have been recorded (`record`). */
export function renderComparePage(c: Comparison, scenario: string, assets: PageAssets): string {
  const models = c.runs.map((r) => {
    if (r.report === undefined) throw new RangeError(`the run of ${r.policy} was not recorded`);
    return buildReportModel(r.report);
  });
  const policies = `${c.runs.length} ${c.runs.length === 1 ? "policy" : "policies"}`;
  const out = pageHead(`oomkit compare: ${scenario}`, "compare", assets);
  const nav = reportHeader(models[0]!).nav.replace(
    "<nav>",
    '<nav><a href="#comparison">Comparison</a>',
  );
  out.push(
    "<header>",
    `<h1>oomkit compare: <code>${escapeHtml(scenario)}</code></h1>`,
    `<p class="facts">${escapeHtml(`seed ${c.seed} \u00b7 ${policies}, each run once \u00b7 culprit: ${culpritText(c)}`)}</p>`,
    nav,
    "</header>",
    "<main>",
  );
  comparisonSection(c, out);
  timelinesSection(c, models, out);
  out.push(
    '<section id="run">',
    '<div class="controls"><label>The run of <select id="run-select">',
    ...c.runs.map((r, k) => `<option value="${k}">${escapeHtml(r.policy)}</option>`),
    "</select></label>",
    '<span class="hint">Every section below shows the selected policy\'s run.</span></div>',
    "</section>",
    '<div id="report-main"></div>',
    "</main>",
  );
  models.forEach((m, k) => {
    out.push(`<template id="run-${k}">`, `<p class="facts run-facts">${reportHeader(m).facts}</p>`);
    reportSections(m, out);
    out.push(
      "</template>",
      `<script type="application/json" id="report-data-${k}">${modelJson(m)}</script>`,
    );
  });
  out.push(...pageTail(assets));
  return out.join("\n");
}
