import { Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { commanderErrorLine, similarNames, unknownCommandMessage } from "./usage.js";

/** What commander reports for `args` on a small program, formatted as oomkit prints it. */
function errorOf(args: string[]): string {
  let line = "";
  const program = new Command("oomkit").exitOverride();
  const sub = program
    .command("try")
    .addOption(new Option("--sort <policy>").choices(["modern", "2620"]))
    .option("--json")
    .action(() => {});
  for (const cmd of [program, sub]) {
    cmd.exitOverride().configureOutput({
      outputError: (message) => {
        line = commanderErrorLine(message, cmd === sub ? "oomkit try" : "oomkit");
      },
    });
  }
  expect(() => program.parse(args, { from: "user" })).toThrow();
  return line;
}

describe("commander's messages as one line", () => {
  it("an invalid choice", () => {
    expect(errorOf(["try", "--sort", "x"])).toBe(
      "oomkit: option '--sort <policy>' argument 'x' is invalid: allowed choices are modern, 2620 (see oomkit try --help)",
    );
  });
  it("a suggestion stays on the line", () => {
    expect(errorOf(["try", "--jsno"])).toBe(
      "oomkit: unknown option '--jsno' (did you mean --json?)",
    );
    expect(errorOf(["tyr"])).toBe("oomkit: unknown command 'tyr' (did you mean try?)");
  });
});

describe("unknown command names", () => {
  it("suggests as commander does", () => {
    expect(similarNames("sm", ["oom", "sim", "gen"])).toEqual(["sim"]);
    expect(similarNames("zzzzzz", ["oom", "sim", "gen"])).toEqual([]);
    expect(unknownCommandMessage("rnak", ["rank", "replay"])).toBe(
      "unknown command 'rnak' (did you mean rank?)",
    );
    expect(unknownCommandMessage("nosuch", ["rank"])).toBe(
      "unknown command 'nosuch' (see oomkit --help)",
    );
  });
});
