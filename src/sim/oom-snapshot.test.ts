import { describe, expect, it } from "vitest";
import { runScenarioText } from "./run.js";

const SWAPPING = `
machine: { memory: 64MiB, swap: 8MiB, uptime: 100 }
processes:
  - { name: big, pid: 200, start: 10, total_vm: 6000, rss: 6000 }
  - { name: leak, pid: 300, start: 50, total_vm: 100, rss: 100 }
timeline:
  - { at: 1, task: leak, fault: { pages: 30000, rate: 10000 } }
`;

describe("the OOM snapshot of a simulation", () => {
  it("gives each mm its anonymous pages in RAM and in swap, swap shared out in proportion", () => {
    const { oomCalls, sim } = runScenarioText(SWAPPING, () => {}, { file: "s.yaml", until: 10 });
    const first = oomCalls[0]!.snapshot();
    const byId = new Map(first.mms.map((mm) => [mm.id, mm]));
    const big = byId.get(first.tasks.find((t) => t.pid === 200)!.mm!)!;
    const leak = byId.get(first.tasks.find((t) => t.pid === 300)!.mm!)!;
    // Reclaim filled the swap before the OOM call; the 2048 slots are shared by the two.
    expect(big.swap! + leak.swap!).toBeGreaterThan(2040n);
    expect(big.swap! + leak.swap!).toBeLessThanOrEqual(2048n);
    expect(big.rss! + big.swap!).toBe(6000n);
    // Each mm's swapped share is its share of the anonymous pages, to within a page a zone.
    const share = (mm: typeof big) => Number(mm.swap!) / Number(mm.rss! + mm.swap!);
    expect(Math.abs(share(big) - share(leak))).toBeLessThan(0.01);
    expect(sim.port.swapTotalPages()).toBe(2048);
  });

  it("init's mm, never faulted, holds nothing", () => {
    const { oomCalls } = runScenarioText(SWAPPING, () => {}, { file: "s.yaml", until: 10 });
    const init = oomCalls[0]!.snapshot().tasks.find((t) => t.pid === 1)!;
    const mm = oomCalls[0]!.snapshot().mms.find((m) => m.id === init.mm)!;
    expect([mm.rss, mm.swap]).toEqual([0n, 0n]);
  });
});
