import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { scenarioErrorOf as errorOf } from "../../test/support/scenario-error.js";
import { EXAMPLE_SNAPSHOT_TEXT } from "../snapshot/example.js";
import { parseSnapshot } from "../snapshot/load.js";
import { generateScenario } from "./generate-scenario.js";
import { parseScenario } from "./load-scenario.js";
import { runScenarioText } from "./run.js";

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

  it("takes a process's role and value, and rejects any other role or a negative value", () => {
    const ok = parseScenario(
      "machine: {memory: 64MiB}\nprocesses:\n  - {name: a, role: culprit, value: 2.5}\n  - {name: b}\n",
      "s.yaml",
    ).scenario.processes;
    expect([ok[0]!.role, ok[0]!.value, ok[1]!.role, ok[1]!.value]).toEqual([
      "culprit",
      2.5,
      undefined,
      undefined,
    ]);
    expect(
      errorOf("machine: {memory: 64MiB}\nprocesses:\n  - name: a\n    role: leak\n").message,
    ).toBe('s.yaml:4:11: processes[0].role: expected one of "culprit", got "leak"');
    expect(
      errorOf(
        "machine: {memory: 64MiB}\nprocesses:\n  - name: a\n    children:\n      - {name: b, value: -3}\n",
      ).message,
    ).toBe("s.yaml:5:26: processes[0].children[0].value: must be at least 0, got -3");
    expect(
      errorOf('machine: {memory: 64MiB}\nprocesses:\n  - {name: a, value: "much"}\n').message,
    ).toBe('s.yaml:3:22: processes[0].value: expected number, got "much"');
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

  it("refuses a timeline task that is a label nothing defines, at the reference", () => {
    const text =
      "machine: {memory: 64MiB}\nprocesses:\n  - {name: httpd, label: web}\n  - {name: bash}\n" +
      "timeline:\n  - {at: 1, task: web, exit: 0}\n  - at: 2\n    task: wbe\n    exit: 0\n";
    expect(errorOf(text).message).toBe(
      's.yaml:8:11: timeline[1].task: a label defined by a process, a fork or a thread (web, bash), a pid or "@random", got "wbe"',
    );
    const none = errorOf("machine: {memory: 64MiB}\ntimeline:\n  - {at: 1, task: a, exit: 0}\n");
    expect(none.message).toBe(
      's.yaml:3:19: timeline[0].task: a label defined by a process, a fork or a thread (none is defined), a pid or "@random", got "a"',
    );
    const many = Array.from({ length: 10 }, (_, i) => `  - {name: p${i}}\n`).join("");
    const long = errorOf(
      `machine: {memory: 64MiB}\nprocesses:\n${many}timeline:\n  - {at: 1, task: q, exit: 0}\n`,
    );
    expect(long.message).toContain("(p0, p1, p2, p3, p4, p5, p6, p7 and 2 more)");
  });

  it("accepts labels of later forks and threads, pids, @random and a snapshot's commands", () => {
    const text =
      "machine: {memory: 64MiB}\nprocesses:\n  - {name: bash}\ntimeline:\n" +
      "  - {at: 1, task: kid, exit: 0}\n  - {at: 2, task: bash, fork: {label: kid}}\n" +
      "  - {at: 3, task: t1, exit: 0}\n  - {at: 3, task: kid, thread: {label: t1}}\n" +
      "  - {at: 4, task: 4242, kill: true}\n  - {at: 5, task: '@random', kill: true}\n";
    expect(() => runScenarioText(text, () => {}, { file: "s.yaml" })).not.toThrow();
    const snap = parseSnapshot(EXAMPLE_SNAPSHOT_TEXT, "example.json");
    const fromSnap =
      "machine: {memory: 64MiB}\nfrom_snapshot: example.json\ntimeline:\n  - {at: 1, task: java, kill: true}\n";
    expect(() =>
      runScenarioText(fromSnap, () => {}, { file: "s.yaml", loadSnapshot: () => snap }),
    ).not.toThrow();
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

  it("reads JSON as the YAML reader does, and finds positions in it only for an error", () => {
    const json = JSON.stringify(
      {
        seed: 7,
        machine: { memory: "64MiB", hz: 250 },
        processes: [{ name: 'a:b "q" \\', rss: 10, threads: [{}, { utime: 3 }] }],
        timeline: [{ at: "1s", task: 'a:b "q" \\', fault: { pages: 5 } }],
      },
      null,
      2,
    );
    const fromJson = parseScenario(json, "s.json").scenario;
    const fromYaml = parseScenario(`# YAML\n${json}`, "s.yaml").scenario;
    expect(fromJson).toEqual(fromYaml);
    const bad = errorOf('{\n  "machine": {\n    "memory": "64MiB",\n    "hz": 5\n  }\n}\n');
    expect(bad.message).toBe("s.yaml:4:11: machine.hz: must be at least 12, got 5");
  });

  it("refuses a repeated key in JSON, with its position, as in YAML", () => {
    const e = errorOf('{"machine": {"memory": 4096, "memory": 8192}}');
    expect(e.message).toMatch(/^s\.yaml:1:\d+: \$: valid YAML or JSON \(Map keys must be unique/);
  });

  describe("a large YAML scenario, read in pieces", () => {
    const doc = generateScenario({
      processes: 3000,
      threadsPerProcess: 2,
      allocations: 10_000,
      faultActions: 500,
      memoryPages: 100_000,
      seconds: 10,
      seed: 5,
    });
    const yaml = stringify(doc);
    /** The same text read as one document (an anchor keeps it from being cut). */
    const whole = (text: string) =>
      parseScenario(text.replace(/^seed: (\d+)$/m, "seed: &s $1"), "s.yaml").scenario;

    it("reads what JSON.parse and the whole document read", () => {
      expect(yaml.length).toBeGreaterThan(256 * 1024);
      const pieces = parseScenario(yaml, "s.yaml").scenario;
      expect(pieces).toEqual(parseScenario(JSON.stringify(doc), "s.json").scenario);
      expect(pieces).toEqual(whole(yaml));
    });

    it("reads a scalar that runs across what looks like the next item as one document does", () => {
      const text = yaml.replace("  - name: w7\n", '  - name: "w7\n  - name: w7b"\n');
      expect(text).not.toBe(yaml);
      const e = (t: string) => {
        try {
          return parseScenario(t, "s.yaml").scenario;
        } catch (err) {
          return (err as Error).message;
        }
      };
      expect(e(text)).toEqual(e(text.replace(/^seed: (\d+)$/m, "seed: &s $1")));
    });

    it("names the place of an error in the whole text", () => {
      const text = yaml.replace("    uid: 1000\n", "    uid: -5\n");
      expect(() => parseScenario(text, "s.yaml")).toThrow(
        /^s\.yaml:\d+:10: processes\[\d+\]\.uid: /,
      );
    });
  });
});
