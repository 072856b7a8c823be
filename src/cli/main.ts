#!/usr/bin/env node
/**
 * The `oomkit` executable. `oomkit --version` answers before any other module loads, and
 * `oomkit [CMD] --help` from the help the build kept (help-cache.ts); every other command
 * line loads the program, which loads the named command's module alone.
 */
import { VERSION } from "./version.js";

// A closed pipe (`oomkit gen | head`) ends the output quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const args = process.argv.slice(2);
const asksHelp = args.includes("--help") || args.includes("-h");
const help = asksHelp
  ? (await import("./help-cache.js")).cachedHelp(args, process.stdout, process.env)
  : null;
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${VERSION}\n`);
} else if (help !== null) {
  process.stdout.write(help);
} else {
  const { runProgram } = await import("./program.js");
  const { reportError } = await import("./exit.js");
  runProgram(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(err);
    },
  );
}
