#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from "./exit.js";
import { commanderErrorLine } from "./usage.js";
import { VERSION } from "./version.js";

/** Commander's errors as one `oomkit: ...` line on every command. */
function configureErrors(cmd: Command): void {
  const path = cmd.parent === null ? "oomkit" : `oomkit ${cmd.name()}`;
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: (message, write) => write(`${commanderErrorLine(message, path)}\n`),
  });
}

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command("oomkit")
    .description(
      "The Linux 2.6.20 out-of-memory killer, exact: scores, victims, signals, log lines.",
    )
    .version(VERSION, "-V, --version")
    .addHelpText(
      "after",
      "\nExit codes: 0 success; 1 a negative answer (no OOM report found, a rank --check " +
        "mismatch); 2 bad input or usage; 3 a system error reading or writing; 70 an " +
        "internal error.",
    );
  for (const register of commands) register(program);
  for (const cmd of [program, ...program.commands]) configureErrors(cmd);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
