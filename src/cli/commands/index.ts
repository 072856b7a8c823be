import type { Command } from "commander";
import { registerBadness } from "./badness.js";
import { registerBench } from "./bench.js";
import { registerCompare } from "./compare.js";
import { registerGen } from "./gen.js";
import { registerGuard } from "./guard.js";
import { registerOom } from "./oom.js";
import { registerRank } from "./rank.js";
import { registerReplay } from "./replay.js";
import { registerSim } from "./sim.js";
import { registerSnapshot } from "./snapshot.js";
import { registerValidate } from "./validate.js";

/** Each command lives in its own file and registers itself on the program. */
export type Register = (program: Command) => void;

export const commands: Register[] = [
  registerOom,
  registerBadness,
  registerGen,
  registerBench,
  registerSnapshot,
  registerRank,
  registerSim,
  registerCompare,
  registerValidate,
  registerReplay,
  registerGuard,
];
