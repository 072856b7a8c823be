/**
 * The budgets of the HTML report and the playground:
 * - the report of the default story (`sim --example --html`) under 400 KB;
 * - the report of a 10^4-task, 10^5-event simulation opens in headless Chromium under 2 s
 *   (from navigation to the charts and the badness table drawn), median of 3 loads after
 *   one that warms the browser up;
 * - the playground runs the default story under 200 ms (the engine's time in its Worker,
 *   for the first run of a fresh page and the median of 5 reruns).
 * The browser rows need Chromium at /usr/bin/chromium and are left out without it.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { generateScenario } from "../src/sim/generate-scenario.js";
import type { BenchRow } from "./oom.bench.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(import.meta.dirname, "../..");

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`oomkit ${args.join(" ")}: ${r.stderr.trim()}`);
}

/** 10^4 processes; ten of them change oomkilladj 10^4 times each; then a leak, one OOM call. */
function largeScenario(): string {
  const doc = generateScenario({
    processes: 10_000,
    threadsPerProcess: 1,
    allocations: 10_000,
    faultActions: 100,
    memoryPages: 65_536,
    seconds: 10,
    seed: 20070204,
  });
  doc.machine.hz = 100;
  for (let i = 0; i < 10; i++) {
    doc.timeline!.push({
      at: "11s",
      task: `w${i + 1}`,
      oom_adj: i % 3,
      repeat: 10_000,
      every: "10ms",
    });
  }
  doc.timeline!.push({ at: "112s", task: "w7", fault: { pages: 40_000, rate: 20_000 } });
  doc.until = 130;
  return JSON.stringify(doc);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function openMs(browser: Browser, file: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("#charts canvas");
  await page.waitForSelector("#badness-table tbody tr");
  const ms = performance.now() - t0;
  await page.close();
  return ms;
}

async function engineMs(page: Page): Promise<number> {
  const status = (await page.textContent("#status")) ?? "";
  const m = /the engine took (\d+) ms/.exec(status);
  if (m === null) throw new Error(`playground: no timing in "${status}"`);
  return Number(m[1]);
}

export async function benchHtml(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), "oomkit-bench-html-"));
  try {
    const story = join(dir, "story.html");
    cli(["sim", "--example", "-q", "--html", story]);
    rows.push({
      name: "sim --example --html: report size",
      value: statSync(story).size / 1024,
      unit: "KB",
      target: 400,
    });

    const scenario = join(dir, "large.json");
    writeFileSync(scenario, largeScenario());
    const large = join(dir, "large.html");
    const t0 = performance.now();
    cli(["sim", scenario, "-q", "--html", large]);
    rows.push({
      name: "10^4 tasks, 10^5 events: sim -q --html",
      value: (performance.now() - t0) / 1000,
      unit: "s",
    });
    rows.push({
      name: "10^4 tasks, 10^5 events: report size",
      value: statSync(large).size / 1024,
      unit: "KB",
    });

    if (!existsSync(CHROMIUM)) {
      process.stdout.write(`(no ${CHROMIUM}: the browser rows are left out)\n`);
      return rows;
    }
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      // A first page warms the browser up; it is not counted.
      await openMs(browser, story);
      const loads: number[] = [];
      const storyLoads: number[] = [];
      for (let i = 0; i < 3; i++) {
        loads.push(await openMs(browser, large));
        storyLoads.push(await openMs(browser, story));
      }
      rows.push({
        name: "10^4 tasks, 10^5 events: report opens in Chromium",
        value: median(loads),
        unit: "ms",
        target: 2000,
      });
      rows.push({
        name: "sim --example: report opens in Chromium",
        value: median(storyLoads),
        unit: "ms",
      });

      const { build } = await import("vite");
      const out = join(dir, "playground");
      await build({
        configFile: join(ROOT, "web/vite.config.ts"),
        logLevel: "silent",
        build: { outDir: out, emptyOutDir: true },
      });
      rows.push({
        name: "playground: built page size",
        value: statSync(join(out, "index.html")).size / 1024,
        unit: "KB",
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const t1 = performance.now();
      await page.goto(pathToFileURL(join(out, "index.html")).href);
      await page.waitForSelector('iframe.frame[data-shown$="-1"]');
      const shown = performance.now() - t1;
      rows.push({
        name: "playground: default story, first run (engine)",
        value: await engineMs(page),
        unit: "ms",
        target: 200,
      });
      rows.push({ name: "playground: open to the kill shown", value: shown, unit: "ms" });
      const reruns: number[] = [];
      for (let i = 2; i <= 6; i++) {
        await page.click("#run");
        await page.waitForSelector(`iframe.frame[data-shown$="-${i}"]`);
        reruns.push(await engineMs(page));
      }
      rows.push({
        name: "playground: default story, rerun (engine, median of 5)",
        value: median(reruns),
        unit: "ms",
        target: 200,
      });
      await page.close();
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
