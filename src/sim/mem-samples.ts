/**
 * The memory timeline as events: the free pages of each populated zone at the end of
 * every tick in which they changed (`mem.sample`), read from the simulated allocator
 * after each event, each fast-path allocation and each free. Reading changes nothing in
 * what the simulation does.
 */

import type { EventBody, MachineZone, SimEvent } from "./events.js";

interface ZoneView {
  readonly nodeId: number;
  readonly name: string;
  readonly freePages: number;
  readonly presentPages: number;
  readonly pagesMin: number;
  readonly pagesLow: number;
  readonly pagesHigh: number;
}

/** The populated zones as sim.start describes them. */
export function machineZones(zones: readonly ZoneView[]): MachineZone[] {
  return zones
    .filter((z) => z.presentPages > 0)
    .map((z) => ({
      node: z.nodeId,
      name: z.name,
      presentPages: z.presentPages,
      minPages: z.pagesMin,
      lowPages: z.pagesLow,
      highPages: z.pagesHigh,
    }));
}

export class MemorySampler {
  private readonly zones: readonly ZoneView[];
  private readonly now: Float64Array;
  private last: number[] | null = null;
  private tick = -1;

  constructor(
    zones: readonly ZoneView[],
    private readonly emit: (e: SimEvent) => void,
  ) {
    this.zones = zones.filter((z) => z.presentPages > 0);
    this.now = new Float64Array(this.zones.length);
  }

  /** Reads the zones at `tick`; the reading of an earlier tick is emitted first. */
  read(tick: number): void {
    if (tick !== this.tick) this.flush();
    this.tick = tick;
    for (let i = 0; i < this.zones.length; i++) this.now[i] = this.zones[i]!.freePages;
  }

  /** Emits the pending reading if it differs from the last one emitted. */
  flush(): void {
    if (this.tick < 0) return;
    const last = this.last;
    let same = last !== null;
    for (let i = 0; same && i < this.now.length; i++) same = last![i] === this.now[i];
    if (same) return;
    this.last = Array.from(this.now);
    const e: EventBody = { type: "mem.sample", free: this.last };
    this.emit({ ...e, tick: this.tick });
  }
}
