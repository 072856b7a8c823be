import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  explainModern,
  type KernelVersion,
  type ModernTask,
  modernRules,
  oomAdjFromScoreAdj,
  oomBadness,
  parseKernelVersion,
  procOomScore,
  SCORING_ERAS,
  scoreAdjFromOomAdj,
  scoringEraOf,
  scoringErasIn,
  selectVictim,
} from "./modern.js";

function task(over: Partial<ModernTask> = {}): ModernTask {
  return {
    pid: 100,
    comm: "app",
    rssPages: 0n,
    swapPages: 0n,
    pgtablesPages: 0n,
    oomScoreAdj: 0,
    isInit: false,
    isKthread: false,
    hasMm: true,
    isVforkChild: false,
    ...over,
  };
}

const V = (a: number, b: number, c = 0): KernelVersion => [a, b, c];

describe("parseKernelVersion", () => {
  it("reads major.minor.patch and ignores the suffix", () => {
    expect(parseKernelVersion("6.18.44-foo")).toEqual([6, 18, 44]);
    expect(parseKernelVersion("5.10")).toEqual([5, 10, 0]);
    expect(parseKernelVersion("2.6.32-754.el6.x86_64")).toEqual([2, 6, 32]);
    expect(parseKernelVersion("Linux version 6.1.0-13-amd64 (debian)")).toEqual([6, 1, 0]);
    expect(parseKernelVersion("v4.19.1")).toEqual([4, 19, 1]);
  });
  it("returns null for text that is not a version", () => {
    expect(parseKernelVersion("")).toBeNull();
    expect(parseKernelVersion("six")).toBeNull();
    expect(parseKernelVersion("6")).toBeNull();
  });
});

describe("spec modern-oom §1.1 eligibility", () => {
  const cases: [string, Partial<ModernTask>][] = [
    ["global init", { isInit: true }],
    ["kernel thread", { isKthread: true }],
    ["no mm", { hasMm: false }],
    ["OOM_SCORE_ADJ_MIN", { oomScoreAdj: -1000 }],
    ["vfork child", { isVforkChild: true }],
    ["OOM skip mm", { mmOomSkip: true }],
  ];
  for (const [name, over] of cases) {
    it(`${name} is ineligible and reads 0`, () => {
      const t = task({ rssPages: 5000n, ...over });
      expect(oomBadness(t, 1_000_000n)).toBeNull();
      expect(procOomScore(t, 1_000_000n)).toBe(0);
    });
  }
  it("a vfork child is a candidate before 4.7 and skipped from 4.7", () => {
    const t = task({ rssPages: 100n, isVforkChild: true });
    expect(oomBadness(t, 10_000n, V(4, 6))).toBe(100n);
    expect(oomBadness(t, 10_000n, V(4, 7))).toBeNull();
  });
});

