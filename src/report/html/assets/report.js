// The report page: memory charts (uPlot), the lit path of the selected out_of_memory()
// call, its badness table with a "why not this one?" view, and the kernel log linked to
// the events that printed it. Reads the data model from the #report-data element.

// A comparison page (oomkit compare --html) keeps one report per policy in a template
// and its model in #report-data-K: the run named in the address (#run=K) is put in place,
// and the selector switches to another run by loading the page again with its number.
const runSelect = document.getElementById("run-select");
if (runSelect !== null) {
  const wanted = /^#run=(\d+)$/.exec(location.hash)?.[1];
  const run = wanted !== undefined && document.getElementById(`run-${wanted}`) ? wanted : "0";
  runSelect.value = run;
  const template = document.getElementById(`run-${run}`);
  document.getElementById("report-main").replaceChildren(template.content.cloneNode(true));
  runSelect.addEventListener("change", () => {
    location.hash = `run=${runSelect.value}`;
    location.reload();
  });
}
const dataId = runSelect === null ? "report-data" : `report-data-${runSelect.value}`;
const data = JSON.parse(document.getElementById(dataId).textContent);
const byId = (id) => document.getElementById(id);
const flowInfo = new Map(data.flow.map((n) => [n.id, n]));
const callsByKey = new Map(data.calls.map((c) => [c.key, c]));
const replayByKey = new Map(data.replay.map((r) => [r.key, r]));
const isReplay = data.source === "replay";
const firstKey = isReplay ? data.replay[0]?.key : data.calls[0]?.key;

const state = {
  call: data.focus ?? firstKey ?? null,
  node: null,
  line: null,
  sort: { col: "points", dir: -1 },
  why: null,
  yMode: "log",
  /** Rows of a badness table drawn at first: a long table grows on request. */
  rowLimit: 200,
};

/** Creates an element: h("td", { class: "x" }, "text", child, ...). */
function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const task = (pid, comm) => (comm ? `${comm} (${pid})` : `pid ${pid}`);
const big = (s) => (s === null || s === undefined ? -1n : BigInt(s));
const cmpBig = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------- memory charts

const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];
let charts = [];
let syncing = false;
let xRange = null;

function yRange(zone) {
  if (state.yMode === "marks") return [0, Math.max(zone.high * 3, 16)];
  if (state.yMode === "log") return [1, Math.max(zone.present, 10)];
  return [0, zone.present];
}

