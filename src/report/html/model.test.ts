import { describe, expect, it } from "vitest";
import { buildSnapshot, type SnapshotSpec } from "../../../test/support/build.js";
import { runOutOfMemory } from "../../oom/out_of_memory.js";
import type { EventBody, MemInfo, SimEvent } from "../../sim/events.js";
import { traceEvents } from "../../sim/oom-call.js";
import { FLOW_EDGES, FLOW_NODES, flowSvg } from "./flow.js";
import { buildReportModel, logNode, thinSamples } from "./model.js";
import { renderHtmlReport, scriptJson } from "./render.js";

/** A memory report with nothing in it, for show_mem() events. */
const NO_MEM: MemInfo = {
  arch: "x86_64",
  numa: false,
  zones: [],
  active: 0,
  inactive: 0,
  dirty: 0,
  writeback: 0,
  unstable: 0,
  free: 0,
  slab: 0,
  mapped: 0,
  pagetables: 0,
  swapCache: { add: 0, delete: 0, findSuccess: 0, findTotal: 0, noentRace: 0, existRace: 0 },
  swapFreePages: 0,
  swapTotalPages: 0,
  totalPages: 0,
  highmemPages: 0,
  reservedPages: 0,
  sharedPages: 0,
  swapCachedPages: 0,
};

const START: SimEvent = {
  type: "sim.start",
  tick: 250_000,
  seed: 1,
  bits: 64,
  hz: 250,
  tasks: 3,
  presentPages: 1000,
  printkTime: false,
  machine: { numa: false, cpus: 1, zones: [], swapPages: 0 },
};

/** The events the simulator emits for one out_of_memory() call on this snapshot. */
function oneCall(spec: SnapshotSpec, before: SimEvent[] = []) {
  const snapshot = buildSnapshot(spec);
  const result = runOutOfMemory(snapshot);
  const tick = 250_000;
  const cur = snapshot.tasks.find((t) => t.pid === snapshot.current)!;
  const comm = (pid: number) => snapshot.tasks.find((t) => t.pid === pid)?.comm ?? "";
  const events: SimEvent[] = [
    START,
    ...before,
    {
      type: "oom.invoked",
      tick,
      n: 1,
      pid: cur.pid,
      comm: cur.comm,
      gfpMask: snapshot.request.gfp_mask,
      order: 0,
    },
  ];
  const emit = (e: EventBody) => events.push({ ...e, tick } as SimEvent);
  traceEvents(1, result, cur, {
    emit,
    commOf: comm,
    memInfo: () => NO_MEM,
    onKilled: (kill) =>
      emit({
        type: "oom.kill",
        n: 1,
        selected: kill.selected,
        points: kill.points.toString(),
        victim: kill.pid!,
        comm: comm(kill.pid!),
        constraint: result.constraint ?? "none",
      }),
  });
  events.push({ type: "oom.result", tick, n: 1, outcome: result.outcome, sleep: result.sleep });
  const model = buildReportModel({
    title: "t",
    events,
    calls: [{ n: 1, snapshot: () => snapshot, result }],
  });
  return { ...model.calls[0]!, model };
}

const NO_NUMA = { numa: false, cpusetsEnabled: false };

