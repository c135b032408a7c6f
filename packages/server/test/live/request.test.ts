// What a job sends to the model and how results come back: the reference bugs
// in request building and result handling (§6 items 1, 2, 7, 10, 11, 13).
import { describe, expect, it } from 'vitest';
import type { ScoreInput } from '@midigpt/core';
import { LiveSession } from '../../src/live/session.js';
import { eventLog, FakeModel, settle } from '../support/fakes.js';

interface Req {
  tracks: Array<{ id: number; bars?: number[]; autoregressive?: boolean; ignore?: boolean; mask_bars?: number[]; attributes?: Record<string, number>; controls?: { pitch_range?: [number, number] } }>;
  config: Record<string, unknown>;
}

function start(params: Record<string, number | string> = {}) {
  const model = new FakeModel();
  const log = eventLog();
  const session = new LiveSession({ model, emit: log.emit });
  session.init();
  for (const [name, value] of Object.entries(params)) session.setParam(name, value);
  session.createTrack(10, 0, 10, false);
  session.createTrack(20, 33, 10, false);
  session.createTrack(30, 24, 10, true);
  session.start();
  return { model, log, session };
}

const request = (model: FakeModel): Req => model.current!.job.request as Req;
const score = (model: FakeModel): ScoreInput => model.current!.job.score;

describe('requests', () => {
  it('the agent continues autoregressively; conditioning tracks hide bars not played yet', () => {
    const { model, session } = start();
    for (let bar = 0; bar < 3; bar++) {
      session.note(10, 60, 90, 0, 0.5, bar);
      session.barEnd(bar, 4, 4);
    }
    const r = request(model);
    expect(r.tracks).toEqual([
      { id: 0, mask_bars: [3, 4] },
      { id: 1, mask_bars: [3, 4] },
      { id: 2, bars: [4], autoregressive: true, mask_bars: [], attributes: {} },
    ]);
    expect(r.config).toMatchObject({ model_dim: 8, mask_mode: 'attention', bars_per_step: 1, max_attempts: 3, seed: -1 });
    expect(score(model).tracks.map((t) => t.bars.length)).toEqual([5, 5, 5]);
    expect(score(model).tracks[0]!.bars[0]!.notes).toEqual([[60, 90, 0, 24]]);
  });

  it('an ignored track carries no masks, so generation does not fail (§6 item 2)', () => {
    const { model, session } = start();
    session.setIgnore(20, true);
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    expect(request(model).tracks[1]).toEqual({ id: 1, ignore: true });
  });

  it('the agent temperature, attribute overrides and pitch range reach the request; pitch range also folds notes (§6 item 11)', async () => {
    const { model, session, log } = start();
    session.setTrackParam(30, 'temperature', 0.7);
    session.setTrackParam(30, 'min_pitch', 64);
    session.setTrackParam(30, 'max_pitch', 80);
    session.setAttribute('max_polyphony', 3);
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    expect(request(model).config.temperature).toBe(0.7);
    expect(request(model).tracks[2]!.attributes).toEqual({ max_polyphony: 3 });
    expect(request(model).tracks[2]!.controls).toEqual({ pitch_range: [64, 80] }); // the model's pitches are masked to it
    expect(request(model).tracks[0]!.controls).toBeUndefined();
    model.finish(2); // pitches 60 and 61 (a fake model ignores the mask): folded by octaves
    await settle();
    const bar = log.events.find((e) => e.type === 'generated');
    expect(bar?.type === 'generated' && bar.notes.map((n) => n.pitch)).toEqual([72, 73]);
  });

  it('attribute overrides do not leak into the next session (§6 item 10)', () => {
    const { model, session } = start();
    session.setAttribute('max_polyphony', 3);
    session.init();
    session.createTrack(0, 0, 10, false);
    session.createTrack(1, 0, 10, true);
    session.start();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    expect(request(model).tracks[1]!.attributes).toEqual({});
  });

  it('generated bars are kept on the piece grid, so later prompts see them in their bar (§6 item 1)', async () => {
    const { model, session } = start();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 4, 4);
    model.finish(4); // onsets 0, 480, 960, 1440 at 480/quarter
    await settle();
    session.barEnd(3, 4, 4);
    const agentBar4 = score(model).tracks[2]!.bars[4]!;
    expect(agentBar4.notes).toEqual([
      [60, 90, 0, 12],
      [61, 90, 12, 12],
      [62, 90, 24, 12],
      [63, 90, 36, 12],
    ]);
  });

  it('features count notes per quarter and durations at 480 ticks per quarter (§6 item 13)', async () => {
    const { model, session, log } = start();
    for (let bar = 0; bar < 3; bar++) session.barEnd(bar, 6, 8);
    model.finish(3);
    await settle();
    const bar = log.events.find((e) => e.type === 'generated');
    if (bar?.type !== 'generated') throw new Error('no bar');
    expect(bar.notes.map((n) => [n.onset, n.duration])).toEqual([
      [0, 480 / 1440],
      [480 / 1440, 480 / 1440],
      [960 / 1440, 480 / 1440],
    ]);
    expect(bar.features).toMatchObject({ note_density: 1, max_polyphony: 1, min_polyphony: 1, min_note_duration: 480, max_note_duration: 480, mean_pitch: 61 });
    expect(bar.inferenceMs).toBe(12.5);
  });

  it('a_masked hides empty agent history; b generates the window but sends only bars not yet played (§6 item 7)', async () => {
    const masked = start({ warmup_policy: 'a_masked' });
    for (let bar = 0; bar < 3; bar++) masked.session.barEnd(bar, 4, 4);
    expect(request(masked.model).tracks[2]).toMatchObject({ bars: [4], mask_bars: [0, 1, 2, 3] });

    const boot = start({ warmup_policy: 'b', lookahead_bars: 2 });
    for (let bar = 0; bar < 2; bar++) boot.session.barEnd(bar, 4, 4); // playhead 2 → target 4
    expect(request(boot.model).tracks[2]).toMatchObject({ bars: [0, 1, 2, 3, 4] });
    boot.model.finish();
    await settle();
    const sent = boot.log.events.flatMap((e) => (e.type === 'generated' ? [e.bar] : []));
    expect(sent).toEqual([2, 3, 4]);
    boot.session.barEnd(2, 4, 4); // history exists now: a plain job
    expect(request(boot.model).tracks[2]).toMatchObject({ bars: [5] });
  });

  it('keeps only the history a prompt can use', async () => {
    const { model, session } = start();
    for (let bar = 0; bar < 100; bar++) {
      session.note(10, 60, 90, 0, 0.5, bar);
      session.barEnd(bar, 4, 4);
      if (model.current) model.finish();
      await settle();
    }
    expect(session.piece.notes(10, 0)).toEqual([]);
    expect(session.piece.notes(10, 99)).toHaveLength(1);
    expect(session.piece.generated.size).toBeLessThanOrEqual(session.piece.limits.historyBars + 2);
  });

  it('bars of a new time signature are written with it', () => {
    const { model, session } = start();
    session.barEnd(0, 4, 4);
    session.barEnd(1, 3, 4);
    session.barEnd(2, 3, 4);
    expect(score(model).tracks[0]!.bars.map((b) => b.ts)).toEqual([
      [4, 4],
      [3, 4],
      [3, 4],
      [3, 4],
      [3, 4],
    ]);
  });
});
