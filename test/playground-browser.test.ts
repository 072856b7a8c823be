/**
 * The playground (web/) in a real browser: built here with Vite into a temporary folder
 * and opened from file:// with no network. It runs the default story and shows the kill;
 * stepping back and forward returns to the same state; a shared link restores the
 * scenario and the step; "predict the victim" asks, then tells; a bad scenario is marked
 * at its line; a pasted report replays with the kernel's victim. Scoring is stepped one
 * task at a time, and a breakpoint stops where a chosen task is scored; an edited snapshot
 * runs one call; a pasted report is shared by link too. Needs Chromium at
 * /usr/bin/chromium; skipped without it.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);

const dir = mkdtempSync(join(tmpdir(), "oomkit-playground-"));
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!haveBrowser) return;
  const { build } = await import("vite");
  await build({
    configFile: "web/vite.config.ts",
    logLevel: "silent",
    build: { outDir: dir, emptyOutDir: true },
  });
  url = pathToFileURL(join(dir, "index.html")).href;
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  problems: string[];
}

async function open(at = url): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (q) => {
    if (!/^(file|data|blob):/.test(q.url())) problems.push(`request: ${q.url()}`);
  });
  await page.goto(at);
  await page.waitForSelector("iframe.frame[data-shown]");
  return { page, problems };
}

const frame = (page: Page) => page.frameLocator("iframe.frame");
const pos = async (page: Page) => (await page.textContent("#pos"))!.replace(/\s+/g, " ").trim();
const reportData = (page: Page) => frame(page).locator("#report-data").textContent();

/** Clicks, then waits for a new report, of the step the position line then names. */
async function step(page: Page, button: string): Promise<string> {
  const was = await page.getAttribute("iframe.frame", "data-shown");
  await page.click(button);
  // Runs in the page: a new report is shown (the click was taken), the one of the step
  // the position line names.
  await page.waitForFunction(`(() => {
    const shown = document.querySelector("iframe.frame")?.dataset.shown;
    const at = document.querySelector("#pos")?.textContent?.split("/")[0]?.trim();
    return shown !== ${JSON.stringify(was)} && shown?.startsWith("step-" + at + "-") === true;
  })()`);
  return pos(page);
}

