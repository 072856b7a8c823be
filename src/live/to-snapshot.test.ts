import { describe, expect, it } from "vitest";
import { denying, fixtureFs } from "../../test/support/proc-fixtures.js";
import { runOutOfMemory } from "../oom/out_of_memory.js";
import { parseSnapshot } from "../snapshot/load.js";
import { snapshotToJson } from "../snapshot/serialize.js";
import type { Snapshot } from "../snapshot/types.js";
import type { ProcFs } from "./procfs.js";
import { readMachine } from "./read-machine.js";
import { liveToSnapshot, sanitizeComm } from "./to-snapshot.js";

const CASES = ["normal", "zombie", "kthread-old-kernel", "vanished", "hidepid", "hostile-comm"];

async function snap(fs: ProcFs, hz = 250, current?: number) {
  return liveToSnapshot(await readMachine(fs), { hz, current });
}

/** The document must load back, unchanged, through the snapshot-format validator. */
function roundTrip(s: Snapshot): Snapshot {
  return parseSnapshot(JSON.stringify(snapshotToJson(s)), "<live>");
}

const task = (s: Snapshot, pid: number) => s.tasks.find((t) => t.pid === pid)!;

describe("liveToSnapshot (modern-oom §5, docs/formats.md §2)", () => {
  for (const name of CASES) {
    it(`${name}: produces a valid oomkit.snapshot/1 that 2.6.20 can run`, async () => {
      const { snapshot } = await snap(fixtureFs(name));
      const loaded = roundTrip(snapshot);
      expect(loaded.tasks.map((t) => t.pid)).toEqual(snapshot.tasks.map((t) => t.pid));
      expect(loaded.tasks.map((t) => t.children)).toEqual(snapshot.tasks.map((t) => t.children));
      expect(runOutOfMemory(loaded).outcome).toMatch(/killed|panic|aborted/);
    });
  }
  it("normal: threads follow their leader; children hang off the thread that forked them", async () => {
    const { snapshot: s } = await snap(fixtureFs("normal"));
    const pids = s.tasks.map((t) => t.pid);
    expect(pids.indexOf(201)).toBe(pids.indexOf(200) + 1);
    expect(task(s, 201)).toMatchObject({
      tgid: 200,
      parent: 100,
      mm: "mm200",
      comm: "C2 CompilerThre",
    });
    expect(task(s, 300).parent).toBe(201);
    expect(task(s, 201).children).toEqual([300]);
    expect(task(s, 200).children).toEqual([]);
    // In 2.6.20 every thread of a child sits on its parent's children list.
    expect(task(s, 100).children).toEqual([200, 201]);
    expect(task(s, 1).children).toEqual([100, 400]);
    expect(task(s, 10).parent).toBe(2);
    expect(task(s, 2).parent).toBe(0);
  });
  it("normal: per-thread times in jiffies for the chosen HZ, start time in seconds", async () => {
    const { snapshot: s } = await snap(fixtureFs("normal"), 1000);
    expect(task(s, 200)).toMatchObject({ utime: 400_000n, stime: 100_000n, start_time: 20n });
    expect(task(s, 201).utime).toBe(300_000n);
    const at250 = (await snap(fixtureFs("normal"), 250)).snapshot;
    expect(task(at250, 200).utime).toBe(100_000n);
    expect(at250.kernel).toMatchObject({ bits: 64, hz: 250, uptime: 100_000n });
    expect(s.mms.find((m) => m.id === "mm200")?.total_vm).toBe(500_000n);
  });
  it("normal: uid, capabilities by name, oom_score_adj mapped to oomkilladj (§3)", async () => {
    const { snapshot: s } = await snap(fixtureFs("normal"));
    expect(task(s, 200)).toMatchObject({ uid: 1000, euid: 1000, caps: [], oomkilladj: 5 });
    expect(task(s, 400).oomkilladj).toBe(-17);
    expect(task(s, 1).caps).toContain("CAP_SYS_ADMIN");
    expect(task(s, 1).caps).toContain("CAP_SYS_RAWIO");
    expect(task(s, 300).nice).toBe(5);
    expect(task(s, 10).mm).toBeNull();
  });
  it("current: the largest RSS in a foreign tree, or --current, and it is said", async () => {
    const r = await snap(fixtureFs("normal"));
    expect(r.snapshot.current).toBe(200);
    expect(r.assumptions.some((a) => a.includes("largest RSS"))).toBe(true);
    expect((await snap(fixtureFs("normal"), 250, 300)).snapshot.current).toBe(300);
    await expect(snap(fixtureFs("normal"), 250, 999)).rejects.toThrow(/--current 999/);
  });
  it("zombie: mm-less tasks have mm null; a zombie leader's live thread keeps the mm", async () => {
    const { snapshot: s } = await snap(fixtureFs("zombie"));
    expect(task(s, 50).mm).toBeNull();
    expect(task(s, 60).mm).toBeNull();
    expect(task(s, 61).mm).toBe("mm60");
  });
  it("hidepid: a process whose parent is not listed gets parent 0", async () => {
    const { snapshot: s, assumptions } = await snap(fixtureFs("hidepid"));
    expect(task(s, 500).parent).toBe(0);
    expect(task(s, 502).parent).toBe(0);
    expect(task(s, 501).parent).toBe(500);
    expect(assumptions.some((a) => a.includes("parent 0"))).toBe(true);
  });
  it("denied children file: parents from PPid instead", async () => {
    const fs = denying(fixtureFs("normal"), (p) => p.endsWith("/children"));
    const { snapshot: s } = await snap(fs);
    expect(task(s, 300).parent).toBe(200);
    expect(task(s, 200).children).toEqual([300]);
    roundTrip(s);
  });
  it("hostile names become at most 15 printable ASCII characters", async () => {
    const { snapshot: s } = await snap(fixtureFs("hostile-comm"));
    expect(task(s, 800).comm).toBe("a b  c");
    expect(task(s, 801).comm).toBe(") (x) 1 2 (");
    expect(task(s, 802).comm).toBe("two?lines");
    expect(task(s, 803).comm).toBe("??A()? )");
    expect(task(s, 805).comm).toBe("a)b (c?d");
    for (const t of s.tasks) expect(t.comm).toMatch(/^[\x20-\x7e]{0,15}$/);
  });
  it("a pid reused during the read appears once (the first sighting wins)", async () => {
    const m = await readMachine(fixtureFs("normal"));
    const helper = m.processes.find((p) => p.pid === 300)!;
    const clone = { ...helper, pid: 201, threads: [{ ...helper.threads[0]!, tid: 201 }] };
    m.processes.push(clone);
    const s = liveToSnapshot(m, { hz: 250 }).snapshot;
    expect(s.tasks.filter((t) => t.pid === 201)).toHaveLength(1);
    expect(task(s, 201).tgid).toBe(200);
    roundTrip(s);
  });
  it("sanitizeComm", () => {
    expect(sanitizeComm("x".repeat(40))).toHaveLength(15);
    expect(sanitizeComm("tab\there\u00ff")).toBe("tab?here?");
  });
});

