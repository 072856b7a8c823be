/**
 * Every OOM report fixture (test/fixtures/reports, written from the format descriptions of
 * modern-oom §6, plus one captured from this project's real-kernel test): the events found,
 * the kernel's victim, the predicted victim, completeness, the inferred kernel, the constraint
 * and totalpages.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOomReports, replayEvent } from "../src/replay/index.js";
import { replayJsonLines } from "../src/report/replay-json.js";

const DIR = join(import.meta.dirname, "fixtures", "reports");

interface Expect {
  actual: number | null;
  predicted: number | null;
  complete: boolean;
  kernel: string;
  constraint: string;
  totalpages: string | null;
}

const EXPECTED: Record<string, Expect[]> = {
  "2.6.20-global.txt": [
    {
      actual: 2345,
      predicted: null,
      complete: false,
      kernel: "2.6.20",
      constraint: "CONSTRAINT_NONE",
      totalpages: "525190",
    },
  ],
  "2.6.20-constrained.txt": [
    {
      actual: 4100,
      predicted: null,
      complete: false,
      kernel: "2.6.20",
      constraint: "CONSTRAINT_CPUSET",
      totalpages: "262144",
    },
    {
      actual: 4177,
      predicted: null,
      complete: false,
      kernel: "2.6.20",
      constraint: "CONSTRAINT_MEMORY_POLICY",
      totalpages: null,
    },
  ],
  "2.6.22-and-children.txt": [
    {
      actual: 3000,
      predicted: null,
      complete: false,
      kernel: "2.6.21",
      constraint: "CONSTRAINT_NONE",
      totalpages: "1037133",
    },
  ],
  "2.6.32-oom_adj-table.txt": [
    {
      actual: 4321,
      predicted: 4321,
      complete: true,
      kernel: "2.6.32",
      constraint: "CONSTRAINT_NONE",
      totalpages: "1048560",
    },
  ],
  "3.2-oom_score_adj-sacrifice-child.txt": [
    {
      actual: 2222,
      predicted: 2222,
      complete: true,
      kernel: "3.2.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "1310191",
    },
  ],
  "rhel6-2.6.32.txt": [
    {
      actual: 2891,
      predicted: 2891,
      complete: true,
      kernel: "2.6.36",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2097152",
    },
  ],
  "rhel7-3.10.txt": [
    {
      actual: 1234,
      predicted: 1234,
      complete: true,
      kernel: "3.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "5168889",
    },
  ],
  "4.4-nr_ptes.txt": [
    {
      actual: 777,
      predicted: 777,
      complete: true,
      kernel: "4.4.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049580",
    },
  ],
  "4.9-nr_pmds-reaper.txt": [
    {
      actual: 812,
      predicted: 812,
      complete: true,
      kernel: "4.9.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "1286775",
    },
  ],
  "tie-4.14-first-wins.txt": [
    {
      actual: 2400,
      predicted: 2400,
      complete: true,
      kernel: "4.14.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "4.15-memcg-v1-docker.txt": [
    {
      actual: 9000,
      predicted: 9000,
      complete: true,
      kernel: "4.15.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "131072",
    },
  ],
  "4.19-tasks-state-global.txt": [
    {
      actual: 1500,
      predicted: 1500,
      complete: true,
      kernel: "4.19.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2516925",
    },
  ],
  "5.2-dmesg-T.txt": [
    {
      actual: 4242,
      predicted: 4242,
      complete: true,
      kernel: "5.2.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "5.4-k8s-clamp-first-wins-caller-id.txt": [
    {
      actual: 2001,
      predicted: 2001,
      complete: true,
      kernel: "5.4.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "262144",
    },
  ],
  "tie-5.10-last-wins.txt": [
    {
      actual: 2401,
      predicted: 2401,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "5.10-dmesg-x.txt": [
    {
      actual: 7002,
      predicted: 7002,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "5.10-crlf-mail-quoted.txt": [
    {
      actual: 8010,
      predicted: 8010,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "5.14-rfc3339-rsyslog-012.txt": [
    {
      actual: 3320,
      predicted: 3320,
      complete: true,
      kernel: "5.14.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "1048576",
    },
  ],
  "5.15-journalctl-k8s-memcg-v2.txt": [
    {
      actual: 31337,
      predicted: 31337,
      complete: true,
      kernel: "5.15.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "262144",
    },
  ],
  "6.1-dmesg-T-french.txt": [
    {
      actual: 5012,
      predicted: 5012,
      complete: true,
      kernel: "6.1.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2311895",
    },
  ],
  "6.1-kmsg-memcg-v1.txt": [
    {
      actual: 9103,
      predicted: 9103,
      complete: true,
      kernel: "6.1.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "65536",
    },
  ],
  "sysrq-manual-6.6.txt": [
    {
      actual: 1300,
      predicted: 1300,
      complete: true,
      kernel: "6.6.13",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "6.8-syslog-empty-host-oom-group.txt": [
    {
      actual: 2050,
      predicted: 2050,
      complete: true,
      kernel: "6.8.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "524288",
    },
  ],
  "real-memcg-v1.txt": [
    {
      actual: 11302,
      predicted: 11302,
      complete: true,
      kernel: "6.18.44",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "24576",
    },
  ],
  "cpuset-numa-5.10.txt": [
    {
      actual: 4001,
      predicted: 4001,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_CPUSET",
      totalpages: "4718591",
    },
  ],
  "oom-kill-allocating-task.txt": [
    {
      actual: 5555,
      predicted: 5555,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "no-killable-panic.txt": [
    {
      actual: null,
      predicted: null,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "garbage-duplicates-ratelimited.txt": [
    {
      actual: 9010,
      predicted: 9010,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
    {
      actual: 9020,
      predicted: null,
      complete: false,
      kernel: "6.18.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: null,
    },
  ],
  "interleaved-two-hosts.txt": [
    {
      actual: 1010,
      predicted: 1010,
      complete: true,
      kernel: "5.15.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
    {
      actual: 2010,
      predicted: 2010,
      complete: true,
      kernel: "5.15.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "interleaved-caller-id.txt": [
    {
      actual: 502,
      predicted: 502,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "32768",
    },
    {
      actual: 602,
      predicted: 602,
      complete: true,
      kernel: "5.10.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "32768",
    },
  ],
  "truncated.txt": [
    {
      actual: null,
      predicted: 8110,
      complete: false,
      kernel: "6.1.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
    {
      actual: null,
      predicted: null,
      complete: false,
      kernel: "6.1.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: null,
    },
  ],
  // Classes of issue 8: every form of the release, scoring eras, oom_kill_allocating_task,
  // a memcg limit the excerpt leaves out.
  "3.2-pid-tainted-proprietary.txt": [
    {
      actual: 3904,
      predicted: 3904,
      complete: true,
      kernel: "3.2.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "1572847",
    },
  ],
  "3.4-arm-cpu-line-without-pid.txt": [
    {
      actual: 1720,
      predicted: 1720,
      complete: true,
      kernel: "3.4.113",
      constraint: "CONSTRAINT_NONE",
      totalpages: "262144",
    },
  ],
  "4.18-rhel8-kdump-tainted.txt": [
    {
      actual: 4121,
      predicted: 4121,
      complete: true,
      kernel: "4.18.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "5.4-linux-version-banner.txt": [
    {
      actual: 1450,
      predicted: 1450,
      complete: true,
      kernel: "5.4.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "eras-3.8-4.4-root-bonus.txt": [
    {
      actual: 2040,
      predicted: 2040,
      complete: true,
      kernel: "4.4.9999",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "eras-5.4-6.7-k8s-clamp.txt": [
    {
      actual: 4410,
      predicted: 4410,
      complete: true,
      kernel: "6.7.9999",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "131072",
    },
  ],
  "oom-kill-allocating-task-4.4.txt": [
    {
      actual: 3131,
      predicted: 3131,
      complete: true,
      kernel: "4.4.0",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "oom-kill-allocating-task-6.1-no-stack.txt": [
    {
      actual: 6100,
      predicted: null,
      complete: true,
      kernel: "6.7.9999",
      constraint: "CONSTRAINT_NONE",
      totalpages: "2049752",
    },
  ],
  "memcg-no-limit-4.9-score.txt": [
    {
      actual: 2750,
      predicted: 2750,
      complete: true,
      kernel: "4.9.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: null,
    },
  ],
  "memcg-no-limit-v2-5.15.txt": [
    {
      actual: 8812,
      predicted: 8812,
      complete: true,
      kernel: "5.15.0",
      constraint: "CONSTRAINT_MEMCG",
      totalpages: null,
    },
  ],
};

function replayFile(name: string) {
  return parseOomReports(readFileSync(join(DIR, name), "utf8")).map((e) => replayEvent(e));
}

describe("OOM report fixtures (modern-oom §6)", () => {
  it("every fixture file has expectations and every expectation a file", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".txt"));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`spec §6: ${name}`, () => {
      const got = replayFile(name).map((r) => ({
        actual: r.actual?.pid ?? null,
        predicted: r.predicted?.pid ?? null,
        complete: r.event.complete,
        kernel: `${r.kernel.version.join(".")}`,
        constraint: r.total.constraint,
        totalpages: r.total.totalPages === null ? null : String(r.total.totalPages),
      }));
      expect(got).toEqual(expected);
    });
  }

  it("spec §6.4: the replay names the kernel's own victim for every complete report with a task table", () => {
    let compared = 0;
    for (const name of Object.keys(EXPECTED)) {
      for (const r of replayFile(name)) {
        if (!r.event.complete || r.actual === null) continue;
        // oom_kill_allocating_task without the stack dump: no pid of the allocating task.
        if (r.allocatingTaskKill && r.event.allocating === null) continue;
        compared++;
        expect(r.predicted, `${name} event ${r.event.index}`).toEqual(r.actual);
        expect(r.match).toBe(true);
      }
    }
    expect(compared).toBe(37);
  });

  it("issue 8: the release from every form of the stack-dump line and from the boot banner", () => {
    const seen = (name: string) => {
      const [r] = replayFile(name);
      return [
        r!.kernel.source,
        r!.kernel.release,
        r!.kernel.releaseFrom,
        r!.event.allocating?.comm ?? null,
      ];
    };
    expect(seen("3.2-pid-tainted-proprietary.txt")).toEqual([
      "report",
      "3.2.0-4-amd64",
      "stack dump",
      "squid",
    ]);
    expect(seen("3.4-arm-cpu-line-without-pid.txt")).toEqual([
      "report",
      "3.4.113-sun8i",
      "stack dump",
      null,
    ]);
    expect(seen("4.18-rhel8-kdump-tainted.txt")).toEqual([
      "report",
      "4.18.0-348.7.1.el8_5.x86_64",
      "stack dump",
      "java",
    ]);
    expect(seen("5.4-linux-version-banner.txt")).toEqual([
      "report",
      "5.4.0-150-generic",
      "'Linux version' line 1",
      null,
    ]);
  });

  it("issue 8: no release printed, a range of eras: each era's victim, and which explain the kernel", () => {
    const eras = (name: string) =>
      replayFile(name)[0]!.eras.map((x) => [x.era, x.victim?.pid, x.explains, x.allClamped]);
    expect(eras("eras-3.8-4.4-root-bonus.txt")).toEqual([
      ["3.7-3.13", 2101, false, false],
      ["3.14-4.16", 2040, true, false],
    ]);
    expect(eras("eras-5.4-6.7-k8s-clamp.txt")).toEqual([
      ["4.17-5.8", 4301, false, true],
      ["5.9+", 4410, true, false],
    ]);
    const [k8s] = replayFile("eras-5.4-6.7-k8s-clamp.txt");
    expect(k8s!.verdict).toContain("5.9+ explains the kernel's choice");
    expect(k8s!.verdict).toContain(
      "every eligible task scores 1 there, so the first in the table wins",
    );
    // A printed release leaves no range: no eras.
    expect(replayFile("5.10-dmesg-x.txt")[0]!.eras).toEqual([]);
    // Every task at the clamp under the report's own release: said in the verdict.
    const [clamp] = replayFile("5.4-k8s-clamp-first-wins-caller-id.txt");
    expect(clamp!.clampTie?.first.pid).toBe(2001);
    expect(clamp!.verdict).toContain("so the first in the table, 2001 (pause), wins");
  });

  it("issue 8: oom_kill_allocating_task is recognised in every kill-line form and never ranked", () => {
    for (const name of [
      "oom-kill-allocating-task.txt",
      "oom-kill-allocating-task-4.4.txt",
      "oom-kill-allocating-task-6.1-no-stack.txt",
    ]) {
      const [r] = replayFile(name);
      expect(r!.allocatingTaskKill, name).toBe(true);
      expect(r!.predictedBy === "oom_kill_allocating_task" || r!.predicted === null, name).toBe(
        true,
      );
      expect(r!.verdict, name).toContain("without ranking, so no score predicts it");
      expect(
        r!.notes.some((n) => n.includes("printed score")),
        name,
      ).toBe(false);
    }
    expect(replayFile("oom-kill-allocating-task-6.1-no-stack.txt")[0]!.verdict).toContain(
      "the header names stress-ng",
    );
  });

  it("issue 8: a memcg report without its limit says totalpages is estimated, and from what", () => {
    const [score] = replayFile("memcg-no-limit-4.9-score.txt");
    expect(score!.scoringTotalPages).toBe(524590n);
    expect(score!.totalEstimate).toContain("the kill line's score 762");
    expect(score!.verdict).toContain("the limit is not in the report, so totalpages is estimated");
    expect(score!.notes.some((n) => n.includes("printed score"))).toBe(false);
    const [sum] = replayFile("memcg-no-limit-v2-5.15.txt");
    expect(sum!.scoringTotalPages).toBe(290001n);
    expect(sum!.totalEstimate).toContain("the listed tasks' rss + swap");
  });

  it("spec §6.4: --json lines carry actual, predicted and complete for every event, in log order", () => {
    const replays = replayFile("interleaved-two-hosts.txt");
    const docs = replayJsonLines(replays)
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(docs.map((d) => [d.index, d.host, d.actual, d.predicted, d.complete])).toEqual([
      [0, "web1", { pid: 1010, comm: "php-fpm" }, { pid: 1010, comm: "php-fpm" }, true],
      [1, "web2", { pid: 2010, comm: "php-fpm" }, { pid: 2010, comm: "php-fpm" }, true],
    ]);
  });
});
