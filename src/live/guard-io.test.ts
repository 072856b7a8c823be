/**
 * The guard's machine side: per-process files kept open across choices (a real child
 * process's oom_score read through one descriptor, and nothing once it has gone), and
 * which line of /proc/PID/cgroup names a process's memory cgroup.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cgroupPathOf, KeptProcFiles, keptFileBudget } from "./guard-io.js";

describe("KeptProcFiles", () => {
  it("reads a live process through one kept descriptor, and nothing after its exit", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = child.pid!;
    const files = new KeptProcFiles("/proc", "oom_score", 16);
    try {
      const first = files.int(pid);
      expect(first).not.toBeNull();
      expect(files.kept).toBe(1);
      expect(files.int(pid)).toBe(first);
      expect(files.text(pid)).toMatch(/^\d+\n$/);
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      expect(files.int(pid)).toBeNull();
      expect(files.kept).toBe(0);
    } finally {
      child.kill("SIGKILL");
      files.close();
    }
  });
  it("keeps no more descriptors than its budget, and prunes the unlisted", () => {
    const files = new KeptProcFiles("/proc", "oom_score", 1);
    try {
      expect(files.int(process.pid)).not.toBeNull();
      expect(files.int(process.ppid)).not.toBeNull();
      expect(files.kept).toBe(1);
      files.prune(new Set());
      expect(files.kept).toBe(0);
    } finally {
      files.close();
    }
  });
  it("a file longer than the buffer is not read through it (the caller reads it whole)", () => {
    const short = new KeptProcFiles("/proc", "status", 4, 16);
    const long = new KeptProcFiles("/proc", "status", 4, 8192);
    try {
      expect(short.text(process.pid)).toBeNull();
      expect(long.text(process.pid)).toMatch(/^Name:/);
    } finally {
      short.close();
      long.close();
    }
  });
  it("the budget is half the open-files limit, within bounds", () => {
    const limits = (n: string) =>
      `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${n}                 ${n}                 files     \n`;
    expect(keptFileBudget(limits("1024"))).toBe(448);
    expect(keptFileBudget(limits("1048576"))).toBe(4096);
    expect(keptFileBudget(limits("unlimited"))).toBe(4096);
    expect(keptFileBudget(null)).toBe(256);
  });
});

describe("cgroupPathOf", () => {
  it("takes the v1 memory controller's line over the v2 line, and the v2 line alone", () => {
    const hybrid = "9:name=systemd:/\n4:memory:/batch/job\n3:cpu,cpuacct:/\n0::/\n";
    expect(cgroupPathOf(hybrid)).toBe("/batch/job");
    expect(cgroupPathOf("0::/system.slice/db.service\n")).toBe("/system.slice/db.service");
    expect(cgroupPathOf("4:cpu:/x\n")).toBeNull();
  });
});