function drawMarkers(u) {
  const ctx = u.ctx;
  const px = uPlot.pxRatio;
  const { left, top, width, height } = u.bbox;
  const X = (v) => u.valToPos(v, "x", true);
  const first = u === charts[0];
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = "rgba(230,126,34,0.16)";
  for (const [a, b] of data.markers.stalls) {
    const x0 = X(a);
    const x1 = X(b);
    ctx.fillRect(x0, top, Math.max(x1 - x0, 2 * px), height);
  }
  ctx.fillStyle = "rgba(70,130,200,0.55)";
  for (const [a, b] of data.markers.kswapd) {
    const x0 = X(a);
    const x1 = X(b);
    ctx.fillRect(x0, top + height - 4 * px, Math.max(x1 - x0, 2 * px), 4 * px);
  }
  ctx.fillStyle = "#2a9d8f";
  for (const [t, , progress] of data.markers.reclaim) {
    const x = X(t);
    const tall = progress ? 14 : 8;
    ctx.fillRect(x - 0.5 * px, top + height - (4 + tall) * px, 1.5 * px, tall * px);
  }
  let lastLabel = -Infinity;
  for (const o of data.markers.ooms) {
    const x = X(o.t);
    const on = o.key === state.call;
    ctx.strokeStyle = on ? "#b3261e" : "rgba(179,38,30,0.5)";
    ctx.lineWidth = (on ? 2.5 : 1) * px;
    ctx.setLineDash(on ? [] : [4 * px, 3 * px]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    if (first && (on || x - lastLabel > 46 * px)) {
      ctx.setLineDash([]);
      ctx.fillStyle = "#b3261e";
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      ctx.font = `${on ? "bold " : ""}${11 * px}px system-ui, sans-serif`;
      ctx.fillText(o.label, x + 3 * px, top + 34 * px);
      lastLabel = x;
    }
  }
  ctx.setLineDash([]);
  ctx.fillStyle = "#6a1b9a";
  for (const k of data.markers.kills) {
    const x = X(k.t);
    ctx.beginPath();
    ctx.moveTo(x - 5 * px, top + 2 * px);
    ctx.lineTo(x + 5 * px, top + 2 * px);
    ctx.lineTo(x, top + 11 * px);
    ctx.closePath();
    ctx.fill();
  }
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1.5 * px;
  for (const e of data.markers.exits) {
    const x = X(e.t);
    ctx.beginPath();
    ctx.arc(x, top + 18 * px, 3.5 * px, 0, 2 * Math.PI);
    ctx.stroke();
  }
  if (state.line !== null) {
    const l = data.log[state.line];
    const x = X(l.t);
    ctx.strokeStyle = "#1f5fbf";
    ctx.lineWidth = 1.5 * px;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

function syncX(u, key) {
  if (key !== "x" || syncing) return;
  syncing = true;
  xRange = [u.scales.x.min, u.scales.x.max];
  for (const o of charts) if (o !== u) o.setScale("x", { min: xRange[0], max: xRange[1] });
  syncing = false;
}

/** Grid lines of a logarithmic axis: the powers of ten only. */
function powersOfTen(_u, _axis, min, max) {
  const out = [];
  for (let v = 1; v <= max; v *= 10) if (v >= min) out.push(v);
  return out;
}

function buildCharts() {
  const box = byId("charts");
  if (box === null) return;
  if (isReplay) {
    buildReplayChart(box);
    return;
  }
  for (const c of charts) c.destroy();
  charts = [];
  box.textContent = "";
  if (data.times.length === 0 || data.zones.length === 0) {
    box.append(h("p", { class: "empty" }, "No memory readings in this report."));
    return;
  }
  const width = Math.max(box.clientWidth - 4, 480);
  const log = state.yMode === "log";
  const fix = (v) => (log ? Math.max(v, 1) : v);
  data.zones.forEach((zone, z) => {
    const color = COLORS[z % COLORS.length];
    const n = data.times.length;
    const flat = (v) => new Array(n).fill(fix(v));
    const series = [
      data.times,
      data.free[z].map(fix),
      flat(zone.min),
      flat(zone.low),
      flat(zone.high),
    ];
    const div = h("div", { class: "chart" });
    box.append(div);
    const name = data.zones.some((o) => o.node !== 0)
      ? `Node ${zone.node} ${zone.name}`
      : zone.name;
    const opts = {
      title: `${name}: ${zone.present} pages present`,
      width,
      height: 190,
      cursor: { sync: { key: "memory" }, drag: { x: true, y: false } },
      scales: {
        x: { time: false },
        y: { distr: log ? 3 : 1, range: () => yRange(zone) },
      },
      axes: [
        { label: "seconds of uptime", size: 44 },
        { label: "pages", size: 66, splits: log ? powersOfTen : undefined },
      ],
      series: [
        { label: "uptime", value: (_, v) => (v === null ? "-" : v.toFixed(6)) },
        {
          label: "free",
          stroke: color,
          width: 2,
          fill: log ? undefined : `${color}14`,
          points: { size: 4 },
        },
        { label: "min", stroke: "#b3261e", width: 1, dash: [6, 4], points: { show: false } },
        { label: "low", stroke: "#e67e22", width: 1, dash: [6, 4], points: { show: false } },
        { label: "high", stroke: "#2e7d32", width: 1, dash: [6, 4], points: { show: false } },
      ],
      hooks: { draw: [drawMarkers], setScale: [syncX] },
    };
    const u = new uPlot(opts, series, div);
    charts.push(u);
    selectOnClick(u, 6);
  });
  if (xRange !== null) zoomTo(xRange[0], xRange[1]);
}

/** A replayed log: one point per OOM event, at the resident pages of the kernel's victim. */
function buildReplayChart(box) {
  for (const c of charts) c.destroy();
  charts = [];
  box.textContent = "";
  if (data.replay.length === 0) {
    box.append(h("p", { class: "empty" }, "No OOM event to place."));
    return;
  }
  // uPlot wants ascending x; several files need not be in time order.
  const order = data.replay
    .map((_, i) => i)
    .sort((a, b) => data.markers.ooms[a].t - data.markers.ooms[b].t);
  const xs = order.map((i) => data.markers.ooms[i].t);
  const ys = order.map((i) => {
    const r = data.replay[i];
    const v = r.actual && r.tasks.find((t) => t.pid === r.actual.pid);
    return v ? Number(v.rss) : null;
  });
  const width = Math.max(box.clientWidth - 4, 480);
  const pad = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / 20 : 1;
  const div = h("div", { class: "chart" });
  box.append(div);
  const u = new uPlot(
    {
      title: "the kernel's victim of each OOM event",
      width,
      height: 220,
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false, range: () => [xs[0] - pad, xs[xs.length - 1] + pad] },
        y: { range: (_u, _min, max) => [0, Math.max(max ?? 1, 1) * 1.15] },
      },
      axes: [
        { label: data.timeAxis === "uptime" ? "seconds of uptime" : "OOM event", size: 44 },
        { label: "victim's rss (pages)", size: 76 },
      ],
      series: [
        { label: data.timeAxis === "uptime" ? "uptime" : "event" },
        {
          label: "victim rss",
          stroke: "#6a1b9a",
          width: 0,
          points: { size: 9, fill: "#6a1b9a" },
          paths: () => null,
        },
      ],
      hooks: { draw: [drawMarkers] },
    },
    [xs, ys],
    div,
  );
  charts.push(u);
  selectOnClick(u, 8);
}

/** A click (not the end of a drag) within `px` pixels of an OOM line selects that call. */
function selectOnClick(u, px) {
  let downX = null;
  u.over.addEventListener("mousedown", (ev) => {
    downX = ev.clientX;
  });
  u.over.addEventListener("click", (ev) => {
    if (downX !== null && Math.abs(ev.clientX - downX) > 3) return;
    let best = null;
    for (const o of data.markers.ooms) {
      const d = Math.abs(u.valToPos(o.t, "x") - ev.offsetX);
      if (d <= px && (best === null || d < best.d)) best = { d, key: o.key };
    }
    if (best !== null) selectCall(best.key);
  });
}

function zoomTo(min, max) {
  if (charts.length === 0) return;
  charts[0].setScale("x", { min, max });
}

function redrawCharts() {
  for (const c of charts) c.redraw(false);
}

byId("y-mode")?.addEventListener("change", (ev) => {
  state.yMode = ev.target.value;
  buildCharts();
});
byId("zoom-all")?.addEventListener("click", () => {
  if (isReplay) {
    buildCharts();
    return;
  }
  if (data.times.length > 0) zoomTo(data.times[0], data.times[data.times.length - 1]);
});
byId("zoom-call")?.addEventListener("click", () => {
  const c = callsByKey.get(state.call);
  if (c === undefined) return;
  const span = Math.max((data.end - data.start) / 50, 0.2);
  zoomTo(c.t - span, c.t + span);
});
let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const box = byId("charts");
    if (box === null) return;
    const width = Math.max(box.clientWidth - 4, 480);
    for (const c of charts) c.setSize({ width, height: isReplay ? 220 : 190 });
  }, 150);
});

