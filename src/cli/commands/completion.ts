/**
 * `oomkit completion SHELL` and `oomkit man`: shell completion and the man page, made
 * from the program's own command definitions.
 */
import { UsageError } from "../../errors.js";
import { bashCompletion, fishCompletion, manPage, zshCompletion } from "../completion.js";
import type { Register } from "./index.js";

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;

export const registerCompletion: Register = (program) => {
  program
    .command("completion")
    .description("print a shell completion script for bash, zsh or fish")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      "\nbash: source <(oomkit completion bash)\nzsh:  oomkit completion zsh > ~/.zfunc/_oomkit (a directory of $fpath)\nfish: oomkit completion fish > ~/.config/fish/completions/oomkit.fish",
    )
    .action((shell: string) => {
      if (!Object.hasOwn(SHELLS, shell)) {
        throw new UsageError(`completion: expected bash, zsh or fish, got "${shell}"`);
      }
      process.stdout.write(SHELLS[shell as keyof typeof SHELLS](program));
    });
  program
    .command("man")
    .description("print the oomkit(1) man page (man -l <(oomkit man))")
    .action(() => {
      const date = new Date().toISOString().slice(0, 10);
      process.stdout.write(manPage(program, date));
    });
};
