/**
 * `oomkit schema scenario`: the JSON Schema of the scenario format, generated from the
 * validator itself (zod), for editors' completion and checks. docs/scenario.schema.json
 * is the same document, kept equal by a test.
 */
import { UsageError } from "../../errors.js";
import type { Register } from "./index.js";

/** The scenario format as a JSON Schema (draft 2020-12), as `oomkit schema scenario` prints it. */
export async function scenarioJsonSchema(): Promise<string> {
  const { z } = await import("zod");
  const { scenarioSchema } = await import("../../sim/scenario-schema.js");
  const schema = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" });
  const doc = {
    ...schema,
    $id: "oomkit.scenario.schema.json",
    title: "oomkit scenario",
    description:
      "A scenario for oomkit sim: the machine, the processes and the timeline (examples/README.md).",
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const registerSchema: Register = (program) => {
  program
    .command("schema")
    .description("print the JSON Schema of a format, generated from its validator")
    .argument("<format>", 'the format: "scenario"')
    .addHelpText(
      "after",
      "\nFor editor completion of scenarios in YAML, put this first line in the file:\n" +
        "  # yaml-language-server: $schema=PATH/TO/docs/scenario.schema.json\n" +
        "The snapshot format is checked by oomkit's own rules (docs/formats.md), not by a schema.",
    )
    .action(async (format: string) => {
      if (format !== "scenario") {
        throw new UsageError(`schema: expected "scenario", got "${format}"`);
      }
      process.stdout.write(await scenarioJsonSchema());
    });
};
