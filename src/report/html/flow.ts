/**
 * The OOM killer's flow (docs/oom-path.md §7, §8) as a diagram: the steps of
 * `out_of_memory()` from the allocation failure to the retry, with every branch the
 * 2.6.20 code can take, laid out on a grid and drawn as SVG. Each node has an id that
 * the report's data model uses to say which steps an invocation took.
 */

export type FlowNodeId =
  | "alloc_fail"
  | "out_of_memory"
  | "notifiers"
  | "notifier_freed"
  | "warning"
  | "locks"
  | "blocked"
  | "constraint"
  | "deadlock"
  | "kill_current"
  | "panic_on_oom"
  | "panic"
  | "select"
  | "memdie_abort"
  | "badness"
  | "no_killable"
  | "oom_kill_process"
  | "pf_exiting"
  | "child_first"
  | "kill_child"
  | "kill_self"
  | "oom_kill_task"
  | "oom_disable_skip"
  | "sigkill"
  | "unlock"
  | "sleep"
  | "retry";

/** Where a node sits: the main column, its two halves, or the side columns. */
type Column = "main" | "half1" | "half2" | "left" | "right";

export interface FlowNode {
  id: FlowNodeId;
  title: string;
  sub: string;
  /** What the step does, for the details panel. */
  about: string;
  row: number;
  col: Column;
  /** A branch off the main line. */
  branch: boolean;
}

export interface FlowEdge {
  from: FlowNodeId;
  to: FlowNodeId;
  label?: string;
  /** A vertical lane the edge runs down, at this x, when it joins a node far below. */
  lane?: number;
}

