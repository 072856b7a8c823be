/**
 * `oomkit schema scenario|snapshot`: the JSON Schema of a format, generated from its
 * validator (the scenario's zod schema; the snapshot loader's rules), for editors'
 * completion and checks. docs/scenario.schema.json and docs/snapshot.schema.json are the
 * same documents, kept equal by a test.
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

/** The snapshot format as a JSON Schema (draft 2020-12), as `oomkit schema snapshot` prints it. */
export async function snapshotJsonSchemaText(): Promise<string> {
  const { snapshotJsonSchema } = await import("../../snapshot/json-schema.js");
  return `${JSON.stringify(snapshotJsonSchema(), null, 2)}\n`;
}

const FORMATS = ["scenario", "snapshot"];

export const registerSchema: Register = (program) => {
  program
    .command("schema")
    .description("print the JSON Schema of a format, generated from its validator")
    .argument("<format>", 'the format: "scenario" or "snapshot"')
    .addHelpText(
      "after",
      "\nFor editor completion of scenarios in YAML, put this first line in the file:\n" +
        "  # yaml-language-server: $schema=PATH/TO/docs/scenario.schema.json\n" +
        "For a snapshot (JSON), point the editor at docs/snapshot.schema.json. A schema checks " +
        "the shape and the ranges; oomkit validate also checks what a schema cannot " +
        "(references between tasks, mms and cpusets; labels and whole pages in a scenario).",
    )
    .action(async (format: string) => {
      if (!FORMATS.includes(format)) {
        throw new UsageError(`schema: expected "scenario" or "snapshot", got "${format}"`);
      }
      process.stdout.write(
        format === "scenario" ? await scenarioJsonSchema() : await snapshotJsonSchemaText(),
      );
    });
};
