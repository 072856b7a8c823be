import { describe, expect, test } from "vitest";
import { baseDoc, cases } from "../../test/support/snapshot-cases.js";
import { parseSnapshot, validateSnapshot } from "./load.js";

test("the base document of these cases is valid", () => {
  expect(validateSnapshot(baseDoc(), "x.json").tasks).toHaveLength(4);
});

describe("docs/formats.md §3.1: not JSON, not an object", () => {
  test("text that is not JSON gives path $ with line and column", () => {
    expect(() => parseSnapshot('{\n  "format": oops\n}', "x.json")).toThrow(
      'x.json:2:13: $: not valid JSON: expected a value, got "o"',
    );
  });
  test("empty text", () => {
    expect(() => parseSnapshot("", "x.json")).toThrow(
      "x.json:1:1: $: not valid JSON: expected a value, got the end of the input",
    );
  });
  test.each([
    ["[]", "an empty array"],
    ["5", "5"],
    ["null", "null"],
    ['"snapshot"', '"snapshot"'],
  ])("%s is not an object", (text, got) => {
    expect(() => parseSnapshot(text, "x.json")).toThrow(`x.json: $: must be an object, got ${got}`);
  });
});

cases("docs/formats.md §3.1: missing required keys", [
  ["format", (d) => delete d.format, "format", /^required key is missing$/],
  ["kernel", (d) => delete d.kernel, "kernel", /^required key is missing$/],
  ["tasks", (d) => delete d.tasks, "tasks", /^required key is missing$/],
  ["current", (d) => delete d.current, "current", /^required key is missing$/],
  ["request", (d) => delete d.request, "request", /^required key is missing$/],
  ["kernel.hz", (d) => delete d.kernel.hz, "kernel.hz", /missing/],
  ["kernel.uptime", (d) => delete d.kernel.uptime, "kernel.uptime", /missing/],
  ["kernel.nodes", (d) => delete d.kernel.nodes, "kernel.nodes", /missing/],
  ["node id", (d) => delete d.kernel.nodes[1].id, "kernel.nodes[1].id", /missing/],
  ["cpuset mems", (d) => delete d.cpusets[2].mems, "cpusets[2].mems", /missing/],
  ["cpuset path", (d) => delete d.cpusets[1].path, "cpusets[1].path", /missing/],
  ["mm total_vm", (d) => delete d.mms[1].total_vm, "mms[1].total_vm", /missing/],
  ["task comm", (d) => delete d.tasks[2].comm, "tasks[2].comm", /missing/],
  ["task mm", (d) => delete d.tasks[3].mm, "tasks[3].mm", /missing/],
  ["task parent", (d) => delete d.tasks[0].parent, "tasks[0].parent", /missing/],
  ["task uid", (d) => delete d.tasks[1].uid, "tasks[1].uid", /missing/],
  ["gfp_mask", (d) => delete d.request.gfp_mask, "request.gfp_mask", /missing/],
  ["zonelist", (d) => delete d.request.zonelist, "request.zonelist", /missing/],
  ["zone", (d) => delete d.request.zonelist[1].zone, "request.zonelist[1].zone", /missing/],
]);

cases("docs/formats.md §3.1: unknown keys at every level", [
  ["top level", (d) => (d.extra = 1), "$", /^unknown key "extra"$/],
  ["kernel", (d) => (d.kernel.HZ = 100), "kernel", /^unknown key "HZ"$/],
  ["node", (d) => (d.kernel.nodes[0].cpus = 4), "kernel.nodes[0]", /unknown key "cpus"/],
  ["cpuset", (d) => (d.cpusets[3].cpus = [0]), "cpusets[3]", /unknown key "cpus"/],
  ["mm", (d) => (d.mms[0].anon = 1), "mms[0]", /unknown key "anon"/],
  ["task", (d) => (d.tasks[2].foo = 1), "tasks[2]", /^unknown key "foo"$/],
  ["request", (d) => (d.request.nodemask = []), "request", /unknown key "nodemask"/],
  ["zonelist entry", (d) => (d.request.zonelist[0].x = 0), "request.zonelist[0]", /"x"/],
  ["env", (d) => (d.env.oom_score_adj = 0), "env", /unknown key "oom_score_adj"/],
]);

