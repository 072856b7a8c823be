import { UsageError } from "../../errors.js";
import { unknownCommandMessage } from "../usage.js";
import type { Register } from "./index.js";

/**
 * `oomkit help [COMMAND]`: the help of oomkit, or of one command. A name that is no
 * command is a usage error, as `oomkit NAME` is, rather than the whole help on stderr.
 */
export const registerHelp: Register = (program) => {
  program.helpCommand(false);
  program
    .command("help")
    .description("show the help of oomkit or of one command")
    .argument("[COMMAND]", "the command to describe")
    .action((name: string | undefined) => {
      if (name === undefined) {
        program.outputHelp();
        return;
      }
      const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (command === undefined) {
        const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
        throw new UsageError(unknownCommandMessage(name, names));
      }
      command.outputHelp();
    });
};
