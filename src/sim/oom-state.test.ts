import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { CAPABILITIES, PF_FLAGS } from "../kernel/constants.js";
import type { Task } from "../kernel/task.js";
import type { OomState } from "../oom/state.js";
import type { Snapshot } from "../snapshot/types.js";
import { scenarioArbitrary } from "./arbitrary.js";
import { DEFAULT_SCENARIO } from "./default-scenario.js";
import { buildOomSnapshot, type OomCallInput, plainOomCall } from "./oom-snapshot.js";
// The mocked module below: each call also records its comparison with the document route.
import { type CompiledOomCall, compileOomCall } from "./oom-state.js";
import { runScenarioText } from "./run.js";
import type { Simulation } from "./setup.js";

interface Seen {
  /** The differences between the two routes' states, taken before the core ran. */
  differences: string[];
  reference: Snapshot;
  compiled: CompiledOomCall;
}

const seen = vi.hoisted(() => ({ calls: [] as Seen[] }));

// Every out_of_memory() call of the simulation also takes the document route, at the same
// instant, so that both states can be compared before the core changes its own.
vi.mock("./oom-state.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./oom-state.js")>();
  const { buildOomSnapshot: build } = await import("./oom-snapshot.js");
  const { compileState: compile } = await import("../oom/state.js");
  return {
    ...actual,
    compileOomCall: (k: Parameters<typeof actual.compileOomCall>[0], call: OomCallInput) => {
      const reference = build(k, call);
      const expected = compile(reference);
      const compiled = actual.compileOomCall(k, call);
      seen.calls.push({
        differences: stateDifferences(compiled.state, expected),
        reference,
        compiled,
      });
      return compiled;
    },
  };
});

function same(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (a.constructor !== b.constructor || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map && b instanceof Map) {
    return same([...a.entries()].flat(), [...b.entries()].flat());
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => same(v, b[i]));
  }
  return Object.is(a, b);
}

/** Field by field, the tables' columns included: where `got` and `want` differ. */
function stateDifferences(got: OomState, want: OomState): string[] {
  const out: string[] = [];
  const compare = (path: string, g: object, w: object) => {
    const gk = Object.keys(g);
    const wk = Object.keys(w);
    if (!same(gk, wk)) out.push(`${path}: fields ${gk.join(",")} against ${wk.join(",")}`);
    for (const key of wk) {
      const a = (g as Record<string, unknown>)[key];
      const b = (w as Record<string, unknown>)[key];
      if (key === "tasks" || key === "mms") compare(`${path}.${key}`, a as object, b as object);
      else if (!same(a, b)) out.push(`${path}.${key}`);
    }
  };
  compare("state", got, want);
  return out;
}

/** Runs a scenario; checks every OOM call's two states, and its snapshot built afterwards. */
function checkRun(text: string): number {
  seen.calls = [];
  runScenarioText(text, () => {}, { file: "s.json", until: 20 });
  for (const [i, call] of seen.calls.entries()) {
    expect(call.differences, `call ${i + 1}`).toEqual([]);
    // Built now, after the core and the rest of the run changed the kernel: the instant's document.
    expect(call.compiled.snapshot(), `call ${i + 1}`).toEqual(call.reference);
  }
  return seen.calls.length;
}

describe("the OOM state compiled straight from the simulated kernel", () => {
  it("equals the state compiled from the call's snapshot, and the snapshot built later equals the instant's", () => {
    let calls = 0;
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        calls += checkRun(JSON.stringify(scenario));
      }),
      { numRuns: 60 },
    );
    // The generator reaches the OOM killer, not only the allocator.
    expect(calls).toBeGreaterThan(60);
  });

  it("does so at every OOM call of the default scenario", () => {
    expect(checkRun(DEFAULT_SCENARIO)).toBeGreaterThan(0);
  });

  it("keeps every capability and PF_* bit a snapshot can name, and no other", () => {
    let sim: Simulation | undefined;
    runScenarioText("machine: {memory: 16MiB}\n", () => {}, {
      file: "s.yaml",
      until: 0,
      onSetup: (s) => {
        sim = s;
      },
    });
    const k = sim!.k;
    const init = k.init();
    const masks = [
      ...Object.values(CAPABILITIES).map((b) => [2 ** b, 0]),
      ...Object.values(PF_FLAGS).map((v) => [0, v]),
      [2 ** 31, 2 ** 31],
      [0xffffffff, 0xffffffff],
    ];
    for (const [caps, flags] of masks) {
      init.caps = caps!;
      init.flags = flags!;
      seen.calls = [];
      compileOomCall(k, callOf(sim!, init));
      expect(seen.calls[0]!.differences, `caps ${caps} flags ${flags}`).toEqual([]);
    }
  });

  it("takes the document route when a children list names a task outside the task list", () => {
    let sim: Simulation | undefined;
    runScenarioText(
      "machine: {memory: 16MiB}\nprocesses:\n  - {name: a, pid: 300}\n  - {name: b, pid: 400}\n",
      () => {},
      {
        file: "s.yaml",
        until: 0,
        onSetup: (s) => {
          sim = s;
        },
      },
    );
    const k = sim!.k;
    const a = k.tasks.get(300)!;
    // Beyond every listed pid; then below, where an earlier call wrote the slot; then a
    // second task under the pid of a listed one.
    for (const pid of [999, 350, 400]) {
      const stray: Task = { ...a, pid, tgid: pid, children: null };
      stray.group = { ...a.group, leader: stray, threads: new Set([stray]) };
      a.children = null;
      if (pid === 350) {
        // An earlier call lists the stray task, and so writes its slot.
        k.processList.set(pid, stray);
        compileOomCall(k, callOf(sim!, a));
        k.processList.delete(pid);
      }
      a.children = new Set([stray]);
      seen.calls = [];
      const call = callOf(sim!, a);
      const compiled = compileOomCall(k, call);
      expect(seen.calls[0]!.differences, `pid ${pid}`).toEqual([]);
      expect(compiled.snapshot()).toEqual(buildOomSnapshot(k, call));
      expect(compiled.snapshot().tasks.find((t) => t.pid === 300)!.children).toEqual([pid]);
    }
  });
});

function callOf(sim: Simulation, current: Task): OomCallInput {
  return plainOomCall(sim.port, current, 0x200d2);
}