describe.skipIf(!haveBrowser)("the playground in Chromium", () => {
  it("runs the default story and shows the kill, the lit path and the scores", async () => {
    const { page, problems } = await open();
    expect(await page.inputValue("#gallery")).toBe("default-scenario.yaml");
    const report = frame(page);
    await expect
      .poll(() => report.locator("#log").textContent())
      .toContain("Killed process 901 (httpd)");
    const lit = await report
      .locator("svg.flow .node.lit")
      .evaluateAll((n) => n.map((e) => e.getAttribute("data-node")));
    expect(lit).toEqual(expect.arrayContaining(["badness", "kill_child", "sigkill"]));
    expect(await report.locator("#badness-table tr.chosen").getAttribute("data-pid")).toBe("900");
    expect(await page.textContent("#status")).toMatch(/1 out_of_memory\(\) call/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("one event back and one forward is the same state; one OOM back and forward too", async () => {
    const { page, problems } = await open();
    const at = await pos(page);
    const data = await reportData(page);
    const back = await step(page, "#back");
    expect(back).not.toBe(at);
    expect(await reportData(page)).not.toBe(data);
    expect(await step(page, "#forward")).toBe(at);
    expect(await reportData(page)).toBe(data);
    expect(await step(page, "#prev-oom")).toBe(`0 / ${at.split("/")[1]!.trim()}`);
    expect(await step(page, "#next-oom")).toBe(at);
    expect(await reportData(page)).toBe(data);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a shared link restores the scenario, the seed and the step", async () => {
    const { page, problems } = await open();
    await page.selectOption("#gallery", "memdie-wait.yaml");
    await page.waitForSelector('iframe.frame[data-shown$="-2"]');
    await page.fill("#seed", "3");
    await page.click("#run");
    await page.waitForSelector('iframe.frame[data-shown$="-3"]');
    await step(page, "#next-oom");
    await step(page, "#next-oom");
    const at = await step(page, "#back");
    const text = await page.inputValue("#scenario");
    const data = await reportData(page);
    await page.click("#share");
    const link = await page.inputValue("#link");
    expect(link).toMatch(/#s=[A-Za-z0-9_-]+$/);
    const other = await open(link);
    expect(await other.page.inputValue("#scenario")).toBe(text);
    expect(await other.page.inputValue("#seed")).toBe("3");
    expect(await pos(other.page)).toBe(at);
    expect(await reportData(other.page)).toBe(data);
    expect([...problems, ...other.problems]).toEqual([]);
    await other.page.close();
    await page.close();
  });

  it("predict the victim: asks before the scores, then tells", async () => {
    const { page, problems } = await open();
    await page.check("#predict");
    await step(page, "#first");
    await step(page, "#next-oom");
    await page.waitForSelector("#guess button");
    expect(await frame(page).locator("#badness-table tbody tr").count()).toBe(0);
    await page.click('#guess button[data-pid="1200"]');
    await page.waitForSelector("#guess.wrong");
    expect(await page.textContent("#guess")).toContain(
      "The kernel chose httpd (900) with 7502 points",
    );
    await expect
      .poll(() => frame(page).locator("#badness-table tr.chosen").getAttribute("data-pid"))
      .toBe("900");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a bad scenario is refused with the CLI's message, its line marked; a knob reruns", async () => {
    const { page, problems } = await open();
    const good = await page.inputValue("#scenario");
    await page.fill("#scenario", good.replace("oomkilladj: -17", "oomkilladj: -18"));
    await page.click("#run");
    await page.waitForSelector("#error");
    const message = await page.textContent("#error");
    expect(message).toMatch(/^default-scenario\.yaml:17:\d+: processes\[0\]\.oomkilladj: /);
    expect(await page.textContent(".gutter .bad")).toBe("17");
    await page.fill("#scenario", good);
    await page.click("#run");
    await page.waitForSelector("iframe.frame[data-shown]");
    // OOM_DISABLE off for sshd, nothing else changed: the same victim, one more row scored.
    await page.fill('input[data-knob="812.oomkilladj"]', "15");
    await page.dispatchEvent('input[data-knob="812.oomkilladj"]', "change");
    await expect.poll(() => page.inputValue("#scenario")).toContain("oomkilladj: 15");
    await expect
      .poll(() => frame(page).locator('#badness-table tr[data-pid="812"] td.pts').textContent())
      .not.toBe("-");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a pasted kernel report replays with the kernel's victim", async () => {
    const { page, problems } = await open();
    await page.click("#tab-replay");
    const text = readFileSync("test/fixtures/reports/4.19-tasks-state-global.txt", "utf8");
    await page.fill("#report-text", text);
    await page.click("#replay");
    await page.waitForSelector('iframe.frame[data-shown="replay-1"]');
    expect(await page.textContent("#replay-status")).toContain("app (1500)");
    const report = frame(page);
    expect(await report.locator("#badness-table tr.victim").getAttribute("data-pid")).toBe("1500");
    expect(await report.locator("#predictions .badge.agrees").count()).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("steps one scored task at a time and back to the same state, shared by link", async () => {
    const { page, problems } = await open();
    const rows = () => frame(page).locator("#badness-table tbody tr").count();
    await step(page, "#first");
    const first = await step(page, "#next-task");
    expect(first).toMatch(/^\d+\.1 \//);
    await expect.poll(rows).toBe(1);
    const data = await reportData(page);
    const second = await step(page, "#next-task");
    expect(second).toMatch(/^\d+\.2 \//);
    await expect.poll(rows).toBe(2);
    expect(await page.textContent("#status")).toMatch(/Scored 2 of \d+ tasks/);
    expect(await step(page, "#prev-task")).toBe(first);
    expect(await reportData(page)).toBe(data);
    await step(page, "#next-task");
    await page.click("#share");
    const other = await open(await page.inputValue("#link"));
    expect(await pos(other.page)).toBe(second);
    expect(await other.page.textContent("#status")).toMatch(/Scored 2 of \d+ tasks/);
    expect([...problems, ...other.problems]).toEqual([]);
    await other.page.close();
    await page.close();
  });

  it("the breakpoint stops where the chosen task is scored", async () => {
    const { page, problems } = await open();
    await step(page, "#first");
    await page.selectOption("#break-pid", "900");
    // crond (840) is scored first, httpd (900) second.
    expect(await step(page, "#to-scored")).toMatch(/^\d+\.2 \//);
    const pids = () =>
      frame(page)
        .locator("#badness-table tbody tr")
        .evaluateAll((r) => r.map((e) => e.getAttribute("data-pid")).sort());
    await expect.poll(pids).toEqual(["840", "900"]);
    expect(await page.textContent("#status")).toContain("Scored 2 of 5 tasks");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("predict the victim offers neither init nor kernel threads", async () => {
    const { page, problems } = await open();
    await page.check("#predict");
    await step(page, "#first");
    await step(page, "#next-oom");
    await page.waitForSelector("#guess button");
    const offered = await page
      .locator("#guess button")
      .evaluateAll((b) => b.map((e) => e.getAttribute("data-pid")));
    expect(offered).not.toContain("1");
    expect(offered.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("an edited snapshot runs one call and shows the victim; bad JSON is placed", async () => {
    const { page, problems } = await open();
    await page.click("#tab-snapshot");
    await page.waitForSelector('iframe.frame[data-shown="snapshot-1"]');
    expect(await page.textContent("#snapshot-status")).toContain("killed java (400)");
    const text = await page.inputValue("#snapshot-text");
    // java's leader OOM_DISABLE'd: the first killable child of bash is now its other
    // thread, 401, whose own oomkilladj is all oom_kill_task() reads (quirks Q1, Q10).
    await page.fill(
      "#snapshot-text",
      text.replace(
        '"euid": 1000,\n     "utime": 400000',
        '"euid": 1000, "oomkilladj": -17,\n     "utime": 400000',
      ),
    );
    await page.click("#snapshot-run");
    await page.waitForSelector('iframe.frame[data-shown="snapshot-2"]');
    expect(await page.textContent("#snapshot-status")).toContain("killed java (401)");
    await page.fill("#snapshot-text", text.replace('"tasks": [', '"tasks": [,'));
    await page.click("#snapshot-run");
    await page.waitForSelector("#snapshot-error");
    expect(await page.textContent("#snapshot-error")).toMatch(/^snapshot\.json:\d+:\d+: /);
    expect(await page.textContent(".gutter .bad")).toBe("10");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a shared replay link restores the pasted report", async () => {
    const { page, problems } = await open();
    await page.click("#tab-replay");
    const text = readFileSync("test/fixtures/reports/4.19-tasks-state-global.txt", "utf8");
    await page.fill("#report-text", text);
    await page.click("#replay");
    await page.waitForSelector('iframe.frame[data-shown="replay-1"]');
    await page.click("#replay-share");
    const link = await page.inputValue("#replay-link");
    expect(link).toMatch(/#s=[A-Za-z0-9_-]+$/);
    const other = await browser.newPage();
    await other.goto(link);
    await other.waitForSelector('iframe.frame[data-shown="replay-1"]');
    expect(await other.inputValue("#report-text")).toBe(text);
    expect(await other.textContent("#replay-status")).toContain("app (1500)");
    expect(problems).toEqual([]);
    await other.close();
    await page.close();
  });
});
