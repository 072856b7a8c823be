/**
 * The timeline of a scenario compiled to ticks: one scheduled action per entry (or per
 * repetition), each with its target left to be resolved when it fires.
 */

import type { ScheduledAction } from "./engine.js";
import { ACTION_KEYS, type Scenario } from "./scenario-schema.js";
import { parseGfp, sizeToPages, timeToTicks } from "./units.js";

/**
 * The most actions a timeline may schedule in all, repetitions included: a few bytes of
 * `repeat` must not ask for hours of work or gigabytes of queue (the bound is said in the
 * error).
 */
export const MAX_TIMELINE_ACTIONS = 1_000_000;

/** Every timeline entry as scheduled actions; `err` builds the error for a bad entry. */
export function compileTimeline(
  scenario: Scenario,
  hz: number,
  numa: boolean,
  startTick: number,
  err: (path: PropertyKey[], expected: string) => Error,
): ScheduledAction[] {
  const out: ScheduledAction[] = [];
  let scheduled = 0;
  scenario.timeline.forEach((e, i) => {
    const path = ["timeline", i];
    const present = ACTION_KEYS.filter((key) => e[key] !== undefined);
    if (present.length !== 1) throw err(path, `exactly one action of ${ACTION_KEYS.join(", ")}`);
    const key = present[0]!;
    const at = startTick + timeToTicks(e.at, hz);
    const repeat = e.repeat ?? 1;
    scheduled += repeat;
    if (scheduled > MAX_TIMELINE_ACTIONS) {
      throw err(
        [...path, "repeat"],
        `at most ${MAX_TIMELINE_ACTIONS} timeline actions in all, repetitions included (this entry brings the total to ${scheduled})`,
      );
    }
    const every = e.every === undefined ? 0 : timeToTicks(e.every, hz);
    if (repeat > 1 && every === 0)
      throw err([...path, "every"], "a positive interval when repeat is given");
    const rate = (r: number | undefined) => (r === undefined ? Number.POSITIVE_INFINITY : r / hz);
    const gfpOf = (v: string | string[] | undefined, dflt: number, p: PropertyKey[]) => {
      if (v === undefined) return dflt;
      const g = parseGfp(v, numa);
      if (typeof g === "string")
        throw err(p, `GFP flag names such as GFP_KERNEL or __GFP_NOFAIL, got ${g}`);
      return g;
    };
    for (let r = 0; r < repeat; r++) {
      const entry = i;
      let action: ScheduledAction["action"];
      switch (key) {
        case "fault": {
          const f = e.fault!;
          action = {
            kind: "fault",
            pages: sizeToPages(f.pages),
            perTick: rate(f.rate),
            gfp: gfpOf(f.gfp, 0x280d2, [...path, "fault", "gfp"]),
            entry,
          };
          break;
        }
        case "page_cache": {
          const p = e.page_cache!;
          action = {
            kind: "page_cache",
            pages: sizeToPages(p.pages),
            perTick: rate(p.rate),
            dirty: p.dirty,
            entry,
          };
          break;
        }
        case "kalloc": {
          const ka = e.kalloc!;
          action = {
            kind: "kalloc",
            gfp: gfpOf(ka.gfp, 0xd0, [...path, "kalloc", "gfp"]),
            order: ka.order,
            count: ka.count,
            entry,
          };
          break;
        }
        case "map":
          action = { kind: "map", pages: sizeToPages(e.map!), entry };
          break;
        case "unmap":
          action = { kind: "unmap", pages: sizeToPages(e.unmap!), entry };
          break;
        case "fork": {
          const f = e.fork!;
          action = {
            kind: "fork",
            name: f.name,
            label: f.label,
            pid: f.pid,
            shareMm: f.share_mm,
            cloneParent: f.clone_parent,
            dontFork: sizeToPages(f.dontfork),
            entry,
          };
          break;
        }
        case "thread":
          action = { kind: "thread", label: e.thread!.label, pid: e.thread!.pid, entry };
          break;
        case "exec":
          action = {
            kind: "exec",
            path: e.exec!.path,
            totalVm: sizeToPages(e.exec!.total_vm),
            entry,
          };
          break;
        case "exit":
          action = { kind: "exit", code: e.exit!, entry };
          break;
        case "kill":
          action = { kind: "kill", entry };
          break;
        case "oom_adj":
          action = { kind: "oom_adj", value: e.oom_adj!, entry };
          break;
        case "wait":
          action = { kind: "wait", entry };
          break;
      }
      out.push({ tick: at + r * every, entry, target: e.task, action });
    }
  });
  return out;
}

/** How many defined labels an unknown-label error lists before it says "and N more". */
const LABELS_LISTED = 8;

/**
 * Refuses a timeline entry whose task is a label that nothing in the scenario defines.
 * `known` are the labels of the processes (and of a snapshot's tasks); the labels of the
 * timeline's forks and threads count wherever they are, since the fork may come first.
 */
export function checkTargets(
  scenario: Scenario,
  known: Iterable<string>,
  err: (path: PropertyKey[], expected: string) => Error,
): void {
  const defined = new Set(known);
  for (const e of scenario.timeline) {
    const label = e.fork?.label ?? e.thread?.label;
    if (label !== undefined) defined.add(label);
  }
  scenario.timeline.forEach((e, i) => {
    if (typeof e.task !== "string" || e.task === "@random" || defined.has(e.task)) return;
    const names = [...defined];
    const listed =
      names.length === 0
        ? "none is defined"
        : names.length > LABELS_LISTED
          ? `${names.slice(0, LABELS_LISTED).join(", ")} and ${names.length - LABELS_LISTED} more`
          : names.join(", ");
    throw err(
      ["timeline", i, "task"],
      `a label defined by a process, a fork or a thread (${listed}), a pid or "@random", got ${JSON.stringify(e.task)}`,
    );
  });
}
