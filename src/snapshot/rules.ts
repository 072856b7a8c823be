/**
 * Validation rules for snapshot documents. Each rule is a zod schema, which decides
 * and words every diagnostic, paired with `test`, a plain predicate built from the same
 * leaf predicates. `test` lets the loader accept the millions of valid task and mm
 * objects of a large snapshot without running zod on each one; whenever `test` says no,
 * the zod schema is run to find out why. A `test` must never accept what its schema
 * rejects (rules.test.ts checks this). Each rule also carries `json`, the JSON Schema of
 * what it accepts as far as a schema can say it, from which `oomkit schema snapshot` is
 * built.
 */
import * as z from "zod";
import { describe, MISSING_KEY, quote } from "./describe.js";

/** A JSON Schema (draft 2020-12) fragment. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Rule {
  readonly schema: z.ZodType;
  readonly test: (value: unknown) => boolean;
  /** What the rule accepts, as JSON Schema; never narrower than `test`. */
  readonly json: JsonSchema;
}

/** A key of an object rule, required unless marked with `optional()`. */
export interface FieldRule extends Rule {
  readonly optional?: boolean;
}

/** The message for a value that fails a rule: `must be <expected>, got <value>`. */
export type Expectation = (input: unknown) => string;

function errorFor(expected: Expectation) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? MISSING_KEY : expected(issue.input);
}

/**
 * A rule for a single value, decided by `test` and explained by `expected`; `json` says
 * as much of `test` as JSON Schema can (default: anything).
 */
export function leaf(
  test: (value: unknown) => boolean,
  expected: Expectation,
  json: JsonSchema = {},
): Rule {
  return { schema: z.custom(test, { error: errorFor(expected) }), test, json };
}

/** Marks a key of an object rule as optional. */
export function optional(rule: Rule): FieldRule {
  return { schema: rule.schema.optional(), test: rule.test, json: rule.json, optional: true };
}

/** True when two elements of `items` are equal (`===`). */
export function hasDuplicate(items: readonly unknown[]): boolean {
  if (items.length < 16) {
    for (let i = 1; i < items.length; i++) {
      for (let j = 0; j < i; j++) if (items[i] === items[j]) return true;
    }
    return false;
  }
  return new Set(items).size !== items.length;
}

export interface ListOptions {
  /** How the whole list is described: "an array of node ids". */
  what: string;
  /** Elements must be distinct (name lists, node lists, children). */
  distinct?: boolean;
  /** At least one element is required. */
  nonEmpty?: boolean;
}

/** An array whose elements all follow `element`. */
export function list(element: Rule, options: ListOptions): Rule {
  const { what, distinct = false, nonEmpty = false } = options;
  const schema = z
    .array(element.schema, {
      error: errorFor((input) => `must be ${what}, got ${describe(input)}`),
    })
    .check((ctx) => {
      const items = ctx.value;
      if (nonEmpty && items.length === 0) {
        ctx.issues.push({
          code: "custom",
          input: items,
          message: `must be ${what} with at least one entry, got an empty array`,
        });
      }
      if (distinct && hasDuplicate(items)) {
        const firstAt = new Map<unknown, number>();
        items.forEach((item, index) => {
          const earlier = firstAt.get(item);
          if (earlier === undefined) firstAt.set(item, index);
          else {
            ctx.issues.push({
              code: "custom",
              input: item,
              path: [index],
              message: `must not repeat ${describe(item)} (already at index ${earlier})`,
            });
          }
        });
      }
    });
  const test = (value: unknown): boolean => {
    if (!Array.isArray(value)) return false;
    if (nonEmpty && value.length === 0) return false;
    for (const item of value) if (!element.test(item)) return false;
    return !distinct || !hasDuplicate(value);
  };
  const json: JsonSchema = {
    type: "array",
    items: element.json,
    ...(nonEmpty ? { minItems: 1 } : {}),
    ...(distinct ? { uniqueItems: true } : {}),
  };
  return { schema, test, json };
}

/** One key of an object rule; `next` is the position of the key listed after it. */
interface KeyRule {
  key: string;
  test: (value: unknown) => boolean;
  required: boolean;
  next: number;
}

/**
 * A JSON object with exactly the given keys: unknown keys are errors, unless `loose`
 * (used only to read a few keys before the whole document is checked).
 */
export function object(fields: Record<string, FieldRule>, loose = false): Rule {
  const shape: Record<string, z.ZodType> = {};
  const byKey = new Map<string, KeyRule>();
  const inOrder: KeyRule[] = [];
  let requiredCount = 0;
  for (const [key, field] of Object.entries(fields)) {
    shape[key] = field.schema;
    const required = field.optional !== true;
    const rule = { key, test: field.test, required, next: inOrder.length + 1 };
    byKey.set(key, rule);
    inOrder.push(rule);
    if (required) requiredCount++;
  }
  const schema = (loose ? z.looseObject : z.strictObject)(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return `unknown key ${quote(issue.keys[0] ?? "")}`;
      if (issue.input === undefined) return MISSING_KEY;
      return `must be an object, got ${describe(issue.input)}`;
    },
  });
  const test = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    let requiredSeen = 0;
    // Documents mostly write the keys in the order the rule lists them: the key after the
    // last one found is tried before the map.
    let expected = 0;
    for (const key in record) {
      const guess = inOrder[expected];
      const field = guess !== undefined && guess.key === key ? guess : byKey.get(key);
      if (field === undefined) {
        if (loose) continue;
        return false;
      }
      expected = field.next;
      if (!field.test(record[key])) return false;
      if (field.required) requiredSeen++;
    }
    return requiredSeen === requiredCount;
  };
  const json: JsonSchema = {
    type: "object",
    properties: Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, f.json])),
    required: Object.entries(fields)
      .filter(([, f]) => f.optional !== true)
      .map(([key]) => key),
    ...(loose ? {} : { additionalProperties: false }),
  };
  return { schema, test, json };
}
