import { describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT_TEXT } from "../snapshot/example.js";
import { parseSnapshot } from "../snapshot/load.js";
import { buildOomSnapshot } from "./oom-snapshot.js";
import { runScenarioText } from "./run.js";
import type { Simulation } from "./setup.js";

describe("from_snapshot", () => {
  it("docs/oom-path.md §3: rebuilds tasks, thread groups, shared mms and children-list order of a snapshot", () => {
    const source = parseSnapshot(EXAMPLE_SNAPSHOT_TEXT, "example.json");
    let sim: Simulation | undefined;
    runScenarioText(
      "machine: {bits: 64, hz: 250, memory: 64MiB}\nfrom_snapshot: example.json\nsnapshot_rss_percent: 1\n",
      () => {},
      {
        file: "s.yaml",
        loadSnapshot: () => source,
        until: 0,
        onSetup: (s) => {
          sim = s;
        },
      },
    );
    const k = sim!.k;
    const snap = buildOomSnapshot(k, {
      current: k.tasks.get(source.current)!,
      gfpMask: 0xd0,
      order: 0,
      zonelist: [],
      panicOnOom: 0,
      numa: false,
      cpusetsEnabled: true,
      nodes: [{ id: 0, memory: true }],
      notifierFreed: 0,
      printkRatelimit: true,
      printkSuppressed: 0,
      mmUsage: (mm) => sim!.port.anonSplit(mm.pagesByZone),
    });
    const known = new Set(source.tasks.map((t) => t.pid));
    const rebuilt = snap.tasks.filter((t) => known.has(t.pid));
    expect(rebuilt.map((t) => t.pid)).toEqual(source.tasks.map((t) => t.pid));
    for (const [i, t] of rebuilt.entries()) {
      const s = source.tasks[i]!;
      expect([t.tgid, t.parent, t.comm, t.oomkilladj, t.uid]).toEqual([
        s.tgid,
        s.parent,
        s.comm,
        s.oomkilladj,
        s.uid,
      ]);
      expect(t.children.filter((c) => known.has(c))).toEqual(s.children);
      expect(t.mm === null).toBe(s.mm === null);
    }
    expect(snap.kernel.uptime).toBe(source.kernel.uptime);
    // Each mm carries what it holds: 1 % of its total_vm resident, nothing in swap.
    for (const mm of snap.mms) {
      const live = [...k.tasks.values()].find((t) => t.mm?.id === mm.id)!.mm!;
      expect(mm.rss).toBe(BigInt(live.rssPages));
      expect(mm.swap).toBe(0n);
    }
    expect(snap.mms.some((mm) => mm.rss! > 0n)).toBe(true);
  });
});