describe("liveToSnapshot on values a simulated kernel cannot hold", () => {
  it("clamps counters beyond ULONG_MAX and times beyond LONG_MAX, says so, stays valid", async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { writeFakeProc } = await import("./fake-tree.js");
    const { nodeProcFs } = await import("./procfs.js");
    const dir = mkdtempSync(join(tmpdir(), "oomkit-huge-"));
    try {
      writeFakeProc(dir, {
        memTotalKb: 1 << 20,
        uptime: "99999999999999999999.50 1.00",
        processes: [{ pid: 1, ppid: 0, comm: "init", rssPages: 10 }],
      });
      for (const f of ["1/stat", "1/task/1/stat"]) {
        const path = join(dir, f);
        const fields = readFileSync(path, "latin1").split(" ");
        fields[13] = "99999999999999999999"; // utime, field 14
        fields[21] = "99999999999999999999"; // starttime, field 22
        writeFileSync(path, fields.join(" "), "latin1");
      }
      for (const bits of [32, 64] as const) {
        const machine = await readMachine(nodeProcFs({ root: dir }));
        const live = liveToSnapshot(machine, { hz: 1000, bits });
        const loaded = roundTrip(live.snapshot);
        expect(loaded.tasks[0]!.utime).toBe((1n << BigInt(bits)) - 1n);
        expect(loaded.kernel.uptime).toBe((1n << BigInt(bits - 1)) - 1n);
        expect(live.assumptions.some((a) => a.startsWith("utime beyond ULONG_MAX"))).toBe(true);
        expect(live.assumptions.some((a) => a.startsWith("uptime beyond LONG_MAX"))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
