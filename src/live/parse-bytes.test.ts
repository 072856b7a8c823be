import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type LiveStatus,
  parseChildrenBytes,
  parseIntBytes,
  parseStatBytes,
  parseStatusBytes,
} from "./parse-bytes.js";
import { parseChildren, parseIntFile } from "./parse-misc.js";
import { parseStat } from "./parse-stat.js";
import { parseStatus } from "./parse-status.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/proc", import.meta.url));

/** Every file of the fixture trees with the given name. */
function fixtureFiles(name: string): Buffer[] {
  const out: Buffer[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === name) out.push(readFileSync(p));
    }
  };
  walk(FIXTURES);
  return out;
}

function statusFields(text: string): LiveStatus {
  const s = parseStatus(text);
  return {
    uids: s.uids,
    kthread: s.kthread,
    vmPteKb: s.vmPteKb,
    vmSwapKb: s.vmSwapKb,
    capEff: s.capEff,
    memsAllowedList: s.memsAllowedList,
    hasMm: s.hasMm,
  };
}

/** Each byte parser against its text twin on the same bytes read as latin1. */
function same(bytes: Uint8Array): void {
  // Parsed from a larger buffer, as a read leaves it: only the first `length` bytes count.
  const buf = new Uint8Array(bytes.length + 16).fill(0x37);
  buf.set(bytes);
  const text = Buffer.from(bytes).toString("latin1");
  expect(parseStatBytes(buf, bytes.length)).toEqual(parseStat(text));
  expect(parseStatusBytes(buf, bytes.length)).toEqual(statusFields(text));
  expect(parseIntBytes(buf, bytes.length)).toEqual(parseIntFile(text));
  expect(parseChildrenBytes(buf, bytes.length)).toEqual(parseChildren(text));
}

const STAT =
  "5212 (cat) R 5205 5205 2850 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 34836 3133440 360 " +
  "18446744073709551615 93916557881344 93916557901225 140720863494672 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

/** Text near the formats: a real line with fields replaced, status lines with odd values. */
const procLike = fc.oneof(
  fc
    .tuple(
      fc.nat({ max: 24 }),
      fc.constantFrom("", "-", "18446744073709551616", "0x1", " ", "\xa0"),
    )
    .map(([k, v]) => {
      const f = STAT.split(" ");
      f[k] = `${f[k]}${v}`;
      return f.join(" ");
    }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          "Uid:",
          "Kthread:",
          "VmSize:",
          "VmPTE:",
          "VmSwap:",
          "RssAnon:",
          "CapEff:",
          "Mems_allowed_list:",
          "Mems_allowed:",
          "Umask:",
        ),
        fc.constantFrom(
          "\t1000\t1000\t1000\t1000",
          "\t0",
          "\t1",
          "\t 12 kB",
          "\t12kB",
          "\t12 kb",
          "\t123456789012345678901 kB",
          "\t18446744073709551615 kB",
          "\t000001fffeffffff",
          "\tg",
          "\t0-3,5",
          "\t\xa01\xa0",
          "",
          "\t-1\t2",
        ),
      ),
      { maxLength: 12 },
    )
    .map((lines) => lines.map(([k, v]) => `${k}${v}\n`).join("")),
  fc.array(fc.constantFrom("12", "3", " ", "\t", "\n", "\xa0", "-4", "12345678901", "x"), {
    maxLength: 10,
  }),
);

describe("the byte parsers give what their text twins give (parse-bytes.ts)", () => {
  it("on every stat, status, integer and children file of the fixture trees", () => {
    const names = ["stat", "status", "oom_score_adj", "oom_score", "children"];
    let files = 0;
    for (const name of names) {
      for (const f of fixtureFiles(name)) {
        same(f);
        files++;
      }
    }
    expect(files).toBeGreaterThan(40);
  });
  it("on a real stat line and status text", () => {
    same(Buffer.from(STAT, "latin1"));
    same(Buffer.from(readFileSync(join(FIXTURES, "normal/200/status"))));
  });
  it("fast-check: on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => same(b)),
      { numRuns: 400 },
    );
  });
  it("fast-check: on text near the formats", () => {
    fc.assert(
      fc.property(procLike, (t) => {
        same(Buffer.from(Array.isArray(t) ? t.join("") : t, "latin1"));
      }),
      { numRuns: 600 },
    );
  });
});
