/**
 * The guard's decision core on a fake world: an injected clock, fake readings and
 * processes, and a recording signal sender (issue: guard item 7).
 */
import { describe, expect, it } from "vitest";
import { view } from "../../test/support/views.js";
import { policyByName } from "../policy/registry.js";
import type { CandidateView } from "../policy/types.js";
import type { GuardCandidate } from "./candidate.js";
import { decide } from "./decide.js";
import {
  type GuardPorts,
  type GuardSettings,
  type Identity,
  runGuard,
  type SignalTarget,
} from "./guard.js";
import { DEFAULT_INTERVAL, nextIntervalMs } from "./interval.js";
import type { Reading } from "./readings.js";
import { type GuardRecord, humanLine, type Signal } from "./records.js";
import { parseRule, RuleSyntaxError } from "./rules.js";
import { evaluate, NO_PRESSURE, type TriggerConfig } from "./triggers.js";

const MIB = 1024 * 1024;
const PAGE = 4096;

interface FakeProc {
  pid: number;
  comm: string;
  rssMib: number;
  adj?: number;
  pgrp?: number;
  startTicks?: bigint;
  ignoresTerm?: boolean;
  /** ms from a fatal signal to the exit. */
  exitMs?: number;
  kthread?: boolean;
  /** MiB per second it grows by. */
  growMibPerS?: number;
}

function viewOf(p: FakeProc): CandidateView {
  const rss = BigInt(Math.round((p.rssMib * MIB) / PAGE));
  return view({
    pid: p.pid,
    comm: p.comm,
    totalVmPages: rss * 2n,
    rssPages: rss,
    oomScoreAdj: p.adj ?? 0,
    isInit: p.pid === 1,
    isKthread: p.kthread ?? false,
    hasMm: !(p.kthread ?? false),
    childrenTotalVmPages: null,
  });
}

function candidate(p: FakeProc, extra: Partial<GuardCandidate> = {}): GuardCandidate {
  return {
    view: viewOf(p),
    startTicks: p.startTicks ?? BigInt(p.pid * 10),
    rawComm: p.comm,
    ppid: 1,
    pgrp: p.pgrp ?? p.pid,
    cmdline: null,
    exe: null,
    cgroup: null,
    ...extra,
  };
}

/** A machine of `totalMib` whose free memory is what its processes leave. */
class World {
  clock = 0;
  procs = new Map<number, FakeProc & { dieAt: number | null }>();
  signals: { at: number; target: SignalTarget; signal: Signal }[] = [];
  records: GuardRecord[] = [];
  /** Called once, right after the first list: the victim-to-be is replaced by a new process. */
  reuseAfterList: { pid: number; by: FakeProc } | null = null;

  constructor(
    readonly totalMib: number,
    procs: FakeProc[],
  ) {
    for (const p of procs) this.procs.set(p.pid, { ...p, dieAt: null });
  }

  usedMib(): number {
    let n = 0;
    for (const p of this.procs.values()) n += p.rssMib;
    return n;
  }

  reading(): Reading {
    const avail = Math.max(0, this.totalMib - this.usedMib()) * MIB;
    return {
      memory: {
        totalBytes: this.totalMib * MIB,
        availableBytes: avail,
        swapTotalBytes: 0,
        swapFreeBytes: 0,
      },
      pressure: null,
      cgroup: null,
    };
  }

  advance(ms: number): void {
    const end = this.clock + ms;
    while (this.clock < end) {
      const step = Math.min(10, end - this.clock);
      this.clock += step;
      for (const [pid, p] of this.procs) {
        if (p.dieAt !== null && this.clock >= p.dieAt) this.procs.delete(pid);
        else if (p.growMibPerS) p.rssMib += (p.growMibPerS * step) / 1000;
      }
    }
  }

