/** The example scenarios, bundled: the default story first, then examples/*.yaml. */

import { DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME } from "../../src/sim/default-scenario.js";

export interface Example {
  file: string;
  text: string;
  /** The first sentence of its opening comment. */
  about: string;
}

const files = import.meta.glob("../../examples/*.yaml", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function about(text: string): string {
  const comment = text
    .split("\n")
    .filter((l) => l.startsWith("#"))
    .map((l) => l.replace(/^#\s?/, ""))
    .join(" ");
  const end = comment.search(/\.(\s|$)/);
  return end < 0 ? comment : comment.slice(0, end + 1);
}

export const EXAMPLES: readonly Example[] = [
  { file: DEFAULT_SCENARIO_NAME, text: DEFAULT_SCENARIO, about: about(DEFAULT_SCENARIO) },
  ...Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, text]) => ({
      file: path.slice(path.lastIndexOf("/") + 1),
      text,
      about: about(text),
    })),
];
