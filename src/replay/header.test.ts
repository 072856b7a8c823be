import { describe, expect, it } from "vitest";
import { parseAllocatingTask, parseCpusetLine, parseHeader, parseReleaseLine } from "./header.js";

describe("report header (modern-oom §6.1)", () => {
  it("§6.1 2.6.20 .. 2.6.3x: gfp_mask, order, oomkilladj", () => {
    expect(
      parseHeader("java invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=-3", 7),
    ).toEqual({
      line: 7,
      comm: "java",
      gfpMask: "0x201d2",
      gfpFlags: null,
      nodemask: null,
      order: 0,
      oomkilladj: -3,
      oomAdj: null,
      oomScoreAdj: null,
    });
  });

  it("§6.1 2.6.36 .. 3.7: oom_adj and oom_score_adj", () => {
    const h = parseHeader(
      "java invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0",
      1,
    );
    expect([h?.oomAdj, h?.oomScoreAdj, h?.oomkilladj]).toEqual([0, 0, null]);
  });

  it("§6.1 4.5 .. 4.18: flag names, nodemask and the two-space order", () => {
    const h = parseHeader(
      "node invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=0",
      1,
    );
    expect([h?.gfpMask, h?.gfpFlags, h?.nodemask, h?.order, h?.oomScoreAdj]).toEqual([
      "0x14000c0",
      "GFP_KERNEL",
      "(null)",
      0,
      0,
    ]);
  });

  it("§6.1 5.0+: a comm with spaces and colons, order=-1, a negative adj, gfp_mask=0x0()", () => {
    const h = parseHeader(
      "rs:main Q:Reg invoked oom-killer: gfp_mask=0x0(), order=-1, oom_score_adj=-998",
      1,
    );
    expect([h?.comm, h?.gfpMask, h?.gfpFlags, h?.order, h?.oomScoreAdj]).toEqual([
      "rs:main Q:Reg",
      "0x0",
      "",
      -1,
      -998,
    ]);
  });

  it("§6.1 a header cut short keeps what it has", () => {
    const h = parseHeader("x invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOV", 1);
    expect([h?.gfpMask, h?.gfpFlags, h?.order]).toEqual(["0x100cca", "GFP_HIGHUSER_MOV", null]);
    expect(parseHeader("nothing here", 1)).toBeNull();
  });

  it("§6.1 the stack dump's first line names the allocating task and the release", () => {
    expect(
      parseAllocatingTask(
        "CPU: 1 UID: 0 PID: 3946 Comm: python3 Not tainted 6.18.44-fc-v782 #1 PREEMPT(none) ",
      ),
    ).toEqual({ pid: 3946, comm: "python3", release: "6.18.44-fc-v782", hasUid: true });
    expect(
      parseAllocatingTask(
        "CPU: 2 PID: 4242 Comm: Web Content Tainted: G           OE     5.2.0-arch2-1-ARCH #1",
      ),
    ).toEqual({ pid: 4242, comm: "Web Content", release: "5.2.0-arch2-1-ARCH", hasUid: false });
    expect(
      parseAllocatingTask("Pid: 2891, comm: java Not tainted 2.6.32-431.el6.x86_64 #1"),
    ).toEqual({
      pid: 2891,
      comm: "java",
      release: "2.6.32-431.el6.x86_64",
      hasUid: false,
    });
    expect(
      parseAllocatingTask(
        "CPU: 3 PID: 1234 Comm: java Kdump: loaded Not tainted 3.10.0-1160.el7.x86_64 #1",
      )?.release,
    ).toBe("3.10.0-1160.el7.x86_64");
  });

  it("§6.1 the cpuset line of kernels up to 4.x", () => {
    expect(parseCpusetLine("node cpuset=4f1c9a2d7e3b mems_allowed=0-1")).toEqual({
      name: "4f1c9a2d7e3b",
      memsAllowed: "0-1",
    });
    expect(
      parseCpusetLine("oom-kill:constraint=CONSTRAINT_NONE,cpuset=/,mems_allowed=0"),
    ).toBeNull();
  });
});

