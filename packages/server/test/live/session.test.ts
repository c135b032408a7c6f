// The live session with a scripted model and a manual clock: every state
// transition, scheduling rule and reference bug fix of realtime.md §1 / §6.
import { describe, expect, it } from 'vitest';
import { ErrorCode, LiveError } from '../../src/live/errors.js';
import { LiveSession } from '../../src/live/session.js';
import type { ParamName } from '../../src/live/params.js';
import type { ArgValue } from '../../src/live/values.js';
import { eventLog, FakeModel, ManualClock, settle } from '../support/fakes.js';

interface Setup {
  session: LiveSession;
  model: FakeModel;
  clock: ManualClock;
  log: ReturnType<typeof eventLog>;
}

function setup(startup: Partial<Record<ParamName, ArgValue>> = {}): Setup {
  const model = new FakeModel();
  const clock = new ManualClock();
  const log = eventLog();
  const session = new LiveSession({ model, emit: log.emit, clock, startup });
  return { session, model, clock, log };
}

/** init, a piano (0) and an agent (1), start. */
function running(startup: Partial<Record<ParamName, ArgValue>> = {}): Setup {
  const s = setup(startup);
  s.session.init('test');
  s.session.createTrack(0, 0, 10, false);
  s.session.createTrack(1, 33, 10, true);
  s.session.start();
  s.log.clear();
  return s;
}

function code(fn: () => void): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof LiveError) return error.code;
    throw error;
  }
  return undefined;
}

const targets = (model: FakeModel): number[] => model.jobs.map((j) => firstTarget(j.job.request));
function firstTarget(request: unknown): number {
  const r = request as { tracks: Array<{ bars?: number[]; autoregressive?: boolean }> };
  return r.tracks.find((t) => t.autoregressive)!.bars![0]!;
}

describe('state machine (§1.3)', () => {
  it('init answers capabilities then ready, and moves to INITIALIZING', () => {
    const { session, log } = setup();
    expect(session.state).toBe('UNINITIALIZED');
    session.init('x');
    expect(session.state).toBe('INITIALIZING');
    expect(log.types()).toEqual(['capabilities', 'ready']);
    const caps = JSON.parse((log.events[0] as { json: string }).json);
    expect(caps).toMatchObject({ tension: true, note_density: true, supports_token_mask: false, supports_attention_skip: true, model_dims: [4, 8] });
  });

  it('start needs an agent (6), a conditioning track (1), and buffer_bars ≤ model_dim (4)', () => {
    const { session } = setup({ buffer_bars: 8, model_dim: 4 });
    expect(code(() => session.start())).toBe(ErrorCode.invalidState);
    session.init();
    session.createTrack(0, 0, 10, false);
    expect(code(() => session.start())).toBe(ErrorCode.noAgent);
    session.init();
    session.createTrack(1, 0, 10, true);
    expect(code(() => session.start())).toBe(ErrorCode.invalidState);
    session.createTrack(0, 0, 10, false);
    expect(code(() => session.start())).toBe(ErrorCode.invalidParam);
    session.setParam('buffer_bars', 4);
    session.start();
    expect(session.state).toBe('RUNNING');
  });

  it('start is refused while RUNNING and STOPPED; init restarts', () => {
    const { session, log } = running();
    expect(code(() => session.start())).toBe(ErrorCode.invalidState);
    session.stop();
    expect(session.state).toBe('STOPPED');
    expect(log.types()).toEqual(['stopped']);
    expect(code(() => session.start())).toBe(ErrorCode.invalidState);
    session.init();
    expect(session.state).toBe('INITIALIZING');
    expect(session.piece.tracks()).toEqual([]);
  });

  it('re-init while running goes back to INITIALIZING', () => {
    const { session } = running();
    session.init('again');
    expect(session.state).toBe('INITIALIZING');
  });

  it('tracks: duplicate (3), second agent (7), unknown (2), agent removal (1), agent note (8), note before start (1)', () => {
    const { session } = setup();
    session.init();
    expect(code(() => session.note(0, 60, 90, 0, 0.25, 0))).toBe(ErrorCode.invalidState);
    session.createTrack(0, 0, 10, false);
    expect(code(() => session.createTrack(0, 0, 10, false))).toBe(ErrorCode.duplicateTrack);
    session.createTrack(1, 0, 10, true);
    expect(code(() => session.createTrack(2, 0, 10, true))).toBe(ErrorCode.multiAgent);
    expect(code(() => session.removeTrack(9))).toBe(ErrorCode.unknownTrack);
    expect(code(() => session.removeTrack(1))).toBe(ErrorCode.invalidState);
    expect(code(() => session.setIgnore(1, true))).toBe(ErrorCode.unknownTrack);
    expect(code(() => session.createTrack(3, 128, 10, false))).toBe(ErrorCode.invalidParam);
    session.start();
    expect(code(() => session.note(1, 60, 90, 0, 0.25, 0))).toBe(ErrorCode.agentNote);
    expect(code(() => session.note(7, 60, 90, 0, 0.25, 0))).toBe(ErrorCode.unknownTrack);
    session.createTrack(4, 40, 11, false); // allowed while running
    session.removeTrack(4);
    expect(session.piece.tracks().map((t) => t.id)).toEqual([0, 1]);
  });

  it('bar and note messages are refused outside RUNNING', () => {
    const { session } = running();
    session.stop();
    expect(code(() => session.barEnd(0, 4, 4))).toBe(ErrorCode.invalidState);
    expect(code(() => session.note(0, 60, 90, 0, 0.25, 0))).toBe(ErrorCode.invalidState);
  });
});

