/**
 * Reading a scenario: JSON with `JSON.parse`, YAML (JSON is YAML too) with positions,
 * validated against the strict schema; the first problem becomes one InputError naming
 * `file:line:col`, the JSON path and what was expected. Positions are looked for only
 * once there is an error to report.
 */

import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { type Scenario, scenarioSchema } from "./scenario-schema.js";
import { yamlData } from "./yaml-data.js";

/** `timeline[3].fault.pages` from a path of keys and indices. */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "$";
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out.startsWith("[") ? `$${out}` : out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function got(v: unknown): string {
  if (v === undefined) return "";
  const text = JSON.stringify(v);
  return text === undefined ? "" : `, got ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const value = valueAt(data, issue.path as PropertyKey[]);
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      return value === undefined
        ? `required: expected ${issue.expected}`
        : `expected ${issue.expected}${got(value)}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}${got(value)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}${got(value)}`;
    case "invalid_union": {
      const msgs = issue.errors.flat().map((e) => e.message);
      const specific = msgs.find((m) => m.startsWith("a ") || m.startsWith("an "));
      return specific ?? "no accepted form matches this value";
    }
    case "invalid_format":
      return issue.message;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got(value)}`;
    default:
      return issue.message;
  }
}

/** Finds the position of a path in the document (the deepest node that exists). */
function positionOf(
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
  path: readonly PropertyKey[],
  wantKey: boolean,
): { line: number; col: number } | undefined {
  if (wantKey && path.length > 0) {
    const parent = doc.getIn(path.slice(0, -1) as (string | number)[], true);
    const key = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && pair.key.value === key && pair.key.range) {
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

export interface ParsedScenario {
  scenario: Scenario;
}

/** `text` without a leading UTF-8 byte-order mark. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The name/value pairs written in a JSON text: the colons outside strings. One pass over
 * the characters, run only on a text that `JSON.parse` accepted.
 */
function pairsWritten(text: string): number {
  let pairs = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) pairs++;
    else if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) i++;
      }
    }
  }
  return pairs;
}

/** The properties of every object in a value that came from `JSON.parse`. */
function pairsParsed(data: unknown): number {
  let pairs = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === "object") stack.push(item);
      continue;
    }
    for (const key in v) {
      pairs++;
      const item = (v as Record<string, unknown>)[key];
      if (item !== null && typeof item === "object") stack.push(item);
    }
  }
  return pairs;
}

/**
 * A text that is JSON, read by `JSON.parse` (a JSON text means the same as YAML), or
 * undefined: not JSON, or JSON whose meaning the YAML reader must settle (a repeated key,
 * which it refuses, and `__proto__`).
 */
function jsonData(text: string): unknown {
  const first = text.charCodeAt(text.search(/\S/));
  if (first !== 0x7b && first !== 0x5b) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (text.includes('"__proto__"')) return undefined;
  return pairsWritten(text) === pairsParsed(data) ? data : undefined;
}

/**
 * Parses and validates a scenario text. `file` names it in errors. A leading UTF-8
 * byte-order mark is ignored. JSON is read with `JSON.parse`; YAML, and any JSON that
 * is refused (where the error needs a position), with the YAML reader.
 */
export function parseScenario(source: string, file: string): ParsedScenario {
  const text = withoutBom(source);
  const json = jsonData(text);
  if (json !== undefined) {
    const parsed = scenarioSchema.safeParse(json);
    if (parsed.success) return { scenario: parsed.data };
  }
  return parseYamlScenario(text, file);
}

function parseYamlScenario(text: string, file: string): ParsedScenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new InputError({
      file,
      path: "$",
      expected: `valid YAML or JSON (${e.message.split("\n")[0]})`,
      line: pos.line,
      column: pos.col,
    });
  }
  const data: unknown = yamlData(doc, lc, file);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") path = [...path, issue.keys[0]!];
    const pos = positionOf(doc, lc, path, issue.code === "unrecognized_keys");
    throw new InputError({
      file,
      path: jsonPath(path),
      expected: describeIssue(issue, data),
      line: pos?.line,
      column: pos?.col,
    });
  }
  return { scenario: parsed.data };
}

/** Positions of any path, for semantic errors found after the schema passed. */
export function scenarioError(
  text: string,
  file: string,
  path: readonly PropertyKey[],
  expected: string,
): InputError {
  const lc = new LineCounter();
  const doc = parseDocument(withoutBom(text), { lineCounter: lc });
  const pos = positionOf(doc, lc, path, false);
  return new InputError({
    file,
    path: jsonPath(path),
    expected,
    line: pos?.line,
    column: pos?.col,
  });
}
