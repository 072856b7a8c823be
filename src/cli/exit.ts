import { InputError, ProcError, UsageError } from "../errors.js";

/** Exit codes, documented in the README. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SYSTEM = 3;

/** Prints an error as one line on stderr and returns the exit code it maps to. */
export function reportError(err: unknown): number {
  if (err instanceof InputError) {
    // docs/formats.md §3: exactly `<file>: <json path>: <what was expected>`.
    process.stderr.write(`${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`oomkit: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof ProcError) {
    process.stderr.write(`oomkit: ${err.message}\n`);
    return EXIT_SYSTEM;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`oomkit: internal error: ${message}\n`);
  if (process.env.OOMKIT_DEBUG && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  return EXIT_FAILURE;
}
