import { describe, expect, test } from "vitest";
import specExample from "../../test/fixtures/snapshots/spec-example.json" with { type: "json" };
import { InputError } from "../errors.js";
import { parseSnapshot, validateSnapshot } from "./load.js";

const SPEC_EXAMPLE = JSON.stringify(specExample);

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: "oomkit.snapshot/1",
    kernel: { bits: 64, hz: 100, uptime: 0, nodes: [{ id: 0 }] },
    tasks: [{ pid: 1, parent: 0, comm: "init", mm: null, uid: 0, euid: 0 }],
    current: 1,
    request: { gfp_mask: "0xd0", zonelist: [] },
    ...extra,
  };
}

describe("parseSnapshot: the example of docs/formats.md §5", () => {
  const snapshot = parseSnapshot(SPEC_EXAMPLE, "spec-example.json");

  test("docs/formats.md §5: loads with every default applied", () => {
    expect(snapshot.kernel).toEqual({
      bits: 64,
      hz: 250,
      uptime: 100000n,
      panic_on_oom: 0,
      CONFIG_NUMA: true,
      CONFIG_CPUSETS: true,
      nodes: [{ id: 0, memory: true }],
    });
    expect(snapshot.cpusets).toEqual([{ path: "/", mems: [0], mem_exclusive: true }]);
    expect(snapshot.mms[2]).toEqual({ id: "java", total_vm: 500000n });
    expect(snapshot.current).toBe(300);
    expect(snapshot.request).toEqual({
      gfp_mask: 0xd0,
      order: 0,
      zonelist: [
        { node: 0, zone: "Normal" },
        { node: 0, zone: "DMA" },
      ],
    });
    expect(snapshot.env).toEqual({
      notifier_freed: 0n,
      printk_ratelimit: true,
      printk_suppressed: 0,
      uninit_nodemask: [],
    });
  });

  test("docs/formats.md §5: tasks get tgid, children, times, cpuset and mems_allowed defaults", () => {
    expect(snapshot.tasks.map((t) => [t.pid, t.tgid, t.children])).toEqual([
      [1, 1, [300, 500]],
      [2, 2, []],
      [300, 300, [400, 401]],
      [400, 400, [450]],
      [401, 400, []],
      [450, 450, []],
      [500, 500, []],
    ]);
    expect(snapshot.tasks[2]).toEqual({
      pid: 300,
      tgid: 300,
      parent: 1,
      children: [400, 401],
      comm: "bash",
      mm: "bash",
      utime: 500n,
      stime: 200n,
      start_time: 50000n,
      nice: 0,
      uid: 1000,
      euid: 1000,
      caps: [],
      oomkilladj: 0,
      flags: [],
      tif: [],
      cpuset: "/",
      mems_allowed: [0],
    });
    expect(snapshot.tasks[6]!.oomkilladj).toBe(-17);
    expect(snapshot.tasks[1]!.mm).toBeNull();
  });
});