describe("spec modern-oom §1.2/§1.5 (5.9 .. 6.18)", () => {
  it("points = rss + swap + pgtables + adj * (totalpages / 1000)", () => {
    const t = task({ rssPages: 1000n, swapPages: 7n, pgtablesPages: 3n, oomScoreAdj: 2 });
    expect(oomBadness(t, 1_000_000n)).toBe(1010n + 2000n);
  });
  it("divides totalpages by 1000 before multiplying by adj", () => {
    const t = task({ rssPages: 0n, oomScoreAdj: 500 });
    expect(oomBadness(t, 1999n)).toBe(500n);
  });
  it("points may be negative and /proc truncates toward zero", () => {
    // -1500 * 1000 / 1e6 = -1.5 -> -1 (C), not -2; (1000 - 1) * 2 / 3 = 666.
    const t = task({ rssPages: 500n, oomScoreAdj: -2 });
    expect(oomBadness(t, 1_000_000n)).toBe(-1500n);
    expect(procOomScore(t, 1_000_000n)).toBe(666);
  });
  it("an ordinary task reads 666 + 2/3 of its per-mille share", () => {
    const t = task({ rssPages: 1000n, pgtablesPages: 10n });
    expect(procOomScore(t, 1_000_000n)).toBe(667);
    expect(procOomScore(task({ rssPages: 300_000n }), 1_000_000n)).toBe(866);
  });
  it("adj 1000 on a full machine reads 2000", () => {
    expect(procOomScore(task({ rssPages: 1000n, oomScoreAdj: 1000 }), 1000n)).toBe(2000);
  });
  it("ignores CAP_SYS_ADMIN (bonus removed in 4.17)", () => {
    const t = task({ rssPages: 5100n, hasCapSysAdmin: true });
    expect(oomBadness(t, 100_000n)).toBe(5100n);
    expect(oomBadness(t, 100_000n, V(4, 17))).toBe(5100n);
  });
  it("defaults to 6.18 rules", () => {
    const t = task({ rssPages: 123n, oomScoreAdj: -5 });
    expect(oomBadness(t, 50_000n)).toBe(oomBadness(t, 50_000n, V(6, 18, 44)));
  });
  it("fast-check: /proc value lies in 0..2000 whenever usage fits in totalpages", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1000n, max: 2n ** 40n }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: -999, max: 1000 }),
        (total, share, adj) => {
          const rss = BigInt(Math.floor(Number(total) * share));
          const score = procOomScore(task({ rssPages: rss, oomScoreAdj: adj }), total);
          return score >= 0 && score <= 2000;
        },
      ),
    );
  });
});

describe("spec modern-oom §2 history", () => {
  const total = 10_000n;
  it("2.6.36: per-mille of rss + swap, no page tables, root -30, adj added, clamp 1..1000", () => {
    const t = task({ rssPages: 5000n, pgtablesPages: 1000n, hasCapSysAdmin: true });
    expect(oomBadness(t, total, V(2, 6, 36))).toBe(470n);
    expect(procOomScore(t, total, V(2, 6, 36))).toBe(470);
    expect(oomBadness(task({ rssPages: 5000n, oomScoreAdj: -999 }), total, V(2, 6, 36))).toBe(1n);
    expect(oomBadness(task({ rssPages: 5000n, oomScoreAdj: 1000 }), total, V(2, 6, 36))).toBe(
      1000n,
    );
  });
  it("early 3.x (3.0): page tables join the baseline", () => {
    const t = task({ rssPages: 5000n, pgtablesPages: 1000n });
    expect(oomBadness(t, total, V(2, 6, 39))).toBe(500n);
    expect(oomBadness(t, total, V(3, 0))).toBe(600n);
  });
  it("3.7: points in pages, root bonus as adj - 30, clamp to 1, /proc = points*1000/total", () => {
    const t = task({ rssPages: 5000n, pgtablesPages: 100n, hasCapSysAdmin: true });
    expect(oomBadness(t, 100_000n, V(3, 7))).toBe(5100n - 3000n);
    expect(procOomScore(t, 100_000n, V(3, 7))).toBe(21);
    const low = task({ rssPages: 5000n, oomScoreAdj: -999 });
    expect(oomBadness(low, 100_000n, V(3, 13))).toBe(1n);
    expect(procOomScore(low, 100_000n, V(3, 13))).toBe(0);
  });
  it("3.14: root bonus is 3 % of the task's own points, before adj", () => {
    const t = task({ rssPages: 5000n, pgtablesPages: 100n, hasCapSysAdmin: true, oomScoreAdj: 1 });
    expect(oomBadness(t, 100_000n, V(3, 14))).toBe(5100n - 153n + 100n);
    expect(procOomScore(t, 100_000n, V(3, 14))).toBe(50);
  });
  it("4.17: root bonus removed", () => {
    const t = task({ rssPages: 5000n, pgtablesPages: 100n, hasCapSysAdmin: true });
    expect(oomBadness(t, 100_000n, V(4, 16))).toBe(4947n);
    expect(oomBadness(t, 100_000n, V(4, 17))).toBe(5100n);
  });
  it("5.8 clamps to 1, 5.9 keeps the negative value", () => {
    const t = task({ rssPages: 10n, oomScoreAdj: -998 });
    expect(oomBadness(t, 1_000_000n, V(5, 8))).toBe(1n);
    expect(oomBadness(t, 1_000_000n, V(5, 9))).toBe(10n - 998_000n);
    expect(procOomScore(t, 1_000_000n, V(5, 8))).toBe(0);
    expect(procOomScore(t, 1_000_000n, V(5, 9))).toBe(2);
  });
  it("4.6: an mm marked OOM skip (reaped) becomes ineligible; not before", () => {
    const t = task({ rssPages: 100n, mmOomSkip: true });
    expect(oomBadness(t, 10_000n, V(4, 5))).toBe(100n);
    expect(oomBadness(t, 10_000n, V(4, 6))).toBeNull();
  });
  it("rows that change inputs, not the formula (2.6.25, 4.8, 4.15, 6.2, 6.16) score alike", () => {
    const t = task({ rssPages: 7000n, swapPages: 30n, pgtablesPages: 12n, oomScoreAdj: 42 });
    const pairs: [KernelVersion, KernelVersion][] = [
      [V(2, 6, 24), V(2, 6, 25)],
      [V(4, 7), V(4, 8)],
      [V(4, 14), V(4, 15)],
      [V(6, 1), V(6, 2)],
      [V(6, 15), V(6, 16)],
    ];
    for (const [a, b] of pairs) {
      expect(oomBadness(t, 100_000n, a)).toBe(oomBadness(t, 100_000n, b));
      expect(procOomScore(t, 100_000n, a)).toBe(procOomScore(t, 100_000n, b));
    }
  });
  it("versions before 2.6.36 fall back to the 2.6.36 rules and say so", () => {
    expect(modernRules(V(2, 6, 32)).beforeRewrite).toBe(true);
    const rows = explainModern(task({ rssPages: 1n }), total, V(2, 6, 20));
    expect(rows[0]?.term).toBe("version");
  });
  it("modernRules names each boundary", () => {
    expect(modernRules(V(4, 6)).skipsOomSkipMm).toBe(true);
    expect(modernRules(V(4, 5)).skipsOomSkipMm).toBe(false);
    expect(modernRules(V(5, 9)).lastWinsTie).toBe(true);
    expect(modernRules(V(5, 8, 18)).lastWinsTie).toBe(false);
  });
});

