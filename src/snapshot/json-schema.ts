/**
 * The JSON Schema (draft 2020-12) of `oomkit.snapshot/1`, built from the loader's own
 * rules (each rule carries its fragment): for editors' completion and for checks by
 * other tools. A schema says the shape and the ranges; the loader also checks what a
 * schema cannot (references between tasks, mms and cpusets, ulong strings above their
 * maximum, one node without CONFIG_NUMA; docs/formats.md).
 */
import type { JsonSchema } from "./rules.js";
import { documentRules, SNAPSHOT_FORMAT } from "./schema.js";

export function snapshotJsonSchema(): JsonSchema {
  // The 64-bit ranges at the top, the narrower 32-bit ones when kernel.bits is 32. The
  // GFP names are the same with and without CONFIG_NUMA (only GFP_THISNODE's value differs).
  const wide = documentRules(64, true).document.json;
  const narrow = documentRules(32, true).document.json;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "oomkit.snapshot.schema.json",
    title: "oomkit snapshot",
    description: `An ${SNAPSHOT_FORMAT} document: everything one 2.6.20 out_of_memory() call reads (docs/formats.md).`,
    ...wide,
    if: {
      type: "object",
      properties: {
        kernel: { type: "object", properties: { bits: { const: 32 } }, required: ["bits"] },
      },
      required: ["kernel"],
    },
    // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
    then: { $ref: "#/$defs/bits32" },
    $defs: { bits32: narrow },
  };
}
