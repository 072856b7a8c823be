/**
 * fast-check arbitraries for small scenarios that reach the OOM killer: both word sizes,
 * several HZ, cpusets on or off (a mem-exclusive parent or not), process trees with
 * threads, shared mms, credentials and capabilities, nice and oom_adj values, CPU times
 * beyond 2^32, and a timeline of faults, kills, oom_adj changes, forks and exits that
 * ends by running memory out. For property tests of the simulator.
 */
import fc from "fast-check";
import type { ProcessSpecIn, ScenarioIn } from "./scenario-schema.js";

const names = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
const CAP_LIST = ["CAP_SYS_ADMIN", "CAP_SYS_RAWIO", "CAP_KILL", "CAP_SYS_NICE"];

function processArbitrary(depth: number): fc.Arbitrary<Omit<ProcessSpecIn, "name">> {
  return fc.record(
    {
      uid: fc.constantFrom(0, 1000, 4294967295),
      euid: fc.constantFrom(0, 1000),
      caps: fc.oneof(
        fc.constant<"root">("root"),
        fc.constant<"none">("none"),
        fc.subarray(CAP_LIST),
      ),
      nice: fc.integer({ min: -20, max: 19 }),
      oomkilladj: fc.oneof(fc.constant(0), fc.integer({ min: -17, max: 15 })),
      cpuset: fc.constantFrom("/", "/a", "/a/b"),
      start: fc.integer({ min: 0, max: 100 }),
      utime: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(2 ** 32 + 5)),
      stime: fc.integer({ min: 0, max: 100000 }),
      total_vm: fc.integer({ min: 0, max: 3000 }),
      rss: fc.integer({ min: 0, max: 300 }),
      share_mm: fc.boolean(),
      ignore_sigchld: fc.boolean(),
      threads: fc.array(
        fc.record(
          {
            utime: fc.integer({ min: 0, max: 1000 }),
            oomkilladj: fc.integer({ min: -17, max: 15 }),
            nice: fc.integer({ min: -20, max: 19 }),
          },
          { requiredKeys: ["utime"] },
        ),
        { maxLength: 3 },
      ),
      children:
        depth === 0
          ? fc.constant([])
          : fc.array(
              fc.constant(null).chain(() => processArbitrary(depth - 1)),
              { maxLength: 3 },
            ),
    },
    { requiredKeys: ["total_vm", "rss"] },
  ) as fc.Arbitrary<Omit<ProcessSpecIn, "name">>;
}

/** Names every process of the tree p0, p1, ... in order; returns the count. */
function nameTree(list: Omit<ProcessSpecIn, "name">[], cpusets: boolean, next = { n: 0 }): number {
  for (const p of list) {
    (p as ProcessSpecIn).name = `p${next.n++}`;
    if (!cpusets) delete p.cpuset;
    nameTree((p.children ?? []) as Omit<ProcessSpecIn, "name">[], cpusets, next);
  }
  return next.n;
}

export const scenarioArbitrary: fc.Arbitrary<ScenarioIn> = fc
  .record({
    bits: fc.constantFrom<32 | 64>(32, 64),
    hz: fc.constantFrom(100, 250, 1000, 1535),
    memory: fc.constantFrom("24MiB", "32MiB", "48MiB"),
    swap: fc.constantFrom(0, "4MiB"),
    cpusetsEnabled: fc.boolean(),
    exclusive: fc.boolean(),
    panicOnOom: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.constant(1)),
    uptime: fc.integer({ min: 100, max: 10 ** 6 }),
    processes: fc.array(processArbitrary(2), { minLength: 1, maxLength: 5 }),
    actions: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 5 }),
        who: fc.nat(),
        what: fc.constantFrom("fault", "fault", "fault", "kill", "oom_adj", "fork", "exit"),
        pages: fc.integer({ min: 1000, max: 20000 }),
        adj: fc.integer({ min: -17, max: 15 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map((o) => {
    const count = nameTree(o.processes, o.cpusetsEnabled);
    const timeline = o.actions.map((a) => {
      const task = names(count)[a.who % count]!;
      if (a.what === "fault") return { at: a.at, task, fault: { pages: a.pages } };
      if (a.what === "kill") return { at: a.at, task, kill: true as const };
      if (a.what === "oom_adj") return { at: a.at, task, oom_adj: a.adj };
      if (a.what === "fork") return { at: a.at, task, fork: {} };
      return { at: a.at, task, exit: 0 };
    });
    // Memory always runs out at the end.
    timeline.push({ at: 6, task: "p0", fault: { pages: 40000 } });
    return {
      seed: 7,
      machine: {
        bits: o.bits,
        hz: o.hz,
        memory: o.memory,
        swap: o.swap,
        cpusets_enabled: o.cpusetsEnabled,
        ...(o.cpusetsEnabled
          ? {
              cpusets: [
                { path: "/a", mems: [0], mem_exclusive: o.exclusive },
                { path: "/a/b", mems: [0] },
              ],
            }
          : {}),
        panic_on_oom: o.panicOnOom,
        uptime: o.uptime,
      },
      processes: o.processes as ProcessSpecIn[],
      timeline,
    };
  });
