/**
 * Refreshing output like top(1): on a terminal each frame redraws the screen in place;
 * otherwise frames are appended. SIGINT ends the loop cleanly after the current frame.
 */

export interface WatchTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Where SIGINT comes from: the process, or an emitter in tests. */
export interface SignalSource {
  on(event: "SIGINT", listener: () => void): unknown;
  off(event: "SIGINT", listener: () => void): unknown;
}

const CLEAR = "\x1b[H\x1b[2J";

export async function watchLoop(
  intervalSeconds: number,
  frame: () => Promise<string>,
  out: WatchTarget,
  signals: SignalSource = process,
  maxFrames = Number.POSITIVE_INFINITY,
): Promise<number> {
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  signals.on("SIGINT", stop);
  let frames = 0;
  try {
    while (!stopped && frames < maxFrames) {
      const text = await frame();
      frames++;
      out.write(out.isTTY ? `${CLEAR}${text}` : text);
      if (stopped || frames >= maxFrames) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    signals.off("SIGINT", stop);
  }
  return frames;
}
