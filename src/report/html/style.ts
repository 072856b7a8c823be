/** The report's own style sheet (uPlot brings its own). */

export const REPORT_CSS = `
:root {
  --ink: #1d232b; --muted: #68727d; --line: #d5dae0; --paper: #ffffff; --wash: #f4f6f8;
  --lit: #d35400; --lit-wash: #fdebd9; --pick: #1f5fbf; --bad: #b3261e; --ok: #2e7d32;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--wash); }
header { background: #243447; color: #fff; padding: 14px 24px 12px; }
header h1 { margin: 0 0 4px; font-size: 19px; font-weight: 600; }
header h1 code { font-size: 17px; }
header .facts { margin: 0; color: #cfd8e3; font-size: 13px; }
header nav { margin-top: 8px; font-size: 13px; }
header nav a { color: #fff; margin-right: 16px; text-decoration: none; border-bottom: 1px dotted #9fb3c8; }
main { padding: 12px 24px 40px; max-width: 1500px; margin: 0 auto; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 16px; margin: 14px 0; }
h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.hint { color: var(--muted); font-size: 12.5px; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 6px; font-size: 13px; }
button { font: inherit; font-size: 13px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 5px; background: #fff; cursor: pointer; }
button:hover { border-color: var(--pick); }
select { font: inherit; font-size: 13px; }
.chart { margin: 2px 0 8px; }
.chart .u-title { font-size: 13px; font-weight: 600; text-align: left; padding-left: 60px; }
.chart .u-legend { font-size: 12px; }
.keys { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.keys span::before { content: ""; display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; background: var(--k); }
.empty { color: var(--muted); font-style: italic; }
.calls { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 10px; }
.calls button { text-align: left; line-height: 1.3; }
.calls button small { display: block; color: var(--muted); font-size: 11.5px; }
.calls button.on { border-color: var(--lit); background: var(--lit-wash); box-shadow: 0 0 0 1px var(--lit) inset; }
.call-head { margin: 0 0 8px; font-size: 13.5px; }
.flow-wrap { display: grid; grid-template-columns: minmax(0, 1030px) minmax(280px, 1fr); gap: 16px; align-items: start; }
@media (max-width: 1000px) { .flow-wrap { grid-template-columns: 1fr; } }
svg.flow { width: 100%; max-width: 1030px; height: auto; display: block; }
svg.flow .node rect { fill: #fff; stroke: #b8c0c8; stroke-width: 1.2; }
svg.flow .node.branch rect { stroke-dasharray: 5 3; }
svg.flow .node text { fill: #8a939c; }
svg.flow .node .t { font-size: 13px; font-weight: 600; }
svg.flow .node .s { font-size: 11.5px; font-family: var(--mono); }
svg.flow .node { cursor: pointer; }
svg.flow .node:hover rect { stroke: var(--pick); }
svg.flow .node.lit rect { fill: var(--lit-wash); stroke: var(--lit); stroke-width: 2; }
svg.flow .node.lit text { fill: var(--ink); }
svg.flow .node.also rect { fill: #fff6ee; stroke: var(--lit); stroke-width: 1.5; stroke-dasharray: 3 3; }
svg.flow .node.also text { fill: var(--ink); }
svg.flow .node.end rect { stroke-width: 3; }
svg.flow .node.picked rect { stroke: var(--pick); stroke-width: 3; }
svg.flow .node:focus { outline: none; }
svg.flow .node:focus-visible rect { stroke: var(--pick); stroke-width: 3; }
svg.flow .edge path { fill: none; stroke: #c3cad1; stroke-width: 1.3; marker-end: url(#arrow); }
svg.flow .edge text { font-size: 11px; fill: #9aa3ab; }
svg.flow .edge.lit path { stroke: var(--lit); stroke-width: 2.6; marker-end: url(#arrow-lit); }
svg.flow .edge.lit text { fill: var(--lit); font-weight: 600; }
svg.flow .edge.also path { stroke: var(--lit); stroke-width: 1.6; stroke-dasharray: 4 3; }
svg.flow .arrow-head { fill: #c3cad1; }
svg.flow .arrow-head-lit { fill: var(--lit); }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #fbfcfd; position: sticky; top: 8px; }
.panel .taken { font-weight: 600; color: var(--lit); }
.panel .not-taken { color: var(--muted); }
.panel p { margin: 4px 0 8px; }
pre.event { background: #f1f3f5; border-radius: 4px; padding: 6px 8px; white-space: pre-wrap; word-break: break-all; font-size: 11.5px; max-height: 220px; overflow: auto; margin: 4px 0 0; }
.lines { font-family: var(--mono); font-size: 12px; border-left: 3px solid var(--lit); padding-left: 6px; margin: 4px 0 8px; }
.lines a { display: block; color: var(--ink); text-decoration: none; white-space: pre-wrap; word-break: break-word; }
.lines a:hover { background: var(--lit-wash); }
table.badness { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.badness th, table.badness td { border-bottom: 1px solid #e6e9ec; padding: 3px 7px; text-align: right; white-space: nowrap; }
table.badness th { background: #eef1f4; cursor: pointer; user-select: none; position: sticky; top: 0; }
table.badness th.l, table.badness td.l { text-align: left; }
table.badness th .dir { color: var(--pick); }
table.badness td.term { font-family: var(--mono); color: #3d4650; }
table.badness td.none { color: #c5cbd1; }
table.badness td.pts { font-family: var(--mono); font-weight: 600; }
table.badness tr { cursor: pointer; }
table.badness tbody tr:hover { background: #f3f7fd; }
table.badness tr.chosen { background: var(--lit-wash); }
table.badness tr.victim td.status { color: var(--bad); font-weight: 600; }
table.badness tr.skipped { color: #8a939c; }
table.badness tr.aborts td.status { color: var(--bad); }
table.badness tr.picked { outline: 2px solid var(--pick); outline-offset: -2px; }
.table-wrap { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.whynot { margin-top: 12px; }
.whynot table { border-collapse: collapse; font-size: 12.5px; }
.whynot th, .whynot td { border: 1px solid #e1e5e9; padding: 3px 8px; vertical-align: top; }
.whynot th { background: #eef1f4; text-align: left; }
.whynot td .d { display: block; color: var(--muted); font-size: 11.5px; }
.whynot td.diff { background: #fff8e6; }
.verdict { font-weight: 600; margin: 8px 0 0; }
.banner { background: #fff8e6; border: 1px solid #f0d9a8; border-radius: 6px; padding: 6px 10px; margin: 0 0 8px; font-size: 13px; }
#log { font-family: var(--mono); font-size: 12px; line-height: 1.5; max-height: 560px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px 0; background: #fcfcfd; }
#log .ll { white-space: pre-wrap; word-break: break-word; padding: 0 10px; cursor: pointer; border-left: 3px solid transparent; }
#log .ll:hover { background: #f3f7fd; }
#log .ll.in-call { border-left-color: #f3c9a4; }
#log .ll.picked { background: #e4eefc; border-left-color: var(--pick); }
#log .ll.lv0 { color: var(--bad); font-weight: 600; }
#log .ll.lv3 { color: #8e2a12; }
.log-wrap { display: grid; grid-template-columns: minmax(0, 1.6fr) minmax(280px, 1fr); gap: 14px; align-items: start; }
@media (max-width: 1000px) { .log-wrap { grid-template-columns: 1fr; } }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600; }
.badge.agrees { background: #e3f4e6; color: #1e6b2e; }
.badge.differs { background: #fbe4e2; color: var(--bad); }
.badge.unknown { background: #eef1f4; color: var(--muted); }
table.predictions { border-collapse: collapse; font-size: 13px; margin: 6px 0 4px; }
table.predictions th, table.predictions td { border: 1px solid #e1e5e9; padding: 3px 10px; text-align: left; }
table.predictions tr.kernel { background: var(--lit-wash); font-weight: 600; }
.run-facts { margin: 0 4px; color: var(--muted); font-size: 13px; }
table.badness.compare { width: auto; margin-bottom: 14px; }
table.badness.compare tbody tr { cursor: default; }
table.badness.compare td { padding: 3px 12px; }
table.badness.compare.victims th, table.badness.compare.victims td { text-align: left; }
table.badness.compare tr.differs td { background: #fff4e5; }
`;
