/**
 * `oomkit sim --html FILE`: keeps the run's events and the free pages of each populated
 * zone over time, and at the end renders the report (src/report/html) with uPlot and the
 * page script inlined, written atomically.
 *
 * The event stream carries zone state only inside OOM reports, and the allocator's fast
 * path emits nothing, so the free pages are read from the simulated allocator itself: at
 * every event, and after every fast-path allocation and every free, one reading per tick
 * (the tick's last). Reading changes nothing in what the simulation does or prints.
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { UsageError } from "../errors.js";
import { buildReportModel, type MemorySamples } from "../report/html/model.js";
import { type PageAssets, renderHtmlReport } from "../report/html/render.js";
import type { SimEvent } from "../sim/events.js";
import type { RunResult } from "../sim/run.js";
import type { Simulation } from "../sim/setup.js";
import { writeFileAtomic } from "./atomic-write.js";

interface ZoneView {
  readonly freePages: number;
}

export async function loadPageAssets(): Promise<PageAssets> {
  const require = createRequire(import.meta.url);
  const [uplotJs, uplotCss, pageJs] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    readFile(new URL("../report/html/assets/report.js", import.meta.url), "utf8"),
  ]);
  return { uplotJs, uplotCss, pageJs };
}

export class HtmlReport {
  private readonly events: SimEvent[] = [];
  private zones: ZoneView[] = [];
  private readonly memory: MemorySamples = { zones: [], ticks: [], free: [] };
  private printkTime = false;

  constructor(
    readonly file: string,
    private readonly title: string,
  ) {
    if (file === "" || file === "-") {
      throw new UsageError("--html: expected the name of the file to write");
    }
  }

  /** The simulation whose zones are read. */
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

  async write(result: RunResult): Promise<void> {
    const model = buildReportModel({
      title: this.title,
      printkTime: this.printkTime,
      events: this.events,
      calls: result.oomCalls,
      memory: this.memory,
    });
    const html = renderHtmlReport(model, await loadPageAssets());
    await writeFileAtomic(this.file, html);
  }
}
