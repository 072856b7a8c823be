/**
 * Each example's HTML report in a real browser, opened from file:// with no network:
 * no console error, no request leaves the file, the charts are drawn and the selected
 * call's path is lit. Needs Chromium at /usr/bin/chromium; skipped without it.
 */

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const CHROMIUM = "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);

const dir = mkdtempSync(join(tmpdir(), "oomkit-browser-"));
let browser: Browser;

beforeAll(async () => {
  if (!haveBrowser) return;
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

async function open(scenario: string | null): Promise<Opened> {
  const file = join(dir, `${scenario === null ? "story" : scenario}.html`);
  const args = scenario === null ? ["--example"] : [`examples/${scenario}.yaml`];
  const r = runCli(["sim", ...args, "-q", "--html", file]);
  expect(r.status).toBe(0);
  return openFile(file, "#charts canvas");
}

async function openFile(file: string, ready: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (q) => {
    if (!q.url().startsWith("file:")) problems.push(`request: ${q.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector(ready);
  return { page, problems };
}

const lit = (page: Page) =>
  page.$$eval("svg.flow .node.lit", (nodes) => nodes.map((n) => n.getAttribute("data-node")));

const EXAMPLES: [string | null, string[], string[]][] = [
  [null, ["badness", "kill_child", "sigkill", "sleep"], ["kill_self", "memdie_abort"]],
  ["child-first", ["kill_child", "sigkill"], ["sleep", "kill_self"]],
  ["clone-vm-sharer", ["kill_self", "sigkill"], ["kill_child"]],
  ["cpuset-constrained", ["kill_current", "kill_child"], ["select"]],
  ["cpuset-deadlock", ["constraint", "deadlock"], ["panic_on_oom"]],
  ["gfp-nofs-loop", [], []],
  ["highmem-32bit", ["kill_self", "sigkill"], []],
  ["memdie-wait", ["kill_self", "sigkill", "sleep"], ["memdie_abort"]],
  ["mpol-bind", ["kill_current", "kill_self"], ["select", "sleep"]],
  ["oom-disable-thread", ["kill_self", "sigkill"], ["oom_disable_skip"]],
  ["panic-on-oom", ["panic_on_oom", "panic"], ["select"]],
];

describe.skipIf(!haveBrowser)("the HTML report in Chromium", () => {
  for (const [scenario, on, off] of EXAMPLES) {
    it(`${scenario ?? "the default story"}: no error, charts drawn, the first call's path lit`, async () => {
      const { page, problems } = await open(scenario);
      const zones = await page.$$eval("#charts .chart", (c) => c.length);
      expect(zones).toBeGreaterThan(0);
      const nodes = await lit(page);
      for (const id of on) expect(nodes).toContain(id);
      for (const id of off) expect(nodes).not.toContain(id);
      if (on.length === 0) expect(nodes).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it("selecting a later call lights its path: memdie-wait's TIF_MEMDIE abort", async () => {
    const { page, problems } = await open("memdie-wait");
    await page.click('#calls button[data-call="2"]');
    const nodes = await lit(page);
    expect(nodes).toContain("memdie_abort");
    expect(nodes).not.toContain("badness");
    expect(await page.textContent("#call-head")).toContain("aborted");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a step shows its log lines, a log line its event, the table sorts and says why not", async () => {
    const { page, problems } = await open(null);
    await page.click('svg.flow .node[data-node="sigkill"]');
    expect(await page.textContent("#step-panel")).toContain("Killed process 901 (httpd)");
    await page.click("#log .ll:has-text('Out of memory: kill process 900')");
    expect(await page.textContent("#event-panel")).toContain('"step":"kill"');
    const pids = () =>
      page.$$eval("#badness-table tbody tr", (rows) => rows.map((r) => r.getAttribute("data-pid")));
    expect((await pids())[0]).toBe("900");
    await page.click("#badness-table th:has-text('PID')");
    expect((await pids())[0]).toBe("1200");
    await page.click('#badness-table tr[data-pid="1200"]');
    const why = await page.textContent("#whynot");
    expect(why).toContain("Why not batchjob (1200)?");
    expect(why).toContain("1276 < 7502");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("replay --html: every event on one axis, the kernel's victim and each policy's badge", async () => {
    const file = join(dir, "replay.html");
    const logs = ["4.19-tasks-state-global.txt", "tie-5.10-last-wins.txt"];
    const r = runCli(["replay", ...logs.map((f) => `test/fixtures/reports/${f}`), "--html", file]);
    expect(r.status).toBe(0);
    const { page, problems } = await openFile(file, "#charts canvas");
    expect(await page.$$eval("#calls button", (b) => b.length)).toBe(2);
    expect(await page.textContent("#predictions")).toContain("app (1500)");
    expect(await page.$$eval("#predictions .badge.agrees", (b) => b.length)).toBe(3);
    expect(await page.getAttribute("#badness-table tr.victim", "data-pid")).toBe("1500");
    await page.click('#calls button[data-call="r2"]');
    expect(await page.getAttribute("#badness-table tr.victim", "data-pid")).toBe("2401");
    await page.click("#log .ll:has-text('Kill process 1500')");
    expect(await page.getAttribute("#badness-table tr.victim", "data-pid")).toBe("1500");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("compare --html: the tables on top, each policy's run in turn through the selector", async () => {
    const file = join(dir, "compare.html");
    const args = ["compare", "examples/memdie-wait.yaml", "--policies", "2.6.20,newest"];
    expect(runCli([...args, "--html", file]).status).toBe(0);
    const { page, problems } = await openFile(file, "#charts canvas");
    expect(await page.$$eval("#victims tbody tr", (r) => r.length)).toBe(9);
    expect(await page.$$eval("#charts .chart", (c) => c.length)).toBeGreaterThan(0);
    expect(await page.$$eval("#calls button", (b) => b.length)).toBe(9);
    expect(await page.getAttribute("#badness-table tr.victim", "data-pid")).toBe("1500");
    await Promise.all([page.waitForEvent("load"), page.selectOption("#run-select", "1")]);
    await page.waitForSelector("#charts canvas");
    expect(new URL(page.url()).hash).toBe("#run=1");
    expect(await page.inputValue("#run-select")).toBe("1");
    expect(await page.$$eval("#calls button", (b) => b.length)).toBe(2);
    expect(await page.getAttribute("#badness-table tr.victim", "data-pid")).toBe("1600");
    expect(await lit(page)).toContain("sigkill");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("oom --html: the call's path is lit and its table drawn", async () => {
    const file = join(dir, "oom.html");
    expect(runCli(["oom", "--example", "--html", file]).status).toBe(0);
    const { page, problems } = await openFile(file, "#badness-table tbody tr");
    const nodes = await lit(page);
    expect(nodes).toEqual(expect.arrayContaining(["badness", "kill_child", "sigkill"]));
    expect(await page.getAttribute("#badness-table tbody tr", "data-pid")).toBe("300");
    expect(problems).toEqual([]);
    await page.close();
  });
});