describe("spec modern-oom §1.4 selection", () => {
  const a = task({ pid: 1, rssPages: 100n });
  const b = task({ pid: 2, rssPages: 100n });
  const small = task({ pid: 3, rssPages: 5n });
  it("5.9+: among equal points the task scanned last wins", () => {
    expect(selectVictim([a, b, small], 10_000n)?.pid).toBe(2);
  });
  it("before 5.9: the first task scanned keeps a tie", () => {
    expect(selectVictim([a, b, small], 10_000n, V(5, 8))?.pid).toBe(1);
  });
  it("the Kubernetes case: all adj -998, 5.8 kills the first (pause), 5.9 the largest", () => {
    const pause = task({ pid: 10, rssPages: 50n, oomScoreAdj: -998 });
    const big = task({ pid: 11, rssPages: 90_000n, oomScoreAdj: -998 });
    expect(selectVictim([pause, big], 1_000_000n, V(5, 8))?.pid).toBe(10);
    expect(selectVictim([pause, big], 1_000_000n, V(5, 9))?.pid).toBe(11);
  });
  it("skips ineligible tasks and returns null when none is eligible", () => {
    const init = task({ pid: 1, isInit: true, rssPages: 9999n });
    expect(selectVictim([init, small], 10_000n)?.pid).toBe(3);
    expect(selectVictim([init], 10_000n)).toBeNull();
    expect(selectVictim([], 10_000n)).toBeNull();
  });
  it("an OOM-origin task wins outright", () => {
    const origin = task({ pid: 9, rssPages: 1n, oomOrigin: true });
    expect(selectVictim([a, origin, b], 10_000n)?.pid).toBe(9);
    expect(selectVictim([a, origin, b], 10_000n, V(4, 0))?.pid).toBe(9);
  });
});