// ---------------------------------------------------------------- flow diagram

const svg = document.querySelector("svg.flow");
const svgNodes = svg === null ? [] : [...svg.querySelectorAll(".node")];
const svgEdges = svg === null ? [] : [...svg.querySelectorAll(".edge")];

function lightPath() {
  const c = callsByKey.get(state.call);
  const path = c ? c.path : [];
  const also = c ? c.also : [];
  const pairs = new Set();
  for (let i = 0; i + 1 < path.length; i++) pairs.add(`${path[i]}>${path[i + 1]}`);
  const end = path[path.length - 1];
  for (const g of svgNodes) {
    const id = g.dataset.node;
    g.classList.toggle("lit", path.includes(id));
    g.classList.toggle("also", also.includes(id));
    g.classList.toggle("end", id === end && end !== "retry");
    g.classList.toggle("picked", id === state.node);
  }
  for (const g of svgEdges) {
    const pair = `${g.dataset.from}>${g.dataset.to}`;
    g.classList.toggle("lit", pairs.has(pair));
    g.classList.toggle("also", also.includes(g.dataset.to) && path.includes(g.dataset.from));
  }
}

for (const g of svgNodes) {
  const pick = () => {
    state.node = g.dataset.node;
    lightPath();
    showStep();
  };
  g.addEventListener("click", pick);
  g.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      pick();
    }
  });
}

function logLink(i) {
  const l = data.log[i];
  return h(
    "a",
    {
      href: `#log-${i}`,
      onclick: (ev) => {
        ev.preventDefault();
        selectLine(i, true);
      },
    },
    l.text,
  );
}

