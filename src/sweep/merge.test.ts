import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { SweepMerger } from "./merge.js";
import { SweepColumns, summarize } from "./summary.js";
import {
  contendersOf,
  headerLine,
  type RunLine,
  runSweepScenario,
  type SweepSpec,
  shardRange,
} from "./sweep.js";

const spec: SweepSpec = {
  seed: 3,
  scenarios: 4,
  families: ["leak", "jvm-heap"],
  policies: ["2.6.20", "largest-rss"],
  windowSeconds: 30,
};
const contenders = contendersOf(spec);
const runs: RunLine[] = [0, 1, 2, 3].flatMap((i) => runSweepScenario(spec, contenders, i));
const json = (x: unknown) => JSON.stringify(x);

function errorOf(f: () => void): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("shards", () => {
  it("are contiguous, disjoint and cover every scenario", () => {
    for (const [n, count] of [
      [10, 3],
      [8, 4],
      [3, 5],
      [1000, 7],
    ] as const) {
      let next = 0;
      for (let index = 0; index < count; index++) {
        const r = shardRange(n, { index, count });
        expect(r.first).toBe(next);
        next = r.end;
      }
      expect(next).toBe(n);
    }
  });
});

describe("merging parts", () => {
  it("gives the summary of the whole, whatever the order of the parts", () => {
    const whole = new SweepColumns(spec, 0, 4);
    for (const r of runs) whole.add(r);
    const merger = new SweepMerger();
    const parts = [
      { index: 1, lines: runs.slice(4) },
      { index: 0, lines: runs.slice(0, 4) },
    ];
    for (const part of parts) {
      merger.beginFile(`part-${part.index}`);
      const text = [
        json(headerLine(spec, "9.9.9", { index: part.index, count: 2 })),
        ...part.lines.map(json),
        json({ type: "summary" }),
        "",
      ];
      text.forEach((t, i) => {
        merger.addLine(t, i + 1);
      });
    }
    const merged = merger.result()!;
    expect(merged.complete).toBe(true);
    expect(merger.version()).toBe("9.9.9");
    expect(summarize(merged, "9.9.9")).toEqual(summarize(whole, "9.9.9"));
  });

  it("says what is missing", () => {
    const merger = new SweepMerger();
    merger.beginFile("a");
    merger.addLine(json(headerLine(spec, "1", { index: 0, count: 1 })), 1);
    merger.addLine(json(runs[2]), 2);
    const c = merger.result()!;
    expect(c.complete).toBe(false);
    expect(c.missing()).toEqual([[0, 3]]);
    merger.addLine(json(runs[3]), 3);
    expect(c.missing()).toEqual([
      [0, 0],
      [2, 3],
    ]);
  });

  it("refuses what one sweep cannot have made, naming file, line and path", () => {
    const header = json(headerLine(spec, "1", { index: 0, count: 1 }));
    const cases: [string[], string][] = [
      [["not json"], "f:1: $: a JSON object on each line (oomkit sweep output)"],
      [[json(runs[0])], 'f:1: type: the header line of a sweep output first ("type": "sweep")'],
      [
        [header, json({ ...runs[0], family: "cpuset" })],
        'f:2: family: "leak" for scenario 0, got "cpuset"',
      ],
      [
        [header, json({ ...runs[0], seed: 1 })],
        /^f:2: seed: \d+ for scenario 0 of seed 3, got 1$/.source,
      ],
      [[header, json({ ...runs[0], index: 9 })], "f:2: index: a scenario index below 4, got 9"],
      [
        [header, json({ ...runs[0], policy: "newest" })],
        "f:2: policy: one of the sweep's policies (2.6.20, largest-rss)",
      ],
      [
        [header, json(runs[0]), json(runs[0])],
        "f:3: $: one run of scenario 0 under 2.6.20: it was read before",
      ],
      [
        [header, json({ ...runs[0], metrics: { ...runs[0]!.metrics, kills: -1 } })],
        /^f:2: metrics\.kills: /.source,
      ],
      [[header, json({ type: "other" })], 'f:2: type: one of "sweep", "run", "summary"'],
      [
        [header, json({ ...headerLine(spec, "1", { index: 0, count: 1 }), seed: 4 })],
        /^f:2: \$: a part of the same sweep as f:1 \(oomkit 1, seed 3, /.source,
      ],
    ];
    for (const [lines, message] of cases) {
      const merger = new SweepMerger();
      merger.beginFile("f");
      const text = errorOf(() => {
        lines.forEach((l, i) => {
          merger.addLine(l, i + 1);
        });
      });
      if (message.startsWith("^")) expect(text).toMatch(new RegExp(message));
      else expect(text).toBe(message);
    }
  });
});

describe("the summary", () => {
  it("pairs every two policies on the paired metrics, per scenario", () => {
    const c = new SweepColumns(spec, 0, 4);
    for (const r of runs) c.add(r);
    const s = summarize(c, "1");
    expect(s.pairs.map((p) => p.metric)).toEqual([
      "innocent_victims",
      "work_lost",
      "kills",
      "pressure_seconds",
    ]);
    for (const p of s.pairs) expect(p.wins + p.losses + p.ties).toBe(4);
    expect(s.families.map((f) => [f.family, f.scenarios])).toEqual([
      ["leak", 2],
      ["jvm-heap", 2],
    ]);
    const kills = s.metrics.find((m) => m.key === "kills")!.stats[0]!;
    const values = runs.filter((r) => r.policy === "2.6.20").map((r) => r.metrics.kills);
    expect(kills.n).toBe(4);
    expect(kills.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 4, 12);
  });
});
