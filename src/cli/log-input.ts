/**
 * Reading kernel logs for `oomkit replay`: files, `-` for standard input, named pipes and
 * character devices such as /dev/kmsg. Gzip-compressed data (a rotated `kern.log.2.gz`) is
 * recognised by its magic bytes, whatever the name, and decompressed as it is read. Text is
 * handed on in pieces as it arrives, so a log of any size is read in bounded memory, and a log
 * can be followed: a file is polled for growth (and reopened when it is rotated), a device is
 * kept open and waited on, a pipe is read until its writer closes it.
 */

import { createReadStream, type Stats, statSync } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import { createGunzip } from "node:zlib";
import { InputError, ProcError, UsageError } from "../errors.js";
import { KmsgReader } from "../live/kmsg.js";
import { readFailure, STDIN_NAME } from "./input.js";

/** Where the text goes. */
export interface LogTarget {
  /** A file begins: the next text is its first (also after a followed file was rotated). */
  begin(name: string): void;
  /** The next piece of text, in order. */
  text(chunk: string): void;
  /** Everything written so far has been read (following only). */
  caughtUp(): void;
  /** A remark for stderr, such as a followed file being rotated. */
  note(message: string): void;
}

export interface LogSource {
  /** As given on the command line (`-` for standard input). */
  arg: string;
  /** As messages and events call it (`<stdin>` for standard input). */
  name: string;
  kind: "stdin" | "device" | "stream" | "file";
}

/** How often a followed file or device is looked at again once everything in it was read. */
export const POLL_MS = 200;
/** A pipe that has been quiet this long is taken to have delivered all it has for now. */
export const SETTLE_MS = 200;
const CHUNK_BYTES = 64 * 1024;

function cannotRead(name: string, err: unknown): InputError | ProcError {
  return readFailure(name, err);
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/** A read or decompression failure as the one-line error the CLI prints (exit 2 or 3). */
function inputErrorOf(src: LogSource, err: unknown): unknown {
  if (err instanceof InputError || err instanceof UsageError || err instanceof ProcError) {
    return err;
  }
  if (isZlibError(err)) {
    return new InputError({
      file: src.name,
      path: "$",
      expected: `corrupt gzip data (${(err as Error).message})`,
    });
  }
  return cannotRead(src.name, err);
}

/**
 * Checks every argument before anything is read, so that a misspelt name fails at once:
 * each file must exist and not be a directory, and `-` may appear only once.
 */
export function logSources(args: readonly string[]): LogSource[] {
  if (args.filter((a) => a === "-").length > 1) {
    throw new UsageError("- (standard input) may be given only once");
  }
  return args.map((arg): LogSource => {
    if (arg === "-") return { arg, name: STDIN_NAME, kind: "stdin" };
    let st: Stats;
    try {
      st = statSync(arg);
    } catch (err) {
      throw cannotRead(arg, err);
    }
    if (st.isDirectory()) {
      throw cannotRead(arg, new Error("EISDIR: illegal operation on a directory"));
    }
    const kind = st.isCharacterDevice()
      ? "device"
      : st.isFIFO() || st.isSocket()
        ? "stream"
        : "file";
    return { arg, name: arg, kind };
  });
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when a regular file starts with the gzip magic bytes. */
export async function startsWithGzip(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && isGzip(head);
  } finally {
    await fh.close();
  }
}

const asBuffer = (b: Buffer | string): Buffer => (typeof b === "string" ? Buffer.from(b) : b);

/**
 * Gives the text of a byte stream to `target` as it arrives; gzip data, seen from the first
 * two bytes, is decompressed on the way (any number of concatenated members).
 */
async function pump(stream: Readable, target: LogTarget): Promise<void> {
  const it: AsyncIterator<Buffer | string> = stream[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 2) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, asBuffer(r.value)]);
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      while (!ended) {
        const r = await it.next();
        if (r.done) ended = true;
        else yield asBuffer(r.value);
      }
    } finally {
      // Given up early: the stream is closed, not left open.
      if (!ended) stream.destroy();
    }
  }
  const decode = async (source: AsyncIterable<Buffer>): Promise<void> => {
    const decoder = new StringDecoder("utf8");
    for await (const b of source) {
      const text = decoder.write(b);
      if (text !== "") target.text(text);
    }
    const tail = decoder.end();
    if (tail !== "") target.text(tail);
  };
  if (isGzip(head)) {
    const gunzip = createGunzip();
    // Corrupt data ends the reading at once, without waiting for the writer to close a pipe.
    gunzip.once("error", () => stream.destroy());
    await pipeline(bytes(), gunzip, decode);
  } else await decode(bytes());
}

