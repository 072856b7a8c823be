/**
 * Hostile input for every parser's public entry: a snapshot (JSON), a scenario (YAML and
 * JSON), kernel OOM reports, each /proc file parser and a whole fake /proc tree. Each
 * property asserts "an InputError (or, for the parsers that never throw, a result of the
 * documented shape) and nothing else, in bounded time and memory". The inputs are
 * random text, random JSON, and valid documents cut, spliced and mutated.
 *
 * The bounds are generous on purpose (a shared CI machine): they catch a hang or a blow-up,
 * not a slowdown. Speed itself is measured in bench/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, oneLine, ProcError } from "../src/errors.js";
import { writeFakeProc } from "../src/live/fake-tree.js";
import {
  parseChildren,
  parseIntFile,
  parseMeminfo,
  parseStatm,
  parseUptime,
  parseZoneinfo,
} from "../src/live/parse-misc.js";
import { parseStat } from "../src/live/parse-stat.js";
import { parseNodeList, parseStatus } from "../src/live/parse-status.js";
import { nodeProcFs } from "../src/live/procfs.js";
import { readMachine } from "../src/live/read-machine.js";
import { liveToSnapshot } from "../src/live/to-snapshot.js";
import { parseOomReports, replayEvent } from "../src/replay/index.js";
import { replayToText } from "../src/report/replay-text.js";
import { parseScenario } from "../src/sim/load-scenario.js";
import { EXAMPLE_SNAPSHOT_TEXT } from "../src/snapshot/example.js";
import { parseSnapshot } from "../src/snapshot/load.js";
import { snapshotToJson } from "../src/snapshot/serialize.js";

/** One case may take this long (ms) and grow the heap this much (bytes) at most. */
const CASE_MS = 2000;
const CASE_HEAP = 256 * 1024 * 1024;

const ROOT = join(import.meta.dirname, "..");
const REPORT_DIR = join(ROOT, "test", "fixtures", "reports");
const REPORTS = readdirSync(REPORT_DIR)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(join(REPORT_DIR, f), "utf8"));
const SCENARIOS = readdirSync(join(ROOT, "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => readFileSync(join(ROOT, "examples", f), "utf8"));

/** Runs `f` once, and fails when it took too long or grew the heap too much. */
function bounded<T>(label: string, f: () => T): T {
  const heap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const out = f();
  const ms = performance.now() - t0;
  const grown = process.memoryUsage().heapUsed - heap;
  expect(ms, `${label}: ${ms.toFixed(0)} ms`).toBeLessThan(CASE_MS);
  expect(grown, `${label}: heap grew ${grown} bytes`).toBeLessThan(CASE_HEAP);
  return out;
}

/** An InputError that is one line naming the file, or a result: anything else fails. */
function inputErrorOr<T>(file: string, f: () => T): T | InputError {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // What the CLI prints (src/cli/exit.ts): the message made one line, text from the input
    // included (a key may hold a NUL or a newline).
    const printed = oneLine(err.message);
    expect(printed.startsWith(file), printed).toBe(true);
    expect(/[\u0000-\u001f\u007f]/.test(printed), JSON.stringify(printed)).toBe(false);
    return err;
  }
}

/** Text edits: cut, splice in a fragment, repeat a slice, replace a slice with noise. */
function mutated(seeds: readonly string[], fragments: readonly string[]) {
  const fragment = fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 40 }));
  const edit = fc.tuple(
    fc.constantFrom("cut", "insert", "repeat", "replace"),
    fc.nat(),
    fc.nat(),
    fragment,
    fc.integer({ min: 2, max: 40 }),
  );
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([seed, edits]) => {
      let s = seed;
      for (const [kind, a, b, frag, times] of edits) {
        const i = s.length === 0 ? 0 : a % (s.length + 1);
        const j = Math.min(s.length, i + (b % 200));
        if (kind === "cut") s = s.slice(0, i) + s.slice(j);
        else if (kind === "insert") s = s.slice(0, i) + frag + s.slice(i);
        else if (kind === "repeat") s = s.slice(0, j) + s.slice(i, j).repeat(times) + s.slice(j);
        else s = s.slice(0, i) + frag + s.slice(j);
      }
      return s;
    });
}

const noise = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: fc.constantFrom("\n", "\r", "\t", " ", "#", "[", "]", "-", ":", "0", "9") }),
);

const JSON_FRAGMENTS = [
  "null",
  "-1",
  "1e308",
  "18446744073709551616",
  '"0x10"',
  "[]",
  "{}",
  '"pid"',
  ',"tasks":[]',
  '{"pid":1}',
  "\u0000",
  "\ufeff",
  '"\\u0000"',
];

const YAML_FRAGMENTS = [
  "&a [*a]",
  "*a",
  "*missing",
  "&x",
  "? [a, b]\n: 1\n",
  "{a: 1, a: 2}",
  "<<: *a",
  "a: &a [1,2,3]\nb: [*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n",
  "repeat: 10000000\n",
  "repeat: 1e9\n",
  "  - at: 1\n    repeat: 99999999\n",
  "timeline:\n",
  "processes:\n",
  "!!binary AAAA",
  "%YAML 1.2\n---\n",
  "---\n---\n",
  "\t",
  '"\\u0007"',
  "0x7fffffffffffffff",
  "- ",
];

