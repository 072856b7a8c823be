/**
 * Reading an input document named on the command line: a file path, or `-` for
 * standard input (named `<stdin>` in messages).
 */

import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { InputError, ProcError } from "../errors.js";
import { KmsgReader } from "../live/kmsg.js";

export const STDIN_NAME = "<stdin>";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * What a character device such as /dev/kmsg holds now, as `dmesg` reads it: records are
 * read without blocking until the device has no more (EAGAIN); a record overwritten
 * while reading (EPIPE) is skipped. Reading a device in blocking mode would wait for
 * new messages for ever.
 */
function readDeviceNow(path: string): string {
  const device = new KmsgReader(path, false);
  try {
    return device.readAvailable();
  } finally {
    device.close();
  }
}

function readNamedFile(path: string): Promise<string> | string {
  return statSync(path).isCharacterDevice() ? readDeviceNow(path) : readFile(path, "utf8");
}

/** `ENOENT: no such file or directory` from a Node error, without the path it names. */
export function describeReadError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const match = /^([A-Z][A-Z0-9_]*): ([^,]*)/.exec(err.message);
  if (match !== null) return `${match[1]}: ${match[2]}`;
  return code === undefined ? err.message : `${code}: ${err.message}`;
}

/** `text` without a leading UTF-8 byte-order mark (U+FEFF), as editors on Windows write it. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Errors that say the name given names no readable file: the user's mistake (exit 2). */
const NAMING_ERRORS = new Set(["ENOENT", "ENOTDIR", "EISDIR", "ENAMETOOLONG", "ELOOP"]);

/**
 * A failed read of an input as the one-line error the CLI prints: a name that names no
 * file (missing, a directory) is bad input (InputError, exit 2); a file the system does
 * not let us read, or fails to read (EACCES, EIO, ...), is a system error (exit 3).
 */
export function readFailure(name: string, err: unknown): InputError | ProcError {
  const what = name === STDIN_NAME ? "standard input" : "file";
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const described = describeReadError(err);
  const codeOf = code ?? /^([A-Z][A-Z0-9_]*):/.exec(described)?.[1];
  if (codeOf !== undefined && !NAMING_ERRORS.has(codeOf)) {
    return new ProcError({
      path: name,
      code: codeOf,
      message: `${name}: cannot read ${what} (${described})`,
    });
  }
  return new InputError({ file: name, path: "$", expected: `cannot read ${what} (${described})` });
}

/**
 * The text of `file` (`-` reads standard input) without a leading byte-order mark; an
 * InputError at path `$` when the name names no file, a ProcError when reading fails.
 */
export async function readInputText(file: string): Promise<{ name: string; text: string }> {
  const name = file === "-" ? STDIN_NAME : file;
  try {
    const text = file === "-" ? await readStdin() : await readNamedFile(file);
    return { name, text: stripBom(text) };
  } catch (err) {
    throw readFailure(name, err);
  }
}