  ports(stopAtMs: number): GuardPorts {
    return {
      now: () => this.clock,
      timestamp: () => `t+${this.clock}`,
      sleep: async (ms) => this.advance(ms),
      read: async () => this.reading(),
      list: async () => {
        const candidates = [...this.procs.values()].map((p) =>
          candidate(p, { startTicks: p.startTicks ?? BigInt(p.pid * 10) }),
        );
        if (this.reuseAfterList !== null) {
          const { pid, by } = this.reuseAfterList;
          this.procs.delete(pid);
          this.procs.set(by.pid, { ...by, dieAt: null });
          this.reuseAfterList = null;
        }
        return {
          candidates,
          inScope: candidates.length,
          ctx: {
            bits: 64,
            hz: 100,
            uptimeSeconds: 1000n,
            totalPages: BigInt((this.totalMib * MIB) / PAGE),
            current: -1,
          },
          protectedPids: new Set([4242]),
          pageSizeBytes: PAGE,
        };
      },
      identify: async (pid): Promise<Identity | null> => {
        const p = this.procs.get(pid);
        if (p === undefined) return null;
        return { startTicks: p.startTicks ?? BigInt(p.pid * 10), rawComm: p.comm, state: "S" };
      },
      signal: async (target, signal) => {
        this.signals.push({ at: this.clock, target, signal });
        const hit = [...this.procs.values()].filter((p) =>
          target.kind === "process" ? p.pid === target.pid : (p.pgrp ?? p.pid) === target.pgrp,
        );
        if (hit.length === 0) return "gone";
        for (const p of hit) {
          if (signal === "SIGKILL" || !p.ignoresTerm) {
            p.dieAt ??= this.clock + (p.exitMs ?? 20);
            p.growMibPerS = 0;
          }
        }
        return "sent";
      },
      stopping: () => (this.clock >= stopAtMs ? "test over" : null),
    };
  }
}

const MEM_ONLY: TriggerConfig = {
  combine: "and",
  memory: { term: { percent: 10, bytes: null }, kill: { percent: 5, bytes: null } },
  swap: { term: { percent: 10, bytes: null }, kill: { percent: 5, bytes: null } },
  pressure: null,
  cgroup: null,
};

function settings(over: Partial<GuardSettings> = {}): GuardSettings {
  return {
    triggers: MEM_ONLY,
    interval: DEFAULT_INTERVAL,
    policy: policyByName("modern"),
    rules: [],
    scope: "process",
    dryRun: false,
    termTimeoutMs: 1000,
    killTimeoutMs: 5000,
    recoveryTimeoutMs: 1000,
    maxKills: Number.POSITIVE_INFINITY,
    ...over,
  };
}

async function run(world: World, s: GuardSettings, untilMs: number) {
  return runGuard(s, world.ports(untilMs), (r) => world.records.push(r));
}

describe("triggers", () => {
  const reading = (availMib: number, swapTotalMib: number, swapFreeMib: number): Reading => ({
    memory: {
      totalBytes: 1000 * MIB,
      availableBytes: availMib * MIB,
      swapTotalBytes: swapTotalMib * MIB,
      swapFreeBytes: swapFreeMib * MIB,
    },
    pressure: null,
    cgroup: null,
  });
  it("no swap at all never reads as swap low: memory alone decides", () => {
    expect(evaluate(reading(500, 0, 0), MEM_ONLY, NO_PRESSURE, 0).level).toBe("ok");
    expect(evaluate(reading(80, 0, 0), MEM_ONLY, NO_PRESSURE, 0).level).toBe("term");
    const or = { ...MEM_ONLY, combine: "or" as const };
    expect(evaluate(reading(500, 0, 0), or, NO_PRESSURE, 0).level).toBe("ok");
  });
  it("AND needs memory and swap low; OR either; swap added later is noticed", () => {
    expect(evaluate(reading(40, 100, 50), MEM_ONLY, NO_PRESSURE, 0).level).toBe("ok");
    expect(evaluate(reading(40, 100, 4), MEM_ONLY, NO_PRESSURE, 0).level).toBe("kill");
    const or = { ...MEM_ONLY, combine: "or" as const };
    expect(evaluate(reading(40, 100, 50), or, NO_PRESSURE, 0).level).toBe("kill");
  });
  it("a percentage and a size: the lower level applies", () => {
    const t: TriggerConfig = {
      ...MEM_ONLY,
      swap: null,
      memory: { term: { percent: 10, bytes: 50 * MIB }, kill: { percent: 5, bytes: 20 * MIB } },
    };
    expect(evaluate(reading(60, 0, 0), t, NO_PRESSURE, 0).level).toBe("ok");
    expect(evaluate(reading(45, 0, 0), t, NO_PRESSURE, 0).level).toBe("term");
    expect(evaluate(reading(20, 0, 0), t, NO_PRESSURE, 0).level).toBe("kill");
  });
  it("PSI counts only after it has stayed at a level for the duration", () => {
    const t: TriggerConfig = {
      combine: "or",
      memory: null,
      swap: null,
      pressure: { line: "some", term: 20, kill: 60, forMs: 1000 },
      cgroup: null,
    };
    const psi = (avg10: number): Reading => ({
      memory: null,
      cgroup: null,
      pressure: { some: { avg10, avg60: 0, avg300: 0, totalUs: 0 }, full: null },
    });
    let e = evaluate(psi(70), t, NO_PRESSURE, 0);
    expect(e.level).toBe("ok");
    e = evaluate(psi(70), t, e.pressureClock, 999);
    expect(e.level).toBe("ok");
    e = evaluate(psi(70), t, e.pressureClock, 1000);
    expect(e.level).toBe("kill");
    e = evaluate(psi(30), t, e.pressureClock, 1500);
    expect(e.level).toBe("term");
    e = evaluate(psi(10), t, e.pressureClock, 1600);
    expect(e.level).toBe("ok");
  });
  it("a cgroup without a limit does not apply; with one, usage against it does", () => {
    const t: TriggerConfig = {
      combine: "and",
      memory: null,
      swap: null,
      pressure: null,
      cgroup: { termPercent: 90, killPercent: 95 },
    };
    const cg = (usage: number, limit: number | null): Reading => ({
      memory: null,
      pressure: null,
      cgroup: {
        usageBytes: usage,
        limitBytes: limit,
        swapUsageBytes: null,
        swapLimitBytes: null,
        kernelOomKills: 0,
      },
    });
    expect(evaluate(cg(10, null), t, NO_PRESSURE, 0).triggers[0]!.level).toBe("n/a");
    expect(evaluate(cg(89, 100), t, NO_PRESSURE, 0).level).toBe("ok");
    expect(evaluate(cg(91, 100), t, NO_PRESSURE, 0).level).toBe("term");
    expect(evaluate(cg(95, 100), t, NO_PRESSURE, 0).level).toBe("kill");
  });
  it("the poll interval is short near a level and long far from it", () => {
    const far = reading(900, 0, 0);
    const near = reading(105, 0, 0);
    const ev = (r: Reading) => evaluate(r, MEM_ONLY, NO_PRESSURE, 0);
    const slow = { ...DEFAULT_INTERVAL, fillRateBytesPerSecond: 500 * MIB };
    expect(nextIntervalMs(far, ev(far), MEM_ONLY, slow)).toBe(1000);
    expect(nextIntervalMs(near, ev(near), MEM_ONLY, slow)).toBe(100);
  });
});

