import { describe, expect, it } from "vitest";
import type { SimEvent } from "../sim/events.js";
import { simJsonLine, snakeCaseKeys, snakeKey } from "./sim-json.js";

describe("sim JSON keys", () => {
  it("camelCase becomes snake_case; other keys are kept", () => {
    expect(snakeKey("gfpMask")).toBe("gfp_mask");
    expect(snakeKey("didSomeProgress")).toBe("did_some_progress");
    expect(snakeKey("type")).toBe("type");
    expect(snakeKey("panic_on_oom")).toBe("panic_on_oom");
    expect(snakeKey("CONFIG_NUMA")).toBe("CONFIG_NUMA");
  });

  it("converts keys at every depth, keeps their order and leaves values alone", () => {
    const value = { swapCache: { findSuccess: 1, noentRace: 0 }, zones: [{ freeArea: [1, 2] }] };
    expect(JSON.stringify(snakeCaseKeys(value))).toBe(
      '{"swap_cache":{"find_success":1,"noent_race":0},"zones":[{"free_area":[1,2]}]}',
    );
    expect(value.swapCache.findSuccess).toBe(1);
  });

  it("an event line: tick, time and type first, the type name as it is", () => {
    const e: SimEvent = {
      type: "alloc.stall",
      pid: 7,
      gfpMask: 0x280d2,
      order: 0,
      classzoneIdx: 2,
      tick: 250,
    };
    expect(simJsonLine(e, 250)).toBe(
      '{"tick":250,"time":"1.000000","type":"alloc.stall","pid":7,"gfp_mask":164050,"order":0,"classzone_idx":2}',
    );
  });
});
