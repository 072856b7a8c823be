/**
 * Shadow mode's reading of the kernel log: the sample reports of examples/reports, fed
 * in pieces as the device would deliver them, give each kernel kill once, replayed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KernelOomWatcher } from "../src/guard/kernel-watch.js";
import { ROOT } from "./support/cli.js";

const sample = (name: string) => readFileSync(join(ROOT, "examples/reports", name), "utf8");

describe("KernelOomWatcher", () => {
  for (const name of ["memcg-v1-6.18.txt", "global-2.6.20.txt", "two-hosts-interleaved.txt"]) {
    it(`${name}: one kill per Killed process line, whatever the pieces`, () => {
      const text = sample(name);
      const expected = (text.match(/Killed process \d+/g) ?? []).length;
      const whole = new KernelOomWatcher().push(text);
      expect(whole).toHaveLength(expected);
      const pieces = new KernelOomWatcher();
      const lines = text.split("\n");
      const got = lines.flatMap((l) => pieces.push(`${l}\n`));
      expect(got.map((k) => k.victim)).toEqual(whole.map((k) => k.victim));
      expect(whole.every((k) => k.victim !== null)).toBe(true);
    });
  }
});