function showStep() {
  const panel = byId("step-panel");
  if (panel === null) return;
  panel.textContent = "";
  const info = flowInfo.get(state.node);
  if (info === undefined) {
    panel.append(
      h(
        "p",
        { class: "hint" },
        "Click a step of the diagram to see what it did in the selected call and the kernel log lines it printed.",
      ),
    );
    return;
  }
  const c = callsByKey.get(state.call);
  panel.append(h("h3", null, info.title), h("p", null, info.about));
  if (c === undefined) return;
  const taken = c.path.includes(state.node) || c.also.includes(state.node);
  panel.append(
    h(
      "p",
      { class: taken ? "taken" : "not-taken" },
      `${taken ? "Taken" : "Not taken"} in ${c.n === null ? "this blocked call" : `call ${c.n}`}${c.notes[state.node] ? `: ${c.notes[state.node]}` : "."}`,
    ),
  );
  const lines = c.log.filter((i) => data.log[i].node === state.node);
  if (lines.length > 0) {
    panel.append(
      h("h3", null, `Kernel log lines it printed (${lines.length})`),
      h("div", { class: "lines" }, lines.map(logLink)),
    );
  } else if (taken) {
    panel.append(h("p", { class: "hint" }, "This step printed nothing."));
  }
  const ev = c.stepEvents[state.node];
  if (ev !== undefined) {
    panel.append(h("h3", null, "Its event"), h("pre", { class: "event" }, data.events[ev]));
  }
}

// ---------------------------------------------------------------- calls

function callSentence(c) {
  if (c.n === null)
    return `${task(c.pid, c.comm)} entered out_of_memory() at ${c.time} s and blocked for ever on cpuset_lock().`;
  const head = `Call ${c.n} at ${c.time} s: ${task(c.pid, c.comm)} asked for an order-${c.order} page with gfp_mask ${c.gfpMask}.`;
  let what;
  if (c.outcome === "unknown") what = "The call is still under way at this point.";
  else if (c.outcome === "panic") what = "The kernel panicked.";
  else if (c.outcome === "deadlock") what = "It deadlocked in constrained_alloc() (quirk Q4).";
  else if (c.outcome === "aborted")
    what = "Selection aborted: a victim is still dying, nothing was killed.";
  else if (c.outcome === "notifier") what = "An OOM notifier freed memory.";
  else if (c.victim !== null) {
    const sel = c.selected;
    what =
      sel !== null && sel.pid !== c.victim.pid
        ? `${task(sel.pid, sel.comm)} was chosen with ${sel.points} points; its child ${task(c.victim.pid, c.victim.comm)} was killed.`
        : `${task(c.victim.pid, c.victim.comm)} was killed${sel ? ` (${sel.points} points)` : ""}.`;
  } else what = "Nothing was killed.";
  return `${head} ${what}`;
}

function selectCall(key) {
  if (isReplay) {
    selectReplay(key);
    return;
  }
  if (!callsByKey.has(key)) return;
  state.call = key;
  state.why = null;
  for (const b of document.querySelectorAll("#calls button"))
    b.classList.toggle("on", b.dataset.call === key);
  byId("call-head").textContent = callSentence(callsByKey.get(key));
  lightPath();
  showStep();
  renderBadness();
  redrawCharts();
}

for (const b of document.querySelectorAll("#calls button")) {
  b.addEventListener("click", () => selectCall(b.dataset.call));
}

// ---------------------------------------------------------------- badness table

const TERMS = [
  ["total_vm", "total_vm"],
  ["swapoff", "swapoff"],
  ["children", "+children"],
  ["cpu_time", "cpu time"],
  ["run_time", "run time"],
  ["nice", "nice"],
  ["root", "root"],
  ["rawio", "raw I/O"],
  ["cpuset", "cpuset"],
  ["oomkilladj", "adj"],
];

const SKIP = {
  no_mm: "no mm: not scored",
  init: "init: never selected",
  oom_disable: "OOM_DISABLE: not scored",
};

function termOf(row, name) {
  return row.terms.find((t) => t.term === name);
}

function termText(t) {
  if (t === undefined) return "";
  switch (t.term) {
    case "total_vm":
      return t.after;
    case "swapoff":
      return "ULONG_MAX";
    case "children":
      return `+${BigInt(t.after) - BigInt(t.before)}`;
    case "nice":
      return "\u00d72";
    case "oomkilladj":
      return BigInt(t.by) > 0n ? `<<${t.by}` : `>>${-BigInt(t.by)}`;
    default:
      return `/${t.by}`;
  }
}

/** A term's effect for comparisons: none when it changed nothing (a divisor of 1). */
function effect(t) {
  if (t === undefined || (t.by === "1" && t.term !== "total_vm")) return "";
  return termText(t);
}

