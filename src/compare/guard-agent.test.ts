import { describe, expect, it } from "vitest";
import { largestRssPolicy } from "../policy/largest-rss.js";
import { modernPolicy } from "../policy/modern-policy.js";
import type { SimEvent } from "../sim/events.js";
import { runScenarioText } from "../sim/run.js";
import { compareScenario, guardContender } from "./compare.js";
import { simulatedGuard } from "./guard-agent.js";

/** java leaks 60000 pages into 256 MiB; backup is OOM_DISABLE here, and big. */
const LEAK = `
machine: { bits: 64, hz: 250, memory: 256MiB, uptime: 20000 }
processes:
  - { name: sshd, pid: 300, uid: 0, start: 5, utime: 2000, total_vm: 5000, rss: 1000 }
  - { name: java, pid: 320, start: 1000, utime: 600000, total_vm: 40000, rss: 20000 }
  - { name: backup, pid: 400, start: 19000, total_vm: 30000, rss: 30000, oomkilladj: -17 }
timeline:
  - { at: 1, task: java, fault: { pages: 60000, rate: 20000 } }
`;

function run(text: string) {
  const events: SimEvent[] = [];
  const r = runScenarioText(text, (e) => events.push(e), {
    file: "s.yaml",
    agent: simulatedGuard(largestRssPolicy),
  });
  return { events, ...r };
}

describe("the simulated guard", () => {
  it("kills before the kernel has to: below 10 % free, the largest process it may choose", () => {
    const { events, oomCalls, sim } = run(LEAK);
    expect(oomCalls).toHaveLength(0);
    const kills = events.filter((e) => e.type === "guard.kill");
    expect(kills.map((e) => [e.pid, e.level, e.policy])).toEqual([[320, "term", "largest-rss"]]);
    // backup is bigger but OOM_DISABLE: oom_score_adj -1000 is never a candidate.
    const kill = kills[0]! as SimEvent & { type: "guard.kill" };
    expect(kill.triggers).toMatch(/^MemAvailable \d+ MiB \(\d\.\d %\)$/);
    // No allocation had stalled yet.
    expect(events.some((e) => e.tick <= kill.tick && e.type === "alloc.stall")).toBe(false);
    const signal = events.find((e) => e.type === "task.signal" && e.pid === 320);
    expect(signal).toMatchObject({ reason: "guard", tick: kill.tick });
    const exit = events.find((e) => e.type === "task.exit" && e.pid === 320);
    expect(exit).toMatchObject({ cause: "guard" });
    expect(sim.k.tasks.has(400)).toBe(true);
  });

  it("kills again only once its first victim has exited", () => {
    // Two leaks: java goes first; sshd fills the memory java gave back and goes next.
    const two = `${LEAK}  - { at: 1, task: sshd, fault: { pages: 60000, rate: 20000 } }\n`;
    const { events, oomCalls } = run(two);
    expect(oomCalls).toHaveLength(0);
    const kills = events.filter((e) => e.type === "guard.kill");
    expect(kills.map((e) => e.pid)).toEqual([320, 300]);
    const exited = events.find((e) => e.type === "task.exit" && e.pid === 320)!;
    expect(exited.tick).toBeLessThan(kills[1]!.tick);
  });

  it("as a contender: named guard for modern, guard:POLICY otherwise; metrics count its kills", () => {
    expect(guardContender(modernPolicy()).name).toBe("guard");
    const c = compareScenario(LEAK, [guardContender(largestRssPolicy)], { file: "s.yaml" });
    const m = c.runs[0]!.metrics;
    expect(c.runs[0]!.policy).toBe("guard:largest-rss");
    expect([m.oomCalls, m.guardKills, m.kills, m.innocentVictims]).toEqual([0, 1, 1, 0]);
    expect(m.calls).toMatchObject([{ outcome: "guard", victim: 320, pid: 0, comm: "guard" }]);
    expect(m.workLost).toBe(2400);
    expect(m.recoveredPages).toBeGreaterThan(0);
    expect([m.pressureTicks, m.reliefTicks, m.protectedViolations]).toEqual([0, null, 0]);
  });
});
