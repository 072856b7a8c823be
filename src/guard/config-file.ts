/**
 * The guard's YAML file: the same settings as the flags, keys in snake_case, checked by
 * one schema and turned into flag values so that flags given on the command line win.
 * Kept apart from config.ts so that a guard without a file loads no schema library.
 */

import { z } from "zod";
import type { GuardOptionsInput } from "./config.js";

const scalar = z.union([z.string(), z.number()]).transform(String);
const levels = z
  .object({ term: scalar, kill: scalar.optional() })
  .strict()
  .transform((v) => (v.kill === undefined ? v.term : `${v.term},${v.kill}`));
const rulesList = z.array(z.string()).optional();

/** The YAML file: the same settings as the flags, with keys in snake_case. */
export const guardFileSchema = z
  .object({
    memory: z.union([levels, z.literal("off")]).optional(),
    memory_size: levels.optional(),
    swap: z.union([levels, z.literal("off")]).optional(),
    swap_size: levels.optional(),
    psi: z
      .object({
        line: z.enum(["some", "full"]),
        term: scalar,
        kill: scalar.optional(),
        for: scalar.optional(),
        file: z.string().optional(),
      })
      .strict()
      .optional(),
    cgroup: z.object({ path: z.string(), used: levels.optional() }).strict().optional(),
    combine: z.enum(["and", "or"]).optional(),
    policy: z.string().optional(),
    prefer: rulesList,
    avoid: rulesList,
    ignore: rulesList,
    only: rulesList,
    scope: z.enum(["process", "process-group", "cgroup"]).optional(),
    term_timeout: scalar.optional(),
    kill_timeout: scalar.optional(),
    recovery_timeout: scalar.optional(),
    interval: z.object({ min: scalar, max: scalar.optional() }).strict().optional(),
    dry_run: z.boolean().optional(),
  })
  .strict();

export type GuardFile = z.infer<typeof guardFileSchema>;

/** A config file's values as flags, so `{...file, ...flags}` lets flags win. */
export function optionsOfFile(f: GuardFile): GuardOptionsInput {
  const out: GuardOptionsInput = {};
  if (f.memory !== undefined) out.mem = f.memory;
  if (f.memory_size !== undefined) out.memSize = f.memory_size;
  if (f.swap !== undefined) out.swap = f.swap;
  if (f.swap_size !== undefined) out.swapSize = f.swap_size;
  if (f.psi !== undefined) {
    out.psi = `${f.psi.line}:${f.psi.term}${f.psi.kill === undefined ? "" : `,${f.psi.kill}`}`;
    if (f.psi.for !== undefined) out.psiFor = f.psi.for;
    if (f.psi.file !== undefined) out.psiFile = f.psi.file;
  }
  if (f.cgroup !== undefined) {
    out.cgroup = f.cgroup.path;
    if (f.cgroup.used !== undefined) out.cgroupUsed = f.cgroup.used;
  }
  if (f.combine !== undefined) out.combine = f.combine;
  if (f.policy !== undefined) out.policy = f.policy;
  for (const k of ["prefer", "avoid", "ignore", "only"] as const) {
    if (f[k] !== undefined) out[k] = f[k];
  }
  if (f.scope !== undefined) out.scope = f.scope;
  if (f.term_timeout !== undefined) out.termTimeout = f.term_timeout;
  if (f.kill_timeout !== undefined) out.killTimeout = f.kill_timeout;
  if (f.recovery_timeout !== undefined) out.recoveryTimeout = f.recovery_timeout;
  if (f.interval !== undefined) {
    out.interval =
      f.interval.max === undefined ? f.interval.min : `${f.interval.min},${f.interval.max}`;
  }
  if (f.dry_run !== undefined) out.dryRun = f.dry_run;
  return out;
}
