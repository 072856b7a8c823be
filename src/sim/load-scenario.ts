/**
 * Reading a scenario: JSON with `JSON.parse`, YAML (JSON is YAML too) with positions,
 * validated against the strict schema; the first problem becomes one InputError naming
 * `file:line:col`, the JSON path and what was expected. Positions are looked for only
 * once there is an error to report.
 */

import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../errors.js";
import { jsonPathOffset } from "../snapshot/json-locate.js";
import { lineAndColumn } from "../snapshot/json-syntax.js";
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

/** Below this size a YAML text is read as one document: it is cheap. */
const PIECEWISE_BYTES = 256 * 1024;
/** Sequence items read as one piece. */
const ITEMS_PER_PIECE = 2000;

/** Raised inside `piecewiseYaml` when the text is not one it may read in pieces. */
class NotPiecewise extends Error {}

function pieceData(piece: string): unknown {
  const doc = parseDocument(piece, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new NotPiecewise();
  try {
    return yamlData(doc, new LineCounter(), "");
  } catch {
    throw new NotPiecewise();
  }
}

/**
 * A large YAML scenario read in pieces, so that only one piece's document is in memory
 * at a time, or undefined when the text is not one that can be: a block mapping at the
 * left margin, no directives, document markers, anchors or aliases, and where a key's
 * value is a block sequence, items indented alike. Each top-level key is one piece, its
 * sequence ITEMS_PER_PIECE items at a time. A piece ends only where the whole document
 * would start a new key or item; a piece cut inside a flow collection, a quoted scalar or
 * anything else fails to parse on its own, and then the whole text is read as one
 * document, as is every text with an error (its message needs positions in the whole).
 */
function piecewiseYaml(text: string): unknown {
  if (text.length < PIECEWISE_BYTES || /[&*]/.test(text)) return undefined;
  const lines: number[] = [];
  for (let at = 0; at < text.length; ) {
    lines.push(at);
    const nl = text.indexOf("\n", at);
    at = nl < 0 ? text.length : nl + 1;
  }
  lines.push(text.length);
  const indentOf = (line: number): number => {
    let i = lines[line]!;
    while (text.charCodeAt(i) === 0x20) i++;
    return i - lines[line]!;
  };
  /** Blank or a comment: nothing the document holds. */
  const empty = (line: number): boolean => {
    const i = lines[line]! + indentOf(line);
    const c = text.charCodeAt(i);
    return i >= lines[line + 1]! || c === 0x0a || c === 0x0d || c === 0x23;
  };
  const count = lines.length - 1;
  const keys: number[] = [];
  for (let line = 0; line < count; line++) {
    const c = text.charCodeAt(lines[line]!);
    if (c === 0x09 || c === 0x25) return undefined; // a tab or a directive at the margin
    if (text.startsWith("---", lines[line]!) || text.startsWith("...", lines[line]!)) {
      return undefined;
    }
    if (empty(line) || c === 0x20) continue;
    if (c === 0x2d || c === 0x7b || c === 0x5b) return undefined; // not a block mapping
    keys.push(line);
  }
  if (keys.length === 0) return undefined;
  for (let line = 0; line < keys[0]!; line++) if (!empty(line)) return undefined;
  keys.push(count);
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (Object.hasOwn(out, key) || key === "__proto__") throw new NotPiecewise();
    out[key] = value;
  };
  try {
    for (let k = 0; k + 1 < keys.length; k++) {
      const first = keys[k]!;
      const end = keys[k + 1]!;
      const items = sequenceItems(text, lines, first, end, indentOf, empty);
      if (items === null) {
        const data = pieceData(text.slice(lines[first], lines[end]));
        if (data === null || typeof data !== "object" || Array.isArray(data)) {
          throw new NotPiecewise();
        }
        const own = Object.keys(data);
        if (own.length !== 1) throw new NotPiecewise();
        put(own[0]!, (data as Record<string, unknown>)[own[0]!]);
        continue;
      }
      const values: unknown[] = [];
      for (let i = 0; i < items.starts.length; i += ITEMS_PER_PIECE) {
        const to =
          i + ITEMS_PER_PIECE < items.starts.length ? items.starts[i + ITEMS_PER_PIECE]! : end;
        const data = pieceData(text.slice(lines[items.starts[i]!], lines[to]));
        if (!Array.isArray(data)) throw new NotPiecewise();
        for (const v of data) values.push(v);
      }
      put(items.key, values);
    }
  } catch (err) {
    if (err instanceof NotPiecewise) return undefined;
    throw err;
  }
  return out;
}

/**
 * Lines first..end hold `key:` and then a block sequence whose items all start at one
 * indentation, every other line deeper (blank lines and comments aside): the key and the
 * first line of each item; else null.
 */
function sequenceItems(
  text: string,
  lines: readonly number[],
  first: number,
  end: number,
  indentOf: (line: number) => number,
  empty: (line: number) => boolean,
): { key: string; starts: number[] } | null {
  const headLine = text.slice(lines[first], lines[first + 1]).replace(/\r?\n$/, "");
  const head = /^([A-Za-z_][A-Za-z0-9_]*):[ ]*(?:#.*)?$/.exec(headLine);
  if (head === null) return null;
  let indent = -1;
  const starts: number[] = [];
  for (let line = first + 1; line < end; line++) {
    if (empty(line)) continue;
    const d = indentOf(line);
    if (indent < 0) indent = d;
    if (d < indent || indent === 0) return null;
    if (d > indent) continue;
    const at = lines[line]! + d;
    const after = text.charCodeAt(at + 1);
    if (text.charCodeAt(at) !== 0x2d || !(after === 0x20 || after === 0x0a || after === 0x0d)) {
      return null;
    }
    starts.push(line);
  }
  return starts.length === 0 ? null : { key: head[1]!, starts };
}

/**
 * Parses and validates a scenario text. `file` names it in errors. A leading UTF-8
 * byte-order mark is ignored. JSON is read with `JSON.parse`, a large YAML text in pieces
 * where it can be. A schema error in JSON is located in the text itself; any other text
 * that is refused is read again as one YAML document, for the positions of its error.
 */
export function parseScenario(source: string, file: string): ParsedScenario {
  const text = withoutBom(source);
  const json = jsonData(text);
  const data = json ?? piecewiseYaml(text);
  if (data !== undefined) {
    const parsed = scenarioSchema.safeParse(data);
    if (parsed.success) return { scenario: parsed.data };
    if (json !== undefined)
      throw schemaError(parsed.error, data, file, (path, wantKey) => {
        const offset = jsonPathOffset(text, path, wantKey);
        if (offset === undefined) return undefined;
        const { line, column } = lineAndColumn(text, offset);
        return { line, col: column };
      });
  }
  return parseYamlScenario(text, file);
}

type Locate = (
  path: readonly PropertyKey[],
  wantKey: boolean,
) => { line: number; col: number } | undefined;

/** The first issue of a failed schema check, as an InputError at its position. */
function schemaError(
  error: { issues: z.core.$ZodIssue[] },
  data: unknown,
  file: string,
  locate: Locate,
): InputError {
  const issue = error.issues[0]!;
  let path = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") path = [...path, issue.keys[0]!];
  const pos = locate(path, issue.code === "unrecognized_keys");
  return new InputError({
    file,
    path: jsonPath(path),
    expected: describeIssue(issue, data),
    line: pos?.line,
    column: pos?.col,
  });
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
    throw schemaError(parsed.error, data, file, (path, wantKey) =>
      positionOf(doc, lc, path, wantKey),
    );
  }
  return { scenario: parsed.data };
}