function termKey(row, name) {
  const t = termOf(row, name);
  if (t === undefined)
    return name === "oomkilladj" ? 0n : name === "total_vm" || name === "children" ? -1n : 1n;
  if (name === "total_vm" || name === "swapoff") return BigInt(t.after);
  if (name === "children") return BigInt(t.after) - BigInt(t.before);
  return BigInt(t.by ?? 0);
}

function status(c, row) {
  const sel = c.selected;
  const parts = [];
  if (sel !== null && row.pid === sel.pid) parts.push("selected");
  if (c.victim !== null && row.pid === c.victim.pid)
    parts.push(sel !== null && sel.pid !== row.pid ? `killed (child of ${sel.pid})` : "killed");
  if (row.skip !== null) parts.push(SKIP[row.skip]);
  if (row.aborts !== null)
    parts.push(`selection aborts here (${row.aborts === "memdie" ? "TIF_MEMDIE" : "PF_EXITING"})`);
  return parts.join("; ");
}

function sortRows(c, rows) {
  const { col, dir } = state.sort;
  const key = (r) => {
    if (col === "index") return BigInt(r.index);
    if (col === "pid") return BigInt(r.pid);
    if (col === "tgid") return BigInt(r.tgid);
    if (col === "comm") return r.comm;
    if (col === "points") return r.skip === null ? big(r.points) : -2n;
    if (col === "status") return status(c, r);
    return termKey(r, col);
  };
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const d = typeof ka === "string" ? ka.localeCompare(kb) : cmpBig(ka, kb);
    return d !== 0 ? d * dir : a.index - b.index;
  });
}

function renderBadness() {
  const box = byId("badness-table");
  box.textContent = "";
  byId("whynot").textContent = "";
  const c = callsByKey.get(state.call);
  if (c === undefined) {
    box.append(h("p", { class: "empty" }, "No out_of_memory() call to show."));
    return;
  }
  if (c.badness === null) {
    box.append(
      h(
        "p",
        { class: "empty" },
        c.n === null
          ? "A blocked call scores nothing."
          : "No badness table was recorded for this call.",
      ),
    );
    return;
  }
  const b = c.badness;
  box.append(
    h(
      "p",
      { class: "call-head" },
      `Call ${c.n} at ${c.time} s, relative to current = ${task(c.pid, c.comm)}. Click a column to sort, a row to ask why it was not chosen.`,
    ),
  );
  if (!b.ran) {
    box.append(
      h(
        "p",
        { class: "banner" },
        c.outcome === "panic"
          ? "panic_on_oom panicked before select_bad_process(): the scores below were never computed by the kernel in this call."
          : c.outcome === "deadlock"
            ? "The call deadlocked before any selection: the scores below were never computed by the kernel in this call."
            : `select_bad_process() did not run: ${c.constraint === "cpuset" ? "CONSTRAINT_CPUSET" : "CONSTRAINT_MEMORY_POLICY"} makes current the target with score 0. The scores below are what badness() would give.`,
      ),
    );
  }
  const present = TERMS.filter(
    ([name]) => name !== "swapoff" || b.rows.some((r) => termOf(r, name)),
  );
  const cols = [
    ["index", "#", "r"],
    ["pid", "PID", "r"],
    ["tgid", "TGID", "r"],
    ["comm", "COMM", "l"],
    ...present.map(([name, label]) => [name, label, "r"]),
    ["points", "points", "r"],
    ["status", "", "l"],
  ];
  const head = h(
    "tr",
    null,
    cols.map(([key, label, align]) =>
      h(
        "th",
        {
          class: align === "l" ? "l" : null,
          title: key === "status" ? "sort by status" : `sort by ${label}`,
          onclick: () => {
            state.sort = {
              col: key,
              dir:
                state.sort.col === key
                  ? -state.sort.dir
                  : key === "comm" || key === "index"
                    ? 1
                    : -1,
            };
            renderBadness();
          },
        },
        label || "status",
        state.sort.col === key
          ? h("span", { class: "dir" }, state.sort.dir > 0 ? " \u25b2" : " \u25bc")
          : null,
      ),
    ),
  );
  const body = h("tbody");
  const sorted = sortRows(c, b.rows);
  const shownRows = sorted.slice(0, state.rowLimit);
  // The victim and the chosen task stay in view however long the table is.
  for (const r of sorted.slice(state.rowLimit)) {
    if (r.pid === c.selected?.pid || r.pid === c.victim?.pid || r.pid === state.why)
      shownRows.push(r);
  }
  for (const r of shownRows) {
    const chosen = c.selected !== null && r.pid === c.selected.pid;
    const victim = c.victim !== null && r.pid === c.victim.pid;
    const cls = [
      chosen && "chosen",
      victim && "victim",
      r.skip !== null && "skipped",
      r.aborts !== null && "aborts",
      state.why === r.pid && "picked",
    ]
      .filter(Boolean)
      .join(" ");
    const cells = [
      h("td", null, r.index),
      h("td", null, r.pid),
      h("td", null, r.tgid),
      h("td", { class: "l" }, r.comm),
      ...present.map(([name]) => {
        const t = termOf(r, name);
        return t === undefined
          ? h("td", { class: "term none" }, "\u00b7")
          : h(
              "td",
              {
                class: t.by === "1" ? "term none" : "term",
                title: `${t.detail}: ${t.before} \u2192 ${t.after}`,
              },
              termText(t),
            );
      }),
      h("td", { class: "pts" }, r.points === null ? "-" : r.points),
      h("td", { class: "l status" }, status(c, r)),
    ];
    body.append(
      h(
        "tr",
        {
          class: cls || null,
          "data-pid": r.pid,
          onclick: () => {
            state.why = r.pid;
            renderBadness();
            byId("whynot").scrollIntoView({ block: "nearest" });
          },
        },
        cells,
      ),
    );
  }
  box.append(
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "badness" }, h("thead", null, head), body),
    ),
  );
  if (shownRows.length < sorted.length) {
    box.append(
      h(
        "p",
        { class: "hint" },
        `${shownRows.length} of ${sorted.length} rows shown. `,
        h(
          "button",
          {
            type: "button",
            id: "all-rows",
            onclick: () => {
              state.rowLimit = Number.POSITIVE_INFINITY;
              renderBadness();
            },
          },
          "Show every row",
        ),
      ),
    );
  }
  if (b.omitted > 0)
    box.append(h("p", { class: "hint" }, `${b.omitted} lower-scored rows left out.`));
  renderWhyNot(c);
}

