import { describe, expect, it } from "vitest";
import { largestRssPolicy } from "../policy/largest-rss.js";
import { chooseVictim } from "../policy/select.js";
import { parseTableHeader, parseTaskRow } from "./table.js";
import type { TaskTable } from "./types.js";
import { viewOfRow, viewsOfTable } from "./views.js";

function tableOf(header: string, rows: string[]): TaskTable {
  const table = parseTableHeader(header, 1, false)!;
  rows.forEach((text, i) => {
    const r = parseTaskRow(text, i + 2, table.columns);
    if (r.kind !== "row") throw new Error(`not a row: ${text}`);
    table.rows.push(r.row);
  });
  return table;
}

const H68 =
  "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name";
const H32 = "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name";

describe("views of a report's task table", () => {
  it("reads every column a 6.x table prints, and leaves unknown what none does", () => {
    const t = tableOf(H68, [
      "[  11300]     0 11300     6623     5774     4640     1134         0    94208        3           100 perl",
      "[      1]  1000     1      900      100       90       10         0     8192        0         -1000 init",
    ]);
    const { views, unknown, assumptions } = viewsOfTable(t);
    expect(views[0]).toMatchObject({
      pid: 11300,
      tgid: 11300,
      comm: "perl",
      uid: 0,
      euid: 0,
      totalVmPages: 6623n,
      rssPages: 5774n,
      swapPages: 3n,
      pgtablesPages: 23n,
      oomScoreAdj: 100,
      oomkilladj: 1,
      capSysAdmin: true,
      isInit: false,
      hasMm: true,
      isKthread: false,
      memdie: false,
      exiting: false,
      cpuTimeJiffies: null,
      startTimeSeconds: null,
      childrenTotalVmPages: null,
    });
    expect(views[1]).toMatchObject({ isInit: true, capSysAdmin: false, oomkilladj: -17 });
    expect(unknown).toEqual(["cpuTimeJiffies", "startTimeSeconds", "childrenTotalVmPages"]);
    expect(assumptions).toEqual([]);
  });

  it("derives oom_score_adj from oom_adj and says what a 2.6.32 table lacks", () => {
    const t = tableOf(H32, ["[ 2345]   500  2345   400000   300000   1       -17 java"]);
    const { views, unknown, assumptions } = viewsOfTable(t);
    expect(views[0]).toMatchObject({
      oomkilladj: -17,
      oomScoreAdj: -1000,
      swapPages: null,
      pgtablesPages: null,
      rssPages: 300000n,
    });
    expect(unknown).toContain("swapPages");
    expect(unknown).toContain("pgtablesPages");
    expect(assumptions).toContain("oom_score_adj derived from the oom_adj column");
  });

  it("sums rss_* without an rss column, nr_ptes + nr_pmds without pgtables_bytes", () => {
    const t = tableOf("[ pid ]   uid  tgid total_vm rss_anon rss_file nr_ptes nr_pmds name", [
      "[ 7]  33  7  100  40  2  5  3 www",
    ]);
    expect(viewOfRow(t.rows[0]!)).toMatchObject({ rssPages: 42n, pgtablesPages: 8n, uid: 33 });
  });

  it("a table without uid or adjustment columns: not root, adjustment 0", () => {
    const t = tableOf("[ pid ]  total_vm rss name", ["[ 9]  100  50 a", "[ 10]  100  70 b"]);
    const { views, unknown } = viewsOfTable(t);
    expect(views[0]).toMatchObject({ uid: -1, capSysAdmin: false, oomScoreAdj: 0, tgid: 9 });
    expect(unknown).toContain("uid");
    expect(unknown).toContain("oomScoreAdj");
    const ctx = { bits: 64 as const, hz: 250, uptimeSeconds: 0n, totalPages: 1000n, current: -1 };
    expect(chooseVictim(views, largestRssPolicy, ctx)).toEqual({
      kind: "chosen",
      index: 1,
      points: 70n,
    });
  });
});