describe("defaults of docs/formats.md §2", () => {
  test("docs/formats.md §2.2: without cpusets there is one top cpuset over every online node", () => {
    const s = validateSnapshot(
      minimal({ kernel: { bits: 64, hz: 100, uptime: 0, nodes: [{ id: 3 }, { id: 1 }] } }),
      "x.json",
    );
    expect(s.cpusets).toEqual([{ path: "/", mems: [1, 3], mem_exclusive: true }]);
    expect(s.tasks[0]!.mems_allowed).toEqual([1, 3]);
  });

  test("docs/formats.md §2.2: mem_exclusive defaults to true for / only", () => {
    const s = validateSnapshot(
      minimal({
        cpusets: [
          { path: "/b", mems: [0] },
          { path: "/", mems: [0] },
        ],
      }),
      "x.json",
    );
    expect(s.cpusets.map((c) => [c.path, c.mem_exclusive])).toEqual([
      ["/b", false],
      ["/", true],
    ]);
  });

  test("docs/formats.md §2.4: cpuset defaults to / and mems_allowed to the mems of the task's cpuset", () => {
    const s = validateSnapshot(
      minimal({
        kernel: { bits: 64, hz: 100, uptime: 0, nodes: [{ id: 0 }, { id: 1 }] },
        cpusets: [
          { path: "/", mems: [1, 0] },
          { path: "/one", mems: [1] },
        ],
        tasks: [
          { pid: 1, parent: 0, comm: "init", mm: null, uid: 0, euid: 0 },
          { pid: 2, parent: 1, comm: "a", mm: null, uid: 0, euid: 0, cpuset: "/one" },
          { pid: 3, parent: 1, comm: "b", mm: null, uid: 0, euid: 0, mems_allowed: [1, 0] },
        ],
      }),
      "x.json",
    );
    expect(s.tasks.map((t) => [t.cpuset, t.mems_allowed])).toEqual([
      ["/", [0, 1]],
      ["/one", [1]],
      ["/", [0, 1]],
    ]);
  });

  test("docs/formats.md §2.4: the default children list follows the task list, threads included", () => {
    const s = validateSnapshot(
      minimal({
        tasks: [
          { pid: 1, parent: 0, comm: "init", mm: null, uid: 0, euid: 0 },
          { pid: 7, parent: 1, comm: "a", mm: null, uid: 0, euid: 0 },
          { pid: 5, parent: 1, comm: "b", mm: null, uid: 0, euid: 0 },
          { pid: 6, tgid: 5, parent: 1, comm: "b", mm: null, uid: 0, euid: 0 },
          { pid: 2, parent: 7, comm: "c", mm: null, uid: 0, euid: 0 },
        ],
      }),
      "x.json",
    );
    expect(s.tasks.map((t) => t.children)).toEqual([[7, 5, 6], [2], [], [], []]);
  });

  test("docs/formats.md §2.4: an explicit children list keeps its order", () => {
    const s = validateSnapshot(
      minimal({
        tasks: [
          { pid: 1, parent: 0, comm: "init", mm: null, uid: 0, euid: 0, children: [3, 2] },
          { pid: 2, parent: 1, comm: "a", mm: null, uid: 0, euid: 0 },
          { pid: 3, parent: 1, comm: "b", mm: null, uid: 0, euid: 0 },
        ],
      }),
      "x.json",
    );
    expect(s.tasks[0]!.children).toEqual([3, 2]);
  });

  test("docs/formats.md §2.1/§2.3/§2.8: kernel flags, nodes, mms and env defaults", () => {
    const s = validateSnapshot(
      minimal({
        kernel: {
          bits: 32,
          hz: 1000,
          uptime: "00042",
          panic_on_oom: -1,
          CONFIG_NUMA: false,
          CONFIG_CPUSETS: false,
          nodes: [{ id: 0, memory: false }],
        },
        env: { printk_suppressed: 3, uninit_nodemask: [9, 2] },
      }),
      "x.json",
    );
    expect(s.kernel).toEqual({
      bits: 32,
      hz: 1000,
      uptime: 42n,
      panic_on_oom: -1,
      CONFIG_NUMA: false,
      CONFIG_CPUSETS: false,
      nodes: [{ id: 0, memory: false }],
    });
    expect(s.mms).toEqual([]);
    expect(s.env).toEqual({
      notifier_freed: 0n,
      printk_ratelimit: true,
      printk_suppressed: 3,
      uninit_nodemask: [2, 9],
    });
  });

  test("docs/formats.md §1: name lists come out in table order, node lists in ascending order", () => {
    const s = validateSnapshot(
      minimal({
        kernel: { bits: 64, hz: 100, uptime: 0, nodes: [{ id: 5 }, { id: 2 }] },
        tasks: [
          {
            pid: 1,
            parent: 0,
            comm: "init",
            mm: null,
            uid: 0,
            euid: 0,
            flags: ["PF_SWAPOFF", "PF_EXITING"],
            caps: ["CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_SYS_RAWIO"],
            tif: ["TIF_MEMDIE", "TIF_SIGPENDING"],
            mems_allowed: [5, 2],
          },
        ],
      }),
      "x.json",
    );
    expect(s.tasks[0]).toMatchObject({
      flags: ["PF_EXITING", "PF_SWAPOFF"],
      caps: ["CAP_CHOWN", "CAP_SYS_RAWIO", "CAP_SYS_ADMIN"],
      tif: ["TIF_SIGPENDING", "TIF_MEMDIE"],
      mems_allowed: [2, 5],
    });
  });

  test("docs/formats.md §2.5: current may be a kernel thread", () => {
    expect(validateSnapshot(minimal(), "x.json").current).toBe(1);
  });
});

