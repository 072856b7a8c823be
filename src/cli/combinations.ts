/**
 * Options that do nothing in a combination are refused, never ignored: a user who types
 * them expects them to matter.
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";

/** Whether the option stored as `key` was given on the command line (not a default). */
export function given(cmd: Command, key: string): boolean {
  return cmd.getOptionValueSource(key) === "cli";
}

function listOf(flags: string[]): string {
  return flags.length === 1 ? flags[0]! : `${flags.slice(0, -1).join(", ")} and ${flags.at(-1)}`;
}

/**
 * A usage error if any of `options` (attribute name -> flag as the user writes it) was
 * given with `mode`, where it has no effect; `why` says why in a few words.
 */
export function refuseWithoutEffect(
  cmd: Command,
  mode: string,
  options: Record<string, string>,
  why: string,
): void {
  const flags = Object.entries(options)
    .filter(([key]) => given(cmd, key))
    .map(([, flag]) => flag);
  if (flags.length === 0) return;
  const verb = flags.length === 1 ? "has" : "have";
  throw new UsageError(`${listOf(flags)} ${verb} no effect with ${mode}: ${why}`);
}