describe('piece and bar closing (§1.6)', () => {
  it('counts bars_completed, stores notes on the grid, keeps each bar its time signature', () => {
    const { session } = running({ buffer_bars: 8 });
    for (let k = 0; k < 4; k++) session.note(0, 60 + k, 90, k / 4, 0.25, 0);
    session.barEnd(0, 4, 4);
    session.note(0, 62, 90, 0.5, 0.5, 1);
    session.barEnd(1, 3, 4);
    session.barEnd(2, 6, 8);
    expect(session.barsCompleted).toBe(3);
    expect(session.piece.notes(0, 0)).toEqual([
      { pitch: 60, velocity: 90, onset: 0, duration: 12 },
      { pitch: 61, velocity: 90, onset: 12, duration: 12 },
      { pitch: 62, velocity: 90, onset: 24, duration: 12 },
      { pitch: 63, velocity: 90, onset: 36, duration: 12 },
    ]);
    expect(session.piece.notes(0, 1)).toEqual([{ pitch: 62, velocity: 90, onset: 18, duration: 18 }]);
    expect(session.piece.timeSignature(1)).toEqual([3, 4]);
    expect(session.piece.timeSignature(2)).toEqual([6, 8]);
  });

  it('20 bars run without an error, then stop', async () => {
    const { session, log, model } = running();
    for (let bar = 0; bar < 20; bar++) {
      session.note(0, 60, 90, 0, 0.5, bar);
      session.barEnd(bar, 4, 4);
      if (model.current) model.finish();
      await settle();
    }
    expect(log.events.filter((e) => e.type === 'error' || e.type === 'skipped')).toEqual([]);
    expect(log.events.filter((e) => e.type === 'generated')).toHaveLength(18);
    session.stop();
    expect(session.state).toBe('STOPPED');
  });

  it('refuses bad notes and bar ends with code 4 (§6 item 12)', () => {
    const { session } = running();
    const bad: Array<() => void> = [
      () => session.note(0, 128, 90, 0, 0.25, 0),
      () => session.note(0, -1, 90, 0, 0.25, 0),
      () => session.note(0, 60, 128, 0, 0.25, 0),
      () => session.note(0, 60, 90, 1, 0.25, 0),
      () => session.note(0, 60, 90, -0.1, 0.25, 0),
      () => session.note(0, 60, 90, 0, 0, 0),
      () => session.note(0, 60, 90, 0, Number.NaN, 0),
      () => session.note(0, 60, 90, 0, 0.25, -1),
      () => session.note(0, 60, 90, 0, 0.25, 1000),
      () => session.barEnd(-1, 4, 4),
      () => session.barEnd(0, 4, 0),
      () => session.barEnd(0, 0, 4),
      () => session.barEnd(0, 4, 3),
      () => session.barEnd(0, 5, 4), // not a time signature the model has
    ];
    for (const fn of bad) expect(code(fn)).toBe(ErrorCode.invalidParam);
    session.barEnd(0, 4, 4);
    expect(code(() => session.barEnd(0, 4, 4))).toBe(ErrorCode.invalidParam); // out of order
    expect(code(() => session.note(0, 60, 90, 0, 0.25, 0))).toBe(ErrorCode.invalidParam); // closed bar
    expect(session.barsCompleted).toBe(1);
  });

  it('drops pending notes of bars a later bar end skipped (§6 item 12: they leaked)', () => {
    const { session } = running({ buffer_bars: 8 });
    session.note(0, 60, 90, 0, 0.5, 1);
    session.note(0, 62, 90, 0, 0.5, 2);
    session.note(0, 64, 90, 0, 0.5, 3);
    expect(session.piece.pendingNotes).toBe(3);
    session.barEnd(2, 4, 4); // bars 0 and 1 skipped
    expect(session.piece.notes(0, 2)).toHaveLength(1);
    expect(session.piece.pendingNotes).toBe(1); // bar 3 still open
  });

  it('acknowledges every bar end with its index (ours)', () => {
    const { session, log } = running({ buffer_bars: 8 });
    session.barEnd(0, 4, 4);
    session.barEnd(3, 4, 4);
    expect(log.events.filter((e) => e.type === 'bar_ack')).toEqual([
      { type: 'bar_ack', bar: 0 },
      { type: 'bar_ack', bar: 3 },
    ]);
    expect(session.barsCompleted).toBe(4);
  });
});

