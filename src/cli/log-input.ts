/**
 * Reading kernel logs for `oomkit replay`: files, `-` for standard input, named pipes and
 * character devices such as /dev/kmsg. Gzip-compressed data (a rotated `kern.log.2.gz`) is
 * recognised by its magic bytes, whatever the name, and decompressed as it is read. Text is
 * handed on in pieces as it arrives, so a log of any size is read in bounded memory.
 */
import { constants, createReadStream, type Stats, statSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { InputError, UsageError } from "../errors.js";
import { describeReadError, STDIN_NAME } from "./input.js";

/** Where the text goes. */
export interface LogTarget {
  /** A file begins: the next text is its first. */
  begin(name: string): void;
  /** The next piece of text, in order. */
  text(chunk: string): void;
}

export interface LogSource {
  /** As given on the command line (`-` for standard input). */
  arg: string;
  /** As messages and events call it (`<stdin>` for standard input). */
  name: string;
  kind: "stdin" | "device" | "stream" | "file";
}

const CHUNK_BYTES = 64 * 1024;

function cannotRead(name: string, err: unknown): InputError {
  return new InputError({
    file: name,
    path: "$",
    expected: `cannot read ${name === STDIN_NAME ? "standard input" : "file"} (${describeReadError(err)})`,
  });
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/** A read or decompression failure as the one-line error the CLI prints (exit 2). */
function inputErrorOf(src: LogSource, err: unknown): unknown {
  if (err instanceof InputError || err instanceof UsageError) return err;
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

/** Reads `src` to its end (a device: what it holds now), giving its text to `target`. */
export async function readLog(src: LogSource, target: LogTarget): Promise<void> {
  target.begin(src.name);
  try {
    if (src.kind === "device") await readDevice(src, target);
    else {
      const stream: Readable =
        src.kind === "stdin"
          ? process.stdin
          : createReadStream(src.arg, { highWaterMark: CHUNK_BYTES });
      await pump(stream, target);
    }
  } catch (err) {
    throw inputErrorOf(src, err);
  }
}

/**
 * Reads a character device such as /dev/kmsg until it has no more (EAGAIN), as `dmesg` does;
 * a record overwritten while reading (EPIPE) is skipped. Reading a device in blocking mode
 * would wait for new messages for ever.
 */
async function readDevice(src: LogSource, target: LogTarget): Promise<void> {
  const fh = await open(src.arg, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(CHUNK_BYTES);
  const decoder = new StringDecoder("utf8");
  try {
    for (;;) {
      let n: number;
      try {
        n = (await fh.read(buf, 0, buf.length, null)).bytesRead;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EPIPE") continue;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") break;
        throw err;
      }
      if (n === 0) break;
      const text = decoder.write(buf.subarray(0, n));
      if (text !== "") target.text(text);
    }
    const tail = decoder.end();
    if (tail !== "") target.text(tail);
  } finally {
    await fh.close();
  }
}
