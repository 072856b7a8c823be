/**
 * The shape and value ranges of an `oomkit.snapshot/1` document (docs/formats.md §1–§2).
 * Ranges depend on `kernel.bits` (pids, ulongs) and the GFP names on `CONFIG_NUMA`, so
 * the loader first reads those two with `preflightRule` and then validates the whole
 * document with `documentRules(bits, numa)`.
 */
import { GFP_BITS, gfpComposites, pidMaxLimit } from "../kernel/constants.js";
import { describe } from "./describe.js";
import {
  bool,
  comm,
  cpusetPath,
  gfpMask,
  intIn,
  mmReference,
  nameList,
  nodeId,
  nodeList,
  nonEmptyString,
  oneOf,
  ulong,
} from "./leaves.js";
import { CAP_TABLE, PF_TABLE, TIF_TABLE } from "./name-tables.js";
import { leaf, list, object, optional, type Rule } from "./rules.js";
import type { Bits, ZoneName } from "./types.js";

export const SNAPSHOT_FORMAT = "oomkit.snapshot/1";
export const ZONE_NAMES: readonly ZoneName[] = ["DMA", "DMA32", "Normal", "HighMem"];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UID_MAX = 2 ** 32 - 1;

export const formatRule = leaf(
  (value) => value === SNAPSHOT_FORMAT,
  (input) => `must be ${JSON.stringify(SNAPSHOT_FORMAT)}, got ${describe(input)}`,
  { const: SNAPSHOT_FORMAT },
);
export const bitsRule = oneOf([32, 64]);

/**
 * What must be right before the rest can be checked: the format, bits and CONFIG_NUMA.
 * Other keys, known or not, are left to `documentRules`, which reports in document order.
 */
export const preflightRule: Rule = object(
  {
    format: formatRule,
    kernel: object({ bits: bitsRule, CONFIG_NUMA: optional(bool) }, true),
  },
  true,
);

/** Every rule of the document for one word size and CONFIG_NUMA setting. */
export interface DocumentRules {
  /** The document with `tasks` and `mms` checked only for being arrays. */
  document: Rule;
  /** One element of `tasks`. */
  task: Rule;
  /** One element of `mms`. */
  mm: Rule;
  /** The GFP names `gfp_mask` may use, with their values. */
  gfpNames: Readonly<Record<string, number>>;
}

const cache = new Map<string, DocumentRules>();

export function documentRules(bits: Bits, numa: boolean): DocumentRules {
  const key = `${bits}/${numa}`;
  let rules = cache.get(key);
  if (rules === undefined) {
    rules = buildDocumentRules(bits, numa);
    cache.set(key, rules);
  }
  return rules;
}

/**
 * An array whose elements the loader checks one by one with `items` afterwards (to say
 * which element is wrong at its index); the JSON Schema says both at once.
 */
function arrayOnly(what: string, items: Rule): Rule {
  return leaf(Array.isArray, (input) => `must be ${what}, got ${describe(input)}`, {
    type: "array",
    items: items.json,
  });
}

