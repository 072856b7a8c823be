/**
 * What the HTML report keeps of a running simulation: its events and the free pages of
 * each populated zone over time. Pure, so the CLI (`oomkit sim --html`) and the browser
 * playground record a run the same way.
 *
 * The event stream carries zone state only inside OOM reports, and the allocator's fast
 * path emits nothing, so the free pages are read from the simulated allocator itself: at
 * every event, and after every fast-path allocation and every free, one reading per tick
 * (the tick's last). Reading changes nothing in what the simulation does or prints.
 */

import type { SimEvent } from "../../sim/events.js";
import type { RunResult } from "../../sim/run.js";
import type { Simulation } from "../../sim/setup.js";
import type { MemorySamples, ReportInput } from "./model.js";

interface ZoneView {
  readonly freePages: number;
}

export class ReportRecorder {
  readonly events: SimEvent[] = [];
  private zones: ZoneView[] = [];
  readonly memory: MemorySamples = { zones: [], ticks: [], free: [] };
  private printkTime = false;

  constructor(private readonly title: string) {}

  /** The simulation whose zones are read (RunOptions.onSetup). */
  setup(sim: Simulation): void {
    this.printkTime = sim.printkTime;
    const { port, k } = sim;
    const fast = port.allocateFast.bind(port);
    port.allocateFast = (task, gfpMask, order, use) => {
      const zone = fast(task, gfpMask, order, use);
      this.read(k.ticks);
      return zone;
    };
    const free = port.free.bind(port);
    port.free = (zone, use, pages) => {
      free(zone, use, pages);
      this.read(k.ticks);
    };
    const populated = sim.port.mem.zones.filter((z) => z.presentPages > 0);
    this.zones = populated;
    this.memory.zones = populated.map((z) => ({
      node: z.nodeId,
      name: z.name,
      present: z.presentPages,
      min: z.pagesMin,
      low: z.pagesLow,
      high: z.pagesHigh,
    }));
    this.memory.free = populated.map(() => []);
  }

  /** The sink of the run: every event, in order. */
  add(e: SimEvent): void {
    this.events.push(e);
    this.read(e.tick);
  }

  /** One reading per tick: a later one in the same tick replaces the earlier. */
  private read(tick: number): void {
    const m = this.memory;
    const last = m.ticks.length - 1;
    if (last >= 0 && m.ticks[last] === tick) {
      for (let i = 0; i < this.zones.length; i++) m.free[i]![last] = this.zones[i]!.freePages;
      return;
    }
    m.ticks.push(tick);
    for (let i = 0; i < this.zones.length; i++) m.free[i]!.push(this.zones[i]!.freePages);
  }

  /** What buildReportModel needs for the whole run. */
  input(result: RunResult): ReportInput {
    return {
      title: this.title,
      printkTime: this.printkTime,
      events: this.events,
      calls: result.oomCalls,
      memory: this.memory,
    };
  }

  /**
   * The run as it stood after its first `count` events: the events, the records of the
   * calls that had scored their tasks by then (a call's scores show once badness() ran),
   * and the memory read up to the tick of the last event.
   */
  inputAt(result: RunResult, count: number): ReportInput {
    const events = this.events.slice(0, Math.max(0, Math.min(count, this.events.length)));
    const scored = new Set<number>();
    for (const e of events)
      if (e.type === "oom.badness" || e.type === "oom.result") scored.add(e.n);
    const tick = events.length === 0 ? -1 : events[events.length - 1]!.tick;
    const m = this.memory;
    let end = 0;
    while (end < m.ticks.length && m.ticks[end]! <= tick) end++;
    return {
      title: this.title,
      printkTime: this.printkTime,
      events,
      calls: result.oomCalls.filter((c) => scored.has(c.n)),
      memory: {
        zones: m.zones,
        ticks: m.ticks.slice(0, end),
        free: m.free.map((s) => s.slice(0, end)),
      },
    };
  }
}
