import { InputError, oneLine, ProcError, UsageError } from "../errors.js";

/** Exit codes, documented in the README. */
export const EXIT_OK = 0;
/** A negative answer, as grep gives it: no OOM report found, a `rank --check` mismatch. */
export const EXIT_NEGATIVE = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SYSTEM = 3;
/** A bug in oomkit (sysexits' EX_SOFTWARE), kept apart from every answer a user can get. */
export const EXIT_INTERNAL = 70;

/** Prints an error as one line on stderr and returns the exit code it maps to. */
export function reportError(err: unknown): number {
  if (err instanceof InputError) {
    // docs/formats.md §3: exactly `<file>: <json path>: <what was expected>`.
    process.stderr.write(`${oneLine(err.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`oomkit: ${oneLine(err.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof ProcError) {
    process.stderr.write(`oomkit: ${oneLine(err.message)}\n`);
    return EXIT_SYSTEM;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`oomkit: internal error: ${oneLine(message)}\n`);
  if (process.env.OOMKIT_DEBUG && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  return EXIT_INTERNAL;
}
