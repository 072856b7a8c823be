import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTableHeader, parseTaskRow } from "./table.js";

const H68 =
  "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name";

describe("task dump (modern-oom §6.3)", () => {
  it("§6.3 column names come from the header, for every era", () => {
    const cols = (h: string) => parseTableHeader(h, 1, false)?.columns;
    expect(cols("[ pid ]   uid  tgid total_vm      rss cpu oom_adj name")).toEqual([
      "uid",
      "tgid",
      "total_vm",
      "rss",
      "cpu",
      "oom_adj",
    ]);
    expect(
      cols("[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name"),
    ).toContain("nr_pmds");
    expect(cols(H68)).toEqual([
      "uid",
      "tgid",
      "total_vm",
      "rss",
      "rss_anon",
      "rss_file",
      "rss_shmem",
      "pgtables_bytes",
      "swapents",
      "oom_score_adj",
    ]);
    expect(parseTableHeader(H68, 1, true)?.widePid).toBe(true);
    expect(parseTableHeader("[ pid ]   uid  tgid total_vm rss name", 1, false)?.widePid).toBe(
      false,
    );
    expect(parseTableHeader("[ pid ] of something else", 1, false)).toBeNull();
  });

  it("§6.3 comm is the rest of the row: spaces, parentheses, colons, brackets", () => {
    const columns = parseTableHeader(H68, 1, true)!.columns;
    for (const comm of [
      "(sd-pam)",
      "tmux: client",
      "runc:[2:INIT]",
      "my app (x)",
      "worker [3]",
      "a  b",
      "123",
    ]) {
      const row = `[1586608]  1001240000 1586608   12345     5000     4000      900      100    65536        7          -998 ${comm}`;
      const got = parseTaskRow(row, 9, columns);
      expect(got).toEqual({
        kind: "row",
        row: {
          line: 9,
          pid: 1586608,
          comm,
          values: {
            uid: 1001240000n,
            tgid: 1586608n,
            total_vm: 12345n,
            rss: 5000n,
            rss_anon: 4000n,
            rss_file: 900n,
            rss_shmem: 100n,
            pgtables_bytes: 65536n,
            swapents: 7n,
            oom_score_adj: -998n,
          },
        },
      });
    }
  });

  it("§6.5 rows cut at terminal width or by a pager are damaged, not misread", () => {
    const columns = [
      "uid",
      "tgid",
      "total_vm",
      "rss",
      "pgtables_bytes",
      "swapents",
      "oom_score_adj",
    ];
    expect(parseTaskRow("[   8120]  1000  8120   700000   40", 1, columns).kind).toBe("damaged");
    expect(
      parseTaskRow("[   8120]  1000  8120   700000   400000  3276800  0  0 ca...>", 1, columns)
        .kind,
    ).toBe("damaged");
    expect(
      parseTaskRow("[   8120]  1000  8120   700000   400000  3276800  0  0", 1, columns).kind,
    ).toBe("damaged");
    expect(parseTaskRow("no row here", 1, columns).kind).toBe("none");
  });

  it("§6.3 rows never throw and keep exact 64-bit values (fast-check)", () => {
    const columns = ["uid", "tgid", "total_vm", "rss", "swapents", "oom_score_adj"];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4194304 }),
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 6, maxLength: 6 }),
        fc
          .string({ minLength: 1, maxLength: 15 })
          .filter((s) => s.trim() === s && s.length > 0 && !s.endsWith("...>")),
        (pid, values, comm) => {
          const row = `[${String(pid).padStart(7)}] ${values.join(" ")} ${comm}`;
          const got = parseTaskRow(row, 1, columns);
          expect(got.kind).toBe("row");
          if (got.kind === "row") {
            expect(got.row.comm).toBe(comm);
            expect(Object.values(got.row.values)).toEqual(values);
          }
        },
      ),
    );
  });
});
