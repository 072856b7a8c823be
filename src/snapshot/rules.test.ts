import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Rule } from "./rules.js";
import { documentRules } from "./schema.js";

/** Values near and across the edges of every task and mm rule. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0,
    1,
    -1,
    15,
    16,
    -17,
    -18,
    19,
    20,
    -20,
    -21,
    63,
    64,
    1.5,
    32767,
    32768,
    4194303,
    4194304,
    4294967295,
    4294967296,
    2 ** 53 - 1,
    2 ** 53,
    null,
    true,
    false,
    "",
    "0",
    "007",
    "12a",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "/",
    "/a",
    "/a/",
    "init",
    "a\tb",
    "x".repeat(15),
    "x".repeat(16),
    "PF_EXITING",
    "TIF_MEMDIE",
    "CAP_SYS_ADMIN",
  ),
  fc.constantFrom([], [0], [0, 0], [1, 64], ["PF_EXITING"], ["PF_EXITING", "PF_EXITING"]),
  fc.constantFrom(["TIF_MEMDIE"], ["CAP_KILL", "CAP_SYS_ADMIN"], ["PF_NOPE"], [2, 3], {}),
  fc.integer({ min: -5, max: 5_000_000 }),
  fc.string({ maxLength: 20 }),
);

const TASK_KEYS = [
  "pid",
  "tgid",
  "parent",
  "children",
  "comm",
  "mm",
  "utime",
  "stime",
  "start_time",
  "nice",
  "uid",
  "euid",
  "caps",
  "oomkilladj",
  "flags",
  "tif",
  "cpuset",
  "mems_allowed",
];

const validTask = {
  pid: 5,
  parent: 1,
  comm: "bash",
  mm: "m",
  uid: 1000,
  euid: 1000,
};

/** Valid tasks with a few keys changed, added or removed. */
const taskLike = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...TASK_KEYS, "bogus"), anyValue, { maxKeys: 3 }),
    fc.subarray(Object.keys(validTask), { maxLength: 1 }),
  )
  .map(([changes, removed]) => {
    const task: Record<string, unknown> = { ...validTask, ...changes };
    for (const key of removed) delete task[key];
    return task;
  });

const mmLike = fc.record(
  { id: anyValue, total_vm: anyValue, extra: anyValue },
  { requiredKeys: [] },
);

function agrees(rule: Rule, value: unknown) {
  expect(rule.test(value)).toBe(rule.schema.safeParse(value).success);
}

describe("fast predicates match their zod schemas (docs/formats.md §1-§2)", () => {
  for (const bits of [32, 64] as const) {
    test(`docs/formats.md §2.4: task rule, ${bits}-bit`, () => {
      const { task } = documentRules(bits, true);
      fc.assert(
        fc.property(taskLike, (value) => agrees(task, value)),
        { numRuns: 3000 },
      );
      fc.assert(fc.property(anyValue, (value) => agrees(task, value)));
    });

    test(`docs/formats.md §2.3: mm rule, ${bits}-bit`, () => {
      const { mm } = documentRules(bits, false);
      fc.assert(
        fc.property(mmLike, (value) => agrees(mm, value)),
        { numRuns: 1000 },
      );
    });
  }

  test("docs/formats.md §2: a valid task passes both", () => {
    const { task } = documentRules(64, true);
    expect(task.test(validTask)).toBe(true);
    expect(task.schema.safeParse(validTask).success).toBe(true);
  });
});
