// Every route through fastify's `inject`, with the tiny parity model in this
// thread: the answers a client gets when it asks correctly.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Score, type ScoreJSON } from '@midigpt/core';
import { createHttpApp } from '../../src/http/app.js';
import type { InProcessModelClient } from '../../src/worker/client.js';
import { compatScore, infillRequest, midiBytes, multipart, parseEvents, scoreJson, tinyClient } from './support.js';

let client: InProcessModelClient;
let app: FastifyInstance;

beforeAll(async () => {
  client = await tinyClient();
  app = await createHttpApp(client, { checkpoint: 'tiny', log: () => {} });
}, 120_000);

afterAll(async () => {
  await app.close();
  await client.close();
});

/** Every bar except `changed` of `track` is as it was; the changed bars hold legal notes. */
function expectInfill(before: ScoreJSON, after: ScoreJSON, track: number, changed: number[]): void {
  expect(after.tracks.length).toBe(before.tracks.length);
  after.tracks.forEach((t, ti) =>
    t.bars.forEach((bar, bi) => {
      if (ti === track && changed.includes(bi)) {
        for (const [pitch, velocity, onset, duration] of bar.notes) {
          expect(pitch).toBeGreaterThanOrEqual(0);
          expect(pitch).toBeLessThanOrEqual(127);
          expect(velocity).toBeGreaterThan(0);
          expect(onset).toBeGreaterThanOrEqual(0);
          expect(duration).toBeGreaterThan(0);
        }
      } else expect(bar.notes).toEqual(before.tracks[ti]!.bars[bi]!.notes);
    }),
  );
}

