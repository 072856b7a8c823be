import { describe, expect, it } from "vitest";
import type { SimEvent } from "./events.js";
import { runScenarioText } from "./run.js";

function events(text: string): SimEvent[] {
  const out: SimEvent[] = [];
  runScenarioText(text, (e) => out.push(e), { file: "s.yaml", checkInvariants: true });
  return out;
}

const MACHINE = "machine: {bits: 64, hz: 250, memory: 64MiB, uptime: 1000}\n";

describe("engine (docs/oom-path.md §4.9, §7.6, §9)", () => {
  it("docs/oom-path.md §9.4: a victim stuck in the allocator dies only after its allocation returns; OOMs abort meanwhile", () => {
    const text = `${MACHINE}processes:
  - {name: renderer, pid: 1500, start: 100, total_vm: 20000, rss: 8000}
  - {name: indexer, pid: 1600, start: 200, total_vm: 3000, rss: 1000}
timeline:
  - {at: 1, task: indexer, fault: {pages: 8000, rate: 8000}}
  - {at: 2, task: renderer, fault: {pages: 20000, rate: 8000}}
`;
    const ev = events(text);
    const kill = ev.find((e) => e.type === "oom.kill")!;
    const exit = ev.find((e) => e.type === "task.exit" && e.pid === 1500)!;
    const aborted = ev.filter((e) => e.type === "oom.result" && e.outcome === "aborted");
    expect(kill.type === "oom.kill" && kill.victim).toBe(1500);
    expect(aborted.length).toBeGreaterThan(0);
    for (const a of aborted) expect(a.tick).toBeGreaterThan(kill.tick);
    for (const a of aborted) expect(a.tick).toBeLessThan(exit.tick);
    // Every aborted call sleeps a jiffy: consecutive calls are at least one tick apart.
    const calls = ev.filter((e) => e.type === "oom.invoked").map((e) => e.tick);
    for (let i = 1; i < calls.length; i++)
      expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(1);
  });

  it("docs/oom-path.md §7.6: a current that is itself the victim gets TIF_MEMDIE, does not sleep, and dies after its fault", () => {
    const text = `${MACHINE}processes:
  - {name: leaker, pid: 700, start: 10, total_vm: 1000, rss: 500}
timeline:
  - {at: 1, task: leaker, fault: {pages: 30000, rate: 10000}}
`;
    const ev = events(text);
    const result = ev.find((e) => e.type === "oom.result")!;
    expect(result.type === "oom.result" && result.sleep).toBe(false);
    const exit = ev.find((e) => e.type === "task.exit" && e.pid === 700)!;
    expect(exit.tick).toBe(result.tick);
    const freed = ev.find((e) => e.type === "mm.free")!;
    expect(freed.type === "mm.free" && freed.pid).toBe(700);
  });

  it("docs/oom-path.md §4.9: an idle victim runs its exit on the next tick and its memory returns then", () => {
    const text = `${MACHINE}processes:
  - {name: big, pid: 800, start: 10, total_vm: 9000, rss: 8000}
  - {name: leaker, pid: 801, start: 900, total_vm: 1000, rss: 500}
timeline:
  - {at: 1, task: leaker, fault: {pages: 9000, rate: 10000}}
`;
    const ev = events(text);
    const kill = ev.find((e) => e.type === "oom.kill")!;
    const exit = ev.find((e) => e.type === "task.exit" && e.pid === 800)!;
    const freed = ev.find((e) => e.type === "mm.free" && e.pid === 800)!;
    expect(exit.tick).toBe(kill.tick + 1);
    expect(freed.tick).toBe(exit.tick);
    expect(ev.filter((e) => e.type === "oom.invoked")).toHaveLength(1);
    expect(ev.some((e) => e.type === "alloc.done" && e.pid === 801 && e.ok)).toBe(true);
  });

  it("docs/oom-path.md §3.4: zombies stay until their parent waits, init reaps at once", () => {
    const text = `${MACHINE}processes:
  - {name: parent, pid: 900, children: [{name: kid, pid: 901}]}
timeline:
  - {at: 1, task: kid, exit: 3}
  - {at: 2, task: parent, wait: true}
  - {at: 3, task: parent, exit: 0}
`;
    const ev = events(text);
    const exitKid = ev.find((e) => e.type === "task.exit" && e.pid === 901)!;
    const reapKid = ev.find((e) => e.type === "task.reap" && e.pid === 901)!;
    expect(exitKid.type === "task.exit" && exitKid.zombie).toBe(true);
    expect(reapKid.tick - exitKid.tick).toBe(250);
    const reapParent = ev.find((e) => e.type === "task.reap" && e.pid === 900)!;
    expect(reapParent.type === "task.reap" && reapParent.by).toBe("parent");
  });

  it("a task runs one action at a time: later ones wait in its queue, kill and oom_adj act at once", () => {
    const text = `${MACHINE}processes:
  - {name: writer, pid: 700}
  - {name: other, pid: 710}
timeline:
  - {at: 0, task: writer, fault: {pages: 1000, rate: 250}}
  - {at: 1, task: writer, map: 100}
  - {at: 5, task: other, fault: {pages: 1000, rate: 250}}
  - {at: 6, task: other, map: 100}
  - {at: 6, task: other, oom_adj: 5}
  - {at: 7, task: other, kill: true}
  - {at: 8, task: other, exit: 0}
`;
    const ev = events(text);
    const start = ev[0]!.tick;
    const at = (type: SimEvent["type"], pid: number) =>
      ev.find((e) => e.type === type && "pid" in e && e.pid === pid)?.tick;
    // The map sent at 1 s waits for the 4 s fault to finish.
    expect(at("task.map", 700)).toBe(start + 4 * 250);
    expect(at("task.oom_adj", 710)).toBe(start + 6 * 250);
    expect(at("task.exit", 710)).toBe(start + 7 * 250);
    expect(at("task.map", 710)).toBeUndefined();
    const skips = ev.filter((e) => e.type === "sim.skip");
    expect(skips).toEqual([
      {
        type: "sim.skip",
        tick: start + 7 * 250,
        pid: 710,
        action: "map",
        why: "the task exited with the action still queued",
        entry: 3,
      },
      {
        type: "sim.skip",
        tick: start + 8 * 250,
        pid: null,
        action: "exit",
        why: "no such live task",
        entry: 6,
      },
    ]);
  });
});