function buildDocumentRules(bits: Bits, numa: boolean): DocumentRules {
  const pidLimit = pidMaxLimit(bits);
  const width = `${bits}-bit`;
  const ulongMax = (1n << BigInt(bits)) - 1n;
  const longMax = (1n << BigInt(bits - 1)) - 1n;
  const anyUlong = ulong(ulongMax, `ULONG_MAX for ${width}`);
  const longUlong = ulong(longMax, `LONG_MAX for ${width}`);
  const pid = intIn(1, pidLimit - 1, `a pid from 1 to ${pidLimit - 1} (${width})`);
  const gfpNames = { ...GFP_BITS, ...gfpComposites(numa) };

  const node = object({ id: nodeId, memory: optional(bool) });
  const kernel = object({
    bits: bitsRule,
    hz: intIn(12, 1535),
    uptime: longUlong,
    panic_on_oom: optional(intIn(INT32_MIN, INT32_MAX)),
    CONFIG_NUMA: optional(bool),
    CONFIG_CPUSETS: optional(bool),
    nodes: list(node, { what: "an array of nodes", nonEmpty: true }),
  });
  const cpuset = object({ path: cpusetPath, mems: nodeList, mem_exclusive: optional(bool) });
  const mm = object({
    id: nonEmptyString,
    total_vm: anyUlong,
    rss: optional(anyUlong),
    swap: optional(anyUlong),
  });
  const task = object({
    pid,
    tgid: optional(pid),
    parent: intIn(
      0,
      pidLimit - 1,
      `0 (the idle task) or a pid from 1 to ${pidLimit - 1} (${width})`,
    ),
    children: optional(list(pid, { what: "an array of pids", distinct: true })),
    comm,
    mm: mmReference,
    utime: optional(anyUlong),
    stime: optional(anyUlong),
    start_time: optional(longUlong),
    nice: optional(intIn(-20, 19)),
    uid: intIn(0, UID_MAX),
    euid: intIn(0, UID_MAX),
    caps: optional(nameList(CAP_TABLE)),
    oomkilladj: optional(intIn(-17, 15)),
    flags: optional(nameList(PF_TABLE)),
    tif: optional(nameList(TIF_TABLE)),
    cpuset: optional(cpusetPath),
    mems_allowed: optional(nodeList),
  });
  const zonelistEntry = object({ node: nodeId, zone: oneOf(ZONE_NAMES) });
  const request = object({
    gfp_mask: gfpMask(gfpNames),
    order: optional(intIn(0, 10)),
    zonelist: list(zonelistEntry, { what: "an array of zonelist entries" }),
  });
  const env = object({
    notifier_freed: optional(anyUlong),
    printk_ratelimit: optional(bool),
    printk_suppressed: optional(intIn(0, INT32_MAX)),
    uninit_nodemask: optional(nodeList),
  });
  const document = object({
    format: formatRule,
    kernel,
    cpusets: optional(list(cpuset, { what: "an array of cpusets" })),
    mms: optional(arrayOnly("an array of mms", mm)),
    tasks: arrayOnly("an array of tasks", task),
    current: pid,
    request,
    env: optional(env),
  });
  return { document, task, mm, gfpNames };
}

/** A document that passed `documentRules`: the input shape, before defaults. */
export type RawUlong = number | string;

export interface RawNode {
  id: number;
  memory?: boolean;
}

export interface RawKernel {
  bits: Bits;
  hz: number;
  uptime: RawUlong;
  panic_on_oom?: number;
  CONFIG_NUMA?: boolean;
  CONFIG_CPUSETS?: boolean;
  nodes: RawNode[];
}

export interface RawCpuset {
  path: string;
  mems: number[];
  mem_exclusive?: boolean;
}

export interface RawMm {
  id: string;
  total_vm: RawUlong;
  rss?: RawUlong;
  swap?: RawUlong;
}

export interface RawTask {
  pid: number;
  tgid?: number;
  parent: number;
  children?: number[];
  comm: string;
  mm: string | null;
  utime?: RawUlong;
  stime?: RawUlong;
  start_time?: RawUlong;
  nice?: number;
  uid: number;
  euid: number;
  caps?: string[];
  oomkilladj?: number;
  flags?: string[];
  tif?: string[];
  cpuset?: string;
  mems_allowed?: number[];
}

export interface RawRequest {
  gfp_mask: string | string[];
  order?: number;
  zonelist: { node: number; zone: ZoneName }[];
}

export interface RawEnv {
  notifier_freed?: RawUlong;
  printk_ratelimit?: boolean;
  printk_suppressed?: number;
  uninit_nodemask?: number[];
}

export interface RawDocument {
  format: typeof SNAPSHOT_FORMAT;
  kernel: RawKernel;
  cpusets?: RawCpuset[];
  mms?: RawMm[];
  tasks: RawTask[];
  current: number;
  request: RawRequest;
  env?: RawEnv;
}