cases("docs/formats.md §3.1: values of the wrong JSON type", [
  ["true for an integer", (d) => (d.tasks[3].uid = true), "tasks[3].uid", /integer.*got true$/],
  [
    "1 for a boolean",
    (d) => (d.kernel.CONFIG_NUMA = 1),
    "kernel.CONFIG_NUMA",
    /true or false, got 1$/,
  ],
  [
    "string for a boolean",
    (d) => (d.env.printk_ratelimit = "yes"),
    "env.printk_ratelimit",
    /got "yes"/,
  ],
  ["null for an optional integer", (d) => (d.tasks[1].nice = null), "tasks[1].nice", /got null$/],
  ["number for comm", (d) => (d.tasks[0].comm = 5), "tasks[0].comm", /string.*got 5$/],
  [
    "number for mm",
    (d) => (d.tasks[0].mm = 5),
    "tasks[0].mm",
    /mm id \(a string\) or null, got 5$/,
  ],
  ["object for tasks", (d) => (d.tasks = {}), "tasks", /must be an array of tasks, got an object/],
  ["object for nodes", (d) => (d.kernel.nodes = {}), "kernel.nodes", /array.*got an object/],
  ["array for kernel", (d) => (d.kernel = []), "kernel", /must be an object, got an empty array/],
  ["string for a task", (d) => (d.tasks[1] = "init"), "tasks[1]", /must be an object, got "init"/],
  [
    "string for flags",
    (d) => (d.tasks[1].flags = "PF_EXITING"),
    "tasks[1].flags",
    /array of PF flag names/,
  ],
  ["number for gfp_mask", (d) => (d.request.gfp_mask = 208), "request.gfp_mask", /got 208$/],
  ["string for current", (d) => (d.current = "10"), "current", /pid.*got "10"$/],
]);

cases("docs/formats.md §3.2: format, bits, hz", [
  [
    "format",
    (d) => (d.format = "oomkit.snapshot/2"),
    "format",
    /must be "oomkit.snapshot\/1", got "oomkit.snapshot\/2"/,
  ],
  ["bits 48", (d) => (d.kernel.bits = 48), "kernel.bits", /^must be 32 or 64, got 48$/],
  [
    "bits as a string",
    (d) => (d.kernel.bits = "64"),
    "kernel.bits",
    /^must be 32 or 64, got "64"$/,
  ],
  ["hz 11", (d) => (d.kernel.hz = 11), "kernel.hz", /^must be an integer from 12 to 1535, got 11$/],
  ["hz 1536", (d) => (d.kernel.hz = 1536), "kernel.hz", /from 12 to 1535, got 1536$/],
]);

const U64_OVER = "18446744073709551616";
cases("docs/formats.md §3.3: ulong ranges", [
  [
    "negative",
    (d) => (d.tasks[3].utime = -1),
    "tasks[3].utime",
    /unsigned integer from 0 to 18446744073709551615, got -1$/,
  ],
  ["fraction", (d) => (d.tasks[3].utime = 1.5), "tasks[3].utime", /got 1.5$/],
  [
    "above ULONG_MAX (64)",
    (d) => (d.mms[1].total_vm = U64_OVER),
    "mms[1].total_vm",
    /at most 18446744073709551615 \(ULONG_MAX for 64-bit\), got "18446744073709551616"/,
  ],
  [
    "above ULONG_MAX with leading zeros",
    (d) => (d.mms[1].total_vm = `000${U64_OVER}`),
    "mms[1].total_vm",
    /ULONG_MAX/,
  ],
  [
    "JSON number above 2^53-1",
    (d) => (d.mms[0].total_vm = 2 ** 53),
    "mms[0].total_vm",
    /string of decimal digits when above 2\^53-1/,
  ],
  [
    "non-digit string",
    (d) => (d.tasks[3].stime = "12a"),
    "tasks[3].stime",
    /decimal digits, got "12a"$/,
  ],
  ["empty string", (d) => (d.tasks[3].stime = ""), "tasks[3].stime", /decimal digits, got ""$/],
  ["signed string", (d) => (d.tasks[3].stime = "+1"), "tasks[3].stime", /got "\+1"$/],
  ["hex string", (d) => (d.env.notifier_freed = "0x10"), "env.notifier_freed", /got "0x10"$/],
  ["boolean", (d) => (d.env.notifier_freed = false), "env.notifier_freed", /got false$/],
  [
    "uptime above LONG_MAX (64)",
    (d) => (d.kernel.uptime = "9223372036854775808"),
    "kernel.uptime",
    /at most 9223372036854775807 \(LONG_MAX for 64-bit\)/,
  ],
  [
    "start_time above LONG_MAX (64)",
    (d) => (d.tasks[3].start_time = "9223372036854775808"),
    "tasks[3].start_time",
    /LONG_MAX for 64-bit/,
  ],
  [
    "rss above ULONG_MAX (64)",
    (d) => (d.mms[0].rss = U64_OVER),
    "mms[0].rss",
    /at most 18446744073709551615 \(ULONG_MAX for 64-bit\)/,
  ],
  ["negative swap", (d) => (d.mms[1].swap = -1), "mms[1].swap", /got -1$/],
  [
    "32-bit: swap above ULONG_MAX",
    (d) => {
      d.kernel.bits = 32;
      d.mms[1].total_vm = 1;
      d.mms[0].swap = 4294967296;
    },
    "mms[0].swap",
    /at most 4294967295 \(ULONG_MAX for 32-bit\), got 4294967296$/,
  ],
  [
    "32-bit: total_vm above ULONG_MAX",
    (d) => {
      d.kernel.bits = 32;
      d.mms[1].total_vm = 4294967296;
    },
    "mms[1].total_vm",
    /at most 4294967295 \(ULONG_MAX for 32-bit\), got 4294967296$/,
  ],
  [
    "32-bit: uptime above LONG_MAX",
    (d) => {
      d.kernel.bits = 32;
      d.mms[1].total_vm = 1;
      d.kernel.uptime = 2147483648;
    },
    "kernel.uptime",
    /at most 2147483647 \(LONG_MAX for 32-bit\)/,
  ],
]);

