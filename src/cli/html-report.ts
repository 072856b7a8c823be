/**
 * `--html FILE` of `oomkit sim`, `oomkit replay` and `oomkit oom`: the report
 * (src/report/html) rendered with uPlot and the page script inlined, written atomically.
 * A simulation's page is drawn from its event stream alone (a run with memory samples).
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

/** Refuses an empty name or `-` before any work is done. */
export function htmlTarget(file: string): string {
  if (file === "" || file === "-") {
    throw new UsageError("--html: expected the name of the file to write");
  }
  return file;
}

/** Renders a model and writes the page atomically. */
export async function writeHtmlReport(file: string, model: ReportModel): Promise<void> {
  await writeFileAtomic(file, renderHtmlReport(model, await loadPageAssets()));
}

/** The file a simulation's report goes to, checked before the run starts. */
export class HtmlReport {
  readonly file: string;

  constructor(file: string) {
    this.file = htmlTarget(file);
  }

  async write(model: ReportModel): Promise<void> {
    await writeHtmlReport(this.file, model);
  }
}
