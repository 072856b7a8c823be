/**
 * Finds where a text stops being JSON (RFC 8259), for the error message of a snapshot
 * that `JSON.parse` rejected: the engine's own message does not always give a position.
 * Runs only after a failed parse; iterative, so deep nesting cannot overflow the stack.
 */

export interface JsonSyntaxProblem {
  /** Offset (UTF-16 code units) of the first character that cannot be JSON. */
  offset: number;
  line: number;
  column: number;
  /** What was expected there, and what was found. */
  problem: string;
}

function showChar(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the input";
  const code = text.codePointAt(offset)!;
  if (code >= 0x20 && code <= 0x7e) return JSON.stringify(String.fromCharCode(code));
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERAL = /true|false|null/y;

/** Line and column (both from 1) of `offset`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  /** One entry per open container: true for an object, false for an array. */
  const stack: boolean[] = [];
  const fail = (offset: number, expected: string): JsonSyntaxProblem => ({
    offset,
    ...lineAndColumn(text, offset),
    problem: `expected ${expected}, got ${showChar(text, offset)}`,
  });
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  /** Reads a string starting at its opening quote; returns a problem or undefined. */
  const readString = (): JsonSyntaxProblem | undefined => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fail(i, "a closing '\"' (control characters must be escaped)");
      if (c === 0x5c) {
        const next = text.charAt(i + 1);
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return fail(i, "four hex digits after \\u");
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(next) && next !== "") i += 2;
        else return fail(i, "a valid escape sequence");
      } else i++;
    }
    return fail(i, "a closing '\"'");
  };
  /** Reads `"key":` at i (after `{` or `,`); returns a problem or undefined. */
  const readKey = (): JsonSyntaxProblem | undefined => {
    skipSpace();
    if (text.charCodeAt(i) !== 0x22) return fail(i, "a property name in double quotes");
    const bad = readString();
    if (bad !== undefined) return bad;
    skipSpace();
    if (text.charAt(i) !== ":") return fail(i, "':' after the property name");
    i++;
    return undefined;
  };

  let expectValue = true;
  for (;;) {
    skipSpace();
    if (expectValue) {
      const c = text.charAt(i);
      if (c === "{" || c === "[") {
        i++;
        skipSpace();
        if (text.charAt(i) === (c === "{" ? "}" : "]")) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(c === "{");
        if (c === "{") {
          const bad = readKey();
          if (bad !== undefined) return bad;
        }
        continue;
      }
      if (c === '"') {
        const bad = readString();
        if (bad !== undefined) return bad;
        expectValue = false;
        continue;
      }
      const pattern = c === "-" || (c >= "0" && c <= "9") ? NUMBER : LITERAL;
      pattern.lastIndex = i;
      const match = pattern.exec(text);
      if (match === null) return fail(i, "a value");
      i += match[0].length;
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < text.length ? fail(i, "the end of the input") : undefined;
    const close = top ? "}" : "]";
    const c = text.charAt(i);
    if (c === ",") {
      i++;
      if (top) {
        const bad = readKey();
        if (bad !== undefined) return bad;
      }
      expectValue = true;
    } else if (c === close) {
      i++;
      stack.pop();
    } else return fail(i, `',' or '${close}'`);
  }
}
