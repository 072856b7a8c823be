/**
 * The processes of a scenario's YAML text with the knobs the playground turns
 * (oomkilladj, nice, uid), and the text with one of them changed. Comments and layout
 * of the rest of the text are kept.
 */

import { isMap, isSeq, parseDocument } from "yaml";

export interface ProcessKnobs {
  /** Where the process sits in the document: processes[0].children[1] ... */
  path: (string | number)[];
  name: string;
  pid: number | null;
  depth: number;
  oomkilladj: number;
  nice: number;
  uid: number;
}

export type Knob = "oomkilladj" | "nice" | "uid";

const DEFAULTS: Record<Knob, number> = { oomkilladj: 0, nice: 0, uid: 1000 };

/** The processes of a scenario, parents before their children; [] when it does not parse. */
export function processKnobs(text: string): ProcessKnobs[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return [];
  const out: ProcessKnobs[] = [];
  const walk = (path: (string | number)[], depth: number) => {
    const list = doc.getIn(path, true);
    if (!isSeq(list)) return;
    list.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const at = [...path, i];
      const num = (key: Knob) => {
        const v = item.get(key);
        return typeof v === "number" ? v : DEFAULTS[key];
      };
      const pid = item.get("pid");
      out.push({
        path: at,
        name: String(item.get("label") ?? item.get("name") ?? "?"),
        pid: typeof pid === "number" ? pid : null,
        depth,
        oomkilladj: num("oomkilladj"),
        nice: num("nice"),
        uid: num("uid"),
      });
      walk([...at, "children"], depth + 1);
    });
  };
  walk(["processes"], 0);
  return out;
}

/** The text with one knob of one process set. */
export function setKnob(text: string, path: (string | number)[], knob: Knob, value: number) {
  const doc = parseDocument(text);
  doc.setIn([...path, knob], value);
  return doc.toString();
}