describe("teardown window (docs/oom-path.md §4.9, §15)", () => {
  it("with a teardown time, a second OOM in the window no longer waits for the victim and picks another", () => {
    const scenario = (
      teardown: string,
    ) => `machine: {bits: 64, hz: 250, memory: 64MiB, uptime: 1000, teardown: "${teardown}"}
processes:
  - {name: big, pid: 800, start: 10, total_vm: 9000, rss: 8000}
  - {name: middle, pid: 802, start: 10, total_vm: 4000, rss: 3000}
  - {name: leaker, pid: 801, start: 900, total_vm: 1000, rss: 500}
timeline:
  - {at: 1, task: leaker, fault: {pages: 9000, rate: 10000}}
`;
    const kills = (ev: SimEvent[]) =>
      ev.filter((e) => e.type === "oom.kill").map((e) => (e.type === "oom.kill" ? e.victim : 0));
    expect(kills(events(scenario("0j")))).toEqual([800]);
    const slow = events(scenario("2s"));
    const exit = slow.find((e) => e.type === "task.exit" && e.pid === 800)!;
    const freed = slow.find((e) => e.type === "mm.free" && e.pid === 800)!;
    expect(freed.tick - exit.tick).toBe(500);
    // A second victim is chosen while 800's pages are still on their way back.
    const second = slow.filter((e) => e.type === "oom.kill")[1]!;
    expect(kills(slow)[0]).toBe(800);
    expect(kills(slow)[1]).not.toBe(800);
    expect(second.tick).toBeGreaterThan(exit.tick);
    expect(second.tick).toBeLessThan(freed.tick);
  });
});
