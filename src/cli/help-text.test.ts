import { describe, expect, it } from "vitest";
import { helpWidth, reflow } from "./help-text.js";

describe("helpWidth", () => {
  it("is the terminal's width, else $COLUMNS, else 80", () => {
    expect(helpWidth({ isTTY: true, columns: 132 }, { COLUMNS: "60" })).toBe(132);
    expect(helpWidth({ isTTY: false }, { COLUMNS: "60" })).toBe(60);
    expect(helpWidth({}, { COLUMNS: "wide" })).toBe(80);
    expect(helpWidth({}, {})).toBe(80);
  });
});

describe("reflow", () => {
  it("joins a hand-wrapped paragraph and wraps it once at the width", () => {
    const text = "one two three\nfour five six seven\neight";
    expect(reflow(text, 40)).toBe("one two three four five six seven eight");
    expect(reflow("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", 40)).toBe(
      "aaaa bbbb cccc dddd eeee ffff gggg hhhh\niiii jjjj kkkk",
    );
  });
  it("keeps blank lines and indented lines, and wraps list items with a hanging indent", () => {
    const text =
      "\nExamples:\n  oomkit sim --json\n\nWhat:\n  - alpha beta gamma delta epsilon zeta eta theta\n    iota kappa\n  - two\n";
    expect(reflow(text, 40)).toBe(
      "\nExamples:\n  oomkit sim --json\n\nWhat:\n  - alpha beta gamma delta epsilon zeta\n    eta theta iota kappa\n  - two\n",
    );
  });
  it("does not wrap below 40 columns, as commander does not", () => {
    expect(reflow("a b c d e f g h i j k l m n o p q r s t u v w x y z", 20)).toBe(
      "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    );
  });
});
