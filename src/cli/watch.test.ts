import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { watchLoop } from "./watch.js";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (t: string) => chunks.push(t) };
}

describe("watchLoop (rank --watch)", () => {
  it("redraws in place on a terminal: each frame starts with an ANSI home + clear", async () => {
    const out = sink(true);
    let n = 0;
    const frames = await watchLoop(0.1, async () => `frame ${++n}\n`, out, new EventEmitter(), 3);
    expect(frames).toBe(3);
    expect(out.chunks).toEqual([
      "\x1b[H\x1b[2Jframe 1\n",
      "\x1b[H\x1b[2Jframe 2\n",
      "\x1b[H\x1b[2Jframe 3\n",
    ]);
  });
  it("appends plain frames otherwise", async () => {
    const out = sink(false);
    await watchLoop(0.1, async () => "x\n", out, new EventEmitter(), 2);
    expect(out.chunks).toEqual(["x\n", "x\n"]);
  });
  it("stops on SIGINT during the wait and removes its handler", async () => {
    const signals = new EventEmitter();
    const out = sink(false);
    const done = watchLoop(3600, async () => "x\n", out, signals);
    await new Promise((r) => setTimeout(r, 20));
    expect(signals.listenerCount("SIGINT")).toBe(1);
    signals.emit("SIGINT");
    expect(await done).toBe(1);
    expect(signals.listenerCount("SIGINT")).toBe(0);
  });
});