function renderWhyNot(c) {
  const box = byId("whynot");
  box.textContent = "";
  const rows = c.badness.rows;
  const row = rows.find((r) => r.pid === state.why);
  if (row === undefined) {
    box.append(
      h(
        "p",
        { class: "hint" },
        "Why not this one? Click a task's row to set its terms beside the chosen task's.",
      ),
    );
    return;
  }
  const sel = c.selected === null ? null : rows.find((r) => r.pid === c.selected.pid);
  box.append(h("h3", null, `Why not ${task(row.pid, row.comm)}?`));
  const names = TERMS.map(([n]) => n).filter((n) => termOf(row, n) || (sel && termOf(sel, n)));
  const cell = (r, name) => {
    const t = r ? termOf(r, name) : undefined;
    if (t === undefined) return h("td", null, "\u2014");
    const diff = sel && r === row && effect(termOf(sel, name)) !== effect(t);
    const text =
      name === "total_vm" ? `${t.after} pages` : `${termText(t)}: ${t.before} \u2192 ${t.after}`;
    return h("td", { class: diff ? "diff" : null }, text, h("span", { class: "d" }, t.detail));
  };
  const headRow = h(
    "tr",
    null,
    h("th", null, "step"),
    sel ? h("th", null, `chosen: ${task(sel.pid, sel.comm)}`) : null,
    h("th", null, `this: ${task(row.pid, row.comm)}`),
  );
  const body = names.map((n) =>
    h(
      "tr",
      null,
      h("th", null, TERMS.find(([k]) => k === n)[1]),
      sel ? cell(sel, n) : null,
      cell(row, n),
    ),
  );
  const pts = h(
    "tr",
    null,
    h("th", null, "badness()"),
    sel ? h("td", null, sel.points ?? "-") : null,
    h("td", null, row.points ?? "-"),
  );
  box.append(h("table", null, h("thead", null, headRow), h("tbody", null, body, pts)));
  box.append(h("p", { class: "verdict" }, verdict(c, row, sel)));
}

