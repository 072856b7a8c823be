/**
 * Golden kernel logs: `oomkit oom FILE` on each snapshot of test/fixtures/oom must print
 * exactly test/golden/oom/NAME.log. Set UPDATE_GOLDEN=1 to rewrite them after a change
 * that is meant to alter the output, and review the diff against the spec.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const FIXTURES = "test/fixtures/oom";
const GOLDEN = "test/golden/oom";
const update = process.env.UPDATE_GOLDEN === "1";

describe("golden kernel logs of oomkit oom (spec §11, §14)", () => {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();

  it("has fixtures", () => {
    expect(names.length).toBeGreaterThan(10);
  });

  for (const name of names) {
    it(name, () => {
      const r = runCli(["oom", join(FIXTURES, `${name}.json`)]);
      expect(r.status).toBe(0);
      const golden = join(GOLDEN, `${name}.log`);
      if (update) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(golden, r.stdout);
      }
      // A missing golden is a failure: it is written only when asked for, and reviewed.
      expect(existsSync(golden), `${golden} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
      expect(r.stdout).toBe(readFileSync(golden, "utf8"));
    });
  }
});
