/**
 * The victim policies by name, for the CLI, the guard and the comparison: one list, so
 * every table and option shows the same policies in the same order.
 */

import { UsageError } from "../errors.js";
import { largestRssPolicy } from "./largest-rss.js";
import { linux2620Policy } from "./linux-2620.js";
import type { KernelVersion } from "./modern.js";
import { modernPolicy } from "./modern-policy.js";
import { newestPolicy } from "./newest.js";
import { oomScoreAdjBandsPolicy } from "./oom-score-adj-bands.js";
import type { VictimPolicy } from "./types.js";

export interface PolicyOptions {
  /** The release whose rules `modern` applies (default: the release the spec measured). */
  kernelVersion?: KernelVersion;
}

const MAKERS: Readonly<Record<string, (options: PolicyOptions) => VictimPolicy>> = {
  "2.6.20": () => linux2620Policy,
  modern: (options) => modernPolicy(options.kernelVersion),
  "largest-rss": () => largestRssPolicy,
  newest: () => newestPolicy,
  "oom-score-adj-bands": () => oomScoreAdjBandsPolicy,
};

/** Every policy name, in the order tables show them. */
export const POLICY_NAMES: readonly string[] = Object.keys(MAKERS);

export function isPolicyName(name: string): boolean {
  return Object.hasOwn(MAKERS, name);
}

/** The policy called `name`; a UsageError naming the choices for any other name. */
export function policyByName(name: string, options: PolicyOptions = {}): VictimPolicy {
  if (!isPolicyName(name)) {
    throw new UsageError(
      `unknown policy "${name}": expected one of ${POLICY_NAMES.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return MAKERS[name]!(options);
}

/** Every policy, in `POLICY_NAMES` order. */
export function allPolicies(options: PolicyOptions = {}): VictimPolicy[] {
  return POLICY_NAMES.map((name) => policyByName(name, options));
}
