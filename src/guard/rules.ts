/**
 * The operator's rules: `prefer`, `avoid`, `ignore` and `only`, each a regular
 * expression on one field of a process (comm by default; `cmdline:`, `exe:`, `cgroup:`,
 * `uid:` or `comm:` before the expression names the field). Pure.
 *
 * `ignore` takes a process out of the choice; `only`, when given, keeps just the
 * processes some `only` rule matches. `prefer` ranks a process above every other
 * candidate and `avoid` below every other, whatever the policy's points; within a rank
 * the policy decides. A process both preferred and avoided is ranked as neither.
 */

import type { GuardCandidate } from "./candidate.js";

export type RuleKind = "prefer" | "avoid" | "ignore" | "only";
export type RuleField = "comm" | "cmdline" | "exe" | "cgroup" | "uid";

export const RULE_FIELDS: readonly RuleField[] = ["comm", "cmdline", "exe", "cgroup", "uid"];

export interface Rule {
  kind: RuleKind;
  field: RuleField;
  pattern: RegExp;
  /** As written, for logs: `prefer cmdline:^java`. */
  text: string;
}

/** A rule that cannot be compiled; the caller names the option or config key. */
export class RuleSyntaxError extends Error {}

export function parseRule(kind: RuleKind, source: string): Rule {
  let field: RuleField = "comm";
  let body = source;
  const m = /^([a-z]+):(.*)$/s.exec(source);
  if (m !== null && (RULE_FIELDS as readonly string[]).includes(m[1]!)) {
    field = m[1] as RuleField;
    body = m[2]!;
  }
  if (body === "") throw new RuleSyntaxError(`${kind} "${source}": an empty expression`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(body, "u");
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new RuleSyntaxError(`${kind} "${source}": not a regular expression (${why})`);
  }
  return { kind, field, pattern, text: `${kind} ${field}:${body}` };
}

/** Whether a rule needs a per-process file beyond stat and status. */
export function rulesNeed(rules: readonly Rule[]): Set<"cmdline" | "exe" | "cgroup"> {
  const out = new Set<"cmdline" | "exe" | "cgroup">();
  for (const r of rules) {
    if (r.field === "cmdline" || r.field === "exe" || r.field === "cgroup") out.add(r.field);
  }
  return out;
}

function fieldValue(c: GuardCandidate, field: RuleField): string | null {
  switch (field) {
    case "comm":
      return c.view.comm;
    case "uid":
      return String(c.view.uid);
    default:
      return c[field];
  }
}

export function matches(rule: Rule, c: GuardCandidate): boolean {
  const value = fieldValue(c, rule.field);
  return value !== null && rule.pattern.test(value);
}

/** 0 preferred, 1 neither, 2 avoided. */
export type Tier = 0 | 1 | 2;

export interface RuleVerdict {
  /** Why the rules take the process out of the choice, or null. */
  excluded: string | null;
  tier: Tier;
  /** Every rule that matched, as written. */
  matched: string[];
}

export function judge(rules: readonly Rule[], c: GuardCandidate): RuleVerdict {
  const hit = rules.filter((r) => matches(r, c));
  const matched = hit.map((r) => r.text);
  const ignore = hit.find((r) => r.kind === "ignore");
  if (ignore !== undefined) return { excluded: `ignored (${ignore.text})`, tier: 1, matched };
  if (rules.some((r) => r.kind === "only") && !hit.some((r) => r.kind === "only")) {
    return { excluded: "matched by no only rule", tier: 1, matched };
  }
  const prefer = hit.some((r) => r.kind === "prefer");
  const avoid = hit.some((r) => r.kind === "avoid");
  const tier: Tier = prefer === avoid ? 1 : prefer ? 0 : 2;
  return { excluded: null, tier, matched };
}
