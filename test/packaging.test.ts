/**
 * What `npm pack` would publish: the built command, the examples and sample reports,
 * the docs and the licence, and neither the benchmarks nor the tests.
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("the published package", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);

  it("ships the command and its page script, the example scenarios, sample reports, docs and the licence", () => {
    expect(files).toContain("dist/src/cli/main.js");
    expect(files).toContain("dist/src/report/html/assets/report.js");
    expect(files).toContain("examples/child-first.yaml");
    expect(files.filter((f) => f.startsWith("examples/reports/")).length).toBeGreaterThan(0);
    expect(files).toContain("docs/oom-path.md");
    expect(files).toContain("LICENSE");
    expect(files).toContain("contrib/oomkit-guard.service");
  });

  it("leaves out the benchmark build and the tests", () => {
    expect(files.filter((f) => f.startsWith("dist/bench/") || f.startsWith("test/"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".test.js"))).toEqual([]);
  });

  it("names the licence that LICENSE holds", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pkg.license).toBe("MIT");
    expect(readFileSync("LICENSE", "utf8").startsWith("MIT License")).toBe(true);
  });
});
