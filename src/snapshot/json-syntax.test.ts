import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { findJsonSyntaxError, lineAndColumn } from "./json-syntax.js";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("findJsonSyntaxError (docs/formats.md §3.1: not JSON)", () => {
  test("docs/formats.md §3.1: agrees with JSON.parse on valid JSON text", () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom("", " ", "\n", "\t\r\n"), (text, space) => {
        expect(findJsonSyntaxError(space + text + space)).toBeUndefined();
      }),
    );
  });

  test("docs/formats.md §3.1: finds an error exactly when JSON.parse fails, on damaged JSON text", () => {
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "x", "\u0001", "-", "."),
      )
      .map(([text, at, insert]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + insert + text.slice(cut + (at % 2));
      });
    fc.assert(
      fc.property(damaged, (text) => {
        expect(findJsonSyntaxError(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    ["", 1, 1, "expected a value, got the end of the input"],
    ["{", 1, 2, "expected a property name in double quotes, got the end of the input"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name, got \"1\""],
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes, got "}"'],
    ["[1, 2", 1, 6, "expected ',' or ']', got the end of the input"],
    ["[1 2]", 1, 4, "expected ',' or ']', got \"2\""],
    ['{"a": tru}', 1, 7, 'expected a value, got "t"'],
    ["{}\n{}", 2, 1, 'expected the end of the input, got "{"'],
    ['"a\tb"', 1, 3, "expected a closing '\"' (control characters must be escaped), got U+0009"],
    ['"\\x"', 1, 2, 'expected a valid escape sequence, got "\\\\"'],
    ['"\\u12"', 1, 2, 'expected four hex digits after \\u, got "\\\\"'],
    ['"abc', 1, 5, "expected a closing '\"', got the end of the input"],
    ["\ufeff{}", 1, 1, "expected a value, got U+FEFF"],
    ["[01]", 1, 3, "expected ',' or ']', got \"1\""],
    ["[-]", 1, 2, 'expected a value, got "-"'],
  ])("docs/formats.md §3.1: %j fails at %i:%i", (text, line, column, problem) => {
    expect(findJsonSyntaxError(text)).toMatchObject({ line, column, problem });
  });

  test("line and column count from 1, lines end at \\n", () => {
    expect(lineAndColumn("ab\ncd\r\nef", 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn("ab\ncd\r\nef", 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn("ab\ncd\r\nef", 7)).toEqual({ line: 3, column: 1 });
  });

  test("deep nesting does not overflow the stack", () => {
    const deep = `${"[".repeat(100000)}${"]".repeat(99999)}`;
    expect(findJsonSyntaxError(deep)).toMatchObject({ offset: 199999 });
  });
});
