import { describe, expect, it } from "vitest";
import type { SimEvent } from "./events.js";
import { checkExpect, type KnownTask, knownTasks } from "./expect.js";
import { parseScenario } from "./load-scenario.js";
import { runScenarioText } from "./run.js";
import type { Expect } from "./scenario-schema.js";

/** A machine where java (a child of bash) leaks and is killed in place of bash. */
const CHILD_FIRST = `
machine: { memory: 256MiB, uptime: 20000 }
processes:
  - name: bash
    pid: 310
    start: 100
    total_vm: 3000
    rss: 600
    children:
      - { name: java, pid: 320, start: 1000, utime: 600000, total_vm: 40000, rss: 20000 }
  - { name: backup, pid: 400, label: nightly, start: 19000, total_vm: 9000, rss: 8000 }
timeline:
  - { at: 1, task: java, fault: { pages: 60000, rate: 20000 } }
`;

function run(text: string): { events: SimEvent[]; tasks: KnownTask[] } {
  const events: SimEvent[] = [];
  let tasks: KnownTask[] = [];
  runScenarioText(text, (e) => events.push(e), {
    file: "s.yaml",
    onSetup: (s) => {
      tasks = knownTasks(s);
    },
  });
  return { events, tasks };
}

/** The expect block as the scenario loader reads it (defaults filled in). */
function want(yaml: string): Expect {
  return parseScenario(`machine: { memory: 64MiB }\nexpect:\n${yaml}`, "e.yaml").scenario.expect!;
}

const childFirst = run(CHILD_FIRST);
const check = (yaml: string, r = childFirst) => checkExpect(want(yaml), r.events, r.tasks);

describe("checkExpect", () => {
  it("finds nothing wrong when every fact holds", () => {
    expect(
      check(`  end: idle
  calls: [{ outcome: killed, task: java, selected: bash, victim: 320, constraint: none, sleep: false }]
  kills: 1
  dies: [java]
  survives: [bash, nightly]
  claims:
    - { says: java finishes its fault, alloc: { task: java, result: ok } }
    - { says: java is signalled once, signal: { task: java, reason: oom, times: 1 } }
    - { says: java's mm is freed, mm: { of: java, users: [1, 0], freed: true } }
`),
    ).toEqual([]);
  });

  it("names each field of a call that differs, with the task it got", () => {
    expect(
      check("  calls: [{ outcome: aborted, selected: java, victim: bash, sleep: true }]"),
    ).toEqual([
      "call 1: outcome aborted expected, got killed",
      'call 1: selected "java" expected, got bash (pid 310)',
      'call 1: victim "bash" expected, got java (pid 320)',
      "call 1: the caller was expected to sleep, it did not",
    ]);
  });

  it("says when the run makes fewer or more calls than expected", () => {
    expect(check("  calls: [{ outcome: killed }, { outcome: aborted }]")).toEqual([
      "calls[1]: out_of_memory() call 2 expected, the run made 1",
    ]);
    expect(check("  calls: []")).toEqual([
      "calls: 1 more out_of_memory() call than expected, from call 1: killed by java (pid 320) killing java (pid 320)",
    ]);
    expect(check('  calls: [{ outcome: killed, times: "2+" }]')).toEqual([
      "calls[0]: 2 or more matching calls expected, got 1 (the run made no more calls)",
    ]);
  });

  it("says who survived that should die, who died that should survive, and unknown names", () => {
    expect(check("  dies: [bash, javaa]\n  survives: [java, 999]")).toEqual([
      "dies: bash (pid 310) is still alive at the end",
      'dies: no task is named "javaa"',
      expect.stringMatching(
        /^survives: java \(pid 320\) exits at 20\d{3}\.\d{3} s of uptime \(cause oom\)$/,
      ),
      "survives: no task has pid 999",
    ]);
  });

  it("checks the end, the kill count, and each claim under its sentence", () => {
    expect(
      check(`  end: panic
  kills: 2
  claims:
    - { says: bash is never signalled, signal: { task: bash, times: 0 } }
    - { says: java is signalled twice, signal: { task: java, times: 2 } }
    - { says: the log is empty, log_empty: true }
    - { says: node 0 is full, free_memory: { call: 1, node: 0, free: false } }
    - { says: no OOM at all, oom_calls: 0 }
`),
    ).toEqual([
      "end: the run was expected to end panic, it ended idle",
      "kills: 2 expected, the OOM killer killed 1 (java (pid 320))",
      'claim "java is signalled twice": 2 SIGKILL to "java" expected, got 1',
      expect.stringMatching(
        /^claim "the log is empty": the kernel log was expected to be empty, it has \d+ entries$/,
      ),
      'claim "node 0 is full": at call 1 node 0 DMA has free pages above its min watermark',
      'claim "no OOM at all": 0 out_of_memory() calls expected, the run made 1',
    ]);
  });

  it("reads no oom.step event and no order of events inside one call", () => {
    const yaml = `  calls: [{ outcome: killed, task: java, selected: bash, victim: java, sleep: false, scored: true }]
  claims: [{ says: some memory is free, free_memory: { call: 1 } }]`;
    expect(check(yaml)).toEqual([]);
    const { events, tasks } = childFirst;
    const result = events.findIndex((e) => e.type === "oom.result");
    const first = events.findIndex((e) => "n" in e && e.n === 1);
    const steps = events.filter((e) => e.type !== "oom.step");
    const reversed = [
      ...events.slice(0, first),
      ...events.slice(first, result + 1).reverse(),
      ...events.slice(result + 1),
    ];
    const logsFirst = [
      ...events.slice(0, first),
      ...events.slice(first, result + 1).filter((e) => e.type === "log"),
      ...events.slice(first, result + 1).filter((e) => e.type !== "log"),
      ...events.slice(result + 1),
    ];
    for (const stream of [steps, reversed, logsFirst]) {
      expect(checkExpect(want(yaml), stream, tasks)).toEqual([]);
    }
  });
});