function verdict(c, row, sel) {
  const b = c.badness;
  if (!b.ran)
    return "No task was selected in this call: the constraint (or a panic) came first, so scores decided nothing.";
  if (row.aborts !== null)
    return `The selection stopped at this task: it ${row.aborts === "memdie" ? "already has TIF_MEMDIE" : "is exiting"} and still holds its mm, so select_bad_process() returned ERR_PTR(-1) and nothing was killed.`;
  if (row.skip === "no_mm")
    return "It has no mm (a kernel thread, a zombie, or a task past exit_mm): select_bad_process() skips it.";
  if (row.skip === "init") return "It is init (pid 1): select_bad_process() never selects it.";
  if (row.skip === "oom_disable")
    return `Its oomkilladj is -17 (OOM_DISABLE): select_bad_process() skips it${row.points !== null ? `, though badness() would give it ${row.points}` : ""}.`;
  if (sel === undefined || sel === null) return "No task was chosen.";
  if (row.pid === sel.pid) {
    if (c.victim !== null && c.victim.pid !== sel.pid)
      return `This is the chosen task; oom_kill_process() then killed its child ${task(c.victim.pid, c.victim.comm)} first.`;
    return "This is the chosen task.";
  }
  const mine = BigInt(row.points);
  const chosenScore = BigInt(c.selected.points);
  const theirs = BigInt(sel.points);
  if (chosenScore > theirs)
    return `The chosen task is current and exiting: it was chosen with ${c.selected.points} points (ULONG_MAX), which no score can beat.`;
  const diff = TERMS.map(([n, label]) => [
    n,
    label,
    effect(termOf(sel, n)),
    effect(termOf(row, n)),
  ]).filter(([n, , a, b2]) => n !== "total_vm" && a !== b2);
  const terms =
    diff.length === 0
      ? ""
      : ` Terms that differ: ${diff.map(([, label, a, b2]) => `${label} ${a || "none"} vs ${b2 || "none"}`).join("; ")}.`;
  const killed =
    c.victim !== null && c.victim.pid === row.pid
      ? " It was killed all the same: oom_kill_process() kills the chosen task's first child with its own mm before the task itself."
      : "";
  if (mine < theirs) return `${row.points} < ${sel.points}: a lower score.${terms}${killed}`;
  if (mine === theirs)
    return `The same score, ${row.points}: a task replaces the chosen one only with a strictly greater score, so the first in the task list wins (#${sel.index} before #${row.index}).${killed}`;
  return `${row.points} > ${sel.points}, yet it was not chosen.${terms}`;
}

// ---------------------------------------------------------------- replayed events

const REPLAY_COLS = [
  ["pid", "PID", "r"],
  ["comm", "COMM", "l"],
  ["uid", "uid", "r"],
  ["totalVm", "total_vm", "r"],
  ["rss", "rss", "r"],
  ["swap", "swap", "r"],
  ["pgtables", "pgtables", "r"],
  ["oomScoreAdj", "oom_score_adj", "r"],
  ["points", "points (its kernel)", "r"],
  ["badness2620", "2.6.20 badness()", "r"],
  ["status", "", "l"],
];

function badgeOf(match) {
  if (match === null) return h("span", { class: "badge unknown" }, "no verdict");
  return match
    ? h("span", { class: "badge agrees" }, "agrees")
    : h("span", { class: "badge differs" }, "DIFFERS");
}

function replayStatus(r, t) {
  const parts = [];
  if (r.actual && t.pid === r.actual.pid) parts.push("the kernel's victim");
  if (r.killedInstead && t.pid === r.killedInstead.pid) parts.push("killed instead (a child)");
  for (const p of r.predictions) if (p.victim && p.victim.pid === t.pid) parts.push(p.policy);
  return parts.join("; ");
}

function selectReplay(key) {
  const r = replayByKey.get(key);
  if (r === undefined) return;
  state.call = key;
  for (const b of document.querySelectorAll("#calls button"))
    b.classList.toggle("on", b.dataset.call === key);
  byId("call-head").textContent =
    `OOM event ${r.index + 1}, ${r.where}${r.time ? `, ${r.time}` : ""}: kernel ${r.kernel}${r.constraint ? `, ${r.constraint}` : ""}${r.complete ? "" : " (incomplete report)"}. ${r.verdict}`;
  const pred = byId("predictions");
  pred.textContent = "";
  pred.append(
    h(
      "table",
      { class: "predictions" },
      h(
        "thead",
        null,
        h("tr", null, h("th", null, "who"), h("th", null, "victim"), h("th", null, "")),
      ),
      h(
        "tbody",
        null,
        h(
          "tr",
          { class: "kernel" },
          h("th", null, "the kernel"),
          h("td", null, r.actual ? task(r.actual.pid, r.actual.comm) : "unknown"),
          h(
            "td",
            null,
            r.killedInstead ? `killed ${task(r.killedInstead.pid, r.killedInstead.comm)}` : "",
          ),
        ),
        r.predictions.map((p) =>
          h(
            "tr",
            null,
            h("th", null, p.policy),
            h("td", null, p.victim ? task(p.victim.pid, p.victim.comm) : "none"),
            h("td", null, badgeOf(p.agrees)),
          ),
        ),
      ),
    ),
  );
  renderReplayTable(r);
  redrawCharts();
}