describe("explainModern", () => {
  it("ends with the /proc value and names every term", () => {
    const t = task({ rssPages: 1000n, swapPages: 5n, pgtablesPages: 10n, oomScoreAdj: 3 });
    const rows = explainModern(t, 1_000_000n);
    expect(rows.map((r) => r.term)).toEqual([
      "eligible",
      "rss",
      "swap",
      "pgtables",
      "baseline",
      "adj x totalpages/1000",
      "points",
      "oom_score",
    ]);
    expect(rows.at(-1)?.value).toBe(String(procOomScore(t, 1_000_000n)));
  });
  it("gives the reason for an ineligible task", () => {
    const rows = explainModern(task({ isKthread: true }), 1000n);
    expect(rows[0]).toMatchObject({ term: "eligible", value: "no", note: "kernel thread" });
    expect(rows.at(-1)?.value).toBe("0");
  });
});

describe("spec modern-oom §3 oom_adj <-> oom_score_adj", () => {
  it("reads back as documented", () => {
    expect(oomAdjFromScoreAdj(1000)).toBe(15);
    expect(oomAdjFromScoreAdj(-1000)).toBe(-17);
    expect(oomAdjFromScoreAdj(58)).toBe(0);
    expect(oomAdjFromScoreAdj(59)).toBe(1);
    expect(oomAdjFromScoreAdj(999)).toBe(15);
    expect(oomAdjFromScoreAdj(942)).toBe(15);
    expect(oomAdjFromScoreAdj(-999)).toBe(-16);
    expect(oomAdjFromScoreAdj(-59)).toBe(-1);
  });
  it("writes as documented; write 1 stores 58 and reads back 0", () => {
    expect(scoreAdjFromOomAdj(15)).toBe(1000);
    expect(scoreAdjFromOomAdj(-17)).toBe(-1000);
    expect(scoreAdjFromOomAdj(1)).toBe(58);
    expect(oomAdjFromScoreAdj(scoreAdjFromOomAdj(1))).toBe(0);
  });
  it("fast-check: every oom_score_adj maps into the 2.6.20 range -17..15", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (adj) => {
        const o = oomAdjFromScoreAdj(adj);
        return Number.isInteger(o) && o >= -17 && o <= 15 && (o === -17) === (adj === -1000);
      }),
    );
  });
});

describe("scoring eras (modern-oom §2)", () => {
  it("a range of releases maps to the eras it overlaps, each scored at its first release in the range", () => {
    const eras = (lo: KernelVersion, hi: KernelVersion | null) =>
      scoringErasIn(lo, hi).map((x) => `${x.era.label}@${x.version.join(".")}`);
    expect(eras([3, 8, 0], [4, 4, 9999])).toEqual(["3.7-3.13@3.8.0", "3.14-4.16@3.14.0"]);
    expect(eras([5, 4, 0], [6, 7, 9999])).toEqual(["4.17-5.8@5.4.0", "5.9+@5.9.0"]);
    expect(eras([2, 6, 20], null)).toHaveLength(5);
    expect(eras([2, 6, 20], [2, 6, 35])).toEqual([]);
    expect(eras([6, 1, 0], null)).toEqual(["5.9+@6.1.0"]);
  });

  it("each era's release gets the rules the era names", () => {
    for (const era of SCORING_ERAS) {
      const r = modernRules(era.from);
      expect(scoringEraOf(era.from)).toBe(era);
      expect(r.lastWinsTie).toBe(era.clamp === null);
      if (era.to !== null) expect(scoringEraOf(era.to)).toBe(era);
    }
    expect(modernRules([3, 13, 0]).rootBonus).toBe("adjMinus30");
    expect(modernRules([3, 14, 0]).rootBonus).toBe("threePercent");
    expect(scoringEraOf([2, 6, 35])).toBeNull();
  });
});
