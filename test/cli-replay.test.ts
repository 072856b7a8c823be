/**
 * `oomkit replay` end to end (modern-oom §6): text and JSON-lines output, stdin, exit codes,
 * gzip and several files, duplicates, --brief.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
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
