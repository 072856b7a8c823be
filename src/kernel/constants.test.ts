import { describe, expect, it } from "vitest";
import { capabilityMask, GFP_BITS, gfpComposites, pfMask } from "./constants.js";

describe("kernel constants: one home for names and masks", () => {
  it("capability and PF masks from names; an unknown name is an error, not bit 0", () => {
    expect(capabilityMask(["CAP_CHOWN", "CAP_SYS_ADMIN"])).toBe(1 + 2 ** 21);
    expect(pfMask(["PF_EXITING", "PF_SWAPOFF"])).toBe(0x80004);
    expect(() => capabilityMask(["CAP_NO_SUCH"])).toThrow(RangeError);
    expect(() => pfMask(["toString"])).toThrow(RangeError);
  });
  it("the composite GFP masks are the bits they are made of", () => {
    const c = gfpComposites(true);
    expect(c.GFP_KERNEL).toBe(0xd0);
    expect(c.GFP_HIGHUSER).toBe(0x200d2);
    expect(c.GFP_THISNODE).toBe(0x41200);
    expect(gfpComposites(false).GFP_THISNODE).toBe(0);
    expect(GFP_BITS.__GFP_THISNODE).toBe(0x40000);
  });
});
