import { describe, expect, test } from "vitest";
import { cases, rejection } from "../../test/support/snapshot-cases.js";

cases("docs/formats.md §3.5: nodes", [
  ["empty", (d) => (d.kernel.nodes = []), "kernel.nodes", /at least one entry, got an empty array/],
  [
    "repeated id",
    (d) => d.kernel.nodes.push({ id: 0 }),
    "kernel.nodes[2].id",
    /must be unique, but kernel.nodes\[0\] also has id 0/,
  ],
  [
    "several nodes without CONFIG_NUMA",
    (d) => (d.kernel.CONFIG_NUMA = false),
    "kernel.nodes",
    /exactly one node \(id 0\) without CONFIG_NUMA, got 2 nodes/,
  ],
  [
    "node 1 without CONFIG_NUMA",
    (d) => {
      d.kernel.CONFIG_NUMA = false;
      d.kernel.nodes = [{ id: 1 }];
    },
    "kernel.nodes[0].id",
    /must be 0 without CONFIG_NUMA, got 1/,
  ],
]);

cases("docs/formats.md §3.6: cpusets", [
  [
    "relative path",
    (d) => (d.cpusets[1].path = "a"),
    "cpusets[1].path",
    /absolute cpuset path.*got "a"$/,
  ],
  ["trailing slash", (d) => (d.cpusets[1].path = "/a/"), "cpusets[1].path", /got "\/a\/"$/],
  ["empty segment", (d) => (d.cpusets[2].path = "/a//b"), "cpusets[2].path", /got "\/a\/\/b"$/],
  ["dot segment", (d) => (d.cpusets[2].path = "/a/."), "cpusets[2].path", /got "\/a\/\."$/],
  ["dot-dot segment", (d) => (d.cpusets[2].path = "/a/.."), "cpusets[2].path", /got "\/a\/\.\."$/],
  ["empty path", (d) => (d.cpusets[1].path = ""), "cpusets[1].path", /got ""$/],
  [
    "repeated path",
    (d) => d.cpusets.push({ path: "/a", mems: [1] }),
    "cpusets[4].path",
    /must be unique, but cpusets\[1\] also has path "\/a"/,
  ],
  ["no top cpuset", (d) => d.cpusets.shift(), "cpusets", /must contain the top cpuset "\/"/],
  [
    "missing parent",
    (d) => d.cpusets.push({ path: "/q/r", mems: [] }),
    "cpusets[4].path",
    /parent cpuset "\/q" is not in cpusets/,
  ],
  [
    "mems not online",
    (d) => {
      d.cpusets[0].mems = [0, 1, 2];
    },
    "cpusets[0].mems[2]",
    /node 2 is not online/,
  ],
  [
    "mems not a subset of the parent's",
    (d) => (d.cpusets[2].mems = [0, 1]),
    "cpusets[2].mems[0]",
    /node 0 is not in the mems of parent cpuset "\/a" \(cpusets\[1\]\)/,
  ],
  [
    "mem_exclusive under a parent that is not",
    (d) => (d.cpusets[2].mem_exclusive = true),
    "cpusets[2].mem_exclusive",
    /parent cpuset "\/a" \(cpusets\[1\]\) is not mem_exclusive/,
  ],
  [
    "mem_exclusive under a non-exclusive top",
    (d) => (d.cpusets[0].mem_exclusive = false),
    "cpusets[3].mem_exclusive",
    /parent cpuset "\/"/,
  ],
  [
    "overlapping siblings, the later exclusive",
    (d) => d.cpusets.push({ path: "/y", mems: [1], mem_exclusive: true }),
    "cpusets[4].mems",
    /sibling cpuset "\/a" \(cpusets\[1\]\).*both have node 1/,
  ],
  [
    "overlapping siblings, the earlier exclusive",
    (d) => d.cpusets.push({ path: "/z", mems: [0] }),
    "cpusets[4].mems",
    /sibling cpuset "\/x" \(cpusets\[3\]\).*node 0/,
  ],
]);

