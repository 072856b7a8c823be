/**
 * The scenario and snapshot formats' JSON Schemas are generated from their validators:
 * docs/ holds the same documents (test/snapshot-schema.test.ts checks the snapshot schema
 * against the loader).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./support/cli.js";

describe("oomkit schema", () => {
  it("prints the scenario schema that docs/scenario.schema.json holds", () => {
    const r = runCli(["schema", "scenario"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, "docs/scenario.schema.json"), "utf8"));
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["machine", "timeline"]));
  });
  it("prints the snapshot schema that docs/snapshot.schema.json holds", () => {
    const r = runCli(["schema", "snapshot"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, "docs/snapshot.schema.json"), "utf8"));
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(["format", "kernel", "tasks", "current", "request"]);
  });
  it("an unknown format is a usage error", () => {
    const r = runCli(["schema", "nosuch"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