describe('scheduling (§1.7)', () => {
  it('the worked example: nothing at bar ends 0 and 1, then target = bar + 2', async () => {
    const { session, model } = running();
    session.barEnd(0, 4, 4);
    session.barEnd(1, 4, 4);
    expect(model.jobs).toHaveLength(0);
    session.barEnd(2, 4, 4);
    expect(targets(model)).toEqual([4]);
    model.finish();
    await settle();
    session.barEnd(3, 4, 4);
    expect(targets(model)).toEqual([5]);
  });

  it('without adapt_buffer the first target is B + k', () => {
    const { session, model } = running({ adapt_buffer: 0, lookahead_bars: 2 });
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    expect(model.jobs).toHaveLength(0);
    session.barEnd(3, 4, 4);
    expect(targets(model)).toEqual([6]);
  });

  it('with num_anticipated_bars 2 each bar is generated once (§6 item 6)', async () => {
    const { session, model, log } = running({ num_anticipated_bars: 2 });
    for (let bar = 0; bar < 12; bar++) {
      session.barEnd(bar, 4, 4);
      if (model.current) model.finish();
      await settle();
    }
    const generated = log.events.flatMap((e) => (e.type === 'generated' ? [e.bar] : []));
    expect(generated).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('one job waits at most: a newer one replaces it and the dropped bar is reported (§6 item 8)', async () => {
    const { session, model, log } = running();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4); // job for 4 runs
    session.barEnd(3, 4, 4); // 5 waits
    session.barEnd(4, 4, 4); // 6 replaces it
    expect(log.types()).toContain('skipped:5:queue_full');
    model.finish();
    await settle();
    expect(targets(model)).toEqual([6]);
  });

  it('a late waiting job is skipped with reason late', async () => {
    const { session, model, log } = running({ buffer_bars: 2, lookahead_bars: 1 });
    session.barEnd(0, 4, 4); // playhead 1 → target 2 runs
    session.barEnd(1, 4, 4); // target 3 waits
    // No new trigger, and the client jumps past bar 3 before the model is free.
    session.setParam('buffer_bars', 64);
    session.setParam('adapt_buffer', 0);
    session.barEnd(3, 4, 4); // playhead 4 > 3
    log.clear();
    model.finish();
    await settle();
    expect(log.types()).toEqual(['generated:2', 'sampled_attrs', 'status', 'skipped:3:late']);
  });

  it('a timeout cancels the run: error 5, the bar skipped, status ready (§6 item 9)', async () => {
    const { session, model, clock, log } = running({ gen_timeout: 1.5 });
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    const job = model.current!;
    log.clear();
    clock.advance(1000);
    expect(job.cancelled).toBe(false);
    clock.advance(600);
    await settle();
    expect(job.cancelled).toBe(true);
    expect(log.types()).toEqual(['error:5', 'skipped:4:timeout', 'status']);
    expect(model.jobs).toHaveLength(0);
  });

  it('a failed run answers error 5 and skips its bars', async () => {
    const { session, model, log } = running();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    log.clear();
    model.fail();
    await settle();
    expect(log.types()).toEqual(['error:5', 'skipped:4:failed', 'status']);
  });

  it('a successful run sends status, prompt state, the bar, sampled attributes, status', async () => {
    const { session, model, log } = running();
    session.barEnd(0, 4, 4);
    session.barEnd(1, 4, 4);
    session.barEnd(2, 4, 4);
    model.finish(2);
    await settle();
    expect(log.types()).toEqual(['bar_ack', 'bar_ack', 'bar_ack', 'status', 'prompt_state', 'generated:4', 'sampled_attrs', 'status']);
    const state = JSON.parse((log.events[4] as { json: string }).json);
    expect(state).toMatchObject({ target_bar: 4, start_bar: 0, end_bar: 5 });
    expect(state.tracks[0].states).toEqual(['C', 'C', 'C', 'A', 'A']);
    expect(state.tracks[1].states).toEqual(['C', 'C', 'C', 'C', 'T']);
    const attrs = JSON.parse((log.events[6] as { json: string }).json);
    expect(attrs).toEqual({ start_bar: 4, end_bar: 5, attrs: { min_polyphony: 1, max_polyphony: 2 } });
  });
});

describe('cancellation (§6 item 10)', () => {
  it('stop cancels the running and the waiting job: nothing of them after stopped', async () => {
    const { session, model, log } = running();
    for (let bar = 0; bar < 4; bar++) session.barEnd(bar, 4, 4);
    const runningJob = model.current!;
    session.stop();
    expect(runningJob.cancelled).toBe(true);
    expect(model.jobs).toHaveLength(0);
    await settle();
    const afterStop = log.types().slice(log.types().indexOf('stopped') + 1);
    expect(afterStop).toEqual([]);
  });

  it('init during a run cancels it and its result never reaches the new session', async () => {
    const { session, model, log } = running();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    const job = model.current!;
    session.init('next');
    expect(job.cancelled).toBe(true);
    await settle();
    expect(log.types().filter((t) => t.startsWith('generated'))).toEqual([]);
  });

  it('a result that arrives after stop is dropped', async () => {
    const model = new FakeModel();
    const log = eventLog();
    const session = new LiveSession({ model, emit: log.emit });
    session.init();
    session.createTrack(0, 0, 10, false);
    session.createTrack(1, 0, 10, true);
    session.start();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    const job = model.current!;
    // A model that ignores cancellation and finishes anyway.
    model.cancel = () => {};
    session.stop();
    job.resolve({ resolution: 480, bars: [], attributes: {}, inferenceMs: 1 });
    await settle();
    expect(log.types().slice(log.types().indexOf('stopped') + 1)).toEqual([]);
  });
});
