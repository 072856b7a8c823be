import { describe, expect, it } from "vitest";
import {
  parseGroupKill,
  parseKilledLine,
  parseReaperLine,
  parseSelectLine,
  parseSummary,
} from "./kill.js";

describe("summary and kill lines (modern-oom §6.4)", () => {
  it("§6.4 the oom-kill: summary, memcg and global forms", () => {
    const memcg = parseSummary(
      "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a/b,task_memcg=/a/b/c,task=python3,pid=3943,uid=0",
      5,
    );
    expect(memcg).toEqual({
      line: 5,
      constraint: "CONSTRAINT_MEMCG",
      nodemask: "(null)",
      cpuset: "/",
      memsAllowed: "0",
      globalOom: false,
      oomMemcg: "/a/b",
      taskMemcg: "/a/b/c",
      task: "python3",
      pid: 3943,
      uid: 0n,
    });
    const global = parseSummary(
      "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=a, b (c),pid=12,uid=1000",
      1,
    );
    expect([global?.globalOom, global?.task, global?.pid, global?.uid]).toEqual([
      true,
      "a, b (c)",
      12,
      1000n,
    ]);
    expect(parseSummary("oom-kill:", 1)).toBeNull();
  });

  it("§6.4 the selected-task line of each era", () => {
    expect(
      parseSelectLine("Out of memory: kill process 2345 (java) score 341012 or a child", 3),
    ).toEqual({
      line: 3,
      message: "Out of memory",
      pid: 2345,
      comm: "java",
      score: 341012n,
      form: "or-a-child",
    });
    expect(
      parseSelectLine("Out of Memory: Kill process 3000 (httpd) score 91234 and children.", 1)
        ?.form,
    ).toBe("and-children");
    const memcg = parseSelectLine(
      "Memory cgroup out of memory: Kill process 9000 (node (x)) score 1012 or sacrifice child",
      1,
    );
    expect([memcg?.message, memcg?.comm, memcg?.form]).toEqual([
      "Memory cgroup out of memory",
      "node (x)",
      "sacrifice-child",
    ]);
    expect(
      parseSelectLine(
        "No available memory in cpuset: kill process 4100 (db) score -5 or a child",
        1,
      )?.score,
    ).toBe(-5n);
    expect(parseSelectLine("Kill process 779 (node) sharing same memory", 1)).toBeNull();
  });

  it("§6.4 Killed process in every variant", () => {
    const forms = [
      ["Killed process 2346 (java-worker)", "plain", "java-worker", null],
      ["Out of memory: Killed process 3001 (httpd).", "plain-dot", "httpd", null],
      [
        "Killed process 2891, UID 500, (java) total-vm:12049152kB, anon-rss:6844400kB, file-rss:3600kB",
        "rhel6",
        "java",
        500n,
      ],
      [
        "Killed process 1234 (java), UID 1000, total-vm:13827156kB, anon-rss:5992000kB, file-rss:8000kB, shmem-rss:0kB",
        "rhel7",
        "java",
        1000n,
      ],
      [
        "Killed process 2223 (java-helper) total-vm:1604880kB, anon-rss:800000kB, file-rss:4000kB",
        "total-vm",
        "java-helper",
        null,
      ],
      [
        "Killed process 812 (stress) total-vm:3960000kB, anon-rss:2599936kB, file-rss:64kB, shmem-rss:0kB",
        "shmem-rss",
        "stress",
        null,
      ],
      [
        "Memory cgroup out of memory: Killed process 1801 ((sd-pam)) total-vm:20400kB, anon-rss:200kB, file-rss:2600kB, shmem-rss:0kB, UID:0 pgtables:60kB oom_score_adj:-5",
        "uid",
        "(sd-pam)",
        0n,
      ],
      [
        "Out of memory: Killed process 1300 (Isolated Web Co) total-vm:36",
        "total-vm",
        "Isolated Web Co",
        null,
      ],
      ["Out of memory: Killed process 1300 (Isolat", "damaged", null, null],
    ] as const;
    for (const [line, form, comm, uid] of forms) {
      const k = parseKilledLine(line, 1);
      expect([k?.form, k?.comm, k?.uid], line).toEqual([form, comm, uid]);
    }
    const full = parseKilledLine(forms[6][0], 1);
    expect(full).toMatchObject({
      message: "Memory cgroup out of memory",
      pid: 1801,
      totalVmKb: 20400n,
      anonRssKb: 200n,
      fileRssKb: 2600n,
      shmemRssKb: 0n,
      pgtablesKb: 60n,
      oomScoreAdj: -5,
    });
    expect(parseKilledLine("Killed process", 1)).toBeNull();
  });

  it("§6.4 oom_reaper and memory.oom.group lines", () => {
    expect(
      parseReaperLine(
        "oom_reaper: reaped process 812 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        4,
      ),
    ).toEqual({
      line: 4,
      pid: 812,
      comm: "stress",
      reaped: true,
    });
    expect(parseReaperLine("oom_reaper: unable to reap pid:77 (a (b))", 1)).toEqual({
      line: 1,
      pid: 77,
      comm: "a (b)",
      reaped: false,
    });
    expect(
      parseGroupKill(
        "Tasks in /system.slice/app.service are going to be killed due to memory.oom.group set",
      ),
    ).toBe("/system.slice/app.service");
  });
});
