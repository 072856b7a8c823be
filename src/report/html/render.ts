/**
 * The report as one HTML document: the static parts (header, flow diagram, kernel log)
 * rendered here, the data model inlined as JSON, and the chart library and the page's
 * own script inlined, so the file needs nothing but a browser.
 */

import { FLOW_NODES, flowSvg } from "./flow.js";
import type { CallModel, ReportModel } from "./model.js";
import type { ReplayEventModel } from "./sources.js";
import { REPORT_CSS } from "./style.js";

/** What the page runs: uPlot's script and style sheet, and the report's own script. */
export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** JSON that can sit inside a script element: no "<", ">" or "&", no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Script text that cannot close its element early. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

const OUTCOME: Readonly<Record<string, string>> = {
  killed: "killed",
  aborted: "aborted",
  panic: "panic",
  deadlock: "deadlock",
  notifier: "notifier freed memory",
  blocked: "blocked",
  unknown: "under way",
};

function callLabel(c: CallModel): string {
  if (c.n === null) return `blocked: ${c.comm} (${c.pid})`;
  return `OOM ${c.n}: ${c.comm} (${c.pid})`;
}

function callResult(c: CallModel): string {
  if (c.victim !== null) return `killed ${c.victim.comm} (${c.victim.pid})`;
  return OUTCOME[c.outcome] ?? c.outcome;
}

function seconds(t: number): string {
  return t.toFixed(6);
}

const END_REASON: Readonly<Record<string, string>> = {
  idle: "nothing left to do",
  until: "time limit reached",
  panic: "kernel panic",
};

const COMMAND: Readonly<Record<ReportModel["source"], string>> = {
  sim: "oomkit sim",
  oom: "oomkit oom",
  replay: "oomkit replay",
};

function replayLabel(r: ReplayEventModel): string {
  const v = r.actual === null ? "victim unknown" : `${r.actual.comm} (${r.actual.pid})`;
  return `OOM ${r.index + 1}: ${v}`;
}

function badge(match: boolean | null): string {
  if (match === null) return '<span class="badge unknown">no verdict</span>';
  return match
    ? '<span class="badge agrees">agrees</span>'
    : '<span class="badge differs">DIFFERS</span>';
}

function headerFacts(m: ReportModel): string[] {
  if (m.source === "replay") {
    const agree = m.replay.filter((r) => r.match === true).length;
    const differ = m.replay.filter((r) => r.match === false).length;
    return [
      `${m.replay.length} OOM event(s)`,
      `the recomputation agrees with the kernel on ${agree}, differs on ${differ}`,
      m.timeAxis === "uptime"
        ? `${seconds(m.start)} s to ${seconds(m.end)} s of uptime`
        : "no uptime stamps: events in log order",
    ];
  }
  const killed = m.calls.filter((c) => c.victim !== null).length;
  const calls = `${m.calls.filter((c) => c.n !== null).length} out_of_memory() call(s), ${killed} with a kill`;
  if (m.source === "oom") return [`${m.bits}-bit`, `HZ=${m.hz}`, calls];
  return [
    `seed ${m.seed}`,
    `${m.bits}-bit`,
    `HZ=${m.hz}`,
    `${seconds(m.start)} s to ${seconds(m.end)} s of uptime`,
    `ended: ${END_REASON[m.endReason] ?? m.endReason}`,
    calls,
    `${m.counts.exits} exit(s)`,
  ];
}

function memorySection(out: string[]): void {
  out.push(
    '<section id="memory">',
    "<h2>Memory: free pages per zone and its watermarks</h2>",
    '<div class="controls">',
    '<label>Pages axis <select id="y-mode"><option value="log">logarithmic</option><option value="zone">0 to the zone size</option><option value="marks">near the watermarks</option></select></label>',
    '<button type="button" id="zoom-all">Whole run</button>',
    '<button type="button" id="zoom-call">Around the selected call</button>',
    '<span class="hint">Drag across a chart to zoom, double-click to zoom out; click an OOM line to select that call.</span>',
    "</div>",
    '<div id="charts"></div>',
    '<div class="keys">',
    '<span style="--k: rgba(230,126,34,.28)">in the allocator\'s slow path</span>',
    '<span style="--k: #7aa7d9">kswapd running</span>',
    '<span style="--k: #2a9d8f">direct reclaim ended (tall: with progress)</span>',
    '<span style="--k: #b3261e">out_of_memory() call</span>',
    '<span style="--k: #6a1b9a">SIGKILL</span>',
    '<span style="--k: #555">exit</span>',
    "</div>",
    '<p class="hint">Free pages are read at the end of every tick in which pages were allocated or freed or an event was recorded; where ticks pass without either, the line is straight.</p>',
    "</section>",
  );
}