describe("the report's path of one out_of_memory() call", () => {
  it("an exiting current is chosen and takes the PF_EXITING branch: no message, no child", () => {
    const c = oneCall({
      ...NO_NUMA,
      current: 100,
      tasks: [
        { pid: 1, comm: "init", vm: 100 },
        { pid: 100, parent: 1, comm: "dying", vm: 1000, flags: ["PF_EXITING"] },
        { pid: 101, parent: 100, comm: "child", vm: 5000 },
      ],
    });
    expect(c.path).toContain("pf_exiting");
    expect(c.path).not.toContain("child_first");
    expect(c.path.at(-1)).toBe("retry");
  });

  it("a notifier that freed memory returns at once", () => {
    const c = oneCall({
      ...NO_NUMA,
      current: 100,
      notifier_freed: 10,
      tasks: [
        { pid: 1, comm: "init", vm: 100 },
        { pid: 100, parent: 1, comm: "a", vm: 1000 },
      ],
    });
    expect(c.path).toEqual(["alloc_fail", "out_of_memory", "notifiers", "notifier_freed", "retry"]);
  });

  it("nothing killable: the selection finds no task and the kernel panics", () => {
    const c = oneCall({
      ...NO_NUMA,
      current: 100,
      tasks: [
        { pid: 1, comm: "init", vm: 100 },
        { pid: 100, parent: 1, comm: "a", vm: 1000, adj: -17 },
      ],
    });
    expect(c.path.slice(-3)).toEqual(["select", "badness", "no_killable"]);
    expect(c.outcome).toBe("panic");
  });

  it("an OOM_DISABLE child is passed over and the next child killed", () => {
    const c = oneCall({
      ...NO_NUMA,
      current: 200,
      tasks: [
        { pid: 1, comm: "init", vm: 100 },
        { pid: 100, parent: 1, comm: "parent", vm: 1000 },
        { pid: 101, parent: 100, comm: "guarded", vm: 8000, adj: -17 },
        { pid: 102, parent: 100, comm: "plain", vm: 8000 },
        { pid: 200, parent: 1, comm: "leaker", vm: 500 },
      ],
    });
    expect(c.selected?.pid).toBe(100);
    expect(c.victim?.pid).toBe(102);
    expect(c.path).toContain("kill_child");
    expect(c.also).toEqual(["oom_disable_skip"]);
    expect(c.notes.oom_disable_skip).toContain("guarded (101)");
    const rows = c.badness!.rows;
    expect(rows.find((r) => r.pid === 101)!.skip).toBe("oom_disable");
    expect(rows.find((r) => r.pid === 100)!.terms.map((t) => t.term)).toContain("children");
  });

  it("a line printed before the call is not the call's, and links to the event after it", () => {
    const tick = 249_000;
    const c = oneCall(
      {
        ...NO_NUMA,
        current: 100,
        tasks: [
          { pid: 1, comm: "init", vm: 100 },
          { pid: 100, parent: 1, comm: "a", vm: 1000 },
        ],
      },
      [
        {
          type: "log",
          tick,
          level: "KERN_WARNING",
          text: "a: page allocation failure. order:0, mode:0x20",
        },
        { type: "alloc.fail", tick, pid: 100, gfpMask: 0x20, order: 0, printed: true },
      ],
    );
    const [first] = c.model.log;
    expect(first!.call).toBeNull();
    expect(c.model.events[first!.event]).toContain('"type":"alloc.fail"');
    expect(c.log.map((i) => c.model.log[i]!.text)).not.toContain(first!.text);
    expect(c.log.length).toBeGreaterThan(0);
  });

  it("a log line belongs to the step that prints it", () => {
    expect(logNode("a invoked oom-killer: gfp_mask=0xd0, order=0, oomkilladj=0", null)).toBe(
      "warning",
    );
    expect(logNode("Out of memory: kill process 9 (x) score -1 or a child", null)).toBe(
      "oom_kill_process",
    );
    expect(logNode("Killed process 9 (x)", null)).toBe("sigkill");
    expect(
      logNode("Kernel panic - not syncing: out of memory. panic_on_oom is selected", null),
    ).toBe("panic");
    expect(logNode("", "panic")).toBe("panic");
  });
});

describe("the flow diagram", () => {
  it("every edge joins two nodes, and every node is drawn", () => {
    const ids = new Set(FLOW_NODES.map((n) => n.id));
    for (const e of FLOW_EDGES) {
      expect(ids.has(e.from)).toBe(true);
      expect(ids.has(e.to)).toBe(true);
    }
    const svg = flowSvg();
    for (const id of ids) expect(svg).toContain(`data-node="${id}"`);
  });
});

describe("thinning memory samples", () => {
  it("keeps the extremes and at most the limit", () => {
    const n = 10_000;
    const ticks = Array.from({ length: n }, (_, i) => i);
    const free = [ticks.map((i) => (i === 4321 ? 0 : 1000 + (i % 7)))];
    const m = thinSamples({ zones: [], ticks, free }, 400);
    expect(m.ticks.length).toBeLessThanOrEqual(400);
    expect(m.free[0]).toContain(0);
    expect(m.ticks[0]).toBe(0);
    expect(m.ticks.at(-1)).toBe(n - 1);
  });
});

describe("the HTML document", () => {
  it("inlines data that cannot close its script element", () => {
    expect(scriptJson({ a: "</script><!--" })).not.toContain("<");
    const html = renderHtmlReport(buildReportModel({ title: "</title>", events: [] }), {
      uplotJs: "var uPlot = 1; // </script>",
      uplotCss: "",
      pageJs: "",
    });
    expect(html).toContain("&lt;/title&gt;");
    expect(html.match(/<\/script>/g)!.length).toBe(3);
  });
});