describe("gfp_mask forms (docs/formats.md §2.6)", () => {
  const mask = (gfp_mask: unknown, numa = true) =>
    validateSnapshot(
      minimal({
        kernel: { bits: 64, hz: 100, uptime: 0, CONFIG_NUMA: numa, nodes: [{ id: 0 }] },
        request: { gfp_mask, zonelist: [] },
      }),
      "x.json",
    ).request.gfp_mask;

  test.each([
    ["0xd0", 0xd0],
    ["0XD0", 0xd0],
    ["0x0", 0],
    ["0x000000d0", 0xd0],
    ["0xffffffff", 0xffffffff],
  ])("docs/formats.md §2.6: hex string %s", (text, value) => {
    expect(mask(text)).toBe(value);
  });

  test("docs/formats.md §2.6: names are OR-ed together, [] is 0", () => {
    expect(mask([])).toBe(0);
    expect(mask(["GFP_KERNEL"])).toBe(0xd0);
    expect(mask(["GFP_KERNEL", "__GFP_HARDWALL"])).toBe(0x200d0);
    expect(mask(["GFP_USER", "__GFP_HARDWALL"])).toBe(0x200d0);
    expect(mask(["GFP_HIGHUSER", "__GFP_THISNODE", "__GFP_COLD"])).toBe(0x200d2 | 0x40000 | 0x100);
    expect(mask(["GFP_NOWAIT"])).toBe(0);
  });

  test("docs/formats.md §2.6: GFP_THISNODE is 0x41200 with CONFIG_NUMA and 0 without", () => {
    expect(mask(["GFP_THISNODE"], true)).toBe(0x41200);
    expect(mask(["GFP_THISNODE"], false)).toBe(0);
    expect(mask(["GFP_THISNODE", "__GFP_THISNODE"], false)).toBe(0x40000);
  });
});

describe("big ulongs (docs/formats.md §1)", () => {
  const withMm = (bits: 32 | 64, total_vm: unknown, uptime: unknown = 0) =>
    minimal({
      kernel: { bits, hz: 100, uptime, nodes: [{ id: 0 }] },
      mms: [{ id: "m", total_vm }],
    });

  test("docs/formats.md §1: 64-bit ULONG_MAX as a string, LONG_MAX uptime", () => {
    const s = validateSnapshot(withMm(64, "18446744073709551615", "9223372036854775807"), "x.json");
    expect(s.mms[0]!.total_vm).toBe(18446744073709551615n);
    expect(s.kernel.uptime).toBe(9223372036854775807n);
  });

  test("docs/formats.md §1: 2^53-1 as a JSON number, 2^53 as a string", () => {
    expect(validateSnapshot(withMm(64, 9007199254740991), "x.json").mms[0]!.total_vm).toBe(
      9007199254740991n,
    );
    expect(validateSnapshot(withMm(64, "9007199254740992"), "x.json").mms[0]!.total_vm).toBe(
      9007199254740992n,
    );
  });

  test("docs/formats.md §1: leading zeros are allowed", () => {
    expect(
      validateSnapshot(withMm(64, "000018446744073709551615"), "x.json").mms[0]!.total_vm,
    ).toBe(18446744073709551615n);
  });

  test("docs/formats.md §1: 32-bit ULONG_MAX and LONG_MAX are the limits", () => {
    const s = validateSnapshot(withMm(32, 4294967295, "2147483647"), "x.json");
    expect(s.mms[0]!.total_vm).toBe(4294967295n);
    expect(s.kernel.uptime).toBe(2147483647n);
    expect(() => validateSnapshot(withMm(32, "4294967296"), "x.json")).toThrow(
      'x.json: mms[0].total_vm: must be at most 4294967295 (ULONG_MAX for 32-bit), got "4294967296"',
    );
    expect(() => validateSnapshot(withMm(64, 9007199254740992), "x.json")).toThrow(
      /mms\[0\]\.total_vm: must be a string of decimal digits when above 2\^53-1/,
    );
  });
});

describe("error messages", () => {
  test("docs/formats.md §3: one InputError whose message is <file>: <path>: <expected>", () => {
    const doc = minimal();
    (doc.tasks as Record<string, unknown>[])[0]!.oomkilladj = 20;
    let caught: unknown;
    try {
      validateSnapshot(doc, "cluster.json");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toBe(
      "cluster.json: tasks[0].oomkilladj: must be an integer from -17 to 15, got 20",
    );
  });

  test("docs/formats.md §3: long strings are shortened in messages", () => {
    const doc = minimal({ format: "x".repeat(100) });
    expect(() => validateSnapshot(doc, "x.json")).toThrow(
      `x.json: format: must be "oomkit.snapshot/1", got "${"x".repeat(40)}..." (100 characters)`,
    );
  });

  test("docs/formats.md §3: a syntax error names the line and column", () => {
    expect(() =>
      parseSnapshot('{"format": "oomkit.snapshot/1",\n\n  "kernel": {,}}', "s.json"),
    ).toThrow('s.json:3:14: $: not valid JSON: expected a property name in double quotes, got ","');
  });
});
