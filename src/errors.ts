/**
 * The typed errors that cross module boundaries. The CLI maps each class to an exit
 * code and prints it on one line; nothing else is expected to escape a command.
 */

/** Bad input: a file, an optional position in it, a JSON path, and what was expected. */
export class InputError extends Error {
  readonly file: string;
  readonly path: string;
  readonly expected: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(opts: {
    file: string;
    path: string;
    expected: string;
    line?: number;
    column?: number;
  }) {
    const where =
      opts.line === undefined
        ? opts.file
        : `${opts.file}:${opts.line}${opts.column === undefined ? "" : `:${opts.column}`}`;
    super(`${where}: ${opts.path}: ${opts.expected}`);
    this.name = "InputError";
    this.file = opts.file;
    this.path = opts.path;
    this.expected = opts.expected;
    this.line = opts.line;
    this.column = opts.column;
  }
}

/** A read of a live system failed in a way that is not "the process went away". */
export class ProcError extends Error {
  readonly pid: number | undefined;
  readonly path: string;
  readonly code: string;

  constructor(opts: { pid?: number; path: string; code: string; message?: string }) {
    super(opts.message ?? `${opts.path}: ${opts.code}`);
    this.name = "ProcError";
    this.pid = opts.pid;
    this.path = opts.path;
    this.code = opts.code;
  }
}

/** Wrong use of a command (bad option values, missing arguments). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Text from outside (a file's bytes, a process name) made safe for one line: control
 * characters, newlines included, are shown as `\xNN`, so a message or a log record is
 * always exactly one line and cannot forge another.
 */
export function oneLine(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f]/gu,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