cases("docs/formats.md §3.7: mms", [
  ["empty id", (d) => (d.mms[0].id = ""), "mms[0].id", /non-empty string, got ""$/],
  [
    "repeated id",
    (d) => d.mms.push({ id: "init", total_vm: 1 }),
    "mms[2].id",
    /must be unique, but mms\[0\] also has id "init"/,
  ],
]);

cases("docs/formats.md §3.8: tasks", [
  [
    "repeated pid",
    (d) => {
      delete d.tasks[0].children;
      d.tasks[3].pid = 10;
    },
    "tasks[3].pid",
    /must be unique, but tasks\[1\] also has pid 10/,
  ],
  ["mm not in mms", (d) => (d.tasks[3].mm = "abc"), "tasks[3].mm", /^mm "abc" is not in mms$/],
  [
    "cpuset not in cpusets",
    (d) => (d.tasks[3].cpuset = "/b"),
    "tasks[3].cpuset",
    /^cpuset "\/b" is not in cpusets$/,
  ],
  [
    "mems_allowed not online",
    (d) => (d.tasks[3].mems_allowed = [0, 9]),
    "tasks[3].mems_allowed[1]",
    /^node 9 is not online$/,
  ],
  [
    "comm longer than 15",
    (d) => (d.tasks[3].comm = "a".repeat(16)),
    "tasks[3].comm",
    /at most 15 characters long, got 16/,
  ],
  [
    "comm with a tab",
    (d) => (d.tasks[3].comm = "a\tb"),
    "tasks[3].comm",
    /printable ASCII.*U\+0009 at index 1/,
  ],
  [
    "comm with a non-ASCII letter",
    (d) => (d.tasks[3].comm = "caf\u00e9"),
    "tasks[3].comm",
    /U\+00E9 at index 3/,
  ],
  ["comm with DEL", (d) => (d.tasks[3].comm = "\u007f"), "tasks[3].comm", /U\+007F/],
  [
    "parent not listed",
    (d) => {
      delete d.tasks[0].children;
      d.tasks[3].parent = 99;
    },
    "tasks[3].parent",
    /pid 99 is not in tasks/,
  ],
  [
    "own parent",
    (d) => {
      delete d.tasks[0].children;
      d.tasks[3].parent = 11;
    },
    "tasks[3].parent",
    /own pid 11/,
  ],
  [
    "parent in its own thread group",
    (d) => {
      d.tasks[2].parent = 10;
      d.tasks[0].children = [11, 10];
      d.tasks[1].children = [12];
    },
    "tasks[2].parent",
    /own thread group \(tgid 10\), got 10/,
  ],
  [
    "tgid not a listed pid",
    (d) => (d.tasks[2].tgid = 77),
    "tasks[2].tgid",
    /thread group leader, but no task has pid 77/,
  ],
  [
    "tgid of a task that is not a leader",
    (d) => {
      d.tasks.push({ pid: 13, tgid: 12, parent: 0, comm: "t", mm: null, uid: 0, euid: 0 });
    },
    "tasks[4].tgid",
    /tasks\[2\] \(pid 12\) has tgid 10/,
  ],
  [
    "thread not right after its group",
    (d) => {
      const thread = d.tasks.splice(2, 1)[0];
      d.tasks.push(thread);
    },
    "tasks[3].tgid",
    /directly follow its leader or another thread of group 10, but tasks\[2\] has tgid 11/,
  ],
  [
    "thread before its leader",
    (d) => {
      const thread = d.tasks.splice(2, 1)[0];
      d.tasks.unshift(thread);
    },
    "tasks[0].tgid",
    /but it is the first task/,
  ],
  [
    "two mms in a thread group",
    (d) => (d.tasks[2].mm = "init"),
    "tasks[2].mm",
    /tasks\[1\] has mm "big" and this task "init"/,
  ],
  [
    "children with an extra pid",
    (d) => (d.tasks[3].children = [10]),
    "tasks[3].children[0]",
    /whose parent is 11, but pid 10 has parent 1/,
  ],
  [
    "children with an unlisted pid",
    (d) => (d.tasks[0].children = [11, 10, 12, 55]),
    "tasks[0].children[3]",
    /pid 55 is not in tasks/,
  ],
  [
    "children missing a pid",
    (d) => (d.tasks[0].children = [11, 12]),
    "tasks[0].children",
    /every task whose parent is 1, but pid 10 \(tasks\[1\]\) is missing/,
  ],
  [
    "children given for a childless task",
    (d) => (d.tasks[1].children = [1]),
    "tasks[1].children[0]",
    /pid 1 has parent 0/,
  ],
]);