describe("checkExpect, a caller blocked on cpuset_lock()", () => {
  const DEADLOCK = `
machine:
  nodes: [{ id: 0, zones: { DMA: 4096, DMA32: 12288 } }, { id: 1, zones: { Normal: 16384 } }]
  cpusets: [{ path: /job, mems: [0] }]
processes:
  - { name: hog, pid: 400, total_vm: 30000, rss: 26000 }
  - { name: kworker-job, pid: 500, uid: 0, cpuset: /job, total_vm: 300, rss: 100 }
timeline:
  - { at: 1, task: kworker-job, kalloc: { gfp: GFP_KERNEL, count: 8000 } }
  - { at: 10, task: hog, fault: { pages: 2000 } }
until: 30
`;
  const r = run(DEADLOCK);
  const yaml = `  calls: [{ outcome: deadlock, task: kworker-job }, { outcome: blocked, task: hog }]
  kills: 0
  claims: [{ says: the hog's report shows node 1 full, free_memory: { call: 2, node: 1, free: false } }]`;

  it("counts as a call with outcome blocked", () => {
    expect(check(yaml, r)).toEqual([]);
  });

  it("counts once when the core also reports it as a numbered call, before or after", () => {
    const at = r.events.findIndex((e) => e.type === "oom.blocked");
    const b = r.events[at]! as SimEvent & { type: "oom.blocked" };
    const call: SimEvent[] = [
      { type: "oom.invoked", tick: b.tick, n: 2, pid: b.pid, comm: b.comm, gfpMask: 0, order: 0 },
      { type: "oom.result", tick: b.tick, n: 2, outcome: "blocked", sleep: false },
    ];
    const head = r.events.slice(0, at);
    const tail = r.events.slice(at + 1);
    for (const events of [
      [...head, ...call, ...tail],
      [...head, b, ...call, ...tail],
      [...head, ...call, b, ...tail],
    ]) {
      expect(checkExpect(want(yaml), events, r.tasks)).toEqual([]);
    }
  });
});

describe("the expect block in a scenario", () => {
  it("rejects an unknown key with its position, like every other key", () => {
    expect(() => want("  calls: [{ outcome: killed, victm: java }]")).toThrow(
      'e.yaml:3:30: expect.calls[0].victm: unknown key "victm"',
    );
  });
  it("rejects a claim with no fact, or with two", () => {
    expect(() => want("  claims: [{ says: x }]")).toThrow(/expect\.claims\[0\]: exactly one fact/);
    expect(() => want("  claims: [{ says: x, kills: 0, end: idle }]")).toThrow(
      /exactly one fact .*, got kills, end$/,
    );
  });
  it("is ignored by the simulation", () => {
    const plain = run(CHILD_FIRST);
    const withExpect = run(`${CHILD_FIRST}expect: { end: panic, kills: 9 }\n`);
    expect(withExpect.events).toEqual(plain.events);
  });
});
