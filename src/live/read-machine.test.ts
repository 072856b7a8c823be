import { describe, expect, it } from "vitest";
import { denying, fixtureFs, fixtureRoot } from "../../test/support/proc-fixtures.js";
import { checkOomScores } from "./check.js";
import { nodeProcFs } from "./procfs.js";
import { readMachine } from "./read-machine.js";
import { isKernelThread, toModernTask } from "./to-modern.js";

describe("readMachine on fake /proc trees (modern-oom §4.1, §5)", () => {
  it("normal: processes, threads, page size, totalpages, version", async () => {
    const m = await readMachine(fixtureFs("normal"));
    expect(m.processes.map((p) => p.pid)).toEqual([1, 400, 2, 10, 100, 200, 300]);
    expect(m.pageSizeBytes).toBe(4096);
    expect(m.totalPages).toBe(250_000n);
    expect(m.kernelVersion).toEqual([6, 18, 44]);
    expect(m.uptimeSeconds).toBe(100_000n);
    const java = m.processes.find((p) => p.pid === 200)!;
    expect(java.threads.map((t) => t.tid)).toEqual([200, 201]);
    expect(java.threads[1]!.children).toEqual([300]);
    expect(java.threads[1]!.stat.comm).toBe("C2 CompilerThre");
    expect(java.mm).toEqual({
      vsizeBytes: 2_048_000_000n,
      rssPages: 50_000n,
      vmSwapKb: 0n,
      vmPteKb: 400n,
    });
    expect(java.kernelOomScore).toBe(1000);
    expect(m.skipped).toEqual({ vanished: 0, denied: 0, garbled: 0 });
    expect(m.assumptions.some((a) => a.includes("USER_HZ"))).toBe(true);
  });
  it("normal: the modern policy reproduces every oom_score file", async () => {
    const r = await checkOomScores(fixtureFs("normal"));
    expect(r.checked).toBe(7);
    expect(r.agreed).toBe(7);
    expect(r.mismatches).toEqual([]);
  });
  it("kernel threads: no mm, recognised by Kthread: or by PF_KTHREAD on old kernels", async () => {
    const m = await readMachine(fixtureFs("normal"));
    const kt = m.processes.find((p) => p.pid === 10)!;
    expect(kt.mm).toBeNull();
    expect(isKernelThread(kt)).toBe(true);
    const old = await readMachine(fixtureFs("kthread-old-kernel"));
    const kthreadd = old.processes.find((p) => p.pid === 2)!;
    expect(kthreadd.status.kthread).toBeNull();
    expect(isKernelThread(kthreadd)).toBe(true);
    expect(isKernelThread(old.processes.find((p) => p.pid === 3)!)).toBe(false);
    expect(old.kernelVersion).toEqual([4, 19, 0]);
  });
  it("zombies: no mm; a zombie leader with a live thread takes the thread's mm", async () => {
    const m = await readMachine(fixtureFs("zombie"));
    const z = m.processes.find((p) => p.pid === 50)!;
    expect(z.mm).toBeNull();
    expect(z.stat.state).toBe("Z");
    expect(toModernTask(z, m).hasMm).toBe(false);
    const leaderless = m.processes.find((p) => p.pid === 60)!;
    expect(leaderless.mm?.rssPages).toBe(5000n);
    expect(toModernTask(leaderless, m).hasMm).toBe(true);
    const r = await checkOomScores(fixtureFs("zombie"));
    expect(r.agreed).toBe(r.checked);
  });
  it("vanished: a pid directory without files is skipped, a lost thread is dropped", async () => {
    const m = await readMachine(fixtureFs("vanished"));
    expect(m.processes.map((p) => p.pid)).toEqual([1, 72]);
    expect(m.skipped.vanished).toBe(2);
    expect(m.processes[1]!.threads.map((t) => t.tid)).toEqual([72, 74]);
    expect(m.assumptions.some((a) => a.includes("2 process(es) vanished"))).toBe(true);
  });
  it("hidepid: invisible processes are simply absent; no self, no init", async () => {
    const m = await readMachine(fixtureFs("hidepid"));
    expect(m.processes.map((p) => p.pid)).toEqual([500, 501, 502]);
    expect(m.selfPid).toBeNull();
  });
  it("permission denied: the process is counted and skipped, a denied children file falls back", async () => {
    const fs = denying(
      fixtureFs("normal"),
      (p) => p.startsWith("300/") || p === "100/task/100/children",
    );
    const m = await readMachine(fs);
    expect(m.processes.map((p) => p.pid)).not.toContain(300);
    expect(m.skipped.denied).toBe(1);
    const bash = m.processes.find((p) => p.pid === 100)!;
    expect(bash.threads[0]!.children).toBeNull();
    expect(bash.missing).toContain("children");
    expect(m.assumptions.some((a) => a.startsWith("children unreadable for 1"))).toBe(true);
  });
  it("an unreadable oom_score_adj defaults to 0 and is listed", async () => {
    const fs = denying(fixtureFs("normal"), (p) => p === "200/oom_score_adj");
    const m = await readMachine(fs);
    expect(m.processes.find((p) => p.pid === 200)!.oomScoreAdj).toBe(0);
    expect(m.assumptions.some((a) => a.startsWith("oom_score_adj unreadable for 1"))).toBe(true);
  });
  it("hostile names are kept raw", async () => {
    const m = await readMachine(fixtureFs("hostile-comm"));
    const names = m.processes.map((p) => p.stat.comm);
    expect(names).toContain(") (x) 1 2 (");
    expect(names).toContain("two\nlines");
    expect(m.processes.find((p) => p.pid === 804)!.threads[1]!.stat.comm).toBe("a)b (c\td");
  });
  it("an empty or missing root reads as an empty machine with defaults listed", async () => {
    const m = await readMachine(nodeProcFs({ root: fixtureRoot("does-not-exist") }));
    expect(m.processes).toEqual([]);
    expect(m.assumptions.some((a) => a.includes("MemTotal"))).toBe(true);
  });
});
