/** The page's side of the Worker: one request, one reply, matched by id. */

import type { Reply, Request } from "./protocol.js";
import EngineWorker from "./worker.ts?worker&inline";

type Ask = Request extends infer Q ? (Q extends Request ? Omit<Q, "id"> : never) : never;
type ReplyTo<K extends Request["kind"]> = Extract<Reply, { kind: K }>;

const worker = new EngineWorker();
const waiting = new Map<number, (r: Reply) => void>();
let nextId = 1;

worker.onmessage = (ev: MessageEvent<Reply>) => {
  const done = waiting.get(ev.data.id);
  waiting.delete(ev.data.id);
  done?.(ev.data);
};

export function ask<Q extends Ask>(q: Q): Promise<ReplyTo<Q["kind"]>> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, (r) => resolve(r as ReplyTo<Q["kind"]>));
    worker.postMessage({ ...q, id });
  });
}
