import { UsageError } from "../../errors.js";
import { pidMaxLimit } from "../../kernel/constants.js";
import { jsonDocumentChunks } from "../../report/json-document.js";
import { generateSnapshot } from "../../snapshot/generate.js";
import { snapshotToJson } from "../../snapshot/serialize.js";
import { integerOption } from "../numbers.js";
import { writeChunks } from "../write-output.js";
import type { Register } from "./index.js";

interface GenOptions {
  tasks: number;
  seed: number;
  bits: number;
  hz: number;
  output?: string;
}

export const registerGen: Register = (program) => {
  program
    .command("gen")
    .description("write a realistic random snapshot")
    .option(
      "-n, --tasks <N>",
      "number of tasks (threads)",
      integerOption("--tasks", 1, 4194303),
      100,
    )
    .option("-s, --seed <S>", "random seed", integerOption("--seed", 0, 0xffffffff), 1)
    .option("--bits <32|64>", "width of unsigned long", integerOption("--bits", 32, 64), 64)
    .option("--hz <HZ>", "timer frequency", integerOption("--hz", 12, 1535), 250)
    .option("-o, --output <FILE>", "write to FILE instead of standard output")
    .option("-j, --json", "accepted for uniformity: the output is always JSON")
    .addHelpText(
      "after",
      "\nThe snapshot (an oomkit.snapshot/1 document, docs/formats.md) holds a process tree in " +
        "fork order where most processes have one thread and some have many, kernel threads, a " +
        "few CLONE_VM sharers, varied ages, cpu times, users, nice values and oomkilladj values. " +
        "The same options give the same document, byte for byte. With -o the file is written " +
        "through a temporary file, so a failure leaves no partial file.",
    )
    .action(async (opts: GenOptions) => {
      if (opts.bits !== 32 && opts.bits !== 64)
        throw new UsageError(`--bits must be 32 or 64, got ${opts.bits}`);
      const limit = pidMaxLimit(opts.bits) - 1;
      if (opts.tasks > limit)
        throw new UsageError(`--tasks must be at most ${limit} for ${opts.bits}-bit`);
      const snapshot = generateSnapshot({
        tasks: opts.tasks,
        seed: opts.seed,
        bits: opts.bits,
        hz: opts.hz,
      });
      const doc = snapshotToJson(snapshot) as Record<string, unknown>;
      await writeChunks(opts.output, jsonDocumentChunks(doc));
    });
};