cases("docs/formats.md §3.3: integer ranges", [
  [
    "nice -21",
    (d) => (d.tasks[1].nice = -21),
    "tasks[1].nice",
    /^must be an integer from -20 to 19, got -21$/,
  ],
  ["nice 20", (d) => (d.tasks[1].nice = 20), "tasks[1].nice", /got 20$/],
  [
    "oomkilladj 16",
    (d) => (d.tasks[3].oomkilladj = 16),
    "tasks[3].oomkilladj",
    /^must be an integer from -17 to 15, got 16$/,
  ],
  ["oomkilladj -18", (d) => (d.tasks[3].oomkilladj = -18), "tasks[3].oomkilladj", /got -18$/],
  [
    "uid 2^32",
    (d) => (d.tasks[1].uid = 2 ** 32),
    "tasks[1].uid",
    /from 0 to 4294967295, got 4294967296$/,
  ],
  ["euid -1", (d) => (d.tasks[1].euid = -1), "tasks[1].euid", /got -1$/],
  [
    "pid 0",
    (d) => (d.tasks[0].pid = 0),
    "tasks[0].pid",
    /pid from 1 to 4194303 \(64-bit\), got 0$/,
  ],
  ["pid PID_MAX_LIMIT (64)", (d) => (d.tasks[3].pid = 4194304), "tasks[3].pid", /got 4194304$/],
  [
    "pid PID_MAX_LIMIT (32)",
    (d) => {
      d.kernel.bits = 32;
      d.mms[1].total_vm = 1;
      d.tasks[3].pid = 32768;
    },
    "tasks[3].pid",
    /pid from 1 to 32767 \(32-bit\), got 32768$/,
  ],
  ["pid fraction", (d) => (d.tasks[3].pid = 11.5), "tasks[3].pid", /got 11.5$/],
  ["tgid 0", (d) => (d.tasks[2].tgid = 0), "tasks[2].tgid", /got 0$/],
  [
    "parent -1",
    (d) => (d.tasks[2].parent = -1),
    "tasks[2].parent",
    /0 \(the idle task\) or a pid.*got -1$/,
  ],
  ["parent too large", (d) => (d.tasks[2].parent = 4194304), "tasks[2].parent", /got 4194304$/],
  ["order 11", (d) => (d.request.order = 11), "request.order", /from 0 to 10, got 11$/],
  ["order -1", (d) => (d.request.order = -1), "request.order", /got -1$/],
  [
    "panic_on_oom above int32",
    (d) => (d.kernel.panic_on_oom = 2 ** 31),
    "kernel.panic_on_oom",
    /from -2147483648 to 2147483647, got 2147483648$/,
  ],
  [
    "panic_on_oom below int32",
    (d) => (d.kernel.panic_on_oom = -(2 ** 31) - 1),
    "kernel.panic_on_oom",
    /got -2147483649$/,
  ],
  [
    "printk_suppressed -1",
    (d) => (d.env.printk_suppressed = -1),
    "env.printk_suppressed",
    /from 0 to 2147483647, got -1$/,
  ],
  [
    "printk_suppressed 2^31",
    (d) => (d.env.printk_suppressed = 2 ** 31),
    "env.printk_suppressed",
    /got 2147483648$/,
  ],
  [
    "node id 64",
    (d) => (d.kernel.nodes[1].id = 64),
    "kernel.nodes[1].id",
    /node id \(an integer from 0 to 63\), got 64$/,
  ],
  ["node id in mems", (d) => (d.cpusets[1].mems = [-1]), "cpusets[1].mems[0]", /got -1$/],
  [
    "node id in mems_allowed",
    (d) => (d.tasks[1].mems_allowed = [1, 64]),
    "tasks[1].mems_allowed[1]",
    /got 64$/,
  ],
  [
    "node id in uninit_nodemask",
    (d) => (d.env.uninit_nodemask = [70]),
    "env.uninit_nodemask[0]",
    /got 70$/,
  ],
  [
    "node id in zonelist",
    (d) => (d.request.zonelist[1].node = 1.5),
    "request.zonelist[1].node",
    /got 1.5$/,
  ],
]);