export const FLOW_NODES: readonly FlowNode[] = [
  {
    id: "alloc_fail",
    title: "Allocation failure",
    sub: "__alloc_pages(): no page even after reclaim",
    about:
      "Direct reclaim made no progress for an allocation with __GFP_FS and without __GFP_NORETRY; a last attempt at the high watermark failed too (oom-path §4.5 step 11).",
    row: 0,
    col: "main",
    branch: false,
  },
  {
    id: "out_of_memory",
    title: "out_of_memory(zonelist, gfp_mask, order)",
    sub: "mm/oom_kill.c",
    about: "The allocator calls the OOM killer with the original gfp_mask (oom-path §7).",
    row: 1,
    col: "main",
    branch: false,
  },
  {
    id: "notifiers",
    title: "1. OOM notifier chain",
    sub: "freed = blocking_notifier_call_chain()",
    about: "Every registered OOM notifier may free memory and add to `freed` (oom-path §7.1).",
    row: 2,
    col: "main",
    branch: false,
  },
  {
    id: "notifier_freed",
    title: "A notifier freed memory",
    sub: "freed > 0: return at once",
    about: "No message, no lock, no sleep: the allocator simply tries again (oom-path §7.1).",
    row: 2,
    col: "right",
    branch: true,
  },
  {
    id: "warning",
    title: "2. Warning",
    sub: "\u201cinvoked oom-killer\u201d, dump_stack(), show_mem()",
    about:
      "When printk_ratelimit() lets it through: the header line with current's comm, the mask, the order and current's oomkilladj, a stack dump and the memory report (oom-path §7.2).",
    row: 3,
    col: "main",
    branch: false,
  },
  {
    id: "locks",
    title: "3. Locks",
    sub: "cpuset_lock(), read_lock(&tasklist_lock)",
    about:
      "cpuset_lock() takes callback_mutex, then the tasklist lock is taken for reading (oom-path §7.3).",
    row: 4,
    col: "main",
    branch: false,
  },
  {
    id: "blocked",
    title: "Blocked on cpuset_lock()",
    sub: "held by a deadlocked task: for ever",
    about:
      "An earlier caller deadlocked inside constrained_alloc() with callback_mutex held; every later caller of cpuset_lock() blocks behind it (oom-path §7.4, quirk Q4).",
    row: 4,
    col: "right",
    branch: true,
  },
  {
    id: "constraint",
    title: "4. constrained_alloc()",
    sub: "CONSTRAINT_NONE, _CPUSET or _MEMORY_POLICY",
    about:
      "Without NUMA always CONSTRAINT_NONE; with NUMA, a zone the cpuset does not allow gives CONSTRAINT_CPUSET, a zonelist that misses a node with memory CONSTRAINT_MEMORY_POLICY (oom-path §7.4).",
    row: 5,
    col: "main",
    branch: false,
  },
  {
    id: "deadlock",
    title: "Cpuset self-deadlock (Q4)",
    sub: "callback_mutex taken twice: hangs",
    about:
      "The softwall cpuset test tries to take callback_mutex, which cpuset_lock() already holds: current never returns (oom-path §7.4, quirk Q4).",
    row: 5,
    col: "right",
    branch: true,
  },
  {
    id: "kill_current",
    title: "Kill current",
    sub: "constrained: score 0",
    about:
      "In the constrained cases no task is selected: oom_kill_process(current, 0, \u2026) with \u201cNo available memory (MPOL_BIND)\u201d or \u201cNo available memory in cpuset\u201d (oom-path §7.5).",
    row: 5,
    col: "left",
    branch: true,
  },
  {
    id: "panic_on_oom",
    title: "sysctl_panic_on_oom?",
    sub: "tested in the CONSTRAINT_NONE case only",
    about: "A non-zero vm.panic_on_oom panics before any selection (oom-path §7.5).",
    row: 6,
    col: "main",
    branch: false,
  },
  {
    id: "panic",
    title: "panic()",
    sub: "out of memory. panic_on_oom is selected",
    about: "Kernel panic with both locks held; the machine stops (oom-path §7.7).",
    row: 6,
    col: "right",
    branch: true,
  },
  {
    id: "select",
    title: "select_bad_process()",
    sub: "every thread; skips no mm, init, OOM_DISABLE",
    about:
      "Walks every task in do_each_thread order: a task without mm and pid 1 are skipped, a TIF_MEMDIE task (or an exiting task other than current) aborts, an OOM_DISABLE task is skipped (oom-path §6).",
    row: 7,
    col: "main",
    branch: false,
  },
  {
    id: "memdie_abort",
    title: "TIF_MEMDIE abort",
    sub: "a victim is still dying: kill nothing",
    about:
      "A task with TIF_MEMDIE (or an exiting task that is not current) still holds its mm: select_bad_process() returns ERR_PTR(-1) and nothing is killed (oom-path §6).",
    row: 7,
    col: "right",
    branch: true,
  },
  {
    id: "badness",
    title: "badness() per task",
    sub: "the highest score wins; ties go to the first",
    about:
      "total_vm, half of each child's own mm, divided by CPU and run time, doubled for nice, divided for root, raw I/O and a foreign cpuset, shifted by oomkilladj (oom-path §5).",
    row: 8,
    col: "main",
    branch: false,
  },
  {
    id: "no_killable",
    title: "Nothing killable",
    sub: "panic(): no killable processes",
    about:
      "No task reached the scoring step: \u201cOut of memory and no killable processes...\u201d (oom-path §7.5, §7.7).",
    row: 8,
    col: "right",
    branch: true,
  },
  {
    id: "oom_kill_process",
    title: "5. oom_kill_process(p, points)",
    sub: "\u201ckill process \u2026 score \u2026 or a child\u201d",
    about: "Logs the choice at KERN_ERR, then kills a child first, or p itself (oom-path §8.1).",
    row: 9,
    col: "main",
    branch: false,
  },
  {
    id: "pf_exiting",
    title: "p is PF_EXITING",
    sub: "TIF_MEMDIE, no message, return",
    about:
      "An exiting task gets __oom_kill_task(p, 0): a time slice, TIF_MEMDIE and SIGKILL, and nothing is logged (oom-path §8.1).",
    row: 9,
    col: "right",
    branch: true,
  },
  {
    id: "child_first",
    title: "Child first",
    sub: "children with their own mm, in list order",
    about:
      "The first entry of p's children list whose mm differs from p's and that oom_kill_task() accepts is killed instead of p (oom-path §8.1).",
    row: 10,
    col: "main",
    branch: false,
  },
  {
    id: "kill_child",
    title: "Kill a child",
    sub: "oom_kill_task(child)",
    about: "A child with its own mm is the victim; p lives (oom-path §8.1 step 3).",
    row: 11,
    col: "half1",
    branch: false,
  },
  {
    id: "kill_self",
    title: "Kill p itself",
    sub: "no child could be killed",
    about: "No child entry was killable: oom_kill_task(p) (oom-path §8.1 step 4).",
    row: 11,
    col: "half2",
    branch: false,
  },
  {
    id: "oom_kill_task",
    title: "6. oom_kill_task()",
    sub: "no mm, or OOM_DISABLE: returns 1",
    about:
      "Refuses a task without mm, and one whose own oomkilladj is OOM_DISABLE; otherwise kills it (oom-path §8.2).",
    row: 12,
    col: "main",
    branch: false,
  },
  {
    id: "oom_disable_skip",
    title: "OOM_DISABLE skip",
    sub: "own oomkilladj -17 (Q1): not killed",
    about:
      "oom_kill_task() returns 1 for a task whose own oomkilladj is -17; the walk goes on to the next child, or nothing is killed (oom-path §8.2, quirk Q1).",
    row: 12,
    col: "right",
    branch: true,
  },
  {
    id: "sigkill",
    title: "__oom_kill_task(): SIGKILL",
    sub: "time_slice = HZ, TIF_MEMDIE, force_sig()",
    about:
      "\u201cKilled process\u201d, a whole second of time slice, TIF_MEMDIE (access to the reserves) and SIGKILL; processes sharing the mm are not signalled (oom-path §8.3, quirk Q2).",
    row: 13,
    col: "main",
    branch: false,
  },
  {
    id: "unlock",
    title: "7. Unlock",
    sub: "the tasklist lock, then the cpusets",
    about: "Both locks are released (oom-path §7.6).",
    row: 14,
    col: "main",
    branch: false,
  },
  {
    id: "sleep",
    title: "8. Sleep one jiffy",
    sub: "unless current has TIF_MEMDIE",
    about:
      "schedule_timeout_uninterruptible(1); a current that just got TIF_MEMDIE skips it (oom-path §7.6).",
    row: 15,
    col: "main",
    branch: false,
  },
  {
    id: "retry",
    title: "Back to the allocator",
    sub: "restart: try the allocation again",
    about: "__alloc_pages() goes back to restart, kswapd wake-ups included (oom-path §4.5).",
    row: 16,
    col: "main",
    branch: false,
  },
];