/**
 * Reads `src` to its end (a device: what it holds now), giving its text to `target`; a
 * `signal` stops the reading early.
 */
export async function readLog(
  src: LogSource,
  target: LogTarget,
  signal?: AbortSignal,
): Promise<void> {
  target.begin(src.name);
  if (src.kind === "device") {
    try {
      await followDevice(src, target, null);
    } catch (err) {
      throw inputErrorOf(src, err);
    }
    return;
  }
  const stream: Readable =
    src.kind === "stdin"
      ? process.stdin
      : createReadStream(src.arg, { highWaterMark: CHUNK_BYTES });
  const stop = () => stream.destroy();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    await pump(stream, target);
  } catch (err) {
    if (!signal?.aborted) throw inputErrorOf(src, err);
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}

/** Waits `ms`; false when `signal` ended the wait (or had already). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a character device such as /dev/kmsg until it has no more (EAGAIN), as `dmesg` does;
 * a record overwritten while reading (EPIPE) is skipped. With a `signal`, then keeps the
 * descriptor open and looks for new records every POLL_MS until the signal ends it. Reads
 * never block, so the process can always end.
 */
async function followDevice(
  src: LogSource,
  target: LogTarget,
  signal: AbortSignal | null,
): Promise<void> {
  const device = new KmsgReader(src.arg, false);
  try {
    for (;;) {
      const text = device.readAvailable();
      if (text !== "") target.text(text);
      if (signal === null) break;
      target.caughtUp();
      if (!(await pause(POLL_MS, signal))) break;
    }
  } finally {
    device.close();
  }
}

/**
 * Reads a file to its end, then every POLL_MS reads what was added, as `tail -F` does: a file
 * that shrank (copytruncate) is read again from its start, and a file replaced by another of
 * the same name (rotated) is read to its end and then the new one is followed.
 */
async function followFile(src: LogSource, target: LogTarget, signal: AbortSignal): Promise<void> {
  let fh: FileHandle = await open(src.arg, "r");
  let pos = 0;
  let decoder = new StringDecoder("utf8");
  const buf = Buffer.alloc(CHUNK_BYTES);
  const drain = async (): Promise<void> => {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      const text = decoder.write(buf.subarray(0, bytesRead));
      if (text !== "") target.text(text);
    }
  };
  const restart = (message: string): void => {
    const tail = decoder.end();
    if (tail !== "") target.text(tail);
    decoder = new StringDecoder("utf8");
    pos = 0;
    target.note(message);
    target.begin(src.name);
  };
  try {
    for (;;) {
      await drain();
      target.caughtUp();
      if (!(await pause(POLL_MS, signal))) return;
      const held = await fh.stat();
      if (held.size < pos) {
        restart(`${src.name}: file truncated; reading it again from the start`);
        continue;
      }
      const named = await stat(src.arg).catch(() => null);
      if (named !== null && (named.ino !== held.ino || named.dev !== held.dev)) {
        await drain();
        const next = await open(src.arg, "r").catch(() => null);
        if (next === null) continue;
        await fh.close();
        fh = next;
        restart(`${src.name}: file replaced (rotated); following the new one`);
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * Standard input or a named pipe: read until the writer closes it or `signal` ends the
 * reading. Once the pipe has been quiet for SETTLE_MS, everything written so far counts as
 * read.
 */
async function followStream(src: LogSource, target: LogTarget, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settling: LogTarget = {
    // followLog has begun the file already.
    begin: () => {},
    text(chunk) {
      target.text(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => target.caughtUp(), SETTLE_MS);
    },
    caughtUp: () => target.caughtUp(),
    note: (message) => target.note(message),
  };
  try {
    await readLog(src, settling, signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Follows `src` until `signal` ends it, or until a pipe's writer closes it: the text read so
 * far first, then what is added. A gzip file cannot grow: following one is refused before.
 */
export async function followLog(
  src: LogSource,
  target: LogTarget,
  signal: AbortSignal,
): Promise<void> {
  target.begin(src.name);
  try {
    if (src.kind === "device") await followDevice(src, target, signal);
    else if (src.kind === "file") await followFile(src, target, signal);
    else await followStream(src, target, signal);
  } catch (err) {
    throw inputErrorOf(src, err);
  }
}