function renderReplayTable(r) {
  const box = byId("badness-table");
  box.textContent = "";
  const why = byId("whynot");
  why.textContent = "";
  if (r.tasks.length === 0) {
    box.append(h("p", { class: "empty" }, "This report printed no task table."));
  } else {
    const { col, dir } = state.sort;
    const key = (t) => {
      if (col === "comm") return t.comm;
      if (col === "status") return replayStatus(r, t);
      if (col === "pid" || col === "oomScoreAdj") return BigInt(t[col]);
      const v = t[col === "index" ? "pid" : col];
      return v === null || v === undefined ? -1n : BigInt(v);
    };
    const rows = [...r.tasks].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const d = typeof ka === "string" ? ka.localeCompare(kb) : cmpBig(ka, kb);
      return d * dir;
    });
    const head = h(
      "tr",
      null,
      REPLAY_COLS.map(([k, label, align]) =>
        h(
          "th",
          {
            class: align === "l" ? "l" : null,
            onclick: () => {
              state.sort = {
                col: k,
                dir: state.sort.col === k ? -state.sort.dir : k === "comm" ? 1 : -1,
              };
              renderReplayTable(r);
            },
          },
          label || "status",
          state.sort.col === k
            ? h("span", { class: "dir" }, state.sort.dir > 0 ? " \u25b2" : " \u25bc")
            : null,
        ),
      ),
    );
    const body = h(
      "tbody",
      null,
      rows.map((t) =>
        h(
          "tr",
          {
            class: r.actual && t.pid === r.actual.pid ? "victim" : null,
            "data-pid": t.pid,
          },
          REPLAY_COLS.map(([k, , align]) =>
            h(
              "td",
              { class: align === "l" ? "l" : null },
              k === "status" ? replayStatus(r, t) : (t[k] ?? "-"),
            ),
          ),
        ),
      ),
    );
    box.append(
      h(
        "div",
        { class: "table-wrap" },
        h("table", { class: "badness" }, h("thead", null, head), body),
      ),
    );
  }
  const notes = [...r.notes, ...r.assumptions];
  if (notes.length > 0)
    why.append(
      h("h3", null, "Notes and assumptions"),
      h(
        "ul",
        null,
        notes.map((n) => h("li", null, n)),
      ),
    );
}

// ---------------------------------------------------------------- kernel log

const logLines = [...document.querySelectorAll("#log .ll[data-i]")];

function selectLine(i, scroll) {
  state.line = i;
  for (const e of logLines) e.classList.toggle("picked", Number(e.dataset.i) === i);
  const l = data.log[i];
  const panel = byId("event-panel");
  panel.textContent = "";
  const c = l.call === null ? undefined : callsByKey.get(l.call);
  if (isReplay) {
    const r = replayByKey.get(l.call);
    panel.append(h("h3", null, `Line ${i + 1}: OOM event ${r.index + 1}, ${r.where}`));
    if (state.call !== r.key) selectReplay(r.key);
    panel.append(h("pre", { class: "event" }, data.events[l.event]));
    if (scroll) byId(`log-${i}`).scrollIntoView({ block: "center" });
    return;
  }
  panel.append(h("h3", null, `Line ${i + 1}, at ${l.t.toFixed(6)} s`));
  if (c !== undefined) {
    const info = flowInfo.get(l.node);
    panel.append(
      h(
        "p",
        null,
        `Printed by ${info ? `the step \u201c${info.title}\u201d` : "a step"} of ${c.n === null ? "a blocked call" : `call ${c.n}`}.`,
      ),
    );
    if (state.call !== c.key) selectCall(c.key);
    state.node = l.node;
    lightPath();
    showStep();
  } else {
    panel.append(h("p", null, "Printed outside out_of_memory(); the event it belongs to:"));
  }
  panel.append(h("pre", { class: "event" }, data.events[l.event]));
  redrawCharts();
  if (scroll) {
    const e = byId(`log-${i}`);
    e.scrollIntoView({ block: "center" });
  }
}

for (const e of logLines) e.addEventListener("click", () => selectLine(Number(e.dataset.i), false));

// ---------------------------------------------------------------- start

buildCharts();
if (state.call !== null) selectCall(state.call);
else if (!isReplay) {
  lightPath();
  renderBadness();
}