const LANE_UNLOCK = 1000;
const LANE_RETRY = 1018;
const LANE_LEFT = 220;

export const FLOW_EDGES: readonly FlowEdge[] = [
  { from: "alloc_fail", to: "out_of_memory" },
  { from: "out_of_memory", to: "notifiers" },
  { from: "notifiers", to: "notifier_freed", label: "freed > 0" },
  { from: "notifiers", to: "warning", label: "freed == 0" },
  { from: "warning", to: "locks" },
  { from: "locks", to: "blocked", label: "held" },
  { from: "locks", to: "constraint" },
  { from: "constraint", to: "deadlock", label: "Q4" },
  { from: "constraint", to: "kill_current", label: "CPUSET, MPOL" },
  { from: "constraint", to: "panic_on_oom", label: "NONE" },
  { from: "kill_current", to: "oom_kill_process" },
  { from: "panic_on_oom", to: "panic", label: "non-zero" },
  { from: "panic_on_oom", to: "select", label: "0" },
  { from: "select", to: "memdie_abort", label: "abort" },
  { from: "select", to: "badness" },
  { from: "badness", to: "no_killable", label: "none" },
  { from: "badness", to: "oom_kill_process" },
  { from: "oom_kill_process", to: "pf_exiting", label: "exiting" },
  { from: "oom_kill_process", to: "child_first" },
  { from: "child_first", to: "kill_child" },
  { from: "child_first", to: "kill_self" },
  { from: "kill_child", to: "oom_kill_task" },
  { from: "kill_self", to: "oom_kill_task" },
  { from: "oom_kill_task", to: "oom_disable_skip", label: "returns 1" },
  { from: "oom_kill_task", to: "sigkill" },
  { from: "sigkill", to: "unlock" },
  { from: "memdie_abort", to: "unlock", lane: LANE_UNLOCK },
  { from: "pf_exiting", to: "unlock", lane: LANE_UNLOCK },
  { from: "oom_disable_skip", to: "unlock", lane: LANE_UNLOCK },
  { from: "unlock", to: "sleep" },
  { from: "unlock", to: "retry", label: "TIF_MEMDIE", lane: LANE_LEFT },
  { from: "sleep", to: "retry" },
  { from: "notifier_freed", to: "retry", lane: LANE_RETRY },
];

const ROW_H = 62;
const NODE_H = 44;
const TOP = 14;
const WIDTH = 1030;

