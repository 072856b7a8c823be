import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import type * as Commander from "commander";
import { commandsFor } from "./commands/index.js";
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from "./exit.js";
import { helpWidth, reflow } from "./help-text.js";
import { commanderErrorLine } from "./usage.js";
import { VERSION } from "./version.js";

// Commander is a CommonJS package: required directly it loads in about half the time an
// ESM import of it takes (no export scan), which `oomkit CMD --help` feels.
const { Command, CommanderError } = createRequire(import.meta.url)("commander") as typeof Commander;
type Command = Commander.Command;

interface HelpContext {
  error: boolean;
  command: Command;
  write: (text: string) => void;
}

/**
 * The same surface on every command: commander's errors as one `oomkit: ...` line, help
 * wrapped at the terminal's width, and the text after the option list reflowed to it.
 */
function configureSurface(cmd: Command): void {
  const path = cmd.parent === null ? "oomkit" : `oomkit ${cmd.name()}`;
  cmd.exitOverride();
  cmd.configureOutput({
    getOutHelpWidth: () => helpWidth(process.stdout),
    getErrHelpWidth: () => helpWidth(process.stderr),
    outputError: (message, write) => write(`${commanderErrorLine(message, path)}\n`),
  });
  // Commander is an EventEmitter; addHelpText() listens for "afterHelp".
  const events = cmd as unknown as EventEmitter;
  const after = events.listeners("afterHelp") as ((context: HelpContext) => void)[];
  events.removeAllListeners("afterHelp");
  for (const listener of after) {
    events.on("afterHelp", (context: HelpContext) => {
      const width = helpWidth(context.error ? process.stderr : process.stdout);
      listener({ ...context, write: (text) => context.write(reflow(text, width)) });
    });
  }
}

/**
 * Builds the program with the commands `args` needs registered: the one it names, or
 * every command (see commands/index.ts).
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command("oomkit")
    .description(
      "the Linux 2.6.20 out-of-memory killer, exact: scores, victims, signals, log lines",
    )
    .version(VERSION, "-V, --version")
    .addHelpText(
      "after",
      "\nExit codes: 0 success; 1 a negative answer (no OOM report found, a rank --check " +
        "mismatch); 2 bad input or usage; 3 a system error reading or writing; 70 an " +
        "internal error.",
    );
  for (const register of await commandsFor(args)) register(program);
  for (const cmd of [program, ...program.commands]) configureSurface(cmd);
  return program;
}

/** Runs the whole command line; the exit status. */
export async function runProgram(argv: string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  if (argv.length <= 2) {
    const names = program.commands.map((c) => c.name()).join(", ");
    process.stderr.write(`oomkit: no command given: one of ${names} (see oomkit --help)\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    return reportError(err);
  }
}