cases("docs/formats.md §3.4: names and lists", [
  [
    "unknown PF name",
    (d) => (d.tasks[1].flags = ["PF_EXITING", "PF_OOM"]),
    "tasks[1].flags[1]",
    /known PF flag name.*got "PF_OOM"$/,
  ],
  [
    "unknown TIF name",
    (d) => (d.tasks[1].tif = ["TIF_MEMDIES"]),
    "tasks[1].tif[0]",
    /TIF flag name.*got "TIF_MEMDIES"$/,
  ],
  [
    "unknown capability",
    (d) => (d.tasks[1].caps = ["CAP_BPF"]),
    "tasks[1].caps[0]",
    /capability name.*got "CAP_BPF"$/,
  ],
  [
    "unknown GFP name",
    (d) => (d.request.gfp_mask = ["GFP_KERNEL", "GFP_NOFAIL"]),
    "request.gfp_mask[1]",
    /GFP name.*got "GFP_NOFAIL"$/,
  ],
  [
    "duplicate PF name",
    (d) => (d.tasks[1].flags = ["PF_EXITING", "PF_SWAPOFF", "PF_EXITING"]),
    "tasks[1].flags[2]",
    /must not repeat "PF_EXITING" \(already at index 0\)/,
  ],
  [
    "duplicate capability",
    (d) => (d.tasks[1].caps = ["CAP_KILL", "CAP_KILL"]),
    "tasks[1].caps[1]",
    /repeat "CAP_KILL"/,
  ],
  [
    "duplicate TIF name",
    (d) => (d.tasks[1].tif = ["TIF_MEMDIE", "TIF_MEMDIE"]),
    "tasks[1].tif[1]",
    /repeat/,
  ],
  [
    "duplicate GFP name",
    (d) => (d.request.gfp_mask = ["__GFP_WAIT", "__GFP_WAIT"]),
    "request.gfp_mask[1]",
    /repeat "__GFP_WAIT"/,
  ],
  [
    "duplicate node in mems",
    (d) => (d.cpusets[0].mems = [0, 1, 0]),
    "cpusets[0].mems[2]",
    /must not repeat 0 \(already at index 0\)/,
  ],
  [
    "duplicate node in mems_allowed",
    (d) => (d.tasks[1].mems_allowed = [1, 1]),
    "tasks[1].mems_allowed[1]",
    /repeat 1/,
  ],
  [
    "duplicate node in uninit_nodemask",
    (d) => (d.env.uninit_nodemask = [5, 5]),
    "env.uninit_nodemask[1]",
    /repeat 5/,
  ],
  [
    "duplicate child",
    (d) => (d.tasks[0].children = [11, 11, 10, 12]),
    "tasks[0].children[1]",
    /repeat 11/,
  ],
  [
    "gfp 0x alone",
    (d) => (d.request.gfp_mask = "0x"),
    "request.gfp_mask",
    /"0x" or "0X" followed by 1 to 8 hex digits, got "0x"$/,
  ],
  [
    "gfp 9 hex digits",
    (d) => (d.request.gfp_mask = "0x123456789"),
    "request.gfp_mask",
    /got "0x123456789"$/,
  ],
  ["gfp without 0x", (d) => (d.request.gfp_mask = "d0"), "request.gfp_mask", /got "d0"$/],
  ["gfp bad digit", (d) => (d.request.gfp_mask = "0xg0"), "request.gfp_mask", /got "0xg0"$/],
  [
    "gfp decimal number string",
    (d) => (d.request.gfp_mask = "208"),
    "request.gfp_mask",
    /got "208"$/,
  ],
]);
