import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nodeProcFs, READ_VANISHED } from "./procfs.js";

const openFds = () => readdirSync("/proc/self/fd").length;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "oomkit-keep-"));
  dirs.push(root);
  mkdirSync(join(root, "7"));
  writeFileSync(join(root, "7/stat"), "first");
  writeFileSync(join(root, "meminfo"), "MemTotal: 1 kB\n");
  return root;
}

describe("a reader that keeps its files open", () => {
  it("reads a file anew from its start each time", () => {
    const root = tree();
    const fs = nodeProcFs({ root, keepOpen: true });
    expect(fs.readTextSync("7/stat")).toBe("first");
    writeFileSync(join(root, "7/stat"), "second, longer than the first");
    expect(fs.readTextSync("7/stat")).toBe("second, longer than the first");
    writeFileSync(join(root, "7/stat"), "3");
    expect(fs.readTextSync("7/stat")).toBe("3");
  });

  it("closes at the end of a scan the files that scan did not read", () => {
    const root = tree();
    const before = openFds();
    const fs = nodeProcFs({ root, keepOpen: true });
    fs.readTextSync("7/stat");
    fs.readTextSync("meminfo");
    expect(openFds()).toBe(before + 2);
    fs.endScan?.();
    fs.readTextSync("meminfo");
    fs.endScan?.();
    expect(openFds()).toBe(before + 1);
    fs.endScan?.();
    expect(openFds()).toBe(before);
  });

  it("keeps none open without the option, and has no end of scan", () => {
    const root = tree();
    const before = openFds();
    const fs = nodeProcFs({ root });
    fs.readTextSync("7/stat");
    expect(openFds()).toBe(before);
    expect(fs.endScan).toBeUndefined();
  });

  it.runIf(process.platform === "linux")(
    "on the real /proc: a process that exits reads as vanished through its open file",
    async () => {
      const child = spawn("sleep", ["30"], { stdio: "ignore" });
      const pid = child.pid!;
      try {
        const fs = nodeProcFs({ keepOpen: true });
        expect(fs.readBytes(`${pid}/stat`)).toBeGreaterThan(0);
        const first = fs.readTextSync(`${pid}/stat`);
        expect(first?.startsWith(`${pid} (sleep) `)).toBe(true);
        const gone = new Promise((resolve) => child.once("exit", resolve));
        process.kill(pid, "SIGKILL");
        await gone;
        expect(fs.readBytes(`${pid}/stat`)).toBe(READ_VANISHED);
        fs.endScan?.();
      } finally {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
      }
    },
  );
});
