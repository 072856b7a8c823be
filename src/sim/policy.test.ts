/** A run that names a victim policy: the policy chooses, the rest of the kernel is 2.6.20's. */
import { describe, expect, it } from "vitest";
import { largestRssPolicy } from "../policy/largest-rss.js";
import { linux2620Policy } from "../policy/linux-2620.js";
import { modernPolicy } from "../policy/modern-policy.js";
import { newestPolicy } from "../policy/newest.js";
import type { VictimPolicy } from "../policy/types.js";
import type { SimEvent } from "./events.js";
import { runScenarioText } from "./run.js";

/** examples/child-first.yaml: java, bash's child, leaks; backup started last. */
const CHILD_FIRST = `
machine: { bits: 64, hz: 250, memory: 256MiB, uptime: 20000 }
processes:
  - name: sshd
    pid: 300
    uid: 0
    start: 5
    utime: 2000
    total_vm: 5000
    rss: 1000
    children:
      - name: bash
        pid: 310
        start: 100
        utime: 500
        total_vm: 3000
        rss: 600
        children:
          - { name: java, pid: 320, start: 1000, utime: 600000, total_vm: 40000, rss: 20000 }
  - name: backup
    pid: 400
    start: 19000
    total_vm: 9000
    rss: 8000
timeline:
  - { at: 1, task: java, fault: { pages: 60000, rate: 20000 } }
`;

function run(policy?: VictimPolicy, text = CHILD_FIRST) {
  const events: SimEvent[] = [];
  const r = runScenarioText(text, (e) => events.push(e), { file: "s.yaml", policy });
  return { events, ...r };
}

const victims = (events: SimEvent[]) =>
  events.flatMap((e) => (e.type === "oom.kill" ? [e.victim] : []));

describe("the simulator's victim policy", () => {
  it("2.6.20 named explicitly gives the same events as no policy, the start event apart", () => {
    const plain = run().events;
    const named = run(linux2620Policy).events;
    expect(named[0]).toEqual({ ...plain[0], policy: "2.6.20" });
    expect(named.slice(1)).toEqual(plain.slice(1));
    expect(plain[0]).not.toHaveProperty("policy");
  });

  it("newest kills the backup started last, and the leak goes on to a second OOM", () => {
    const { events, oomCalls } = run(newestPolicy);
    expect(victims(events)).toEqual([400, 320]);
    expect(oomCalls[0]!.result.selected).toEqual({ pid: 400, points: 19000n });
  });

  it("RSS-based policies read the simulated mm sizes: java is the largest", () => {
    for (const policy of [largestRssPolicy, modernPolicy()]) {
      const { events, oomCalls } = run(policy);
      expect(victims(events)).toEqual([320]);
      const call = oomCalls[0]!;
      const javaMm = call.snapshot().tasks.find((t) => t.pid === 320)!.mm;
      const rss = call.snapshot().mms.find((m) => m.id === javaMm)!.rss!;
      expect(call.result.selected!.points).toBe(rss);
    }
  });

  it("the modern score is relative to the machine's RAM and swap", () => {
    const adj = CHILD_FIRST.replace("name: backup\n", "name: backup\n    oomkilladj: 15\n");
    // oom_adj 15 is oom_score_adj 1000: 1000 times totalpages / 1000 (RAM + swap, no swap
    // here) is added to backup's 8000 resident pages.
    const { oomCalls, sim } = run(modernPolicy(), adj);
    const selected = oomCalls[0]!.result.selected!;
    expect(selected.pid).toBe(400);
    expect(selected.points).toBe(8000n + 1000n * (BigInt(sim.port.presentPages()) / 1000n));
  });
});
