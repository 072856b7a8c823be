import { describe, expect, it } from "vitest";
import { parseAllocatingTask, parseCpusetLine, parseHeader } from "./header.js";

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
