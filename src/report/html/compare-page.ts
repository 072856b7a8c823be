/**
 * `oomkit compare --html`: one page for a comparison. At the top the metrics per policy
 * and the victim each policy chose at each call, side by side; below them one policy's
 * whole report (memory timeline with its OOM and kill markers, its calls, badness and
 * kernel log), with a selector for the others. Each policy's report is rendered here as
 * for `oomkit sim --html` and kept in a template; the page script puts the selected one
 * in place.
 */

import type { Comparison } from "../../compare/compare.js";
import { comparisonTables, culpritText } from "../compare-report.js";
import { buildReportModel } from "./model.js";
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
