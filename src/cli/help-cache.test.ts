import { describe, expect, it } from "vitest";
import { cachedHelp, HELP_CACHE_WIDTH, helpAskedFor } from "./help-cache.js";

describe("which command lines the kept help answers (help-cache.ts)", () => {
  it("is exactly [CMD] --help or -h", () => {
    expect(helpAskedFor(["--help"])).toBe("oomkit");
    expect(helpAskedFor(["-h"])).toBe("oomkit");
    expect(helpAskedFor(["rank", "--help"])).toBe("rank");
    expect(helpAskedFor(["rank", "-h"])).toBe("rank");
    expect(helpAskedFor(["rank", "--json", "--help"])).toBeNull();
    expect(helpAskedFor(["--help", "rank"])).toBeNull();
    expect(helpAskedFor(["../rank", "--help"])).toBeNull();
    expect(helpAskedFor(["rank"])).toBeNull();
  });

  it("only at the width the files are written at, and not when turned off", () => {
    const pipe = { isTTY: false };
    const kept = (name: string) => (name === "rank" ? "the help of rank\n" : null);
    const help = (args: string[], stream: object, env: NodeJS.ProcessEnv) =>
      cachedHelp(args, stream, env, kept);
    expect(help(["rank", "--help"], pipe, {})).toBe("the help of rank\n");
    expect(help(["rank", "--help"], { isTTY: true, columns: HELP_CACHE_WIDTH }, {})).toBe(
      "the help of rank\n",
    );
    expect(help(["rank", "--help"], pipe, { COLUMNS: "80" })).toBe("the help of rank\n");
    expect(help(["rank", "--json", "--help"], pipe, {})).toBeNull();
    expect(help(["rank", "--help"], { isTTY: true, columns: 120 }, {})).toBeNull();
    expect(help(["rank", "--help"], pipe, { COLUMNS: "60" })).toBeNull();
    expect(help(["rank", "--help"], pipe, { OOMKIT_HELP_CACHE: "off" })).toBeNull();
    expect(help(["sim", "--help"], pipe, {})).toBeNull();
  });
});