describe('GET /health and /info', () => {
  it('/health answers the reference\'s status with the busy flag and queue depth', async () => {
    const r = await app.inject({ url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', busy: false, running: 0, queued: 0, queue_limit: 8 });
  });

  it('/info has the reference\'s keys (checkpoint, 11 capabilities, attribute levels, resolution) and ours', async () => {
    const r = await app.inject({ url: '/info' });
    expect(r.statusCode).toBe(200);
    const info = r.json();
    expect(info.checkpoint).toBe('tiny');
    expect(Object.keys(info.capabilities).sort()).toEqual(
      [
        'tension', 'note_density', 'min_polyphony', 'max_polyphony', 'min_note_duration', 'max_note_duration',
        'supports_token_mask', 'supports_attention_mask', 'supports_attention_approx', 'supports_attention_skip', 'supports_remove',
      ].sort(),
    );
    expect(info.attributes).toMatchObject({ note_density: 10, min_polyphony: 10, max_polyphony: 10, min_note_duration: 6, max_note_duration: 6 });
    expect(info.resolution).toBe(client.info.resolution);
    expect(info.model_dims).toEqual(client.info.modelDims);
    expect(info.attribute_info[0].labels.length).toBe(info.attribute_info[0].size);
  });

  it('a HEAD or an unknown route gets the error shape', async () => {
    const r = await app.inject({ url: '/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /nope', problems: [] } });
  });
});

describe('GET /openapi.json', () => {
  it('is generated from the route schemas', async () => {
    const r = await app.inject({ url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(['/generate', '/health', '/info', '/v1/generate']);
    const v1 = doc.paths['/v1/generate'].post;
    expect(Object.keys(v1.requestBody.content).sort()).toEqual(['application/json', 'audio/midi', 'multipart/form-data']);
    expect(v1.requestBody.content['application/json'].schema.properties.score.required).toEqual(['resolution', 'tracks']);
    expect(Object.keys(v1.responses)).toEqual(expect.arrayContaining(['200', '400', '406', '413', '415', '422', '429', '500', '504']));
    expect(doc.paths['/generate'].post.requestBody.content['application/json'].schema.required).toEqual(['score', 'request']);
  });
});

describe('POST /generate (the reference\'s shape)', () => {
  it('takes note objects and answers the score in the same shape with timing', async () => {
    const score = compatScore();
    const r = await app.inject({ method: 'POST', url: '/generate', payload: { score, request: { tracks: [{ id: 0, bars: [1, 2] }], config: { seed: 3 } } } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['score', 'timing']);
    expect(Object.keys(body.timing).sort()).toEqual(['decode_s', 'encode_s', 'gen_count', 'model_forward_s']);
    expect(body.timing.gen_count).toBeGreaterThan(0);
    expect(body.score.tracks).toHaveLength(2);
    const [melodic, drums] = body.score.tracks;
    expect(melodic.track_type).toBe('melodic');
    expect(drums.track_type).toBe('drum');
    // Bars not asked for come back as they were (the result is at the input's resolution, 480).
    expect(body.score.resolution).toBe(480);
    expect(melodic.bars[0].notes.map((n: { pitch: number }) => n.pitch)).toEqual([60, 60, 60, 60]);
    expect(melodic.bars[3].notes.map((n: { pitch: number }) => n.pitch)).toEqual([65, 65, 65, 65]);
    expect(drums.bars).toEqual(score.tracks[1]!.bars.map((b) => ({ ...b, future: false, notes: b.notes.map((n) => ({ ...n, delta: 0 })) })));
    for (const note of [...melodic.bars[1].notes, ...melodic.bars[2].notes]) expect(Object.keys(note).sort()).toEqual(['delta', 'duration_ticks', 'onset_ticks', 'pitch', 'velocity']);
  });

  it('ignores unknown config keys and defaults of the score, as the reference does', async () => {
    const score = { tracks: compatScore().tracks.map((t) => ({ ...t, attributes: { x: 1 }, bars: t.bars.map((b) => ({ notes: b.notes, beat_length: 4 })) })) };
    const r = await app.inject({ method: 'POST', url: '/generate', payload: { score, request: { tracks: [{ id: 0, bars: [3] }], config: { seed: 1, not_a_setting: true } } } });
    expect(r.statusCode).toBe(200);
    expect(r.json().score.resolution).toBe(480);
  });
});

describe('POST /v1/generate', () => {
  const before = scoreJson();

  it('score JSON in, JSON out: the asked bars change, nothing else', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', payload: { score: before, request: infillRequest(1) } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json();
    expect(body.variations).toHaveLength(1);
    expect(body.variations[0].midi).toBeUndefined();
    expect(body.variations[0].steps).toBeGreaterThan(0);
    expect(typeof body.variations[0].log_likelihood).toBe('number');
    expect(Object.keys(body.timing).sort()).toEqual(['inference_ms', 'queued_ms', 'total_ms']);
    expectInfill(before, body.variations[0].score, 0, [2, 3]);
  });

  it('variations: K alternative results, best first', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', payload: { score: before, request: infillRequest(2), variations: 3 } });
    expect(r.statusCode).toBe(200);
    const { variations } = r.json();
    expect(variations).toHaveLength(3);
    for (const v of variations) expectInfill(before, v.score, 0, [2, 3]);
    const ll = variations.map((v: { log_likelihood: number }) => v.log_likelihood);
    expect([...ll].sort((a, b) => b - a)).toEqual(ll);
  });

  it('the same seed gives the same result', async () => {
    const one = await app.inject({ method: 'POST', url: '/v1/generate', payload: { score: before, request: infillRequest(5) } });
    const two = await app.inject({ method: 'POST', url: '/v1/generate', payload: { score: before, request: infillRequest(5) } });
    expect(one.json().variations[0].score).toEqual(two.json().variations[0].score);
  });

  it('score JSON in, MIDI out (Accept: audio/midi)', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { accept: 'audio/midi' }, payload: { score: before, request: infillRequest(1) } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('audio/midi');
    const back = Score.fromMidi(new Uint8Array(r.rawPayload)).toJSON();
    expectInfill(before, back, 0, [2, 3]);
  });

  it('a MIDI file as multipart/form-data, MIDI out: written over the input file (other tracks byte for byte)', async () => {
    const form = multipart([
      { name: 'file', value: midiBytes(), filename: 'song.mid', type: 'audio/midi' },
      { name: 'request', value: JSON.stringify(infillRequest(1)) },
    ]);
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { 'content-type': form.contentType, accept: 'audio/midi' }, payload: form.body });
    expect(r.statusCode).toBe(200);
    const back = Score.fromMidi(new Uint8Array(r.rawPayload)).toJSON();
    expectInfill(before, back, 0, [2, 3]);
  });

  it('a form whose request part is typed application/json, with variations, answers JSON with the MIDI in base64', async () => {
    const body = multipart([
      { name: 'request', value: JSON.stringify(infillRequest(4)), type: 'application/json' },
      { name: 'variations', value: '2' },
      { name: 'file', value: midiBytes(), filename: 'song.mid', type: 'audio/midi' },
    ]);
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { 'content-type': body.contentType }, payload: body.body });
    expect(r.statusCode).toBe(200);
    const { variations } = r.json();
    expect(variations).toHaveLength(2);
    for (const v of variations) {
      expectInfill(before, v.score, 0, [2, 3]);
      expect(Buffer.from(v.midi, 'base64').subarray(0, 4).toString()).toBe('MThd');
    }
  });

  it('a MIDI file as the body (audio/midi, request in the query), JSON out with the MIDI in base64', async () => {
    const query = new URLSearchParams({ request: JSON.stringify(infillRequest(1)), variations: '2' });
    const r = await app.inject({ method: 'POST', url: `/v1/generate?${query}`, headers: { 'content-type': 'audio/midi' }, payload: midiBytes() });
    expect(r.statusCode).toBe(200);
    const { variations } = r.json();
    expect(variations).toHaveLength(2);
    for (const v of variations) {
      expectInfill(before, v.score, 0, [2, 3]);
      const sorted = (notes: number[][]) => [...notes].sort((a, b) => a[2]! - b[2]! || a[0]! - b[0]!);
      expect(sorted(Score.fromMidi(Buffer.from(v.midi, 'base64')).toJSON().tracks[0]!.bars[2]!.notes)).toEqual(sorted(v.score.tracks[0].bars[2].notes));
    }
  });

  it('add_tracks (JSON body): a new track is appended and generated; the others stay as they were', async () => {
    const id = before.tracks.length;
    const r = await app.inject({
      method: 'POST',
      url: '/v1/generate',
      payload: { score: before, request: { tracks: [{ id, bars: [0, 1, 2, 3] }], config: { seed: 3 } }, add_tracks: [{ instrument: 33, name: 'bass' }] },
    });
    expect(r.statusCode).toBe(200);
    const after: ScoreJSON = r.json().variations[0].score;
    expect(after.tracks).toHaveLength(id + 1);
    expect(after.tracks[id]).toMatchObject({ instrument: 33, track_type: 'melodic', name: 'bass' });
    expect(after.tracks[id]!.bars.length).toBe(before.tracks[0]!.bars.length);
    before.tracks.forEach((t, ti) => expect(after.tracks[ti]!.bars.map((b) => b.notes)).toEqual(t.bars.map((b) => b.notes)));
  });

  it('add_tracks with a MIDI body (query parameter): the MIDI file gains the track, the input tracks read back unchanged', async () => {
    const id = before.tracks.length;
    const query = new URLSearchParams({ request: JSON.stringify({ tracks: [{ id, bars: [1, 2] }], config: { seed: 2 } }), add_tracks: JSON.stringify([{ instrument: 0, track_type: 'drum' }]) });
    const r = await app.inject({ method: 'POST', url: `/v1/generate?${query}`, headers: { 'content-type': 'audio/midi' }, payload: midiBytes() });
    expect(r.statusCode).toBe(200);
    const variation = r.json().variations[0];
    const score: ScoreJSON = variation.score;
    expect(score.tracks[id]!.track_type).toBe('drum');
    const back = Score.fromMidi(Buffer.from(variation.midi, 'base64')).toJSON();
    const notes = (s: ScoreJSON, t: number) => s.tracks[t]?.bars.flatMap((b) => b.notes).length ?? 0;
    for (let t = 0; t < id; t++) expect(notes(back, t)).toBe(notes(before, t));
    // The new track's notes are in the file (a track the model left silent has none to read back).
    expect(notes(back, id)).toBe(notes(score, id));
    if (notes(score, id) > 0) expect(back.tracks[id]!.track_type).toBe('drum');
  });

  it('add_tracks as a form field', async () => {
    const id = before.tracks.length;
    const form = multipart([
      { name: 'file', value: midiBytes(), filename: 'song.mid', type: 'audio/midi' },
      { name: 'request', value: JSON.stringify({ tracks: [{ id, bars: [0, 1] }], config: { seed: 4 } }) },
      { name: 'add_tracks', value: JSON.stringify([{ instrument: 40 }]) },
    ]);
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { 'content-type': form.contentType }, payload: form.body });
    expect(r.statusCode).toBe(200);
    const { variations } = r.json();
    expect(variations[0].score.tracks[id].instrument).toBe(40);
    expect(Buffer.from(variations[0].midi, 'base64').subarray(0, 4).toString()).toBe('MThd');
  });

  it('Accept: text/event-stream streams queued, started, progress (step, tokens, tokens/s), then the result', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { accept: 'text/event-stream' }, payload: { score: before, request: infillRequest(1) } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(r.body);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('queued');
    expect(names[1]).toBe('started');
    expect(names.at(-1)).toBe('result');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data as { step: number; steps: number; tokens: number; tokens_per_second: number });
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) {
      expect(p.steps).toBe(2);
      expect(p.step).toBeLessThan(2);
      expect(p.tokens_per_second).toBeGreaterThan(0);
    }
    expect(progress.map((p) => p.tokens)).toEqual([...progress.map((p) => p.tokens)].sort((a, b) => a - b));
    expectInfill(before, (events.at(-1)!.data as { variations: Array<{ score: ScoreJSON }> }).variations[0]!.score, 0, [2, 3]);
  });

  it('a request problem found by the model side arrives as an error event in the stream', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { accept: 'text/event-stream' }, payload: { score: before, request: { tracks: [{ id: 5, bars: [1] }] } } });
    const events = parseEvents(r.body);
    expect(events.map((e) => e.event)).toEqual(['queued', 'started', 'error']);
    expect(events[2]!.data).toMatchObject({ status: 422, error: { code: 'INVALID_REQUEST' } });
  });

  it('Accept with q-values picks the preferred type it can give', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/generate', headers: { accept: 'application/json;q=0.5, audio/*;q=0.9' }, payload: { score: before, request: infillRequest(1) } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('audio/midi');
  });
});

describe('CORS', () => {
  it('is off unless asked for', async () => {
    const r = await app.inject({ url: '/health', headers: { origin: 'http://example.test' } });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the allowed origin (preflight too) when configured', async () => {
    const withCors = await createHttpApp(client, { cors: 'http://studio.test', log: () => {} });
    try {
      const r = await withCors.inject({ url: '/health', headers: { origin: 'http://studio.test' } });
      expect(r.headers['access-control-allow-origin']).toBe('http://studio.test');
      const pre = await withCors.inject({ method: 'OPTIONS', url: '/v1/generate', headers: { origin: 'http://studio.test', 'access-control-request-method': 'POST' } });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-methods']).toContain('POST');
      const other = await withCors.inject({ url: '/health', headers: { origin: 'http://evil.test' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await withCors.close();
    }
  });
});
