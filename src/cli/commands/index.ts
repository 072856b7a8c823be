import type { Command } from "commander";

/** Each command lives in its own file and registers itself on the program. */
export type Register = (program: Command) => void;

/**
 * Every command's module, loaded only when needed: `oomkit NAME ...` loads NAME's module
 * alone, so a command pays for its own libraries only (issue: start-up); help, an unknown
 * name or no name load them all. In the order `oomkit --help` lists them.
 */
export const COMMAND_MODULES: readonly (readonly [string[], () => Promise<Register>])[] = [
  [["oom"], async () => (await import("./oom.js")).registerOom],
  [["badness"], async () => (await import("./badness.js")).registerBadness],
  [["gen"], async () => (await import("./gen.js")).registerGen],
  [["bench"], async () => (await import("./bench.js")).registerBench],
  [["snapshot"], async () => (await import("./snapshot.js")).registerSnapshot],
  [["rank"], async () => (await import("./rank.js")).registerRank],
  [["sim"], async () => (await import("./sim.js")).registerSim],
  [["validate"], async () => (await import("./validate.js")).registerValidate],
  [["replay"], async () => (await import("./replay.js")).registerReplay],
  [["guard"], async () => (await import("./guard.js")).registerGuard],
  [["compare"], async () => (await import("./compare.js")).registerCompare],
  [["sweep"], async () => (await import("./sweep.js")).registerSweep],
  [["schema"], async () => (await import("./schema.js")).registerSchema],
  [["completion", "man"], async () => (await import("./completion.js")).registerCompletion],
  [["help"], async () => (await import("./help.js")).registerHelp],
];

/** The registrations a command line needs: the named command's, or every one. */
export async function commandsFor(args: readonly string[]): Promise<Register[]> {
  const name = args.find((a) => !a.startsWith("-"));
  // `oomkit --version` needs no command at all.
  if (name === undefined && (args[0] === "-V" || args[0] === "--version")) return [];
  const only = COMMAND_MODULES.find(([names]) => name !== undefined && names.includes(name));
  // help, completion and man describe the whole program.
  const whole = only === undefined || only[0].includes("help") || only[0].includes("completion");
  return Promise.all((whole ? COMMAND_MODULES : [only]).map(([, load]) => load()));
}
