/**
 * Loading an `oomkit.snapshot/1` document (docs/formats.md §1–§3). Every problem becomes
 * one InputError `<file>: <json path>: <what was expected>`; a JSON syntax error also
 * carries the line and column where it is known.
 *
 * The checks run in three steps, each reporting its first violation in document order:
 * 1. the format, `kernel.bits` and `kernel.CONFIG_NUMA`, on which the other ranges and
 *    names depend;
 * 2. the shape and value ranges of the whole document (§3 items 1–4, the zod rules of
 *    schema.ts);
 * 3. the rules that relate values to each other (§3 items 5–10, check.ts), on the
 *    document with its defaults applied.
 */
import { InputError } from "../errors.js";
import { checkSemantics, type SemanticFacts } from "./check.js";
import { formatPath, type Violation } from "./describe.js";
import { findJsonSyntaxError } from "./json-syntax.js";
import { normalizeDocument, normalizeHead, type SnapshotHead } from "./normalize.js";
import { earliest, firstElementViolation, firstViolation } from "./order.js";
import { documentRules, preflightRule, type RawDocument } from "./schema.js";
import { indexTasks, type TaskIndex } from "./task-index.js";
import type { Bits, Snapshot } from "./types.js";

export type { Violation } from "./describe.js";

/** Why JSON.parse failed, with a position when one can be found. */
function syntaxError(text: string, file: string, err: unknown): InputError {
  const found = findJsonSyntaxError(text);
  if (found !== undefined) {
    return new InputError({
      file,
      path: "$",
      expected: `not valid JSON: ${found.problem}`,
      line: found.line,
      column: found.column,
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new InputError({ file, path: "$", expected: `not valid JSON (${reason})` });
}

/** The shape violation that comes first in the document, if any. */
function shapeViolation(doc: unknown, bits: Bits, numa: boolean): Violation | undefined {
  const rules = documentRules(bits, numa);
  const found: Violation[] = [];
  const whole = firstViolation(doc, rules.document, doc, []);
  if (whole !== undefined) found.push(whole);
  const record = doc as Record<string, unknown>;
  for (const [key, rule] of [
    ["mms", rules.mm],
    ["tasks", rules.task],
  ] as const) {
    const items = record[key];
    if (!Array.isArray(items)) continue;
    const violation = firstElementViolation(doc, rule, items, [key]);
    if (violation !== undefined) found.push(violation);
  }
  return earliest(doc, found);
}

/** A document that passed every check, with what the checks built on the way. */
export interface CheckedDocument {
  raw: RawDocument;
  /** Everything but the mms and tasks, normalised. */
  head: SnapshotHead;
  index: TaskIndex;
  facts: SemanticFacts;
}

/**
 * Checks a snapshot document without throwing and without normalising its tasks: the
 * document with its head and task index, or the first violation in document order.
 */
export function checkDocument(
  doc: unknown,
): { ok: true; checked: CheckedDocument } | { ok: false; violation: Violation } {
  const preflight = firstViolation(doc, preflightRule, doc, []);
  if (preflight !== undefined) return { ok: false, violation: preflight };
  const kernel = (doc as { kernel: { bits: Bits; CONFIG_NUMA?: boolean } }).kernel;
  const numa = kernel.CONFIG_NUMA ?? true;
  const shape = shapeViolation(doc, kernel.bits, numa);
  if (shape !== undefined) return { ok: false, violation: shape };
  const raw = doc as RawDocument;
  const head = normalizeHead(raw, documentRules(kernel.bits, numa).gfpNames);
  const index = indexTasks(raw.tasks);
  const facts: SemanticFacts = { mmIds: new Map(), taskMm: new Int32Array(raw.tasks.length) };
  const semantic = checkSemantics(raw, head, index, facts);
  if (semantic !== undefined) return { ok: false, violation: semantic };
  return { ok: true, checked: { raw, head, index, facts } };
}

/** The normalised snapshot of a checked document. */
export function normalizeChecked(checked: CheckedDocument): Snapshot {
  return normalizeDocument(checked.raw, checked.head, checked.index);
}

/**
 * Checks a snapshot document without throwing: the normalised snapshot, or the first
 * violation in document order.
 */
export function checkSnapshot(
  doc: unknown,
): { ok: true; snapshot: Snapshot } | { ok: false; violation: Violation } {
  const result = checkDocument(doc);
  if (!result.ok) return result;
  return { ok: true, snapshot: normalizeChecked(result.checked) };
}

/** The InputError of a violation in `file`. */
function inputError(file: string, violation: Violation): InputError {
  return new InputError({ file, path: formatPath(violation.path), expected: violation.message });
}

/** Validates a parsed JSON document; throws one InputError for the first violation. */
export function validateSnapshot(doc: unknown, file: string): Snapshot {
  return normalizeChecked(validateDocument(doc, file));
}

/** Validates a parsed JSON document without normalising it; throws as validateSnapshot. */
export function validateDocument(doc: unknown, file: string): CheckedDocument {
  const result = checkDocument(doc);
  if (!result.ok) throw inputError(file, result.violation);
  return result.checked;
}

/** JSON.parse of snapshot text, a leading UTF-8 byte-order mark ignored. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw syntaxError(body, file, err);
  }
}

/**
 * Parses and validates snapshot text; `file` names it in error messages. A leading
 * UTF-8 byte-order mark is ignored.
 */
export function parseSnapshot(text: string, file: string): Snapshot {
  return validateSnapshot(parseJsonText(text, file), file);
}