const COLUMNS: Readonly<Record<Column, { x: number; w: number }>> = {
  main: { x: 240, w: 360 },
  half1: { x: 240, w: 175 },
  half2: { x: 425, w: 175 },
  left: { x: 6, w: 152 },
  right: { x: 690, w: 290 },
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function boxOf(n: FlowNode): Box {
  const c = COLUMNS[n.col];
  return { x: c.x, y: TOP + n.row * ROW_H, w: c.w, h: NODE_H };
}

const byId = new Map(FLOW_NODES.map((n) => [n.id, n]));

export function flowNode(id: FlowNodeId): FlowNode {
  return byId.get(id)!;
}

function edgePath(e: FlowEdge): { d: string; lx: number; ly: number; anchor: string } {
  const a = boxOf(byId.get(e.from)!);
  const b = boxOf(byId.get(e.to)!);
  const aMid = a.y + a.h / 2;
  const bMid = b.y + b.h / 2;
  if (e.lane !== undefined) {
    if (e.lane < a.x) {
      // Down the left side: out of the left edge, into the target's left edge.
      const d = `M${a.x},${aMid} H${e.lane} V${bMid} H${b.x}`;
      return { d, lx: e.lane - 4, ly: aMid + 16, anchor: "end" };
    }
    const d = `M${a.x + a.w},${aMid} H${e.lane} V${bMid} H${b.x + b.w}`;
    return { d, lx: e.lane, ly: aMid - 4, anchor: "end" };
  }
  if (a.y === b.y) {
    // Same row: sideways, the label above the middle of the line.
    if (b.x > a.x) {
      const d = `M${a.x + a.w},${aMid} H${b.x}`;
      return { d, lx: (a.x + a.w + b.x) / 2, ly: aMid - 5, anchor: "middle" };
    }
    const d = `M${a.x},${aMid} H${b.x + b.w}`;
    return { d, lx: (a.x + b.x + b.w) / 2, ly: aMid - 5, anchor: "middle" };
  }
  const bCx = b.x + b.w / 2;
  if (bCx >= a.x && bCx <= a.x + a.w) {
    // Straight down, at the target's centre.
    const d = `M${bCx},${a.y + a.h} V${b.y}`;
    return { d, lx: bCx + 6, ly: a.y + a.h + 12, anchor: "start" };
  }
  const aCx = a.x + a.w / 2;
  if (aCx >= b.x && aCx <= b.x + b.w) {
    const d = `M${aCx},${a.y + a.h} V${b.y}`;
    return { d, lx: aCx + 6, ly: a.y + a.h + 12, anchor: "start" };
  }
  if (bCx > aCx) {
    // Down a side column, then sideways into the target's left edge.
    const d = `M${aCx},${a.y + a.h} V${bMid} H${b.x}`;
    return { d, lx: aCx + 6, ly: a.y + a.h + 12, anchor: "start" };
  }
  const d = `M${aCx},${a.y + a.h} V${bMid} H${b.x + b.w}`;
  return { d, lx: aCx + 6, ly: a.y + a.h + 12, anchor: "start" };
}

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The whole diagram, every node and edge unlit; the page lights an invocation's path. */
export function flowSvg(): string {
  const height = TOP * 2 + (FLOW_NODES.reduce((m, n) => Math.max(m, n.row), 0) + 1) * ROW_H;
  const out: string[] = [];
  out.push(
    `<svg class="flow" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="The 2.6.20 OOM killer's flow">`,
    "<defs>",
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker>',
    '<marker id="arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head-lit"/></marker>',
    "</defs>",
    '<g class="edges">',
  );
  for (const e of FLOW_EDGES) {
    const p = edgePath(e);
    out.push(
      `<g class="edge" data-from="${e.from}" data-to="${e.to}"><path d="${p.d}"/>${
        e.label === undefined
          ? ""
          : `<text x="${p.lx}" y="${p.ly}" text-anchor="${p.anchor}">${esc(e.label)}</text>`
      }</g>`,
    );
  }
  out.push("</g>", '<g class="nodes">');
  for (const n of FLOW_NODES) {
    const b = boxOf(n);
    const cx = b.x + b.w / 2;
    out.push(
      `<g class="node${n.branch ? " branch" : ""}" data-node="${n.id}" tabindex="0" role="button">`,
      `<title>${esc(n.about)}</title>`,
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="7"/>`,
      `<text class="t" x="${cx}" y="${b.y + 18}" text-anchor="middle">${esc(n.title)}</text>`,
      `<text class="s" x="${cx}" y="${b.y + 34}" text-anchor="middle">${esc(n.sub)}</text>`,
      "</g>",
    );
  }
  out.push("</g>", "</svg>");
  return out.join("");
}