const REPORT_FRAGMENTS = [
  "invoked oom-killer: gfp_mask=0x0, order=-1, oom_score_adj=0\n",
  "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n",
  "[ 1586608] 4294967295 1 99999999999999999999 1 1 1 -1000 x\n",
  "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),task=a,pid=1,uid=0\n",
  "Out of memory: Killed process 1 (a) total-vm:1kB, anon-rss:1kB\n",
  "Memory cgroup out of memory: Kill process 2 (b) score 99999999999999999999 or sacrifice child\n",
  "memory: usage 1kB, limit 0kB, failcnt 0\n",
  "Node 0 Normal free:1kB present:99999999999999999999kB managed:1kB\n",
  "Total swap = 99999999999999999999kB\n",
  "CPU: 0 PID: 1 Comm: x Tainted: G        W  O      6.1.0 #1\n",
  "Linux version 99999.99999.999999 (x)\n",
  "#012",
  "\r\n",
  "> ",
  "6,1,1,-;",
];

describe("fuzz: snapshot JSON (parseSnapshot)", () => {
  const valid = [EXAMPLE_SNAPSHOT_TEXT, JSON.stringify(JSON.parse(EXAMPLE_SNAPSHOT_TEXT))];
  it("an InputError or a valid snapshot, in bounded time and memory", () => {
    fc.assert(
      fc.property(fc.oneof(noise, fc.json(), mutated(valid, JSON_FRAGMENTS)), (text) => {
        const out = bounded("snapshot", () =>
          inputErrorOr("<fuzz>", () => parseSnapshot(text, "<fuzz>")),
        );
        if (!(out instanceof InputError)) {
          // A snapshot accepted once is accepted again from its own serialisation.
          const again = parseSnapshot(JSON.stringify(snapshotToJson(out)), "<again>");
          expect(again.tasks.length).toBe(out.tasks.length);
        }
      }),
      { numRuns: 250 },
    );
  });
});

