/**
 * `oomkit replay` end to end (modern-oom §6): text and JSON-lines output, stdin, exit codes,
 * gzip and several files, duplicates, --brief and --follow.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  appendFileSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CLI, ROOT, runCli } from "./support/cli.js";

const REPORTS = "test/fixtures/reports";
const TIE_FILE = `${REPORTS}/tie-5.10-last-wins.txt`;
const TIE = readFileSync(TIE_FILE, "utf8");
const RHEL7 = readFileSync(`${REPORTS}/rhel7-3.10.txt`, "utf8");
const NR_PTES = readFileSync(`${REPORTS}/4.4-nr_ptes.txt`, "utf8");

/** The lines of a command's output (none for empty output). */
function linesOf(out: string): string[] {
  return out === "" ? [] : out.replace(/\n$/, "").split("\n");
}

const tmp = mkdtempSync(join(tmpdir(), "oomkit-replay-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a file under the test's temporary directory and returns its path. */
function tmpFile(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

describe("oomkit replay", () => {
  it.skipIf(!canRead("/dev/kmsg"))(
    "reads what /dev/kmsg holds now and stops, as dmesg does, instead of waiting for more",
    () => {
      const r = spawnSync(process.execPath, [CLI, "replay", "/dev/kmsg", "--json"], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(r.signal).toBeNull();
      expect([0, 1]).toContain(r.status);
      for (const line of r.stdout.split("\n").filter((l) => l !== "")) {
        expect(JSON.parse(line)).toHaveProperty("actual");
      }
    },
  );

  it("spec §6.4: --json prints one object per event in log order with actual, predicted, complete", () => {
    const r = runCli(["replay", "--json", `${REPORTS}/truncated.txt`]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const docs = jsonLines(r.stdout);
    expect(docs.map((d) => [d.index, d.actual, d.predicted, d.complete])).toEqual([
      [0, null, { pid: 8110, comm: "rustc" }, false],
      [1, null, null, false],
    ]);
  });

  it("spec §6: the real kernel's report, read from stdin, matches", () => {
    const text = readFileSync(`${REPORTS}/real-memcg-v1.txt`, "utf8");
    const r = runCli(["replay", "--json", "-"], text);
    expect(r.status).toBe(0);
    const [doc] = jsonLines(r.stdout);
    expect(doc).toMatchObject({
      actual: { pid: 11302, comm: "perl" },
      predicted: { pid: 11302, comm: "perl" },
      complete: true,
      match: true,
      constraint: "CONSTRAINT_MEMCG",
      totalpages: "24576",
      kernel: { version: "6.18.44", source: "report" },
    });
  });

  it("spec §6: the text rendering names both victims, the table and the 2.6.20 view", () => {
    const r = runCli(["replay", `${REPORTS}/tie-5.10-last-wins.txt`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("kernel's victim: 2401 (worker)");
    expect(r.stdout).toContain(
      "predicted victim: 2401 (worker) under the rules of 5.10.0 - MATCHES the kernel",
    );
    expect(r.stdout).toContain("2.6.20 badness would kill: 2400 (worker)");
    expect(r.stdout).toContain("2.6.20 badness assumptions:");
    expect(r.stdout).toMatch(
      /1 OOM event: 1 complete; predicted victim matches the kernel's in 1 of 1 compared\n$/,
    );
  });

  it("spec §2: --kernel-version changes the rules (a 5.10 tie scored as 5.8 goes to the first)", () => {
    const r = runCli([
      "replay",
      "--json",
      "--kernel-version",
      "5.8.0",
      `${REPORTS}/tie-5.10-last-wins.txt`,
    ]);
    const [doc] = jsonLines(r.stdout);
    expect([doc.predicted, doc.match]).toEqual([{ pid: 2400, comm: "worker" }, false]);
  });

  it("a log with text but no OOM report: exit 1 and one line saying so", () => {
    const r = runCli(["replay", "-"], "[ 1.0] nothing to see\n[ 2.0] still nothing\n");
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: "oomkit: no OOM report found in <stdin> (2 lines read)\n",
    });
  });

  it("an empty input (empty file, empty pipe, a refused dmesg) is told apart: exit 1, another line", () => {
    const pipe = runCli(["replay", "-"], "");
    expect(pipe).toEqual({
      status: 1,
      stdout: "",
      stderr:
        "oomkit: empty input: <stdin> holds no log text (a refused dmesg writes nothing here: try sudo dmesg)\n",
    });
    const empty = tmpFile("empty.log", "");
    const blank = tmpFile("blank.log", "\n  \n\n");
    const file = runCli(["replay", "--json", empty, blank]);
    expect(file).toEqual({
      status: 1,
      stdout: "",
      stderr: `oomkit: empty input: ${empty}, ${blank} hold no log text\n`,
    });
  });

  it("an unreadable file or a bad option: exit 2, one line, nothing on stdout", () => {
    const missing = runCli(["replay", `${REPORTS}/does-not-exist.txt`]);
    expect([missing.status, missing.stdout]).toEqual([2, ""]);
    expect(missing.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("does-not-exist.txt: $: cannot read file (ENOENT");
    const bad = runCli(["replay", "--kernel-version", "banana", `${REPORTS}/truncated.txt`]);
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([
      2,
      "",
      'oomkit: --kernel-version: expected a version like 5.15.0, got "banana"\n',
    ]);
  });

  it("garbage never crashes the command", () => {
    const r = runCli(
      ["replay", "--json", "-"],
      "\u0000\u0001 invoked oom-killer: [ pid ] ]]] Killed process 1 (\n#012\r\n",
    );
    expect([0, 1]).toContain(r.status);
    expect(r.stderr).not.toContain("internal error");
  });

  it("gzip data is read whatever the file's name; a corrupt .gz is one line naming it, exit 2", () => {
    const gz = tmpFile("kern.log.2.gz", gzipSync(TIE));
    const unnamed = tmpFile("kern.log.old", gzipSync(TIE));
    for (const file of [gz, unnamed]) {
      const r = runCli(["replay", "--json", file]);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(jsonLines(r.stdout).map((d) => [d.file, d.actual, d.match])).toEqual([
        [file, { pid: 2401, comm: "worker" }, true],
      ]);
    }
    const cut = tmpFile("cut.log.gz", gzipSync(TIE).subarray(0, 200));
    const junk = tmpFile("junk.gz", Buffer.from([0x1f, 0x8b, 0x41, 0x42, 0x43, 0x44]));
    for (const [file, why] of [
      [cut, "unexpected end of file"],
      [junk, "unknown compression method"],
    ]) {
      const r = runCli(["replay", TIE_FILE, file]);
      expect([r.status, r.stdout]).toEqual([2, ""]);
      expect(linesOf(r.stderr)).toEqual([`${file}: $: corrupt gzip data (${why})`]);
    }
  });

  it("several files are one log, read in the order given; each event names its file", () => {
    const split = NR_PTES.split("\n");
    const files = [
      tmpFile("kern.log.2.gz", gzipSync(TIE)),
      tmpFile("kern.log.1", `${RHEL7}${split.slice(0, 30).join("\n")}\n`),
      tmpFile("kern.log", split.slice(30).join("\n")),
    ];
    const json = runCli(["replay", "--json", ...files]);
    expect([json.status, json.stderr]).toEqual([0, ""]);
    expect(
      jsonLines(json.stdout).map((d) => [d.index, d.file, d.lines, d.last_file, d.complete]),
    ).toEqual([
      [0, files[0], { first: 1, last: 60 }, files[0], true],
      [1, files[1], { first: 1, last: 45 }, files[1], true],
      [2, files[1], { first: 46, last: 15 }, files[2], true],
    ]);
    const text = runCli(["replay", ...files]);
    expect(text.status).toBe(0);
    expect(text.stdout.match(/^OOM event .*$/gm)).toEqual([
      `OOM event 1 (${files[0]} lines 1-60) at [3000.500011]`,
      `OOM event 2 (${files[1]} lines 1-45) at [86400.123467]`,
      `OOM event 3 (${files[1]} line 46 to ${files[2]} line 15) at [5021.000012]`,
    ]);
  });

  it("a report the log holds twice is shown once, and the summary says a duplicate was dropped", () => {
    const twice = tmpFile("twice.log", `${TIE}${RHEL7}${TIE}`);
    const text = runCli(["replay", twice]);
    expect([text.status, text.stderr]).toEqual([0, ""]);
    expect(text.stdout.match(/^OOM event \d+/gm)).toEqual(["OOM event 1", "OOM event 2"]);
    expect(linesOf(text.stdout).at(-1)).toBe(
      "2 OOM events: 2 complete; predicted victim matches the kernel's in 2 of 2 compared; 1 duplicate report dropped",
    );
    // Two copies of one file: the same.
    const again = runCli(["replay", "--json", TIE_FILE, TIE_FILE]);
    expect([again.status, jsonLines(again.stdout).length]).toEqual([0, 1]);
    expect(linesOf(again.stderr)).toEqual([
      "oomkit: 1 duplicate report dropped (same kernel timestamp, victim and report text as one shown)",
    ]);
  });

  it("--brief: one line per event with time, constraint, both victims and agree or DIFFERS", () => {
    const r = runCli([
      "replay",
      "--brief",
      "--kernel-version",
      "5.8.0",
      `${REPORTS}/tie-5.10-last-wins.txt`,
      `${REPORTS}/5.14-rfc3339-rsyslog-012.txt`,
      `${REPORTS}/truncated.txt`,
    ]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(linesOf(r.stdout)).toEqual([
      `${REPORTS}/tie-5.10-last-wins.txt:1  [3000.500011]  CONSTRAINT_NONE  victim 2401 (worker)  predicted 2400 (worker)  DIFFERS`,
      `${REPORTS}/5.14-rfc3339-rsyslog-012.txt:2  2024-11-28T23:54:31.369757-08:00  host db1  CONSTRAINT_MEMCG  victim 3320 (postgres)  predicted 3320 (postgres)  agree`,
      `${REPORTS}/truncated.txt:1  [1000.000011]  CONSTRAINT_NONE  victim none  predicted 8110 (rustc)  unchecked  incomplete`,
      `${REPORTS}/truncated.txt:58  [1100.000011]  CONSTRAINT_NONE  victim none  predicted none  unchecked  incomplete`,
    ]);
    const json = runCli(["replay", "--brief", "--json", `${REPORTS}/tie-5.10-last-wins.txt`]);
    expect([json.status, json.stderr]).toEqual([0, ""]);
    expect(jsonLines(json.stdout)).toEqual([
      {
        index: 0,
        file: `${REPORTS}/tie-5.10-last-wins.txt`,
        line: 1,
        time: null,
        uptime: "3000.500011",
        host: null,
        constraint: "CONSTRAINT_NONE",
        actual: { pid: 2401, comm: "worker" },
        predicted: { pid: 2401, comm: "worker" },
        match: true,
        complete: true,
      },
    ]);
  });
});

/** `oomkit replay --follow ...` running, with what it has printed so far. */
class Following {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, "replay", "--follow", ...args], { cwd: ROOT });
    this.child.stdout.setEncoding("utf8").on("data", (d: string) => {
      this.stdout += d;
    });
    this.child.stderr.setEncoding("utf8").on("data", (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    running.add(this);
  }

  /** Waits until stdout satisfies `ok`; fails after 15 s. */
  async until(ok: (stdout: string) => boolean): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!ok(this.stdout)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(
          `not printed: stdout ${JSON.stringify(this.stdout)}, stderr ${this.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` to the process (by its pid) and waits for it to end. */
  async stop(signal: NodeJS.Signals = "SIGINT") {
    process.kill(this.child.pid!, signal);
    return this.ended();
  }

  async ended() {
    const r = await this.exited;
    running.delete(this);
    return r;
  }
}

const running = new Set<Following>();
afterEach(() => {
  // A test that failed half-way leaves no process behind.
  for (const f of running) if (f.child.exitCode === null) process.kill(f.child.pid!, "SIGKILL");
  running.clear();
});

const lineCount = (n: number) => (out: string) => linesOf(out).length >= n;

describe("oomkit replay --follow", () => {
  it("prints each event of a growing file once its report is complete; Ctrl-C ends it with 0", async () => {
    const log = tmpFile("growing.log", "[    1.000000] Linux version 5.10.0-28-amd64\n");
    const f = new Following(["--brief", log]);
    appendFileSync(log, TIE);
    await f.until(lineCount(1));
    expect(linesOf(f.stdout)).toEqual([
      `${log}:2  [3000.500011]  CONSTRAINT_NONE  victim 2401 (worker)  predicted 2401 (worker)  agree`,
    ]);
    // Half a report is not an event yet; the rest of it is.
    const [head, tail] = [NR_PTES.slice(0, 1500), NR_PTES.slice(1500)];
    appendFileSync(log, head);
    await new Promise((r) => setTimeout(r, 600));
    expect(linesOf(f.stdout)).toHaveLength(1);
    appendFileSync(log, tail);
    await f.until(lineCount(2));
    expect(linesOf(f.stdout)[1]).toBe(
      `${log}:62  [5021.000012]  CONSTRAINT_NONE  victim 777 (node)  predicted 777 (node)  agree`,
    );
    expect(await f.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect([linesOf(f.stdout).length, f.stderr]).toEqual([2, ""]);
  });

  it("after Ctrl-C the text output is what replay prints for the same file without --follow", async () => {
    const log = tmpFile("static.log", `${TIE}${RHEL7}${TIE}`);
    const f = new Following([log]);
    await f.until((out) => out.includes("OOM event 2 "));
    expect(await f.stop("SIGINT")).toEqual({ code: 0, signal: null });
    const once = runCli(["replay", log]);
    expect([f.stdout, f.stderr]).toEqual([once.stdout, ""]);
    expect(linesOf(f.stdout).at(-1)).toMatch(/; 1 duplicate report dropped$/);
  });

  it("follows a rotated log to the new file, and reads earlier files first", async () => {
    const old = tmpFile("rot.log.1.gz", gzipSync(RHEL7));
    const log = tmpFile("rot.log", TIE);
    const f = new Following(["--brief", "--json", old, log]);
    await f.until(lineCount(2));
    renameSync(log, `${log}.1`);
    writeFileSync(log, NR_PTES);
    await f.until(lineCount(3));
    expect(await f.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(
      jsonLines(f.stdout).map((d) => [d.file, d.line, (d.actual as { pid: number }).pid]),
    ).toEqual([
      [old, 1, 1234],
      [log, 1, 2401],
      [log, 1, 777],
    ]);
    expect(linesOf(f.stderr)).toEqual([
      `oomkit: ${log}: file replaced (rotated); following the new one`,
    ]);
  });

  it("reads stdin as it comes and ends when it ends", async () => {
    const f = new Following(["--brief", "-"]);
    f.child.stdin.write(TIE);
    await f.until(lineCount(1));
    f.child.stdin.end(RHEL7);
    expect(await f.ended()).toEqual({ code: 0, signal: null });
    expect(linesOf(f.stdout).map((l) => l.split("  ")[0])).toEqual(["<stdin>:1", "<stdin>:61"]);
    const empty = new Following(["-"]);
    empty.child.stdin.end();
    expect(await empty.ended()).toEqual({ code: 1, signal: null });
    expect(linesOf(empty.stderr)).toHaveLength(1);
    expect(empty.stderr).toMatch(/^oomkit: empty input: <stdin>/);
  });

  it("refuses to follow a gzip file, which cannot grow: exit 2, one line", () => {
    const gz = tmpFile("last.gz", gzipSync(TIE));
    const r = runCli(["replay", "--follow", TIE_FILE, gz]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(linesOf(r.stderr)).toEqual([
      `oomkit: --follow: ${gz} is gzip-compressed and will not grow; name the live log last`,
    ]);
  });

  it.skipIf(!canRead("/dev/kmsg"))(
    "keeps /dev/kmsg open for new records until Ctrl-C, then ends with 0",
    async () => {
      const f = new Following(["--json", "/dev/kmsg"]);
      // Signals are handled once reading begins: wait until the device is open.
      const holdsKmsg = () =>
        readdirSync(`/proc/${f.child.pid}/fd`).some((fd) => {
          try {
            return readlinkSync(`/proc/${f.child.pid}/fd/${fd}`) === "/dev/kmsg";
          } catch {
            return false;
          }
        });
      const deadline = Date.now() + 15_000;
      while (!holdsKmsg() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000));
      expect(f.child.exitCode).toBeNull();
      expect(await f.stop("SIGINT")).toEqual({ code: 0, signal: null });
      for (const line of linesOf(f.stdout)) expect(JSON.parse(line)).toHaveProperty("actual");
    },
  );
});

describe("verdicts an SRE can read", () => {
  it("a 2.6.20 report is judged on its kill lines, not called incomplete", () => {
    const r = runCli(["replay", "examples/reports/global-2.6.20.txt"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("report: complete for its kernel (no task table before 2.6.36)");
    expect(r.stdout).toContain(
      "the kernel chose 2345 (java) with badness 341012 and killed its child 2346 (java-worker) first",
    );
    expect(r.stdout).toContain("1 OOM event: 1 complete");
    const brief = runCli(["replay", "--brief", "examples/reports/global-2.6.20.txt"]);
    expect(brief.stdout).not.toContain("incomplete");
  });
  it("a memcg verdict says its scores are relative to the cgroup's limit, with the arithmetic", () => {
    const r = runCli(["replay", "-j", "examples/reports/memcg-v1-6.18.txt"]);
    expect(r.status).toBe(0);
    const verdict = JSON.parse(r.stdout.trim().split("\n")[0]!).verdict as string;
    expect(verdict).toContain("relative to the cgroup's limit, 24576 pages");
    expect(verdict).toMatch(/rss 5087, swap 0, pgtables 22, .*points 17109/);
  });
});
