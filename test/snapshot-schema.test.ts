/**
 * docs/snapshot.schema.json against the loader: every snapshot the loader accepts (the
 * fixtures, the embedded example, the generated ones, the sim's call snapshots) is valid
 * under the schema, a document the schema refuses is refused by the loader too, and the
 * schema refuses what it can see is wrong.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenarioText } from "../src/sim/run.js";
import { snapshotArbitrary } from "../src/snapshot/arbitrary.js";
import { EXAMPLE_SNAPSHOT_TEXT } from "../src/snapshot/example.js";
import { generateSnapshot } from "../src/snapshot/generate.js";
import { snapshotJsonSchema } from "../src/snapshot/json-schema.js";
import { checkSnapshot } from "../src/snapshot/load.js";
import { snapshotToJson } from "../src/snapshot/serialize.js";
import { ROOT } from "./support/cli.js";

const schema = JSON.parse(readFileSync(join(ROOT, "docs/snapshot.schema.json"), "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: false });
const valid = ajv.compile(schema);
const loads = (doc: unknown) => checkSnapshot(doc).ok;
const json = (doc: unknown) => JSON.parse(JSON.stringify(doc));

function expectValid(doc: unknown, name: string): void {
  if (!valid(doc)) {
    throw new Error(`${name}: ${JSON.stringify(valid.errors?.slice(0, 3))}`);
  }
}

describe("docs/snapshot.schema.json", () => {
  it("is the schema built from the loader's rules", () => {
    expect(schema).toEqual(json(snapshotJsonSchema()));
  });

  it("accepts every fixture snapshot and the embedded example", () => {
    const dirs = ["test/fixtures/oom", "test/fixtures/snapshots"];
    let n = 0;
    for (const dir of dirs) {
      for (const f of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".json"))) {
        const doc = JSON.parse(readFileSync(join(ROOT, dir, f), "utf8"));
        if (doc.format !== "oomkit.snapshot/1") continue;
        expect(loads(doc), f).toBe(true);
        expectValid(doc, f);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
    expectValid(JSON.parse(EXAMPLE_SNAPSHOT_TEXT), "<example>");
  });

  it("accepts the snapshot of every out_of_memory() call of the example scenarios", () => {
    let n = 0;
    for (const f of readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(join(ROOT, "examples", f), "utf8");
      const run = runScenarioText(text, () => {}, { file: f });
      for (const call of run.oomCalls) {
        expectValid(json(snapshotToJson(call.snapshot())), `${f} call ${call.n}`);
        n++;
      }
    }
    expect(n).toBeGreaterThan(5);
  });

  it("accepts generated snapshots at both widths", () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (s) => {
        expectValid(json(snapshotToJson(s)), "arbitrary");
      }),
      { numRuns: 300 },
    );
    for (const bits of [32, 64] as const) {
      expectValid(json(snapshotToJson(generateSnapshot({ tasks: 500, seed: 7, bits }))), "gen");
    }
  });

  it("is never stricter than the loader, and refuses only what the loader refuses", () => {
    // One change to a valid document: a value replaced, a key removed or one added.
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
      v !== null && typeof v === "object"
        ? [
            at,
            ...Object.entries(v).flatMap(([k, x]) =>
              paths(x, [...at, Array.isArray(v) ? Number(k) : k]),
            ),
          ]
        : [at];
    const value = fc.oneof(
      fc.constantFrom(
        0,
        -1,
        1.5,
        4294967296,
        2 ** 53,
        "",
        "x",
        "0x",
        "12",
        "/a/.",
        null,
        true,
        [],
        {},
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const change = fc.record({
      at: fc.nat(),
      how: fc.constantFrom("replace", "remove", "add"),
      value,
    });
    let refused = 0;
    fc.assert(
      fc.property(snapshotArbitrary({ maxGroups: 3, maxThreads: 1 }), change, (s, c) => {
        const doc = json(snapshotToJson(s));
        const all = paths(doc).filter((p) => p.length > 0);
        const path = all[c.at % all.length]!;
        type Node = Record<string | number, unknown>;
        const parent = path.slice(0, -1).reduce((o: Node, k) => o[k] as Node, doc as Node);
        const key = path[path.length - 1]!;
        if (c.how === "replace") parent[key] = c.value;
        else if (c.how === "remove" && !Array.isArray(parent)) delete parent[key];
        else if (!Array.isArray(parent)) parent.no_such_key = c.value;
        const inSchema = valid(doc);
        const byLoader = loads(doc);
        if (byLoader) expect(inSchema).toBe(true);
        if (!inSchema) {
          refused++;
          expect(byLoader).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it("refuses what a schema can see: unknown keys, a long comm, a bad gfp_mask, a 32-bit pid", () => {
    const base = JSON.parse(EXAMPLE_SNAPSHOT_TEXT);
    const bad = [
      { ...base, extra: 1 },
      { ...base, tasks: [{ ...base.tasks[0], comm: "a-name-of-16-chr" }] },
      { ...base, request: { ...base.request, gfp_mask: "0xd0g" } },
      { ...base, kernel: { ...base.kernel, bits: 32 }, current: 40000 },
      { ...base, kernel: { ...base.kernel, hz: 11 } },
    ];
    for (const doc of bad) {
      expect(valid(doc)).toBe(false);
      expect(loads(doc)).toBe(false);
    }
  });
});