describe("rules and the choice", () => {
  const procs: FakeProc[] = [
    { pid: 1, comm: "init", rssMib: 900 },
    { pid: 2, comm: "kthreadd", rssMib: 0, kthread: true },
    { pid: 4242, comm: "guard", rssMib: 800 },
    { pid: 100, comm: "protected", rssMib: 700, adj: -1000 },
    { pid: 200, comm: "browser", rssMib: 300 },
    { pid: 300, comm: "helper", rssMib: 50, adj: 500 },
    { pid: 400, comm: "editor", rssMib: 100 },
  ];
  const choose = (rules: string[][]) =>
    decide({
      candidates: procs.map((p) => candidate(p, { cmdline: `/usr/bin/${p.comm} --flag` })),
      policy: policyByName("modern"),
      ctx: { bits: 64, hz: 100, uptimeSeconds: 1n, totalPages: 256000n, current: -1 },
      rules: rules.map(([k, t]) => parseRule(k as "prefer", t!)),
      protectedPids: new Set([4242]),
    });
  it("never pid 1, kernel threads, the guard, or oom_score_adj -1000", () => {
    const d = choose([]);
    const excluded = Object.fromEntries(
      d.table.filter((r) => r.excluded !== null).map((r) => [r.candidate.view.pid, r.excluded]),
    );
    expect(excluded).toEqual({
      1: "pid 1",
      2: "kernel thread",
      4242: "the guard itself or one of its ancestors",
      100: "oom_score_adj is -1000",
    });
    // modern points: helper's +500 of 1000 MB outweighs the browser's 300 MB.
    expect(d.table.slice(0, 3).map((r) => r.candidate.view.comm)).toEqual([
      "helper",
      "browser",
      "editor",
    ]);
  });
  it("prefer, avoid, ignore and only move or remove candidates", () => {
    expect(choose([["prefer", "editor"]]).table[0]!.candidate.view.comm).toBe("editor");
    expect(choose([["avoid", "helper"]]).table[0]!.candidate.view.comm).toBe("browser");
    const ignored = choose([["ignore", "cmdline:bin/helper"]]);
    expect(ignored.table[0]!.candidate.view.comm).toBe("browser");
    expect(ignored.table.find((r) => r.candidate.view.pid === 300)!.excluded).toContain("ignored");
    const only = choose([["only", "^(editor|init)$"]]);
    expect(only.candidates).toBe(1);
    expect(only.table[0]!.candidate.view.comm).toBe("editor");
    expect(choose([["prefer", "uid:^1000$"]]).table[0]!.candidate.view.comm).toBe("helper");
  });
  it("a bad expression is one error naming the rule", () => {
    expect(() => parseRule("prefer", "cmdline:(")).toThrow(RuleSyntaxError);
    expect(() => parseRule("avoid", "")).toThrow(/empty/);
  });
});

