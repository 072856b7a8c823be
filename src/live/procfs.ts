/**
 * The capability through which everything in src/live reads the machine: a /proc tree
 * (and optionally a /sys tree) under an injectable root, so tests point it at a fake tree.
 *
 * Files are decoded as latin1, one character per byte: /proc files are ASCII apart from
 * task names, and latin1 keeps a name's raw bytes (invalid UTF-8 included) recoverable.
 */
import { closeSync, constants, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

/** What a read produced: text, "the process went away", "not allowed", or another error. */
export type ReadOutcome =
  | { kind: "ok"; text: string }
  | { kind: "vanished" }
  | { kind: "denied"; code: string }
  | { kind: "error"; code: string };

/** What `readBytes` returns for a file it could not read (a length is 0 or more). */
export const READ_VANISHED = -1;
export const READ_DENIED = -2;
export const READ_ERROR = -3;

export interface ProcFs {
  /** Where the /proc tree is ("/proc" on a live machine). */
  readonly root: string;
  /**
   * Reads a file below the root, synchronously, into `bytes`: its length, or
   * READ_VANISHED, READ_DENIED or READ_ERROR. The bytes hold until the next read.
   */
  readBytes(path: string): number;
  /** The buffer that the last `readBytes` filled (it may be replaced by a larger one). */
  readonly bytes: Uint8Array;
  /** `readText`, synchronously. */
  readTextSync(path: string): string | null;
  /** `list`, synchronously. */
  listSync(path: string): string[] | null;
  /** `readSys`, synchronously. */
  readSysSync(path: string): string | null;
  /** Reads a file below the root, e.g. "1234/stat". */
  read(path: string): Promise<ReadOutcome>;
  /** Like read, but any failure is null. */
  readText(path: string): Promise<string | null>;
  /** Names in a directory below the root ("" = the root itself); null if unreadable. */
  list(path: string): Promise<string[] | null>;
  /** Reads a file below the /sys root, or null (no /sys for this tree, or unreadable). */
  readSys(path: string): Promise<string | null>;
  /**
   * The end of one scan, for a reader that keeps files open: closes those not read since
   * the previous end (their processes are gone). Absent for a reader that keeps none.
   */
  endScan?(): void;
}

/** ENOENT and ESRCH: the process (or the file) is gone; not an error for a live reader. */
const VANISHED = new Set(["ENOENT", "ESRCH", "ENOTDIR"]);
const DENIED = new Set(["EACCES", "EPERM"]);

function errorCode(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err) return String(err.code);
  return "EUNKNOWN";
}

/** A failed read as `readBytes` reports it. */
export function failureCode(outcome: ReadOutcome): number {
  if (outcome.kind === "vanished") return READ_VANISHED;
  return outcome.kind === "denied" ? READ_DENIED : READ_ERROR;
}

export function classifyError(err: unknown): ReadOutcome {
  const code = errorCode(err);
  if (VANISHED.has(code)) return { kind: "vanished" };
  if (DENIED.has(code)) return { kind: "denied", code };
  return { kind: "error", code };
}

export interface NodeProcFsOptions {
  /** The /proc root; default "/proc". */
  root?: string;
  /** The /sys root; default "/sys" when root is "/proc", otherwise none. */
  sysRoot?: string | null;
  /**
   * Keep each file read open, for a reader that scans again and again (`rank --watch`):
   * the next scan reads it with one pread at offset 0, which makes /proc generate it anew,
   * instead of open, read and close. A file whose process has gone fails that read and is
   * opened again by name (its pid may be a new process's); `endScan` closes the rest.
   */
  keepOpen?: boolean;
}

/** At most this many files are kept open; beyond it, files are opened for each read. */
const MAX_KEPT_OPEN = 32768;

/**
 * The real file system. Reads are synchronous underneath: /proc files are generated in
 * memory and never block on a disk, and this keeps a scan of 10,000 processes fast.
 * Each file is opened, read once into one buffer shared by every read, and closed.
 */
