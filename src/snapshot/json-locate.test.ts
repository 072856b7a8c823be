import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { parseScenario } from "../sim/load-scenario.js";
import { jsonPathOffset } from "./json-locate.js";
import { lineAndColumn } from "./json-syntax.js";

/** Where the YAML reader places the same path: the reference the locator must agree with. */
function yamlPosition(text: string, path: readonly PropertyKey[], wantKey: boolean) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (wantKey && path.length > 0) {
    const parent = doc.getIn(path.slice(0, -1) as (string | number)[], true);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && pair.key.value === path.at(-1) && pair.key.range) {
          return lc.linePos(pair.key.range[0]);
        }
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]);
  }
  return undefined;
}

function jsonPosition(text: string, path: readonly PropertyKey[], wantKey: boolean) {
  const offset = jsonPathOffset(text, path, wantKey);
  if (offset === undefined) return undefined;
  const { line, column } = lineAndColumn(text, offset);
  return { line, col: column };
}

/** Every path into a value, and some that leave it. */
function pathsOf(value: unknown, prefix: PropertyKey[] = [], out: PropertyKey[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
    out.push([...prefix, value.length]);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
    out.push([...prefix, "absent"]);
  } else {
    out.push([...prefix, 0], [...prefix, "x"]);
  }
  return out;
}

const keyText = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('a"b', "a\\b", "line\nbreak", "é", "\u{1F600}", "0", "1"),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, -1.5, 1e21, "", "s", 'q"uote', "[{]}"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(keyText, tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("jsonPathOffset", () => {
  it("places every path, written or not, where the YAML reader does", () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(0, 1, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        for (const path of pathsOf(value)) {
          for (const wantKey of [false, true]) {
            expect(jsonPosition(text, path, wantKey)).toEqual(yamlPosition(text, path, wantKey));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is linear: the last task of a large document is found without a tree", () => {
    const tasks = Array.from({ length: 200_000 }, (_, i) => ({ pid: i + 1, name: `t${i}` }));
    const text = JSON.stringify({ tasks });
    const offset = jsonPathOffset(text, ["tasks", 199_999, "name"]);
    expect(text.slice(offset!, offset! + 9)).toBe('"t199999"');
  });
});

describe("a scenario in JSON with a schema error", () => {
  const scenario = {
    machine: { memory: "64MiB", hz: 100 },
    processes: [
      { name: "a", rss: "8MiB" },
      { name: "b", rss: "4MiB" },
    ],
    timeline: [{ at: 1, task: "a", exit: 0 }],
  };
  const spoilers: [PropertyKey[], unknown][] = [
    [["machine", "hz"], 5],
    [["machine", "bogus"], 1],
    [["processes", 1, "rss"], "4XB"],
    [["processes", 1, "colour"], "red"],
    [["timeline", 0, "at"], "1x"],
    [["timeline", 0], 7],
    [["machine"], []],
  ];
  it("gives the message the YAML reader gives, position included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...spoilers),
        fc.constantFrom(0, 2, "\t"),
        ([path, bad], indent) => {
          const doc = structuredClone(scenario) as Record<string, unknown>;
          let at: Record<PropertyKey, unknown> = doc;
          for (const key of path.slice(0, -1)) at = at[key] as Record<PropertyKey, unknown>;
          at[path.at(-1)!] = bad;
          const json = JSON.stringify(doc, null, indent);
          const fromJson = messageOf(() => parseScenario(json, "s.json"));
          // A comment makes the same text YAML only.
          const fromYaml = messageOf(() => parseScenario(`${json}\n# end\n`, "s.json"));
          expect(fromJson).toMatch(/^s\.json:\d+:\d+: /);
          expect(fromJson).toBe(fromYaml);
        },
      ),
    );
  });
});

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("no error");
}
