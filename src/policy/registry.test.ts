import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { allPolicies, isPolicyName, POLICY_NAMES, policyByName } from "./registry.js";

describe("policy registry", () => {
  it("names the policies in table order", () => {
    expect(POLICY_NAMES).toEqual([
      "2.6.20",
      "modern",
      "largest-rss",
      "newest",
      "oom-score-adj-bands",
    ]);
    expect(allPolicies().map((p) => p.name)).toEqual(POLICY_NAMES);
    expect(isPolicyName("modern")).toBe(true);
    expect(isPolicyName("toString")).toBe(false);
  });
  it("binds the modern policy to a kernel version", () => {
    expect(policyByName("modern", { kernelVersion: [5, 4, 0] }).tie).toBe("first");
    expect(policyByName("modern", { kernelVersion: [6, 1, 0] }).tie).toBe("last");
  });
  it("rejects an unknown name with the list of choices", () => {
    expect(() => policyByName("oldest")).toThrow(UsageError);
    expect(() => policyByName("oldest")).toThrow(
      'unknown policy "oldest": expected one of "2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"',
    );
  });
});