describe("runGuard", () => {
  it("kills a fast hog exactly once, and waits for its memory before another kill", async () => {
    const w = new World(1000, [
      { pid: 10, comm: "bystander", rssMib: 200 },
      { pid: 20, comm: "hog", rssMib: 600, growMibPerS: 400, exitMs: 300 },
    ]);
    await run(w, settings(), 5000);
    expect(w.signals.map((s) => s.target)).toEqual([{ kind: "process", pid: 20 }]);
    const kill = w.records.find((r) => r.type === "kill")!;
    expect(kill).toMatchObject({ victim: { pid: 20, comm: "hog" } });
    const outcome = w.records.find((r) => r.type === "outcome")!;
    expect(outcome).toMatchObject({ pid: 20, result: `exited after ${w.signals[0]!.signal}` });
    expect(w.procs.has(10)).toBe(true);
  });
  it("sends SIGTERM at the TERM level and SIGKILL when the victim ignores it", async () => {
    const w = new World(1000, [
      { pid: 10, comm: "bystander", rssMib: 100 },
      { pid: 20, comm: "stubborn", rssMib: 820, ignoresTerm: true },
    ]);
    await run(w, settings({ termTimeoutMs: 500 }), 3000);
    expect(w.signals.map((s) => s.signal)).toEqual(["SIGTERM", "SIGKILL"]);
    expect(w.signals[1]!.at - w.signals[0]!.at).toBeGreaterThanOrEqual(500);
    expect(w.records.some((r) => r.type === "escalate")).toBe(true);
    expect(w.procs.has(20)).toBe(false);
  });
  it("never signals a pid that now names another process; the next candidate is tried", async () => {
    const w = new World(1000, [
      { pid: 10, comm: "second", rssMib: 300 },
      { pid: 20, comm: "first", rssMib: 660 },
    ]);
    w.reuseAfterList = {
      pid: 20,
      by: { pid: 20, comm: "first", rssMib: 660, startTicks: 999999n },
    };
    await run(w, settings({ maxKills: 1 }), 3000);
    const failed = w.records.find((r) => r.type === "kill_failed")!;
    expect(failed).toMatchObject({ pid: 20 });
    expect(w.signals.map((s) => s.target)).toEqual([{ kind: "process", pid: 10 }]);
    expect(w.procs.has(20)).toBe(true);
  });
  it("a dry run chooses the same victim and signals nothing", async () => {
    const w = new World(1000, [
      { pid: 10, comm: "bystander", rssMib: 100 },
      { pid: 20, comm: "hog", rssMib: 960 },
    ]);
    await run(w, settings({ dryRun: true, maxKills: 1 }), 3000);
    expect(w.signals).toEqual([]);
    expect(w.records.find((r) => r.type === "kill")).toMatchObject({
      dry_run: true,
      victim: { pid: 20 },
    });
  });
  it("a second kill in the same process group within the window takes the group", async () => {
    const w = new World(1000, [
      { pid: 10, comm: "bystander", rssMib: 50 },
      { pid: 20, comm: "worker-a", rssMib: 480, pgrp: 20, growMibPerS: 100 },
      { pid: 21, comm: "worker-b", rssMib: 470, pgrp: 20, growMibPerS: 100 },
    ]);
    await run(w, settings({ scope: "process-group", maxKills: 2 }), 5000);
    expect(w.signals.map((s) => s.target)).toEqual([
      { kind: "process", pid: 20 },
      { kind: "group", pgrp: 20 },
    ]);
  });
  it("escapes control characters of a hostile name in the human line", async () => {
    const w = new World(1000, [{ pid: 20, comm: "evil\nKILL: fake", rssMib: 960 }]);
    await run(w, settings({ dryRun: true, maxKills: 1 }), 1000);
    const line = humanLine(w.records.find((r) => r.type === "kill")!);
    expect(line).not.toContain("\n");
    expect(line).toContain("evil\\x0aKILL: fake");
  });
});