cases("docs/formats.md §3.9: current", [
  ["current not listed", (d) => (d.current = 77), "current", /^pid 77 is not in tasks$/],
  ["current zero", (d) => (d.current = 0), "current", /got 0$/],
]);

cases("docs/formats.md §3.10: zonelist", [
  [
    "node not online",
    (d) => d.request.zonelist.push({ node: 5, zone: "DMA" }),
    "request.zonelist[2].node",
    /node 5 is not online/,
  ],
  [
    "unknown zone",
    (d) => (d.request.zonelist[0].zone = "Movable"),
    "request.zonelist[0].zone",
    /one of "DMA", "DMA32", "Normal", "HighMem", got "Movable"$/,
  ],
  [
    "repeated pair",
    (d) => d.request.zonelist.push({ node: 1, zone: "Normal" }),
    "request.zonelist[2]",
    /request.zonelist\[1\] is also node 1 zone "Normal"/,
  ],
]);

describe("docs/formats.md §3: the first violation in document order is the one reported", () => {
  test("of two shape errors, the earlier task wins", () => {
    const err = rejection((d) => {
      d.tasks[3].nice = 99;
      d.tasks[1].nice = 99;
    });
    expect(err.path).toBe("tasks[1].nice");
  });
  test("within an object, keys are taken in the order written", () => {
    const err = rejection((d) => {
      d.tasks[1] = { comm: 5, pid: -1, ...d.tasks[1], zzz: 1 };
      d.tasks[1].comm = 5;
      d.tasks[1].pid = -1;
    });
    expect(err.path).toBe("tasks[1].comm");
  });
  test("an unknown key is ordered by its own position", () => {
    const err = rejection((d) => {
      d.tasks[1] = { bogus: true, ...d.tasks[1] };
      d.tasks[1].nice = 50;
    });
    expect(err.message).toBe('x.json: tasks[1]: unknown key "bogus"');
  });
  test("a missing key comes after the present keys of its object", () => {
    const err = rejection((d) => {
      delete d.tasks[1].comm;
      d.tasks[1].mems_allowed = [99];
    });
    expect(err.path).toBe("tasks[1].mems_allowed[0]");
  });
  test("top-level sections follow the document's key order", () => {
    const err = rejection((d) => {
      d.request.order = 20;
      d.tasks[3].nice = 20;
    });
    expect(err.path).toBe("tasks[3].nice");
    const reordered = rejection((d) => {
      const { request } = d;
      delete d.request;
      for (const key of Object.keys(d)) {
        const value = d[key];
        delete d[key];
        if (key === "format") d.request = request;
        d[key] = value;
      }
      d.request.order = 20;
      d.tasks[3].nice = 20;
    });
    expect(reordered.path).toBe("request.order");
  });
  test("shape errors are reported before reference errors", () => {
    const err = rejection((d) => {
      d.tasks[0].mm = "nowhere";
      d.tasks[3].nice = 20;
    });
    expect(err.path).toBe("tasks[3].nice");
  });
  test("of two reference errors, the earlier in the document wins", () => {
    const err = rejection((d) => {
      d.request.zonelist[0].node = 7;
      d.tasks[3].mm = "nowhere";
      d.cpusets[2].mems = [0, 1];
    });
    expect(err.path).toBe("cpusets[2].mems[0]");
  });
});