describe("the kernel release in every form a log prints it (modern-oom §6.1)", () => {
  const cases: [string, string, { pid: number; comm: string } | null][] = [
    [
      "CPU: 2 PID: 8120 Comm: kworker/u8:3 Not tainted 5.15.0-91-generic #101-Ubuntu",
      "5.15.0-91-generic",
      { pid: 8120, comm: "kworker/u8:3" },
    ],
    [
      "CPU: 0 UID: 1000 PID: 77 Comm: rs:main Q:Reg Not tainted 6.12.1-arch1-1 #1 PREEMPT(voluntary)",
      "6.12.1-arch1-1",
      { pid: 77, comm: "rs:main Q:Reg" },
    ],
    [
      "Pid: 2811, comm: mysqld Not tainted 2.6.32-754.35.1.el6.x86_64 #1",
      "2.6.32-754.35.1.el6.x86_64",
      { pid: 2811, comm: "mysqld" },
    ],
    [
      "Pid: 3904, comm: squid Tainted: P           O 3.2.0-4-amd64 #1 Debian 3.2.51-1",
      "3.2.0-4-amd64",
      { pid: 3904, comm: "squid" },
    ],
    [
      "CPU: 1 PID: 612 Comm: Xorg Tainted: G        W  O      5.4.0-150-generic #167-Ubuntu",
      "5.4.0-150-generic",
      { pid: 612, comm: "Xorg" },
    ],
    [
      "CPU: 3 PID: 4121 Comm: java Kdump: loaded Tainted: G           OE    --------- -  - 4.18.0-348.7.1.el8_5.x86_64 #1",
      "4.18.0-348.7.1.el8_5.x86_64",
      { pid: 4121, comm: "java" },
    ],
    [
      "CPU: 7 PID: 1 Comm: systemd Tainted: G    B D W         6.1.0-18-amd64 #1 Debian 6.1.76-1",
      "6.1.0-18-amd64",
      { pid: 1, comm: "systemd" },
    ],
    ["CPU: 1 Not tainted 3.4.113-sun8i #1", "3.4.113-sun8i", null],
    ["CPU: 0    Not tainted  (3.4.113 #1)", "3.4.113", null],
    ["CPU: 2 Tainted: G           O    4.9.118 #2", "4.9.118", null],
    [
      "Linux version 5.4.0-150-generic (buildd@lcy02-amd64-033) (gcc version 9.4.0 (Ubuntu 9.4.0-1ubuntu1~20.04.1)) #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 (Ubuntu 5.4.0-150.167-generic 5.4.229)",
      "5.4.0-150-generic",
      null,
    ],
  ];
  for (const [line, release, who] of cases) {
    it(`reads ${release} from: ${line.slice(0, 48)}`, () => {
      expect(parseReleaseLine(line)?.release).toBe(release);
      const task = parseAllocatingTask(line);
      expect(task === null ? null : { pid: task.pid, comm: task.comm }).toEqual(who);
      if (task) expect(task.release).toBe(release);
    });
  }

  it("where the line prints no release, there is none", () => {
    expect(parseReleaseLine("CPU: 1 PID: 5 Comm: x")).toBeNull();
    expect(parseReleaseLine("Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)")).toBeNull();
    expect(parseReleaseLine("CPU: 3 Not tainted")).toBeNull();
    expect(parseReleaseLine("Linux version unknown")).toBeNull();
  });

  it("the boot banner gives its release to the host's later reports, not to earlier ones", async () => {
    const { parseOomReports } = await import("./segment.js");
    const report = (pid: number) => [
      `a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`,
      `Out of memory: Killed process ${pid} (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0`,
    ];
    const events = parseOomReports(
      [
        ...report(10),
        "Linux version 5.10.0-28-amd64 (debian-kernel@lists.debian.org) (gcc-10) #1 SMP",
        ...report(11),
        "CPU: 0 PID: 12 Comm: a Not tainted 5.10.0-30-amd64 #1 Debian 5.10.218-1",
      ].join("\n"),
    );
    expect(
      events.map((e) => e.release && [e.release.text, e.release.from, e.release.line]),
    ).toEqual([null, ["5.10.0-28-amd64", "Linux version", 3]]);
    const [, second] = parseOomReports(
      [
        ...report(10),
        "Linux version 5.10.0-28-amd64 (x) #1",
        report(11)[0]!,
        "CPU: 0 PID: 12 Comm: a Not tainted 5.10.0-30-amd64 #1",
        report(11)[1]!,
      ].join("\n"),
    );
    expect(second!.release).toMatchObject({ text: "5.10.0-30-amd64", from: "stack dump" });
  });
});
