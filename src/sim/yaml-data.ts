/**
 * A parsed YAML document as plain data, or one input error: what the document may hold
 * but a scenario or a config never needs is refused with its position, before it can
 * escape as an internal error or a library warning. Refused: an alias to an anchor not
 * defined before it, an alias inside its own anchor (a circular structure), a key that is
 * a collection, and aliases expanding past a bound (an alias bomb). Pure.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isNode,
  isPair,
  type LineCounter,
  type Node,
  visit,
} from "yaml";
import { InputError } from "../errors.js";

/** More expansions than this through aliases is refused (the yaml default is 100). */
const MAX_ALIAS_COUNT = 100;

function at(
  file: string,
  lc: LineCounter,
  offset: number | undefined,
  expected: string,
): InputError {
  const pos = offset === undefined ? undefined : lc.linePos(offset);
  return new InputError({ file, path: "$", expected, line: pos?.line, column: pos?.col });
}

export function yamlData(doc: Document, lc: LineCounter, file: string): unknown {
  let problem: InputError | null = null;
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (problem === null && isNode(node) && node.anchor !== undefined && !isAlias(node)) {
        anchors.add(node.anchor);
      }
    },
    Alias(_key, node, path) {
      if (problem !== null) return visit.BREAK;
      const start = node.range?.[0];
      if (!anchors.has(node.source)) {
        problem = at(file, lc, start, `an alias *${node.source} to an anchor defined before it`);
        return visit.BREAK;
      }
      const inside = path.some((p) => isNode(p) && (p as Node).anchor === node.source);
      if (inside) {
        problem = at(file, lc, start, `no alias *${node.source} inside its own anchor`);
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_key, pair) {
      if (problem !== null) return visit.BREAK;
      if (isPair(pair) && isCollection(pair.key)) {
        problem = at(
          file,
          lc,
          pair.key.range?.[0],
          "a key that is a plain value, not a collection",
        );
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (problem !== null) throw problem;
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw at(file, lc, undefined, `aliases expanding at most ${MAX_ALIAS_COUNT} times (${why})`);
  }
}
