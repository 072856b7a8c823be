import { describe, expect, it } from "vitest";
import { scenarioErrorOf as errorOf } from "../../test/support/scenario-error.js";
import { showMemLines } from "../report/show-mem.js";
import type { MemInfo } from "./events.js";
import { runScenarioText } from "./run.js";

/** The zone state of a scenario's machine at boot, as show_mem would report it. */
function bootMemInfo(machine: string): MemInfo {
  const r = runScenarioText(`machine:\n${machine}`, () => {}, { file: "s.yaml" });
  return r.sim.port.memInfo();
}

const THREE_NODES = (bits: number) =>
  `machine:\n  bits: ${bits}\n  nodes:\n` +
  "    - { id: 0, zones: { DMA: 4096, Normal: 8192 }, distance: [10, 40, 15] }\n" +
  "    - { id: 1, zones: { Normal: 8192 }, distance: [40, 10, 15] }\n" +
  "    - { id: 2, zones: { Normal: 8192 }, distance: [15, 15, 10] }\n";

describe("machine: zone sizes at boot", () => {
  it("memory is RAM: a 1 GiB i386 boots with 16256/894080/130048 kB present", () => {
    const m = bootMemInfo("  bits: 32\n  memory: 1GiB\n");
    expect(m.zones.map((z) => [z.name, z.presentPages * 4])).toEqual([
      ["DMA", 16256],
      ["Normal", 894080],
      ["HighMem", 130048],
    ]);
    // min_free_kbytes 3816: pages_min 954 shared by the low zones.
    expect(m.zones.map((z) => z.minPages)).toEqual([17, 936, 32]);
    expect([m.totalPages, m.highmemPages, m.reservedPages]).toEqual([262144, 32768, 2048]);
  });

  it("nodes' zone sizes are RAM too; exact_zones takes them as present pages", () => {
    const ram = bootMemInfo("  nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 12288 } }]\n");
    expect(ram.zones.map((z) => z.presentPages)).toEqual([4040, 12120]);
    const exact = bootMemInfo(
      "  exact_zones: true\n  nodes: [{ id: 0, zones: { DMA: 4040, DMA32: 12120 } }]\n",
    );
    expect(exact.zones.map((z) => z.presentPages)).toEqual([4040, 12120]);
    expect([exact.totalPages, exact.reservedPages]).toEqual([16160, 0]);
  });

  it("dma_reserve comes off the DMA zone of a 64-bit machine", () => {
    const m = bootMemInfo("  memory: 64MiB\n  dma_reserve: 1000\n");
    expect(m.zones.map((z) => z.presentPages)).toEqual([3040, 12120]);
    expect(m.reservedPages).toBe(1224);
  });

  it("cpus: every online CPU gets its per-CPU lines", () => {
    const m = bootMemInfo("  memory: 64MiB\n  cpus: 3\n");
    expect(m.zones[1]!.pagesets.map((p) => p.cpu)).toEqual([0, 1, 2]);
    const lines = showMemLines(m).map((l) => l.text);
    expect(lines.filter((t) => t.startsWith("CPU "))).toHaveLength(6);
  });

  it("refuses dma_reserve on i386 and with exact_zones, and cpus out of range", () => {
    expect(errorOf("machine: {bits: 32, memory: 1GiB, dma_reserve: 10}\n").message).toMatch(
      /machine\.dma_reserve: no dma_reserve on a 32-bit machine/,
    );
    expect(
      errorOf("machine: {memory: 64MiB, exact_zones: true, dma_reserve: 10}\n").message,
    ).toMatch(/machine\.dma_reserve: no dma_reserve with exact_zones/);
    expect(errorOf("machine: {memory: 64MiB, cpus: 0}\n").message).toMatch(
      /machine\.cpus: must be at least 1, got 0/,
    );
  });
});

describe("machine: SLIT distances", () => {
  it("refuses distance rows on a 32-bit machine: i386 has no node_distance()", () => {
    const e = errorOf(THREE_NODES(32));
    expect(e.message).toBe(
      "s.yaml:4:62: machine.nodes[0].distance: no distance rows on a 32-bit machine: 2.6.20's i386 has no node_distance(), every other node is at 20",
    );
  });

  it("a 3-node 32-bit machine falls back in node-id order from each node", () => {
    const text = THREE_NODES(32).replace(/, distance: \[[0-9, ]+\]/g, "");
    const r = runScenarioText(text, () => {}, { file: "s.yaml" });
    const mem = r.sim.port.mem;
    const order = (n: number) =>
      mem.nodes[n]!.zonelists[1]!.map((z) => `${z.nodeId}:${z.name}`).join(" ");
    expect([order(0), order(1), order(2)]).toEqual([
      "0:Normal 0:DMA 1:Normal 2:Normal",
      "1:Normal 2:Normal 0:Normal 0:DMA",
      "2:Normal 0:Normal 0:DMA 1:Normal",
    ]);
    expect(mem.zoneReclaimMode).toBe(0);
  });

  it("a 64-bit machine orders its fallback by the rows", () => {
    const r = runScenarioText(THREE_NODES(64), () => {}, { file: "s.yaml" });
    const mem = r.sim.port.mem;
    expect(mem.nodes[0]!.zonelists[2]!.map((z) => z.nodeId)).toEqual([0, 0, 2, 1]);
    expect(mem.zoneReclaimMode).toBe(1);
  });
});
