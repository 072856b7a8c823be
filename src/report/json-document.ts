/**
 * A JSON document written in pieces: top-level arrays get one element per line, so a
 * snapshot of a million tasks is readable, diffable, and never one giant string.
 */

export function* jsonDocumentChunks(doc: Record<string, unknown>): Generator<string> {
  const keys = Object.keys(doc).filter((key) => doc[key] !== undefined);
  yield "{\n";
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = doc[key];
    const comma = k < keys.length - 1 ? "," : "";
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let i = 0; i < value.length; i++) {
        yield `    ${JSON.stringify(value[i])}${i < value.length - 1 ? "," : ""}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}\n`;
    }
  }
  yield "}\n";
}
