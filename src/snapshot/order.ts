/**
 * Picking the first violation in document order, and turning zod issues into
 * violations. "Document order" is the order in which the offending values appear in the
 * JSON text: object keys in the order they were written, array elements by index, and a
 * missing key after everything present in its object.
 */
import type * as z from "zod";
import type { PathSegment, Violation } from "./describe.js";
import type { Rule } from "./rules.js";

/** Where `at` sits in `doc`, as a vector of key positions and indices. */
function positionOf(doc: unknown, at: readonly PathSegment[]): number[] {
  const position: number[] = [];
  let node = doc;
  for (const segment of at) {
    if (Array.isArray(node) && typeof segment === "number") {
      position.push(segment);
      node = node[segment];
    } else if (typeof node === "object" && node !== null) {
      const keys = Object.keys(node);
      const index = keys.indexOf(String(segment));
      if (index < 0) {
        position.push(keys.length);
        break;
      }
      position.push(index);
      node = (node as Record<string, unknown>)[String(segment)];
    } else break;
  }
  return position;
}

function compareVectors(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The violation that comes first in `doc`; ties keep the order of `found`. */
export function earliest(doc: unknown, found: readonly Violation[]): Violation | undefined {
  let best: Violation | undefined;
  let bestPosition: number[] = [];
  for (const violation of found) {
    const position = positionOf(doc, violation.at ?? violation.path);
    if (best === undefined || compareVectors(position, bestPosition) < 0) {
      best = violation;
      bestPosition = position;
    }
  }
  return best;
}

/** A zod issue as a violation under `base` (the path of the value that was parsed). */
export function violationOfIssue(issue: z.core.$ZodIssue, base: readonly PathSegment[]): Violation {
  const path = [...base, ...(issue.path as PathSegment[])];
  if (issue.code === "unrecognized_keys") {
    return { path, message: issue.message, at: [...path, issue.keys[0] ?? ""] };
  }
  return { path, message: issue.message };
}

/**
 * Runs `rule` on `value` (found at `base` inside `doc`) and returns its first violation
 * in document order, or undefined when the value is valid.
 */
export function firstViolation(
  doc: unknown,
  rule: Rule,
  value: unknown,
  base: readonly PathSegment[],
): Violation | undefined {
  if (rule.test(value)) return undefined;
  const result = rule.schema.safeParse(value);
  if (result.success) return undefined;
  return earliest(
    doc,
    result.error.issues.map((issue) => violationOfIssue(issue, base)),
  );
}

/** The first element of `items` (found at `base` inside `doc`) that breaks `rule`. */
export function firstElementViolation(
  doc: unknown,
  rule: Rule,
  items: readonly unknown[],
  base: readonly PathSegment[],
): Violation | undefined {
  for (let index = 0; index < items.length; index++) {
    if (rule.test(items[index])) continue;
    const violation = firstViolation(doc, rule, items[index], [...base, index]);
    if (violation !== undefined) return violation;
  }
  return undefined;
}