export function nodeProcFs(opts: NodeProcFsOptions = {}): ProcFs {
  const root = (opts.root ?? "/proc").replace(/(.)\/+$/, "$1");
  const sysRoot = opts.sysRoot === undefined ? (root === "/proc" ? "/sys" : null) : opts.sysRoot;
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const kept = opts.keepOpen ? new KeptFiles() : null;
  const readRaw = (path: string): number =>
    kept === null ? readWhole(prefix + path) : kept.read(prefix + path);
  const readBytes = (path: string): number => {
    try {
      return readRaw(path);
    } catch (err) {
      return failureCode(classifyError(err));
    }
  };
  const readOutcome = (path: string): ReadOutcome => {
    try {
      const n = readRaw(path);
      return { kind: "ok", text: shared.toString("latin1", 0, n) };
    } catch (err) {
      return classifyError(err);
    }
  };
  const readTextSync = (path: string): string | null => {
    const n = readBytes(path);
    return n < 0 ? null : shared.toString("latin1", 0, n);
  };
  const listSync = (path: string): string[] | null => {
    try {
      return readdirSync(path === "" ? root : prefix + path);
    } catch {
      return null;
    }
  };
  const readSysSync = (path: string): string | null => {
    if (sysRoot === null) return null;
    try {
      return readFileSync(join(sysRoot, path), "latin1");
    } catch {
      return null;
    }
  };
  return {
    root,
    readBytes,
    get bytes() {
      return shared;
    },
    readTextSync,
    listSync,
    readSysSync,
    read: async (path) => readOutcome(path),
    readText: async (path) => readTextSync(path),
    list: async (path) => listSync(path),
    readSys: async (path) => readSysSync(path),
    ...(kept === null ? {} : { endScan: () => kept.endScan() }),
  };
}

/** Open files by name, each with the scan that last read it. */
class KeptFiles {
  private readonly files = new Map<string, { fd: number; scan: number }>();
  private scan = 0;

  read(file: string): number {
    const entry = this.files.get(file);
    if (entry !== undefined) {
      try {
        const n = readInto(entry.fd, true);
        entry.scan = this.scan;
        return n;
      } catch {
        // Gone (ESRCH) or failing: forget it, and read whatever now has that name.
        this.files.delete(file);
        closeSync(entry.fd);
      }
    }
    const fd = this.open(file);
    let n: number;
    try {
      n = readInto(fd, true);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    if (this.files.size < MAX_KEPT_OPEN) this.files.set(file, { fd, scan: this.scan });
    else closeSync(fd);
    return n;
  }

  /** Opens a file; out of descriptors, closes every kept one and tries once more. */
  private open(file: string): number {
    try {
      return openSync(file, constants.O_RDONLY);
    } catch (err) {
      const code = errorCode(err);
      if ((code !== "EMFILE" && code !== "ENFILE") || this.files.size === 0) throw err;
      for (const entry of this.files.values()) closeSync(entry.fd);
      this.files.clear();
      return openSync(file, constants.O_RDONLY);
    }
  }

  endScan(): void {
    for (const [file, entry] of this.files) {
      if (entry.scan !== this.scan) {
        this.files.delete(file);
        closeSync(entry.fd);
      }
    }
    this.scan++;
  }
}

/** One shared buffer for every read; grown when a file does not fit. */
let shared = Buffer.allocUnsafe(65536);
/** A read that leaves this much room unused has reached the end of the file. */
const EOF_SLACK = 8192;

/**
 * open, read, close, into the shared buffer; the length read. No stat (procfs reports
 * size 0) and, for the small files that make up nearly every read, no second read to see
 * the end: a regular file or a seq_file stops short of a large buffer only at its end.
 */
function readWhole(file: string): number {
  const fd = openSync(file, constants.O_RDONLY);
  try {
    return readInto(fd, false);
  } finally {
    closeSync(fd);
  }
}

/** Reads an open file into the shared buffer: from offset 0 (pread) or where it stands. */
function readInto(fd: number, fromStart: boolean): number {
  let used = 0;
  for (;;) {
    if (shared.length - used < EOF_SLACK) {
      const bigger = Buffer.allocUnsafe(shared.length * 2);
      shared.copy(bigger, 0, 0, used);
      shared = bigger;
    }
    const n = readSync(fd, shared, used, shared.length - used, fromStart ? used : null);
    used += n;
    if (n === 0 || shared.length - used >= EOF_SLACK) break;
  }
  return used;
}

/** Decodes a latin1-read name back to its bytes and then as UTF-8 (invalid bytes become U+FFFD). */
export function displayName(latin1: string): string {
  // Plain ASCII reads the same in both.
  let ascii = true;
  for (let i = 0; i < latin1.length && ascii; i++) ascii = latin1.charCodeAt(i) < 0x80;
  if (ascii) return latin1;
  return Buffer.from(latin1, "latin1").toString("utf8");
}