describe("fuzz: scenario YAML and JSON (parseScenario)", () => {
  const asJson = SCENARIOS.slice(0, 3).map((s) => {
    const parsed = parseScenario(s, "<seed>");
    return JSON.stringify(parsed.scenario);
  });
  it("an InputError or a valid scenario, in bounded time and memory", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          noise,
          fc.json(),
          mutated(SCENARIOS, YAML_FRAGMENTS),
          mutated(asJson, JSON_FRAGMENTS),
        ),
        (text) => {
          const out = bounded("scenario", () =>
            inputErrorOr("<fuzz>", () => parseScenario(text, "<fuzz>")),
          );
          if (!(out instanceof InputError)) {
            expect(Array.isArray(out.scenario.timeline)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("fuzz: kernel OOM reports (parseOomReports, replayEvent)", () => {
  it("never throws; every event replays and renders, in bounded time and memory", () => {
    fc.assert(
      fc.property(fc.oneof(noise, mutated(REPORTS, REPORT_FRAGMENTS)), (text) => {
        bounded("report", () => {
          const events = parseOomReports(text);
          for (const e of events) {
            const r = replayEvent(e);
            expect(typeof r.verdict).toBe("string");
            expect(replayToText(r).endsWith("\n")).toBe(true);
          }
        });
      }),
      { numRuns: 150 },
    );
  });
});

describe("found by fuzzing: reports", () => {
  it("a memcg limit of 0 kB is taken as 1 page, as the kernel does, not a division by zero", () => {
    const text = [
      "[1.0] java invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
      "[1.1] memory: usage 1kB, limit 0kB, failcnt 0",
      "[1.2] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
      "[1.3] [ 1234]  1000  1234  3456789  1500000    3100     1200             0 java",
      "[1.4] Out of memory: Kill process 1234 (java) score 291 or sacrifice child",
      "[1.5] Killed process 1234 (java), UID 1000, total-vm:13827156kB, anon-rss:5992000kB, file-rss:8000kB, shmem-rss:0kB",
    ].join("\n");
    const [r] = parseOomReports(text).map((e) => replayEvent(e));
    expect(r!.total.totalPages).toBe(1n);
    expect(r!.actual?.pid).toBe(1234);
  });

  it("zones of 0 managed pages and no swap (totalpages 0) replay without a division by zero", () => {
    const text = [
      "[1.0] a invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
      "[1.1] Node 0 Normal free:0kB min:0kB present:0kB managed:0kB",
      "[1.2] Total swap = 0kB",
      "[1.3] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
      "[1.4] [ 1234]  1000  1234  3456789  1500000    3100     1200             0 java",
      "[1.5] Out of memory: Kill process 1234 (java) score 291 or sacrifice child",
    ].join("\n");
    const [r] = parseOomReports(text).map((e) => replayEvent(e));
    expect(r!.actual?.pid).toBe(1234);
    expect(typeof replayToText(r!)).toBe("string");
  });
});

describe("fuzz: /proc file parsers (src/live/parse-*.ts)", () => {
  const procText = fc.oneof(
    noise,
    fc.string({
      unit: fc.constantFrom(..."0123456789 -,:()\n\tkBNode zone pages".split("")),
      maxLength: 400,
    }),
    fc
      .array(fc.oneof(fc.constant("0-1023"), fc.nat({ max: 2000 }).map(String)), {
        maxLength: 2000,
      })
      .map((a) => a.join(",")),
  );
  it("each returns its result or null, never throws, in bounded time and memory", () => {
    fc.assert(
      fc.property(procText, (text) => {
        bounded("proc", () => {
          const statm = parseStatm(text);
          if (statm !== null) expect(statm.sizePages >= 0n).toBe(true);
          expect(parseMeminfo(text)).toBeInstanceOf(Map);
          const up = parseUptime(text);
          if (up !== null) expect(up >= 0n).toBe(true);
          const n = parseIntFile(text);
          if (n !== null) expect(Number.isSafeInteger(n)).toBe(true);
          const kids = parseChildren(text);
          if (kids !== null) expect(kids.every((k) => Number.isSafeInteger(k))).toBe(true);
          expect(Array.isArray(parseZoneinfo(text))).toBe(true);
          parseStat(text);
          const nodes = parseNodeList(text);
          if (nodes !== null) expect(nodes.length).toBeLessThanOrEqual(1024);
          expect(typeof parseStatus(text)).toBe("object");
          parseStatus(`Name:\tx\nMems_allowed_list:\t${text}\nUid:\t${text}\n`);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("fuzz: a fake /proc tree (readMachine, liveToSnapshot)", () => {
  const big = fc.oneof(
    fc.nat({ max: 1 << 20 }),
    fc.constantFrom(0, 2 ** 31 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
  );
  const proc = fc.record(
    {
      pid: fc.integer({ min: 1, max: 5_000_000 }),
      ppid: fc.integer({ min: 0, max: 5_000_000 }),
      comm: fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 })),
      state: fc.constantFrom("R", "S", "D", "Z", "T", "X", "?"),
      uid: fc.nat({ max: 2 ** 32 - 1 }),
      oomScoreAdj: fc.integer({ min: -1200, max: 1200 }),
      rssPages: big,
      vsizePages: big,
      swapKb: big,
      utimeTicks: big,
      startTicks: big,
      nice: fc.integer({ min: -30, max: 30 }),
      kthread: fc.boolean(),
      noMm: fc.boolean(),
      children: fc.option(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 4 })),
    },
    { requiredKeys: ["pid", "ppid", "comm"] },
  );
  const machine = fc.record({
    memTotalKb: fc.oneof(fc.nat({ max: 1 << 30 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    swapTotalKb: fc.nat({ max: 1 << 30 }),
    uptime: fc.oneof(
      fc.constantFrom("12.5 3.0", "99999999999999999999.50 1.00", "", "x", "-1 0"),
      fc.string({ maxLength: 30 }),
    ),
    processes: fc.array(proc, { minLength: 1, maxLength: 6 }),
  });

  async function snapshotOfTree(m: Parameters<typeof writeFakeProc>[1]) {
    const root = mkdtempSync(join(tmpdir(), "oomkit-fuzz-"));
    try {
      writeFakeProc(root, m);
      return liveToSnapshot(await readMachine(nodeProcFs({ root })), { hz: 250 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it("found by fuzzing: the largest process beyond the pid limit is not made `current`", async () => {
    const live = await snapshotOfTree({
      memTotalKb: 1 << 20,
      processes: [
        { pid: 4194304, ppid: 0, comm: "big" },
        { pid: 1, ppid: 0, comm: "init", noMm: true },
      ],
    });
    expect(live.snapshot.current).toBe(1);
    const text = JSON.stringify(snapshotToJson(live.snapshot));
    expect(parseSnapshot(text, "<live>").current).toBe(1);
  });

  it("a snapshot the validator accepts, or a one-line ProcError, in bounded time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oomkit-fuzz-"));
    try {
      await fc.assert(
        fc.asyncProperty(machine, async (m) => {
          const root = mkdtempSync(join(dir, "t-"));
          try {
            writeFakeProc(root, m);
            const t0 = performance.now();
            let live: ReturnType<typeof liveToSnapshot> | null = null;
            try {
              live = liveToSnapshot(await readMachine(nodeProcFs({ root })), { hz: 250 });
            } catch (err) {
              if (!(err instanceof ProcError || err instanceof InputError)) throw err;
              expect(oneLine(err.message).includes("\n")).toBe(false);
            }
            expect(performance.now() - t0).toBeLessThan(CASE_MS);
            if (live !== null) {
              const text = JSON.stringify(snapshotToJson(live.snapshot));
              expect(parseSnapshot(text, "<live>").tasks.length).toBe(live.snapshot.tasks.length);
            }
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
