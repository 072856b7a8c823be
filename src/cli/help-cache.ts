/**
 * `oomkit --help` and `oomkit CMD --help` answered without loading commander or any
 * command: the build writes each command's help, as the program prints it at the default
 * width of 80 columns, to dist/src/cli/help/NAME.txt (help-cache-build.ts), and a command
 * line that asks for exactly that help at that width gets the file. Any other command line
 * or width, a missing file, or OOMKIT_HELP_CACHE=off goes through the program.
 */
import { readFileSync } from "node:fs";
import { helpWidth } from "./help-text.js";

/** The width the help files are written at. */
export const HELP_CACHE_WIDTH = 80;

/** Where the help of `name` ("oomkit" for the program's own) is kept. */
export function helpCacheFile(name: string): URL {
  return new URL(`help/${name}.txt`, import.meta.url);
}

/** The name whose help `args` asks for and nothing else, or null. */
export function helpAskedFor(args: readonly string[]): string | null {
  const isHelp = (a: string | undefined) => a === "--help" || a === "-h";
  if (args.length === 1 && isHelp(args[0])) return "oomkit";
  if (args.length === 2 && isHelp(args[1]) && /^[a-z]+$/.test(args[0]!)) return args[0]!;
  return null;
}

/** The kept help of `name`, or null when the build kept none. */
function readKept(name: string): string | null {
  try {
    return readFileSync(helpCacheFile(name), "utf8");
  } catch {
    return null;
  }
}

/** The kept help text for `args`, when it may stand in for the program's; else null. */
export function cachedHelp(
  args: readonly string[],
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
  read: (name: string) => string | null = readKept,
): string | null {
  const name = helpAskedFor(args);
  if (name === null || env.OOMKIT_HELP_CACHE === "off") return null;
  if (helpWidth(stream, env) !== HELP_CACHE_WIDTH) return null;
  return read(name);
}
