/**
 * Colour on a terminal, as users of top and htop expect, and never in a pipe or a file:
 * `NO_COLOR` (any value) turns it off, `FORCE_COLOR` (other than 0) turns it on.
 */
import { styleText } from "node:util";
import type { Paint } from "../report/paint.js";

export type { Paint };

export function colourFor(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0";
  return stream.isTTY === true;
}

const STYLES = {
  victim: ["bold", "red"],
  differs: ["bold", "yellow"],
  agrees: ["green"],
  changed: ["bold"],
  dim: ["dim"],
} as const;

/** A painter that styles text when `on`, and returns it unchanged otherwise. */
export function painter(on: boolean): Paint {
  if (!on) return (_style, text) => text;
  return (style, text) => styleText([...STYLES[style]], text, { validateStream: false });
}
