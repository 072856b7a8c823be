import { describe, expect, it } from "vitest";
import { scenarioErrorOf as errorOf } from "../../test/support/scenario-error.js";
import { parseScenario } from "./load-scenario.js";

describe("scenario validation", () => {
  it("rejects an unknown key with file:line:col and its path", () => {
    const e = errorOf("machine:\n  memory: 64MiB\nprocesses:\n  - name: a\n    bogus: 1\n");
    expect(e.message).toBe('s.yaml:5:5: processes[0].bogus: unknown key "bogus"');
  });

  it("names the range a number must be in", () => {
    const e = errorOf("machine:\n  memory: 64MiB\n  hz: 5\n");
    expect(e.message).toBe("s.yaml:3:7: machine.hz: must be at least 12, got 5");
  });

  it("rejects a bad size, time or GFP name", () => {
    expect(errorOf('machine: {memory: "12XB"}\n').message).toMatch(
      /^s\.yaml:1:19: machine\.memory: a size/,
    );
    expect(
      errorOf('machine: {memory: 1MiB}\ntimeline:\n  - {at: "1x", task: a, exit: 0}\n').message,
    ).toMatch(/timeline\[0\]\.at: a time such as/);
    expect(
      errorOf(
        "machine: {memory: 64MiB}\ntimeline:\n  - {at: 1, task: a, kalloc: {gfp: GFP_BOGUS}}\n",
      ).message,
    ).toBe(
      "s.yaml:3:36: timeline[0].kalloc.gfp: GFP flag names such as GFP_KERNEL or __GFP_NOFAIL, got GFP_BOGUS",
    );
  });

  it("needs exactly one action per timeline entry", () => {
    const e = errorOf(
      "machine: {memory: 64MiB}\ntimeline:\n  - {at: 1, task: a, exit: 0, kill: true}\n",
    );
    expect(e.message).toMatch(/^s\.yaml:3:5: timeline\[0\]: exactly one action of/);
  });

  it("rejects cpusets that are not subsets of their parent, and unknown cpusets", () => {
    const bad =
      "machine:\n  nodes: [{id: 0, zones: {DMA: 4096}}]\n  cpusets: [{path: /a, mems: [1]}]\n";
    expect(errorOf(bad).message).toMatch(/machine\.cpusets\[0\]\.mems: online nodes only, got 1/);
    const unknown = "machine: {memory: 64MiB}\nprocesses:\n  - {name: a, cpuset: /nope}\n";
    expect(errorOf(unknown).message).toMatch(
      /^s\.yaml:3:23: processes\[0\]\.cpuset: a cpuset listed/,
    );
  });

  it("reports YAML syntax errors with a position", () => {
    expect(errorOf("machine: {}\nfoo: [\n").message).toMatch(
      /^s\.yaml:\d+:\d+: \$: valid YAML or JSON/,
    );
  });

  it("accepts JSON as well as YAML", () => {
    const { scenario } = parseScenario('{"machine": {"memory": 4096}}', "s.json");
    expect(scenario.machine.memory).toBe(4096);
  });
});
