/**
 * The playground: pick or edit a scenario, run it on the 2.6.20 engine (in a Worker),
 * step through its events and OOM calls, turn a task's knobs and rerun, guess the victim
 * before the scores are shown, replay a pasted kernel log, share the state by link. What
 * it shows is the HTML report itself, rendered for the step reached.
 */

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { EXAMPLE_SNAPSHOT_TEXT } from "../../src/snapshot/example.js";
import { ask } from "./engine.js";
import { EXAMPLES } from "./gallery.js";
import { type Knob, processKnobs, setKnob } from "./knobs.js";
import type {
  CallInfo,
  ReplayInfo,
  RunInfo,
  ScenarioError,
  SnapshotInfo,
  StepInfo,
} from "./protocol.js";
import { decodeShare, encodeShare } from "./share.js";
import "./style.css";

type Target = number | "run";

/** The view after the call: the step just past its oom.result event. */
const after = (c: CallInfo) => c.endAt + 1;
/** The view at its start: oom.invoked shown, nothing scored yet. */
const before = (c: CallInfo) => c.invokedAt + 1;
/** The view of its oom.badness event, where its scored tasks are shown one by one. */
const scoredAt = (c: CallInfo) => c.badnessAt + 1;

/** A place in the run: after `step` events, `sub` scored tasks of a badness step (null: all). */
interface Pos {
  step: number;
  sub: number | null;
}
const later = (a: Pos, b: Pos) =>
  a.step !== b.step ? a.step > b.step : (a.sub ?? Infinity) > (b.sub ?? Infinity);

/** The report page; `data-shown` names what it shows once loaded (for tests and links). */
function Report({ html, id }: { html: string | null; id: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const scroll = useRef<number | null>(null);
  useEffect(() => {
    const f = frame.current;
    if (f === null || html === null) return;
    if (f.srcdoc !== "") scroll.current = f.contentWindow?.scrollY ?? scroll.current;
    // The first page opens at the OOM killer's path; later ones where the reader was.
    const restore = () => {
      const w = f.contentWindow;
      if (w === null) return;
      if (scroll.current === null) w.document.getElementById("path")?.scrollIntoView();
      else w.scrollTo(0, scroll.current);
      f.dataset.shown = id;
    };
    f.addEventListener("load", restore, { once: true });
    f.srcdoc = html;
  }, [html, id]);
  if (html === null) return <div class="frame empty">Nothing to show yet.</div>;
  return <iframe ref={frame} class="frame" title="report" />;
}

function Editor(props: {
  id: string;
  text: string;
  error: ScenarioError | null;
  onText: (t: string) => void;
  onRun: () => void;
}) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = props.text.split("\n").length;
  const bad = props.error?.line ?? null;
  return (
    <div class="editor">
      <div class="gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div class={i + 1 === bad ? "bad" : undefined}>{i + 1}</div>
        ))}
      </div>
      <textarea
        id={props.id}
        spellcheck={false}
        value={props.text}
        onInput={(e) => props.onText(e.currentTarget.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            props.onRun();
          }
        }}
      />
    </div>
  );
}