function replaySections(m: ReportModel, out: string[]): void {
  out.push(
    '<section id="memory">',
    `<h2>Every OOM event of the log, ${m.timeAxis === "uptime" ? "by seconds of uptime" : "in log order"}</h2>`,
    '<div class="controls">',
    '<button type="button" id="zoom-all">Whole log</button>',
    '<span class="hint">Each point is one OOM event at the resident pages of the kernel\'s victim; drag to zoom, double-click to zoom out, click an event to select it.</span>',
    "</div>",
    '<div id="charts"></div>',
    "</section>",
    '<section id="events">',
    "<h2>OOM events</h2>",
  );
  if (m.replay.length === 0) out.push('<p class="empty">No OOM report in this log.</p>');
  out.push('<div class="calls" id="calls">');
  for (const r of m.replay) {
    out.push(
      `<button type="button" data-call="${escapeHtml(r.key)}">${escapeHtml(replayLabel(r))}<small>${escapeHtml(`${r.t === null ? r.where : `${r.t.toFixed(6)} s`} \u00b7 ${r.kernel} \u00b7 `)}${badge(r.match)}</small></button>`,
    );
  }
  out.push(
    "</div>",
    '<p class="call-head" id="call-head"></p>',
    '<div id="predictions"></div>',
    "</section>",
    '<section id="badness">',
    "<h2>The report's task table, scored again</h2>",
    '<div id="badness-table"></div>',
    '<div class="whynot" id="whynot"></div>',
    "</section>",
  );
}

function pathSection(m: ReportModel, out: string[]): void {
  out.push('<section id="path">', "<h2>The OOM killer's path</h2>");
  if (m.calls.length === 0) {
    out.push('<p class="empty">out_of_memory() was never called in this run.</p>');
  }
  out.push('<div class="calls" id="calls">');
  for (const c of m.calls) {
    out.push(
      `<button type="button" data-call="${escapeHtml(c.key)}">${escapeHtml(callLabel(c))}<small>${escapeHtml(`${c.time} s \u00b7 ${callResult(c)}`)}</small></button>`,
    );
  }
  out.push(
    "</div>",
    '<p class="call-head" id="call-head"></p>',
    '<div class="flow-wrap">',
    `<div class="flow-box">${flowSvg()}</div>`,
    '<aside class="panel" id="step-panel"><p class="hint">Click a step of the diagram to see what it did in the selected call and the kernel log lines it printed.</p></aside>',
    "</div>",
    "</section>",
    '<section id="badness">',
    "<h2>badness(): every task's score, term by term</h2>",
    '<div id="badness-table"></div>',
    '<div class="whynot" id="whynot"></div>',
    "</section>",
  );
}

/** The page's head up to the opening of its body. */
export function pageHead(title: string, source: string, assets: PageAssets): string[] {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${inlineStyle(assets.uplotCss)}</style>`,
    `<style>${inlineStyle(REPORT_CSS)}</style>`,
    "</head>",
    `<body data-source="${escapeHtml(source)}">`,
  ];
}

/** What the page script reads of a model: the model and the flow diagram's steps. */
export function modelJson(m: ReportModel): string {
  const flow = FLOW_NODES.map((n) => ({ id: n.id, title: n.title, about: n.about }));
  return scriptJson({ ...m, flow });
}

/** The page's scripts and the end of the document. */
export function pageTail(assets: PageAssets): string[] {
  return [
    `<script>${inlineScript(assets.uplotJs)}</script>`,
    `<script type="module">${inlineScript(assets.pageJs)}</script>`,
    "</body>",
    "</html>",
    "",
  ];
}

/** The header facts and navigation of a model's report. */
export function reportHeader(m: ReportModel): { facts: string; nav: string } {
  const nav =
    m.source === "replay"
      ? '<nav><a href="#memory">Timeline</a><a href="#events">OOM events</a><a href="#badness">Task table</a><a href="#kernel-log">Kernel log</a></nav>'
      : `<nav>${m.source === "sim" ? '<a href="#memory">Memory</a>' : ""}<a href="#path">The OOM killer's path</a><a href="#badness">badness()</a><a href="#kernel-log">Kernel log</a></nav>`;
  return { facts: escapeHtml(headerFacts(m).join(" \u00b7 ")), nav };
}

/** The sections of a model's report (the page script fills them in). */
export function reportSections(m: ReportModel, out: string[]): void {
  if (m.source === "replay") replaySections(m, out);
  else {
    if (m.source === "sim") memorySection(out);
    pathSection(m, out);
  }

  out.push(
    '<section id="kernel-log">',
    "<h2>Kernel log</h2>",
    `<p class="hint">${m.source === "replay" ? "The lines of each OOM report as the parser took them, prefixes removed; click a line to select its event." : "Click a line to see the event that printed it; lines of an out_of_memory() call also select the call and its step."}</p>`,
    '<div class="log-wrap">',
    '<div id="log">',
  );
  if (m.log.length === 0) out.push('<div class="empty ll">The kernel printed nothing.</div>');
  m.log.forEach((l, i) => {
    out.push(
      `<div class="ll lv${l.level}${l.call === null ? "" : " in-call"}" id="log-${i}" data-i="${i}">${escapeHtml(l.text)}</div>`,
    );
  });
  out.push(
    "</div>",
    '<aside class="panel" id="event-panel"><p class="hint">No line selected.</p></aside>',
    "</div>",
    "</section>",
  );
}

export function renderHtmlReport(model: ReportModel, assets: PageAssets): string {
  const m = model;
  const command = COMMAND[m.source];
  const { facts, nav } = reportHeader(m);
  const out = pageHead(`${command}: ${m.title}`, m.source, assets);
  out.push(
    "<header>",
    `<h1>${command}: <code>${escapeHtml(m.title)}</code></h1>`,
    `<p class="facts">${facts}</p>`,
    nav,
    "</header>",
    "<main>",
  );
  reportSections(m, out);
  out.push(
    "</main>",
    `<script type="application/json" id="report-data">${modelJson(m)}</script>`,
    ...pageTail(assets),
  );
  return out.join("\n");
}
