#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from "./exit.js";
import { VERSION } from "./version.js";

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command("oomkit")
    .description(
      "The Linux 2.6.20 out-of-memory killer, exact: scores, victims, signals, log lines.",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nExit codes: 0 success; 1 a negative answer (no OOM report found, a rank --check " +
        "mismatch); 2 bad input or usage; 3 a system error reading or writing; 70 an " +
        "internal error.",
    )
    .exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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

// A closed pipe (`oomkit gen | head`) ends the output quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportError(err);
  },
);
