/**
 * `--html FILE`: the report of a run (src/report/html), with uPlot and the page script
 * inlined, written atomically. The page's data come from the run's event stream alone
 * (a run with memory samples: src/sim/mem-samples.ts).
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { UsageError } from "../errors.js";
import type { ReportModel } from "../report/html/model.js";
import { type PageAssets, renderHtmlReport } from "../report/html/render.js";
import { writeFileAtomic } from "./atomic-write.js";

export async function loadPageAssets(): Promise<PageAssets> {
  const require = createRequire(import.meta.url);
  const [uplotJs, uplotCss, pageJs] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    readFile(new URL("../report/html/assets/report.js", import.meta.url), "utf8"),
  ]);
  return { uplotJs, uplotCss, pageJs };
}

/** The file an HTML report goes to, checked before the run starts. */
export class HtmlReport {
  constructor(readonly file: string) {
    if (file === "" || file === "-") {
      throw new UsageError("--html: expected the name of the file to write");
    }
  }

  async write(model: ReportModel): Promise<void> {
    const html = renderHtmlReport(model, await loadPageAssets());
    await writeFileAtomic(this.file, html);
  }
}