function Knobs(props: {
  text: string;
  onSet: (path: (string | number)[], knob: Knob, v: number) => void;
}) {
  const procs = processKnobs(props.text);
  if (procs.length === 0) return null;
  const input = (p: (typeof procs)[number], knob: Knob, min: number, max: number) => (
    <input
      type="number"
      min={min}
      max={max}
      value={p[knob]}
      data-knob={`${p.pid ?? p.name}.${knob}`}
      onChange={(e) => {
        const v = Number(e.currentTarget.value);
        if (Number.isInteger(v) && v >= min && v <= max) props.onSet(p.path, knob, v);
      }}
    />
  );
  return (
    <details class="knobs" open>
      <summary>Task knobs: change one and the scenario reruns</summary>
      <table>
        <thead>
          <tr>
            <th>process</th>
            <th>pid</th>
            <th>oomkilladj</th>
            <th>nice</th>
            <th>uid</th>
          </tr>
        </thead>
        <tbody>
          {procs.map((p) => (
            <tr>
              <td style={{ paddingLeft: `${4 + p.depth * 12}px` }}>{p.name}</td>
              <td>{p.pid ?? ""}</td>
              <td>{input(p, "oomkilladj", -17, 15)}</td>
              <td>{input(p, "nice", -20, 19)}</td>
              <td>{input(p, "uid", 0, 65535)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Guess(props: { call: CallInfo; guessed: number | null; onGuess: (pid: number) => void }) {
  const c = props.call;
  if (props.guessed === null) {
    return (
      <div class="guess" id="guess">
        <strong>Predict the victim of call {c.n}.</strong> Which process will the kernel choose?{" "}
        {c.candidates.map((t) => (
          <button type="button" data-pid={t.pid} onClick={() => props.onGuess(t.pid)}>
            {t.comm} ({t.pid})
          </button>
        ))}
      </div>
    );
  }
  const sel = c.selected;
  const right = sel !== null && sel.pid === props.guessed;
  return (
    <div class={`guess ${right ? "right" : "wrong"}`} id="guess">
      You guessed {c.candidates.find((t) => t.pid === props.guessed)?.comm} ({props.guessed}):{" "}
      <strong>{right ? "right" : "not this time"}</strong>.{" "}
      {sel === null
        ? `Nothing was selected (${c.outcome}).`
        : `The kernel chose ${sel.comm} (${sel.pid}) with ${sel.points} points`}
      {c.victim !== null && sel !== null && c.victim.pid !== sel.pid
        ? ` and killed its child ${c.victim.comm} (${c.victim.pid}) first.`
        : sel !== null
          ? "."
          : ""}{" "}
      The scores are in the report below.
    </div>
  );
}

function App() {
  const [tab, setTab] = useState<"scenario" | "snapshot" | "replay">("scenario");
  const [file, setFile] = useState(EXAMPLES[0]!.file);
  const [text, setText] = useState(EXAMPLES[0]!.text);
  const [seed, setSeed] = useState("");
  const [error, setError] = useState<ScenarioError | null>(null);
  const [info, setInfo] = useState<RunInfo | null>(null);
  const [page, setPage] = useState<StepInfo | null>(null);
  const [breakAtOom, setBreakAtOom] = useState(true);
  const [predict, setPredict] = useState(false);
  const [guess, setGuess] = useState<{ n: number; pid: number | null } | null>(null);
  const [link, setLink] = useState("");
  const [pasted, setPasted] = useState("");
  const [replay, setReplay] = useState<ReplayInfo | null>(null);
  const pending = useRef(0);
  const [runs, setRuns] = useState(0);
  const [replays, setReplays] = useState(0);
  const [replayLink, setReplayLink] = useState("");
  const [breakPid, setBreakPid] = useState("");
  const [snapText, setSnapText] = useState(EXAMPLE_SNAPSHOT_TEXT);
  const [snap, setSnap] = useState<SnapshotInfo | null>(null);
  const [snaps, setSnaps] = useState(0);

  const show = async (step: number, run: RunInfo | null = info, sub: number | null = null) => {
    if (run === null) return;
    const ticket = ++pending.current;
    const r = await ask({ kind: "page", step, sub });
    if (ticket === pending.current && r.page !== null) setPage(r.page);
  };

  /** Where Run stops: the first OOM call (before it, when guessing) or the end. */
  const runTarget = (run: RunInfo, from: number): number => {
    const c = run.calls.find((c) => after(c) > from);
    if (!breakAtOom || c === undefined) return run.events;
    if (predict && from < before(c)) {
      setGuess({ n: c.n, pid: null });
      return before(c);
    }
    return after(c);
  };

  const run = async (
    t = text,
    f = file,
    s = seed,
    target: Target = "run",
    sub: number | null = null,
  ) => {
    const seedNum = s.trim() === "" ? undefined : Number(s);
    const r = await ask({ kind: "run", text: t, file: f, seed: seedNum });
    setLink("");
    setGuess(null);
    if (!r.ok) {
      setError(r.error);
      setInfo(null);
      setPage(null);
      return;
    }
    setError(null);
    setInfo(r.info);
    setRuns((n) => n + 1);
    await show(target === "run" ? runTarget(r.info, 0) : target, r.info, sub);
  };

  const replayPasted = async (t: string) => {
    setReplay((await ask({ kind: "replay", text: t })).replay);
    setReplays((n) => n + 1);
  };

  useEffect(() => {
    void (async () => {
      const shared = await decodeShare(location.hash);
      if (shared === null || shared.tab === "replay") {
        await run();
        if (shared === null) return;
        setTab("replay");
        setPasted(shared.text);
        await replayPasted(shared.text);
        return;
      }
      setText(shared.text);
      setFile(shared.file);
      const s = shared.seed === null ? "" : String(shared.seed);
      setSeed(s);
      await run(shared.text, shared.file, s, shared.step, shared.sub);
    })();
  }, []);

  const step = page?.step ?? 0;
  const sub = page?.sub ?? null;
  const total = info?.events ?? 0;
  const go = (n: number, s: number | null = null) => {
    setGuess(null);
    void show(Math.max(0, Math.min(total, n)), info, s);
  };
  const scoring = info?.calls.filter((c) => c.scored.length > 0) ?? [];
  /** Forward one scored task: the next badness() call of the run. */
  const nextTask = () => {
    const c = scoring.find((c) => later({ step: scoredAt(c), sub: null }, { step, sub }));
    if (c === undefined) return;
    const k = step === scoredAt(c) ? sub! + 1 : 1;
    go(scoredAt(c), k >= c.scored.length ? null : k);
  };
  /** Back one scored task; before the first, the event before the scores. */
  const prevTask = () => {
    const c = scoring.filter((c) => scoredAt(c) <= step).pop();
    if (c === undefined) return;
    if (step > scoredAt(c)) return go(scoredAt(c));
    const k = sub ?? c.scored.length;
    if (k > 1) go(step, k - 1);
    else go(step - 1);
  };
  /** The breakpoint "when task X is scored": the next place the chosen pid gets its score. */
  const toScored = () => {
    const pid = Number(breakPid);
    for (const c of scoring) {
      const i = c.scored.findIndex((t) => t.pid === pid);
      const at = { step: scoredAt(c), sub: i + 1 >= c.scored.length ? null : i + 1 };
      if (i >= 0 && later(at, { step, sub })) return go(at.step, at.sub);
    }
  };
  const scoredTasks = [
    ...new Map(scoring.flatMap((c) => c.scored.map((t) => [t.pid, t] as const))).values(),
  ].sort((a, b) => a.pid - b.pid);
  const nextOom = () => {
    if (info === null) return;
    const c = info.calls.find((c) => after(c) > step);
    if (c === undefined) return go(total);
    if (predict && step < before(c)) {
      setGuess({ n: c.n, pid: null });
      void show(before(c));
      return;
    }
    go(after(c));
  };
  const prevOom = () => {
    if (info === null) return;
    const c = [...info.calls].reverse().find((c) => after(c) < step);
    go(c === undefined ? 0 : after(c));
  };
  const guessed = (pid: number) => {
    if (info === null || guess === null) return;
    const c = info.calls.find((c) => c.n === guess.n)!;
    setGuess({ n: c.n, pid });
    void show(after(c));
  };
  const share = async () => {
    const hash = await encodeShare({
      text,
      file,
      seed: seed.trim() === "" ? null : Number(seed),
      step,
      sub,
      tab: "scenario",
    });
    history.replaceState(null, "", hash);
    setLink(location.href);
    void navigator.clipboard?.writeText(location.href).catch(() => {});
  };
  const guessCall = guess === null ? null : (info?.calls.find((c) => c.n === guess.n) ?? null);
  const current = info?.calls.filter((c) => before(c) <= step).pop();
  const scoringNow = current !== undefined && step === scoredAt(current) ? current : undefined;
  const shareReplay = async () => {
    history.replaceState(null, "", await encodeShare({ tab: "replay", text: pasted }));
    setReplayLink(location.href);
    void navigator.clipboard?.writeText(location.href).catch(() => {});
  };
  const runSnapshot = async () => {
    setSnap((await ask({ kind: "snapshot", text: snapText, file: "snapshot.json" })).snapshot);
    setSnaps((n) => n + 1);
  };

  return (
    <div class="app">
      <header>
        <h1>oomkit playground</h1>
        <span class="sub">the Linux 2.6.20 OOM killer, step by step, in your browser</span>
        <nav>
          <button
            type="button"
            class={tab === "scenario" ? "on" : ""}
            onClick={() => setTab("scenario")}
          >
            Scenario
          </button>
          <button
            type="button"
            id="tab-snapshot"
            class={tab === "snapshot" ? "on" : ""}
            onClick={() => {
              setTab("snapshot");
              if (snap === null) void runSnapshot();
            }}
          >
            Snapshot
          </button>
          <button
            type="button"
            id="tab-replay"
            class={tab === "replay" ? "on" : ""}
            onClick={() => setTab("replay")}
          >
            Replay a kernel report
          </button>
        </nav>
      </header>
      {tab === "scenario" ? (
        <main class="split" key="scenario">
          <section class="left">
            <label class="row">
              Example{" "}
              <select
                id="gallery"
                value={EXAMPLES.some((e) => e.file === file) ? file : ""}
                onChange={(e) => {
                  const ex = EXAMPLES.find((x) => x.file === e.currentTarget.value);
                  if (ex === undefined) return;
                  setFile(ex.file);
                  setText(ex.text);
                  void run(ex.text, ex.file, seed);
                }}
              >
                {EXAMPLES.some((e) => e.file === file) ? null : (
                  <option value="">{file} (edited)</option>
                )}
                {EXAMPLES.map((e) => (
                  <option value={e.file}>{e.file}</option>
                ))}
              </select>
            </label>
            <p class="about">{EXAMPLES.find((e) => e.file === file)?.about}</p>
            <Editor
              id="scenario"
              text={text}
              error={error}
              onText={setText}
              onRun={() => void run()}
            />
            {error !== null ? (
              <p class="error" id="error">
                {error.message}
              </p>
            ) : null}
            <div class="row">
              <button type="button" id="run" class="primary" onClick={() => void run()}>
                Run
              </button>
              <label>
                seed{" "}
                <input
                  id="seed"
                  size={6}
                  value={seed}
                  placeholder="scenario's"
                  onInput={(e) => setSeed(e.currentTarget.value)}
                />
              </label>
              <label>
                <input
                  type="checkbox"
                  id="break"
                  checked={breakAtOom}
                  onChange={(e) => setBreakAtOom(e.currentTarget.checked)}
                />{" "}
                stop at the next OOM
              </label>
            </div>
            <div class="row">
              <label>
                when{" "}
                <select
                  id="break-pid"
                  value={breakPid}
                  onChange={(e) => setBreakPid(e.currentTarget.value)}
                >
                  <option value="">(a task)</option>
                  {scoredTasks.map((t) => (
                    <option value={String(t.pid)}>
                      {t.comm} ({t.pid})
                    </option>
                  ))}
                </select>{" "}
                is scored
              </label>
              <button type="button" id="to-scored" disabled={breakPid === ""} onClick={toScored}>
                run to it
              </button>
            </div>
            <Knobs
              text={text}
              onSet={(path, knob, v) => {
                const t = setKnob(text, path, knob, v);
                setText(t);
                void run(t);
              }}
            />
          </section>
          <section class="right">
            <div class="controls">
              <button type="button" id="first" title="the start" onClick={() => go(0)}>
                |◀
              </button>
              <button type="button" id="prev-oom" title="back one OOM call" onClick={prevOom}>
                ◀◀ OOM
              </button>
              <button type="button" id="back" title="back one event" onClick={() => go(step - 1)}>
                ◀ event
              </button>
              <span class="pos" id="pos">
                {step}
                {sub === null ? "" : `.${sub}`} / {total}
              </span>
              <button type="button" id="prev-task" title="back one scored task" onClick={prevTask}>
                ◀ task
              </button>
              <button
                type="button"
                id="next-task"
                title="forward one scored task"
                onClick={nextTask}
              >
                task ▶
              </button>
              <button
                type="button"
                id="forward"
                title="forward one event"
                onClick={() => go(step + 1)}
              >
                event ▶
              </button>
              <button
                type="button"
                id="next-oom"
                title="forward to the next OOM call"
                onClick={nextOom}
              >
                OOM ▶▶
              </button>
              <button type="button" id="last" title="the end" onClick={() => go(total)}>
                ▶|
              </button>
              <label>
                <input
                  type="checkbox"
                  id="predict"
                  checked={predict}
                  onChange={(e) => setPredict(e.currentTarget.checked)}
                />{" "}
                predict the victim
              </label>
              <button type="button" id="share" onClick={() => void share()}>
                Share link
              </button>
            </div>
            {link !== "" ? (
              <input
                class="link"
                id="link"
                readOnly
                value={link}
                onFocus={(e) => e.currentTarget.select()}
              />
            ) : null}
            <p class="status" id="status">
              {info === null
                ? "Not run."
                : `${info.events} events, ${info.calls.length} out_of_memory() call(s), ended: ${info.reason}; the engine took ${info.ms.toFixed(0)} ms. `}
              {current !== undefined ? `At call ${current.n}. ` : ""}
              {scoringNow !== undefined
                ? `Scored ${sub ?? scoringNow.scored.length} of ${scoringNow.scored.length} tasks. `
                : ""}
              {page?.event ? <code>{page.event}</code> : null}
            </p>
            {guessCall !== null ? (
              <Guess call={guessCall} guessed={guess!.pid} onGuess={guessed} />
            ) : null}
            <Report
              html={page?.html ?? null}
              id={`step-${step}${sub === null ? "" : `.${sub}`}-${runs}`}
            />
          </section>
        </main>
      ) : tab === "snapshot" ? (
        <main class="split" key="snapshot">
          <section class="left">
            <p>
              Edit an <code>oomkit.snapshot/1</code> document (as <code>oomkit sim --dump-oom</code>{" "}
              writes them) and run one <code>out_of_memory()</code> call on it, as{" "}
              <code>oomkit oom</code> does.
            </p>
            <Editor
              id="snapshot-text"
              text={snapText}
              error={snap?.error ?? null}
              onText={setSnapText}
              onRun={() => void runSnapshot()}
            />
            {snap?.error ? (
              <p class="error" id="snapshot-error">
                {snap.error.message}
              </p>
            ) : null}
            <div class="row">
              <button
                type="button"
                id="snapshot-run"
                class="primary"
                onClick={() => void runSnapshot()}
              >
                Run out_of_memory()
              </button>
            </div>
            {snap !== null && snap.error === null ? (
              <p class="status" id="snapshot-status">
                {snap.victim === null
                  ? `Nothing killed (${snap.outcome}).`
                  : `The kernel killed ${snap.victim.comm} (${snap.victim.pid}).`}
              </p>
            ) : null}
          </section>
          <section class="right">
            <Report html={snap?.html ?? null} id={`snapshot-${snaps}`} />
          </section>
        </main>
      ) : (
        <main class="split" key="replay">
          <section class="left">
            <p>
              Paste a kernel log holding one or more OOM reports (dmesg, journalctl -k, syslog):
              every report is parsed, scored again and checked against the kernel's victim, as{" "}
              <code>oomkit replay</code> does.
            </p>
            <textarea
              id="report-text"
              class="paste"
              spellcheck={false}
              value={pasted}
              onInput={(e) => setPasted(e.currentTarget.value)}
            />
            <div class="row">
              <button
                type="button"
                id="replay"
                class="primary"
                onClick={() => void replayPasted(pasted)}
              >
                Replay
              </button>
              <button type="button" id="replay-share" onClick={() => void shareReplay()}>
                Share link
              </button>
            </div>
            {replayLink !== "" ? (
              <input
                class="link"
                id="replay-link"
                readOnly
                value={replayLink}
                onFocus={(e) => e.currentTarget.select()}
              />
            ) : null}
            {replay?.message ? <p class="error">{replay.message}</p> : null}
            {replay !== null && replay.events > 0 ? (
              <p class="status" id="replay-status">
                {replay.events} OOM event(s); the kernel's victims:{" "}
                {replay.victims
                  .map((v) => (v === null ? "unknown" : `${v.comm} (${v.pid})`))
                  .join(", ")}
              </p>
            ) : null}
          </section>
          <section class="right">
            <Report html={replay?.html ?? null} id={`replay-${replays}`} />
          </section>
        </main>
      )}
    </div>
  );
}

render(<App />, document.getElementById("app")!);
