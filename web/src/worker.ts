/// <reference lib="webworker" />
/** The Worker: runs the engine off the page's thread, so a long run never freezes it. */

import uplotJs from "uplot/dist/uPlot.iife.min.js?raw";
import uplotCss from "uplot/dist/uPlot.min.css?raw";
import pageJs from "../../src/report/html/assets/report.js?raw";
import type { Reply, Request } from "./protocol.js";
import { replayText, Session, snapshotText } from "./session.js";

const assets = { uplotJs, uplotCss, pageJs };
let session: Session | null = null;

const post = (r: Reply) => (self as unknown as Worker).postMessage(r);

self.onmessage = (ev: MessageEvent<Request>) => {
  const q = ev.data;
  if (q.kind === "run") {
    const s = Session.run(q.text, q.file, q.seed);
    if (s instanceof Session) {
      session = s;
      post({ id: q.id, kind: "run", ok: true, info: s.info });
    } else {
      session = null;
      post({ id: q.id, kind: "run", ok: false, error: s });
    }
  } else if (q.kind === "page") {
    post({
      id: q.id,
      kind: "page",
      page: session === null ? null : session.page(q.step, q.sub, assets),
    });
  } else if (q.kind === "snapshot") {
    post({ id: q.id, kind: "snapshot", snapshot: snapshotText(q.text, q.file, assets) });
  } else {
    post({ id: q.id, kind: "replay", replay: replayText(q.text, assets) });
  }
};
